"""Statement output formats of the statements resource: ``exact``, ``ids`` and
``canonical`` (xAPI Communication 2.1.3, "format" parameter).

All formats return single context activities as one-element arrays, which the LRS
MUST do whatever form the statement was sent in (complete_statement already stores
them so; doing it again here is cheap and keeps older rows right). Stored
statements are never mutated: every function builds new containers where it
changes something.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cairn.lrs.xapi.errors import XAPIError

FORMATS = frozenset({"exact", "ids", "canonical"})
_IFI_KEYS = ("mbox", "mbox_sha1sum", "openid", "account")
_CONTEXT_ACTIVITY_KEYS = ("parent", "grouping", "category", "other")
_COMPONENT_LISTS = ("choices", "scale", "source", "target", "steps")


def format_statement(
    statement: Mapping[str, Any], *, format: str, languages: Sequence[str] = ()
) -> dict[str, Any]:
    """Render a stored statement in the requested format.

    ``exact`` returns the statement as stored; ``ids`` reduces Agents and Groups to
    their IFI and objectType (anonymous Groups to their members' IFIs), and
    Activities and Verbs to their id; ``canonical`` keeps one language per
    language map, chosen from ``languages`` (the Accept-Language preferences,
    best first). Activity definitions are returned as found in the statement:
    substituting the LRS's canonical definitions is the caller's concern.
    """
    if format == "exact":
        return normalize_context_activities(statement)
    if format == "ids":
        return _ids_statement(statement)
    if format == "canonical":
        return _canonical_statement(normalize_context_activities(statement), languages)
    raise XAPIError('must be "exact", "ids" or "canonical"', path="format")


# --- context activities as arrays --------------------------------------------------


def _normalize_context(context: Mapping[str, Any]) -> Mapping[str, Any]:
    activities = context.get("contextActivities")
    if not isinstance(activities, Mapping):
        return context
    if all(isinstance(value, list) for value in activities.values()):
        return context
    fixed = {
        key: value if isinstance(value, list) else [value]
        for key, value in activities.items()
    }
    return {**context, "contextActivities": fixed}


def normalize_context_activities(statement: Mapping[str, Any]) -> dict[str, Any]:
    """A shallow copy of ``statement`` whose context activities (also those of a
    SubStatement) are all arrays; containers that change are copied, never
    mutated."""
    out = dict(statement)
    context = out.get("context")
    if isinstance(context, Mapping):
        out["context"] = _normalize_context(context)
    obj = out.get("object")
    if isinstance(obj, Mapping) and obj.get("objectType") == "SubStatement":
        sub_context = obj.get("context")
        if isinstance(sub_context, Mapping):
            out["object"] = {**obj, "context": _normalize_context(sub_context)}
    return out


# --- ids ----------------------------------------------------------------------


def _ids_agent(agent: object) -> object:
    if not isinstance(agent, Mapping):
        return agent
    kind = agent.get("objectType", "Agent")
    out: dict[str, Any] = {"objectType": kind}
    for key in _IFI_KEYS:
        if key in agent:
            out[key] = agent[key]
            return out
    # An anonymous Group is identified by its members.
    members = agent.get("member")
    if isinstance(members, list):
        out["member"] = [_ids_agent(member) for member in members]
    return out


def _ids_activity(activity: object) -> object:
    if isinstance(activity, Mapping) and "id" in activity:
        return {"id": activity["id"]}
    return activity


def _ids_object(obj: object) -> object:
    if not isinstance(obj, Mapping):
        return obj
    kind = obj.get("objectType", "Activity")
    if kind == "Activity":
        return _ids_activity(obj)
    if kind in {"Agent", "Group"}:
        return _ids_agent(obj)
    if kind == "SubStatement":
        return _ids_statement(obj)
    return dict(obj)  # StatementRef: objectType and id already


def _ids_context(context: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(context)
    if "instructor" in out:
        out["instructor"] = _ids_agent(out["instructor"])
    if "team" in out:
        out["team"] = _ids_agent(out["team"])
    activities = out.get("contextActivities")
    if isinstance(activities, Mapping):
        out["contextActivities"] = {
            key: [_ids_activity(item) for item in value]
            if isinstance(value, list)
            else [_ids_activity(value)]
            for key, value in activities.items()
        }
    if isinstance(out.get("contextAgents"), list):
        out["contextAgents"] = [
            {**entry, "agent": _ids_agent(entry.get("agent"))}
            if isinstance(entry, Mapping)
            else entry
            for entry in out["contextAgents"]
        ]
    if isinstance(out.get("contextGroups"), list):
        out["contextGroups"] = [
            {**entry, "group": _ids_agent(entry.get("group"))}
            if isinstance(entry, Mapping)
            else entry
            for entry in out["contextGroups"]
        ]
    return out


def _ids_statement(statement: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(statement)
    if "actor" in out:
        out["actor"] = _ids_agent(out["actor"])
    verb = out.get("verb")
    if isinstance(verb, Mapping) and "id" in verb:
        out["verb"] = {"id": verb["id"]}
    if "object" in out:
        out["object"] = _ids_object(out["object"])
    if "authority" in out:
        out["authority"] = _ids_agent(out["authority"])
    context = out.get("context")
    if isinstance(context, Mapping):
        out["context"] = _ids_context(context)
    return out


# --- canonical ----------------------------------------------------------------


def choose_language(available: Sequence[str], languages: Sequence[str]) -> str | None:
    """The key of a language map to keep for the Accept-Language preferences.

    RFC 4647 lookup, case-insensitive: each preferred range is tried in order,
    first exactly, then truncated subtag by subtag (``en-GB`` then ``en``), then
    as a prefix of an available tag (``en`` finds ``en-US``); ``*`` takes the first
    available. Without a match the ``und`` entry, else the first entry, is kept.
    """
    if not available:
        return None
    lowered = {tag.lower(): tag for tag in available}
    for wanted in languages:
        wanted_lower = wanted.strip().lower()
        if not wanted_lower:
            continue
        if wanted_lower == "*":
            return available[0]
        candidate = wanted_lower
        while candidate:
            if candidate in lowered:
                return lowered[candidate]
            candidate = candidate.rpartition("-")[0]
        primary = wanted_lower.split("-", 1)[0]
        for tag in available:
            if tag.lower().split("-", 1)[0] == primary:
                return tag
    return lowered.get("und", available[0])


def _reduce_map(value: object, languages: Sequence[str]) -> object:
    if not isinstance(value, Mapping) or len(value) <= 1:
        return value
    chosen = choose_language(list(value), languages)
    return {chosen: value[chosen]} if chosen is not None else value


def _canonical_definition(
    definition: Mapping[str, Any], languages: Sequence[str]
) -> dict[str, Any]:
    out = dict(definition)
    for key in ("name", "description"):
        if key in out:
            out[key] = _reduce_map(out[key], languages)
    for key in _COMPONENT_LISTS:
        components = out.get(key)
        if isinstance(components, list):
            out[key] = [
                {**item, "description": _reduce_map(item["description"], languages)}
                if isinstance(item, Mapping) and "description" in item
                else item
                for item in components
            ]
    return out


def _canonical_activity(activity: object, languages: Sequence[str]) -> object:
    if not isinstance(activity, Mapping):
        return activity
    definition = activity.get("definition")
    if not isinstance(definition, Mapping):
        return activity
    return {**activity, "definition": _canonical_definition(definition, languages)}


def _canonical_statement(
    statement: Mapping[str, Any], languages: Sequence[str]
) -> dict[str, Any]:
    out = dict(statement)
    verb = out.get("verb")
    if isinstance(verb, Mapping) and "display" in verb:
        out["verb"] = {**verb, "display": _reduce_map(verb["display"], languages)}
    obj = out.get("object")
    if isinstance(obj, Mapping):
        kind = obj.get("objectType", "Activity")
        if kind == "Activity":
            out["object"] = _canonical_activity(obj, languages)
        elif kind == "SubStatement":
            out["object"] = _canonical_statement(obj, languages)
    context = out.get("context")
    if isinstance(context, Mapping):
        activities = context.get("contextActivities")
        if isinstance(activities, Mapping):
            out["context"] = {
                **context,
                "contextActivities": {
                    key: [_canonical_activity(item, languages) for item in value]
                    if isinstance(value, list)
                    else value
                    for key, value in activities.items()
                },
            }
    attachments = out.get("attachments")
    if isinstance(attachments, list):
        out["attachments"] = [
            _canonical_attachment(item, languages) for item in attachments
        ]
    return out


def _canonical_attachment(attachment: object, languages: Sequence[str]) -> object:
    if not isinstance(attachment, Mapping):
        return attachment
    out = dict(attachment)
    for key in ("display", "description"):
        if key in out:
            out[key] = _reduce_map(out[key], languages)
    return out
