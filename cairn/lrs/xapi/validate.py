"""Statement validation for xAPI 1.0.3 and xAPI 2.0 (IEEE 9274.1.1).

The checks are hand-written over plain dicts with precompiled regular expressions:
ingestion validates every statement of every batch, so this module is on the hot
path (tens of microseconds per statement, no schema engine). Each function raises
:class:`~cairn.lrs.xapi.errors.XAPIError` (400) naming the JSON path of the first
offending field, e.g. ``actor.mbox: must be a mailto: IRI``.

Where the specification text and the ADL conformance suite disagree, this module
follows the suite, which is what conformance is judged by.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from math import isfinite
from typing import Any, Final, NoReturn, TypeVar

import orjson

from cairn.lrs.xapi.errors import XAPIError

VERSION_1 = "1.0.3"
VERSION_2 = "2.0.0"
SUPPORTED_VERSIONS: Final = frozenset({VERSION_1, VERSION_2})

VOIDED_VERB: Final = "http://adlnet.gov/expapi/verbs/voided"

_MISSING: Final = object()

# --- lexical forms ---------------------------------------------------------------

_UUID_MATCH = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
).fullmatch
# An IRI must at least be absolute: a scheme (RFC 3986 3.1) followed by ":" and a
# non-empty body without whitespace, control characters (RFC 3987 allows none; a NUL
# could not even be stored in PostgreSQL's text) or the characters it excludes
# outright.
_IRI_MATCH = re.compile(
    r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s\x00-\x1f\x7f<>\"{}|\\^`]+"
).fullmatch
_MAILTO_MATCH = re.compile(r"mailto:[^@\s/?#:]+@[^@\s/?#]+").fullmatch
_SHA1_MATCH = re.compile(r"[0-9a-fA-F]{40}").fullmatch
# SHA-224/256/384/512 hex digests.
_SHA2_MATCH = re.compile(
    r"[0-9a-fA-F]{56}|[0-9a-fA-F]{64}|[0-9a-fA-F]{96}|[0-9a-fA-F]{128}"
).fullmatch
_VERSION_1_MATCH = re.compile(r"1\.0(?:\.\d+)?").fullmatch
_VERSION_2_MATCH = re.compile(r"(?:1\.0|2\.0)(?:\.\d+)?").fullmatch
_MEDIA_CHARS = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_MEDIA_TYPE_MATCH = re.compile(
    rf"{_MEDIA_CHARS}/{_MEDIA_CHARS}(?:\s*;.*)?", re.DOTALL
).fullmatch

# ISO 8601 duration in the format of 4.4.3.2 (PnYnMnDTnHnMnS or PnW); the
# alternative time-point format of 4.4.3.3 is refused.
_N = r"\d+(?:[.,]\d+)?"
_DURATION_MATCH = re.compile(
    rf"P(?=\d)(?:{_N}Y)?(?:{_N}M)?(?:{_N}D)?(?:T(?=\d)(?:{_N}H)?(?:{_N}M)?(?:{_N}S)?)?"
    rf"|P(?:{_N}Y)?(?:{_N}M)?(?:{_N}D)?T(?=\d)(?:{_N}H)?(?:{_N}M)?(?:{_N}S)?"
    rf"|P{_N}W"
).fullmatch

# ISO 8601 date-time, extended or basic format, and RFC 3339. The offset is
# optional (a timestamp SHOULD carry one; without it UTC is assumed).
_TIMESTAMP_MATCH = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?"
    r"(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?"
    r"|(\d{4})(\d{2})(\d{2})[Tt](\d{2})(\d{2})(?:(\d{2})(?:[.,](\d+))?)?"
    r"(?:([Zz])|([+-])(\d{2})(\d{2})?)?"
).fullmatch

# RFC 5646 language tag (section 2.1), case-insensitive; duplicate variants and
# extension singletons (2.2.5, 2.2.6) are checked in code.
_LANGTAG_MATCH = re.compile(
    r"(?:"
    r"(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4}|[a-z]{5,8})"  # language (+extlang)
    r"(?:-[a-z]{4})?"  # script
    r"(?:-(?:[a-z]{2}|\d{3}))?"  # region
    r"(?:-(?:[a-z0-9]{5,8}|\d[a-z0-9]{3}))*"  # variants
    r"(?:-[0-9a-wyz](?:-[a-z0-9]{2,8})+)*"  # extensions
    r"(?:-x(?:-[a-z0-9]{1,8})+)?"  # private use
    r"|x(?:-[a-z0-9]{1,8})+"  # private use only
    r")",
    re.IGNORECASE,
).fullmatch
_GRANDFATHERED: Final = frozenset(
    {
        "en-gb-oed",
        "i-ami",
        "i-bnn",
        "i-default",
        "i-enochian",
        "i-hak",
        "i-klingon",
        "i-lux",
        "i-mingo",
        "i-navajo",
        "i-pwn",
        "i-tao",
        "i-tay",
        "i-tsu",
        "sgn-be-fr",
        "sgn-be-nl",
        "sgn-ch-de",
        "art-lojban",
        "cel-gaulish",
        "no-bok",
        "no-nyn",
        "zh-guoyu",
        "zh-hakka",
        "zh-min",
        "zh-min-nan",
        "zh-xiang",
    }
)
# Tags seen in real traffic are few; remembering the valid ones skips the regex.
_KNOWN_TAGS: dict[str, bool] = {}
_KNOWN_TAGS_LIMIT: Final = 4096
# So are verb, activity, type and extension IRIs, checked several times in every
# statement (the regex is about a microsecond each). Only valid ones are kept; the
# set starts over when full, so it follows the traffic.
_VALID_IRIS: set[str] = set()
_VALID_IRIS_LIMIT: Final = 16384
_VALID_IRI_LENGTH: Final = 512

# --- property sets -----------------------------------------------------------------

_STATEMENT_KEYS: Final = frozenset(
    {
        "id",
        "actor",
        "verb",
        "object",
        "result",
        "context",
        "timestamp",
        "stored",
        "authority",
        "version",
        "attachments",
    }
)
_SUBSTATEMENT_KEYS: Final = frozenset(
    {"objectType", "actor", "verb", "object", "result", "context", "timestamp"}
    | {"attachments"}
)
_SUBSTATEMENT_FORBIDDEN: Final = frozenset({"id", "stored", "version", "authority"})
_AGENT_KEYS: Final = frozenset(
    {"objectType", "name", "mbox", "mbox_sha1sum", "openid", "account"}
)
_GROUP_KEYS: Final = _AGENT_KEYS | {"member"}
_IFI_KEYS: Final = ("mbox", "mbox_sha1sum", "openid", "account")
_ACCOUNT_KEYS: Final = frozenset({"homePage", "name"})
_VERB_KEYS: Final = frozenset({"id", "display"})
_ACTIVITY_KEYS: Final = frozenset({"objectType", "id", "definition"})
_STATEMENT_REF_KEYS: Final = frozenset({"objectType", "id"})
_COMPONENT_LISTS: Final = ("choices", "scale", "source", "target", "steps")
_DEFINITION_KEYS: Final = frozenset(
    {"name", "description", "type", "moreInfo", "interactionType"}
    | {"correctResponsesPattern", "extensions"}
    | set(_COMPONENT_LISTS)
)
_COMPONENT_KEYS: Final = frozenset({"id", "description"})
# Which interaction component lists each interaction type may carry.
_INTERACTION_TYPES: Final[dict[str, frozenset[str]]] = {
    "true-false": frozenset(),
    "choice": frozenset({"choices"}),
    "fill-in": frozenset(),
    "long-fill-in": frozenset(),
    "matching": frozenset({"source", "target"}),
    "performance": frozenset({"steps"}),
    "sequencing": frozenset({"choices"}),
    "likert": frozenset({"scale"}),
    "numeric": frozenset(),
    "other": frozenset(),
}
_RESULT_KEYS: Final = frozenset(
    {"score", "success", "completion", "response", "duration", "extensions"}
)
_SCORE_KEYS: Final = frozenset({"scaled", "raw", "min", "max"})
_CONTEXT_KEYS_1: Final = frozenset(
    {"registration", "instructor", "team", "contextActivities", "revision"}
    | {"platform", "language", "statement", "extensions"}
)
_CONTEXT_KEYS_2: Final = _CONTEXT_KEYS_1 | {"contextAgents", "contextGroups"}
_CONTEXT_ACTIVITY_KEYS: Final = frozenset({"parent", "grouping", "category", "other"})
_CONTEXT_AGENT_KEYS: Final = frozenset({"objectType", "agent", "relevantTypes"})
_CONTEXT_GROUP_KEYS: Final = frozenset({"objectType", "group", "relevantTypes"})
_ATTACHMENT_KEYS: Final = frozenset(
    {"usageType", "display", "description", "contentType", "length", "sha2"}
    | {"fileUrl"}
)
_ATTACHMENT_REQUIRED: Final = ("usageType", "display", "contentType", "length", "sha2")


# --- helpers -------------------------------------------------------------------------


def _fail(path: str, message: str) -> NoReturn:
    raise XAPIError(message, path=path)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _check_keys(obj: dict[str, Any], allowed: frozenset[str], path: str) -> None:
    if not allowed.issuperset(obj):
        for key in obj:
            if key not in allowed:
                _fail(_join(path, str(key)), "is not an allowed property here")


def _require_dict(value: object, path: str, what: str) -> dict[str, Any]:
    if type(value) is not dict:
        _fail(path, f"must be {what}")
    return value


def _is_number(value: object) -> bool:
    # bool is a subclass of int in Python but true/false are not JSON numbers.
    return type(value) is int or type(value) is float


def is_uuid(value: object) -> bool:
    """Whether ``value`` is a UUID in its canonical hyphenated string form."""
    return type(value) is str and _UUID_MATCH(value) is not None


def is_iri(value: object) -> bool:
    """Whether ``value`` is an absolute IRI (a scheme and a body, no whitespace)."""
    if type(value) is not str:
        return False
    if value in _VALID_IRIS:
        return True
    if _IRI_MATCH(value) is None:
        return False
    if len(value) <= _VALID_IRI_LENGTH:
        if len(_VALID_IRIS) >= _VALID_IRIS_LIMIT:
            _VALID_IRIS.clear()
        _VALID_IRIS.add(value)
    return True


def is_language_tag(value: object) -> bool:
    """Whether ``value`` is a well-formed RFC 5646 language tag."""
    if type(value) is not str:
        return False
    known = _KNOWN_TAGS.get(value)
    if known is not None:
        return known
    valid = _language_tag_valid(value)
    if len(_KNOWN_TAGS) < _KNOWN_TAGS_LIMIT:
        _KNOWN_TAGS[value] = valid
    return valid


def _language_tag_valid(tag: str) -> bool:
    lowered = tag.lower()
    if lowered in _GRANDFATHERED:
        return True
    if _LANGTAG_MATCH(tag) is None:
        return False
    # Variants and extension singletons must not repeat (RFC 5646 2.2.5, 2.2.6);
    # subtags inside an extension are neither.
    variants: set[str] = set()
    singletons: set[str] = set()
    for subtag in lowered.split("-")[1:]:
        if subtag == "x":
            break
        if len(subtag) == 1:
            if subtag in singletons:
                return False
            singletons.add(subtag)
        elif not singletons and (
            len(subtag) >= 5 or (len(subtag) == 4 and subtag[0].isdigit())
        ):
            if subtag in variants:
                return False
            variants.add(subtag)
    return True


def _uuid(value: object, path: str) -> None:
    if type(value) is not str or _UUID_MATCH(value) is None:
        _fail(path, "must be a UUID string")


def _iri(value: object, path: str) -> None:
    if not is_iri(value):
        _fail(path, "must be an absolute IRI")


def _irl(value: object, path: str) -> None:
    if not is_iri(value):
        _fail(path, "must be an absolute IRL")


def _string(value: object, path: str) -> None:
    if type(value) is not str:
        _fail(path, "must be a string")


def _language_map(value: object, path: str) -> None:
    if type(value) is not dict:
        _fail(path, "must be a language map (an object keyed by language tags)")
    for tag, text in value.items():
        if not is_language_tag(tag):
            _fail(f"{path}.{tag}", "is not an RFC 5646 language tag")
        if type(text) is not str:
            _fail(f"{path}.{tag}", "must be a string")


def _extensions(value: object, path: str) -> None:
    if type(value) is not dict:
        _fail(path, "must be an object keyed by IRIs")
    for key in value:
        if not is_iri(key):
            _fail(f"{path}.{key}", "extension keys must be absolute IRIs")
    # Extension values are free-form JSON, null included (Data 4.1).


# --- timestamps ------------------------------------------------------------------


def parse_timestamp(value: object, *, path: str = "timestamp") -> datetime:
    """Parse an xAPI timestamp into an aware UTC ``datetime``.

    Accepts ISO 8601 extended and basic date-times and RFC 3339; a missing offset
    means UTC. Negative zero offsets (``-00``, ``-0000``, ``-00:00``) are refused,
    as ISO 8601 forbids them and the conformance suite requires.
    """
    return parse_timestamp_parts(value, path=path)[0]


def parse_timestamp_parts(
    value: object, *, path: str = "timestamp"
) -> tuple[datetime, int, int]:
    """Like :func:`parse_timestamp`, also returning the UTC offset the text
    carried (in minutes, 0 when absent) and its number of fractional digits."""
    if type(value) is not str:
        _fail(path, "must be an ISO 8601 timestamp string")
    match = _TIMESTAMP_MATCH(value)
    if match is None:
        _fail(path, "must be an ISO 8601 date-time")
    groups = match.groups()
    if groups[0] is None:
        groups = groups[11:]
    # groups[7] is the "Z" designator: UTC, the default.
    year, month, day, hour, minute, second, fraction = groups[:7]
    sign, off_h, off_m = groups[8:11]
    microsecond = int(fraction[:6].ljust(6, "0")) if fraction else 0
    offset_minutes = 0
    if sign is not None:
        if int(off_h) > 23 or int(off_m or 0) > 59:
            _fail(path, "has an invalid UTC offset")
        offset_minutes = int(off_h) * 60 + int(off_m or 0)
        if sign == "-":
            if offset_minutes == 0:
                _fail(path, "a negative zero UTC offset is not allowed")
            offset_minutes = -offset_minutes
    try:
        moment = datetime(
            int(year),
            int(month),
            int(day),
            int(hour),
            int(minute),
            int(second or 0),
            microsecond,
            tzinfo=UTC,
        )
    except ValueError:
        _fail(path, "is not a valid date and time")
    if offset_minutes:
        # The wall time was read as UTC; move it by the offset it really had.
        moment -= timedelta(minutes=offset_minutes)
    return moment, offset_minutes, len(fraction or "")


def is_duration(value: object) -> bool:
    """Whether ``value`` is an ISO 8601 duration (format of 4.4.3.2)."""
    return type(value) is str and _DURATION_MATCH(value) is not None


# --- agents ------------------------------------------------------------------------


def _ifis(obj: dict[str, Any], path: str) -> int:
    count = 0
    mbox = obj.get("mbox", _MISSING)
    if mbox is not _MISSING:
        count += 1
        if type(mbox) is not str or _MAILTO_MATCH(mbox) is None:
            _fail(_join(path, "mbox"), "must be a mailto: IRI")
    sha1 = obj.get("mbox_sha1sum", _MISSING)
    if sha1 is not _MISSING:
        count += 1
        if type(sha1) is not str or _SHA1_MATCH(sha1) is None:
            _fail(_join(path, "mbox_sha1sum"), "must be a hex SHA-1 digest")
    openid = obj.get("openid", _MISSING)
    if openid is not _MISSING:
        count += 1
        _iri(openid, _join(path, "openid"))
    account = obj.get("account", _MISSING)
    if account is not _MISSING:
        count += 1
        account_path = _join(path, "account")
        account = _require_dict(account, account_path, "an Account object")
        _check_keys(account, _ACCOUNT_KEYS, account_path)
        if "homePage" not in account:
            _fail(f"{account_path}.homePage", "is required")
        _irl(account["homePage"], f"{account_path}.homePage")
        if "name" not in account:
            _fail(f"{account_path}.name", "is required")
        _string(account["name"], f"{account_path}.name")
    return count


def _agent(obj: dict[str, Any], path: str) -> None:
    _check_keys(obj, _AGENT_KEYS, path)
    name = obj.get("name", _MISSING)
    if name is not _MISSING and type(name) is not str:
        _fail(_join(path, "name"), "must be a string")
    count = _ifis(obj, path)
    if count != 1:
        _fail(
            path,
            "an Agent must have exactly one inverse functional identifier "
            "(mbox, mbox_sha1sum, openid or account)",
        )


def _group(obj: dict[str, Any], path: str) -> int:
    """Validate a Group; return its number of members."""
    _check_keys(obj, _GROUP_KEYS, path)
    name = obj.get("name", _MISSING)
    if name is not _MISSING and type(name) is not str:
        _fail(_join(path, "name"), "must be a string")
    count = _ifis(obj, path)
    if count > 1:
        _fail(path, "a Group may have at most one inverse functional identifier")
    member = obj.get("member", _MISSING)
    if member is _MISSING:
        if count == 0:
            _fail(_join(path, "member"), "is required in an anonymous Group")
        return 0
    member_path = _join(path, "member")
    if type(member) is not list:
        _fail(member_path, "must be an array of Agents")
    if count == 0 and not member:
        _fail(member_path, "an anonymous Group must list at least one member")
    for index, item in enumerate(member):
        agent_path = f"{member_path}[{index}]"
        agent = _require_dict(item, agent_path, "an Agent object")
        kind = agent.get("objectType", "Agent")
        if kind != "Agent":
            _fail(f"{agent_path}.objectType", 'a Group member must be an "Agent"')
        _agent(agent, agent_path)
    return len(member)


def _actor(value: object, path: str) -> str:
    """Validate an Agent or Group; return its objectType."""
    obj = _require_dict(value, path, "an Agent or Group object")
    kind = obj.get("objectType", "Agent")
    if kind == "Agent":
        _agent(obj, path)
    elif kind == "Group":
        _group(obj, path)
    else:
        _fail(_join(path, "objectType"), 'must be "Agent" or "Group"')
    return str(kind)


def validate_agent(
    obj: object, *, path: str = "agent", allow_group: bool = True
) -> None:
    """Validate an Agent (or, when allowed, a Group) given as a request parameter.

    Used for the ``agent`` query parameter of the statements, state and agent
    profile resources and for the agents resource.
    """
    value = _require_dict(obj, path, "an Agent object")
    kind = value.get("objectType", "Agent")
    if kind == "Group" and allow_group:
        _group(value, path)
    elif kind == "Agent":
        _agent(value, path)
    else:
        expected = '"Agent" or "Group"' if allow_group else '"Agent"'
        _fail(_join(path, "objectType"), f"must be {expected}")


def validate_activity_id(value: object, *, path: str = "activityId") -> None:
    """Validate an activity id given as a request parameter (an absolute IRI)."""
    _iri(value, path)


# --- remembered parts --------------------------------------------------------------

_Result = TypeVar("_Result")
# orjson refuses these instead of writing them as their base type, so a value
# that only looks like JSON is checked in full.
_KEY_OPTIONS: Final = (
    orjson.OPT_PASSTHROUGH_SUBCLASS
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
)
_REMEMBERED_LIMIT: Final = 8192


def _remembering_valid(
    check: Callable[[Any, str], _Result],
) -> Callable[[Any, str], _Result]:
    """Skip `check` for a value whose JSON it found valid before.

    Verbs, activities and context activities repeat from statement to statement
    (a course's lessons, its modules); their checks were a third of validation.
    The check depends on the value alone, never on its path or on the rest of
    the statement, and a statement is stored as its JSON, so equal JSON is an
    equal outcome. Only valid values are kept; the memory starts over when full.
    """
    valid: dict[bytes, _Result] = {}

    def checked(value: Any, path: str) -> _Result:
        try:
            key = orjson.dumps(value, option=_KEY_OPTIONS)
        except TypeError:
            return check(value, path)
        if key in valid:
            return valid[key]
        result = check(value, path)
        if len(valid) >= _REMEMBERED_LIMIT:
            valid.clear()
        valid[key] = result
        return result

    return checked


# --- verb and activity ---------------------------------------------------------------


@_remembering_valid
def _verb(value: object, path: str) -> str:
    verb = _require_dict(value, path, "a Verb object")
    _check_keys(verb, _VERB_KEYS, path)
    verb_id = verb.get("id", _MISSING)
    if verb_id is _MISSING:
        _fail(f"{path}.id", "is required")
    _iri(verb_id, f"{path}.id")
    display = verb.get("display", _MISSING)
    if display is not _MISSING:
        _language_map(display, f"{path}.display")
    return str(verb_id)


@_remembering_valid
def _activity(obj: dict[str, Any], path: str) -> None:
    _check_keys(obj, _ACTIVITY_KEYS, path)
    activity_id = obj.get("id", _MISSING)
    if activity_id is _MISSING:
        _fail(_join(path, "id"), "is required")
    _iri(activity_id, _join(path, "id"))
    definition = obj.get("definition", _MISSING)
    if definition is not _MISSING:
        _definition(definition, _join(path, "definition"))


def _definition(value: object, path: str) -> None:
    definition = _require_dict(value, path, "an Activity Definition object")
    _check_keys(definition, _DEFINITION_KEYS, path)
    for key, item in definition.items():
        if key in {"name", "description"}:
            _language_map(item, f"{path}.{key}")
        elif key == "type":
            _iri(item, f"{path}.type")
        elif key == "moreInfo":
            _irl(item, f"{path}.moreInfo")
        elif key == "extensions":
            _extensions(item, f"{path}.extensions")
    _interaction(definition, path)


def _interaction(definition: dict[str, Any], path: str) -> None:
    if "interactionType" not in definition:
        for key in ("correctResponsesPattern", *_COMPONENT_LISTS):
            if key in definition:
                _fail(f"{path}.{key}", "requires an interactionType")
        return
    interaction = definition["interactionType"]
    allowed_lists = (
        _INTERACTION_TYPES.get(interaction) if type(interaction) is str else None
    )
    if allowed_lists is None:
        _fail(
            f"{path}.interactionType",
            "must be one of " + ", ".join(sorted(_INTERACTION_TYPES)),
        )
    pattern = definition.get("correctResponsesPattern", _MISSING)
    if pattern is not _MISSING:
        pattern_path = f"{path}.correctResponsesPattern"
        if type(pattern) is not list:
            _fail(pattern_path, "must be an array of strings")
        for index, response in enumerate(pattern):
            if type(response) is not str:
                _fail(f"{pattern_path}[{index}]", "must be a string")
    for key in _COMPONENT_LISTS:
        components = definition.get(key, _MISSING)
        if components is _MISSING:
            continue
        list_path = f"{path}.{key}"
        if key not in allowed_lists:
            _fail(list_path, f'is not allowed for interactionType "{interaction}"')
        _components(components, list_path)


def _components(value: object, path: str) -> None:
    if type(value) is not list:
        _fail(path, "must be an array of interaction components")
    seen: set[str] = set()
    for index, item in enumerate(value):
        item_path = f"{path}[{index}]"
        component = _require_dict(item, item_path, "an interaction component object")
        _check_keys(component, _COMPONENT_KEYS, item_path)
        component_id = component.get("id", _MISSING)
        if component_id is _MISSING:
            _fail(f"{item_path}.id", "is required")
        if type(component_id) is not str:
            _fail(f"{item_path}.id", "must be a string")
        if component_id in seen:
            _fail(f"{item_path}.id", "must be unique within the list")
        seen.add(component_id)
        description = component.get("description", _MISSING)
        if description is not _MISSING:
            _language_map(description, f"{item_path}.description")


def _statement_ref(obj: dict[str, Any], path: str) -> None:
    _check_keys(obj, _STATEMENT_REF_KEYS, path)
    if obj.get("objectType") != "StatementRef":
        _fail(_join(path, "objectType"), 'must be "StatementRef"')
    if "id" not in obj:
        _fail(_join(path, "id"), "is required")
    _uuid(obj["id"], _join(path, "id"))


def _object(value: object, path: str, v2: bool, *, in_substatement: bool) -> str:
    """Validate a statement's object; return its objectType."""
    obj = _require_dict(value, path, "an object (Activity, Agent, Group, ...)")
    kind = obj.get("objectType", _MISSING)
    if kind is _MISSING or kind == "Activity":
        _activity(obj, path)
        return "Activity"
    if kind == "Agent":
        _agent(obj, path)
    elif kind == "Group":
        _group(obj, path)
    elif kind == "StatementRef":
        _statement_ref(obj, path)
    elif kind == "SubStatement":
        if in_substatement:
            _fail(f"{path}.objectType", "a SubStatement cannot contain a SubStatement")
        _substatement(obj, path, v2)
    else:
        _fail(
            f"{path}.objectType",
            'must be "Activity", "Agent", "Group", "StatementRef" or "SubStatement"',
        )
    return str(kind)


# --- result and context ------------------------------------------------------------


def _result(value: object, path: str) -> None:
    result = _require_dict(value, path, "a Result object")
    _check_keys(result, _RESULT_KEYS, path)
    for key, item in result.items():
        if key == "score":
            _score(item, f"{path}.score")
        elif key in {"success", "completion"}:
            if type(item) is not bool:
                _fail(f"{path}.{key}", "must be true or false")
        elif key == "response":
            _string(item, f"{path}.response")
        elif key == "duration":
            if type(item) is not str or _DURATION_MATCH(item) is None:
                _fail(f"{path}.duration", "must be an ISO 8601 duration")
        else:  # extensions
            _extensions(item, f"{path}.extensions")


def _score(value: object, path: str) -> None:
    score = _require_dict(value, path, "a Score object")
    _check_keys(score, _SCORE_KEYS, path)
    for key, number in score.items():
        if not _is_number(number):
            _fail(f"{path}.{key}", "must be a number")
        # Python's json module accepts NaN and Infinity; JSON and xAPI do not.
        if type(number) is float and not isfinite(number):
            _fail(f"{path}.{key}", "must be a finite number")
    scaled = score.get("scaled")
    if scaled is not None and not -1 <= scaled <= 1:
        _fail(f"{path}.scaled", "must be between -1 and 1")
    low = score.get("min")
    high = score.get("max")
    if low is not None and high is not None and low > high:
        _fail(f"{path}.max", "must not be less than min")
    raw = score.get("raw")
    if raw is not None:
        if low is not None and raw < low:
            _fail(f"{path}.raw", "must not be less than min")
        if high is not None and raw > high:
            _fail(f"{path}.raw", "must not be greater than max")


def _context(value: object, path: str, v2: bool, *, object_is_activity: bool) -> None:
    context = _require_dict(value, path, "a Context object")
    _check_keys(context, _CONTEXT_KEYS_2 if v2 else _CONTEXT_KEYS_1, path)
    for key, item in context.items():
        item_path = f"{path}.{key}"
        if key in {"revision", "platform"}:
            _string(item, item_path)
            if not object_is_activity:
                _fail(item_path, "is allowed only when the object is an Activity")
        else:
            _CONTEXT_CHECKS[key](item, item_path)


def _team(value: object, path: str) -> None:
    team = _require_dict(value, path, "a Group object")
    if team.get("objectType") != "Group":
        _fail(f"{path}.objectType", 'must be "Group"')
    _group(team, path)


def _context_language(value: object, path: str) -> None:
    if not is_language_tag(value):
        _fail(path, "must be an RFC 5646 language tag")


def _context_statement(value: object, path: str) -> None:
    _statement_ref(_require_dict(value, path, "a StatementRef object"), path)


@_remembering_valid
def _context_activities(value: object, path: str) -> None:
    activities = _require_dict(value, path, "a ContextActivities object")
    _check_keys(activities, _CONTEXT_ACTIVITY_KEYS, path)
    for key, item in activities.items():
        key_path = f"{path}.{key}"
        if type(item) is dict:
            _context_activity(item, key_path)
        elif type(item) is list:
            for index, activity in enumerate(item):
                _context_activity(activity, f"{key_path}[{index}]")
        else:
            _fail(key_path, "must be an Activity or an array of Activities")


def _context_activity(value: object, path: str) -> None:
    activity = _require_dict(value, path, "an Activity object")
    kind = activity.get("objectType", _MISSING)
    if kind is not _MISSING and kind != "Activity":
        _fail(f"{path}.objectType", 'must be "Activity"')
    _activity(activity, path)


def _relevant_types(obj: dict[str, Any], path: str) -> None:
    types = obj.get("relevantTypes", _MISSING)
    if types is _MISSING:
        return
    types_path = f"{path}.relevantTypes"
    if type(types) is not list or not types:
        _fail(types_path, "must be a non-empty array of IRIs")
    for index, iri in enumerate(types):
        _iri(iri, f"{types_path}[{index}]")


def _context_agents(value: object, path: str) -> None:
    if type(value) is not list:
        _fail(path, "must be an array of contextAgent objects")
    for index, item in enumerate(value):
        item_path = f"{path}[{index}]"
        entry = _require_dict(item, item_path, "a contextAgent object")
        _check_keys(entry, _CONTEXT_AGENT_KEYS, item_path)
        if entry.get("objectType") != "contextAgent":
            _fail(f"{item_path}.objectType", 'must be "contextAgent"')
        if "agent" not in entry:
            _fail(f"{item_path}.agent", "is required")
        agent_path = f"{item_path}.agent"
        agent = _require_dict(entry["agent"], agent_path, "an Agent object")
        if agent.get("objectType", "Agent") != "Agent":
            _fail(f"{agent_path}.objectType", 'must be "Agent"')
        _agent(agent, agent_path)
        _relevant_types(entry, item_path)


def _context_groups(value: object, path: str) -> None:
    if type(value) is not list:
        _fail(path, "must be an array of contextGroup objects")
    for index, item in enumerate(value):
        item_path = f"{path}[{index}]"
        entry = _require_dict(item, item_path, "a contextGroup object")
        _check_keys(entry, _CONTEXT_GROUP_KEYS, item_path)
        if entry.get("objectType") != "contextGroup":
            _fail(f"{item_path}.objectType", 'must be "contextGroup"')
        if "group" not in entry:
            _fail(f"{item_path}.group", "is required")
        group_path = f"{item_path}.group"
        group = _require_dict(entry["group"], group_path, "a Group object")
        if group.get("objectType") != "Group":
            _fail(f"{group_path}.objectType", 'must be "Group"')
        _group(group, group_path)
        _relevant_types(entry, item_path)


_CONTEXT_CHECKS: Final[dict[str, Callable[[object, str], object]]] = {
    "registration": _uuid,
    "instructor": _actor,
    "team": _team,
    "contextActivities": _context_activities,
    "language": _context_language,
    "statement": _context_statement,
    "extensions": _extensions,
    "contextAgents": _context_agents,
    "contextGroups": _context_groups,
}


# --- attachments, authority, version ----------------------------------------------


def _attachments(value: object, path: str) -> None:
    if type(value) is not list:
        _fail(path, "must be an array of Attachment objects")
    for index, item in enumerate(value):
        item_path = f"{path}[{index}]"
        attachment = _require_dict(item, item_path, "an Attachment object")
        _check_keys(attachment, _ATTACHMENT_KEYS, item_path)
        for key in _ATTACHMENT_REQUIRED:
            if key not in attachment:
                _fail(f"{item_path}.{key}", "is required")
        _iri(attachment["usageType"], f"{item_path}.usageType")
        _language_map(attachment["display"], f"{item_path}.display")
        if "description" in attachment:
            _language_map(attachment["description"], f"{item_path}.description")
        content_type = attachment["contentType"]
        if type(content_type) is not str or _MEDIA_TYPE_MATCH(content_type) is None:
            _fail(f"{item_path}.contentType", "must be an Internet media type")
        length = attachment["length"]
        if type(length) is not int or length < 0:
            _fail(f"{item_path}.length", "must be a non-negative integer")
        sha2 = attachment["sha2"]
        if type(sha2) is not str or _SHA2_MATCH(sha2) is None:
            _fail(f"{item_path}.sha2", "must be a hex SHA-2 digest")
        if "fileUrl" in attachment:
            _irl(attachment["fileUrl"], f"{item_path}.fileUrl")


def validate_authority(value: object, *, path: str = "authority") -> None:
    """Validate an authority: an Agent, or an OAuth pair (2-member anonymous Group)."""
    obj = _require_dict(value, path, "an Agent or Group object")
    kind = obj.get("objectType", "Agent")
    if kind == "Agent":
        _agent(obj, path)
        return
    if kind != "Group":
        _fail(_join(path, "objectType"), 'must be "Agent" or "Group"')
    members = _group(obj, path)
    if any(key in obj for key in _IFI_KEYS) or members != 2:
        _fail(
            path,
            "a Group authority must be an anonymous Group of exactly two Agents "
            "(OAuth consumer and user)",
        )


def _version(value: object, path: str, v2: bool) -> None:
    if type(value) is not str:
        _fail(path, "must be a version string")
    if v2:
        if _VERSION_2_MATCH(value) is None:
            _fail(path, 'must be "1.0", "1.0.x", "2.0" or "2.0.x"')
    elif _VERSION_1_MATCH(value) is None:
        _fail(path, 'must be "1.0" or "1.0.x"')


# --- statements ----------------------------------------------------------------------


def _substatement(obj: dict[str, Any], path: str, v2: bool) -> None:
    for key in obj:
        if key in _SUBSTATEMENT_FORBIDDEN:
            _fail(f"{path}.{key}", "is not allowed in a SubStatement")
    _check_keys(obj, _SUBSTATEMENT_KEYS, path)
    _statement_body(obj, path, v2, in_substatement=True)


def _statement_body(
    obj: dict[str, Any], path: str, v2: bool, *, in_substatement: bool
) -> None:
    prefix = f"{path}." if path else ""
    for key in ("actor", "verb", "object"):
        if key not in obj:
            _fail(prefix + key, "is required")
    _actor(obj["actor"], prefix + "actor")
    verb_id = _verb(obj["verb"], prefix + "verb")
    kind = _object(
        obj["object"], prefix + "object", v2, in_substatement=in_substatement
    )
    if verb_id == VOIDED_VERB and kind != "StatementRef" and not in_substatement:
        _fail(prefix + "object", "a voiding statement's object must be a StatementRef")
    result = obj.get("result", _MISSING)
    if result is not _MISSING:
        _result(result, prefix + "result")
    context = obj.get("context", _MISSING)
    if context is not _MISSING:
        _context(context, prefix + "context", v2, object_is_activity=kind == "Activity")
    timestamp = obj.get("timestamp", _MISSING)
    # The 2.0 conformance suite posts "timestamp": null and expects the LRS to
    # treat it as absent (timestamp = stored); 1.0.3 refuses every null value.
    null_allowed = timestamp is None and v2 and not in_substatement
    if timestamp is not _MISSING and not null_allowed:
        parse_timestamp(timestamp, path=prefix + "timestamp")
    attachments = obj.get("attachments", _MISSING)
    if attachments is not _MISSING:
        _attachments(attachments, prefix + "attachments")


def validate_statement(statement: object, *, version: str) -> None:
    """Validate one statement as received by the statements resource.

    ``version`` is the xAPI version the request speaks (``"1.0.3"`` or
    ``"2.0.0"``); it selects the 2.0 additions (context agents and groups,
    ``2.0.x`` statement versions). Raises :class:`XAPIError` (400) naming the
    first offending field.
    """
    if version not in SUPPORTED_VERSIONS:
        raise XAPIError(f"unsupported xAPI version {version!r}", path="version")
    v2 = version == VERSION_2
    obj = _require_dict(statement, "statement", "a JSON object")
    _check_keys(obj, _STATEMENT_KEYS, "")
    statement_id = obj.get("id", _MISSING)
    if statement_id is not _MISSING:
        _uuid(statement_id, "id")
    _statement_body(obj, "", v2, in_substatement=False)
    stored = obj.get("stored", _MISSING)
    if stored is not _MISSING:
        parse_timestamp(stored, path="stored")
    authority = obj.get("authority", _MISSING)
    if authority is not _MISSING:
        validate_authority(authority)
    statement_version = obj.get("version", _MISSING)
    if statement_version is not _MISSING:
        _version(statement_version, "version", v2)
