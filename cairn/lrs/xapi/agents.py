"""Agent identity: canonical keys, the statement filters' agent and activity sets, and
the Person object of the agents resource.

An Agent or identified Group is identified by its one inverse functional identifier
(IFI). :func:`agent_key` renders it as a single string so the LRS can index and
compare identities with plain equality. Statements passed here have been validated
by :mod:`cairn.lrs.xapi.validate`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeGuard

from cairn.lrs.xapi.errors import XAPIError

_AGENT_KINDS = frozenset({"Agent", "Group"})
_CONTEXT_ACTIVITY_KEYS = ("parent", "grouping", "category", "other")


def _is_mapping(value: object) -> TypeGuard[Mapping[str, Any]]:
    # Statements are parsed JSON: a dict is the common case and the cheap test
    # (isinstance with Mapping goes through the ABC machinery every time).
    return isinstance(value, dict) or (value is not None and isinstance(value, Mapping))


def agent_key_or_none(agent: Mapping[str, Any]) -> str | None:
    """The IFI key of an Agent or identified Group, or None for an anonymous Group.

    Keys are ``mbox:<mailto IRI>``, ``mbox_sha1sum:<lowercase hex>``,
    ``openid:<IRI>`` and ``account:<homePage> <name>`` (the home page is an IRI and
    holds no space, so the first space separates it from the name).
    """
    mbox = agent.get("mbox")
    if mbox is not None:
        return f"mbox:{mbox}"
    sha1 = agent.get("mbox_sha1sum")
    if sha1 is not None:
        # Hex digests compare case-insensitively; store one spelling.
        return f"mbox_sha1sum:{str(sha1).lower()}"
    openid = agent.get("openid")
    if openid is not None:
        return f"openid:{openid}"
    account = agent.get("account")
    if _is_mapping(account):
        return f"account:{account.get('homePage')} {account.get('name')}"
    return None


def agent_key(agent: Mapping[str, Any]) -> str:
    """The canonical identity of an Agent or identified Group (see
    :func:`agent_key_or_none`); raises XAPIError(400) for an anonymous Group."""
    key = agent_key_or_none(agent)
    if key is None:
        raise XAPIError(
            "must identify an Agent or identified Group by mbox, mbox_sha1sum, "
            "openid or account",
            path="agent",
        )
    return key


def agent_from_key(key: str) -> dict[str, Any]:
    """Rebuild the IFI properties of an Agent from its :func:`agent_key`."""
    kind, _, value = key.partition(":")
    if kind == "account":
        home_page, _, name = value.partition(" ")
        return {"account": {"homePage": home_page, "name": name}}
    if kind in {"mbox", "mbox_sha1sum", "openid"}:
        return {kind: value}
    raise XAPIError(f"unknown agent key {key!r}", path="agent")


def _add_actor(keys: set[str], actor: object) -> None:
    """Add an Agent's or Group's key and, for a Group, its members' keys."""
    if not _is_mapping(actor):
        return
    key = agent_key_or_none(actor)
    if key is not None:
        keys.add(key)
    members = actor.get("member")
    if isinstance(members, list):
        for member in members:
            if _is_mapping(member):
                member_key = agent_key_or_none(member)
                if member_key is not None:
                    keys.add(member_key)


def _is_agent_object(obj: object) -> bool:
    return _is_mapping(obj) and obj.get("objectType") in _AGENT_KINDS


def direct_agent_keys(statement: Mapping[str, Any]) -> set[str]:
    """Keys the ``agent`` filter matches without ``related_agents``.

    The actor, and the object when it is an Agent or Group; a Group also matches
    through its members' IFIs, as the statements resource's agent parameter
    specifies (Communication 2.1.3, table row "agent").
    """
    keys: set[str] = set()
    _add_actor(keys, statement.get("actor"))
    obj = statement.get("object")
    if _is_agent_object(obj):
        _add_actor(keys, obj)
    return keys


def _add_context_agents(keys: set[str], context: object) -> None:
    if not _is_mapping(context):
        return
    _add_actor(keys, context.get("instructor"))
    _add_actor(keys, context.get("team"))
    # xAPI 2.0 context agents and groups are agents "in" the statement too.
    for entry in context.get("contextAgents") or ():
        if _is_mapping(entry):
            _add_actor(keys, entry.get("agent"))
    for entry in context.get("contextGroups") or ():
        if _is_mapping(entry):
            _add_actor(keys, entry.get("group"))


def related_agent_keys(
    statement: Mapping[str, Any], *, direct: set[str] | None = None
) -> set[str]:
    """Keys the ``agent`` filter matches with ``related_agents=true``.

    Actor, object, authority, context instructor and team, xAPI 2.0 context agents
    and groups, and the same properties of a contained SubStatement; Groups also
    contribute their members. `direct`, if given, is the statement's
    :func:`direct_agent_keys`, spared a second computation.
    """
    keys = set(direct) if direct is not None else direct_agent_keys(statement)
    _add_actor(keys, statement.get("authority"))
    _add_context_agents(keys, statement.get("context"))
    obj = statement.get("object")
    if _is_mapping(obj) and obj.get("objectType") == "SubStatement":
        keys |= direct_agent_keys(obj)
        _add_context_agents(keys, obj.get("context"))
    return keys


def _add_context_activities(ids: set[str], context: object) -> None:
    if not _is_mapping(context):
        return
    activities = context.get("contextActivities")
    if not _is_mapping(activities):
        return
    for key in _CONTEXT_ACTIVITY_KEYS:
        value = activities.get(key)
        if value is None:
            continue
        for activity in value if isinstance(value, list) else (value,):
            if _is_mapping(activity) and "id" in activity:
                ids.add(str(activity["id"]))


def object_activity_id(obj: object) -> str | None:
    """The id of a statement's object when that object is an Activity."""
    if not _is_mapping(obj):
        return None
    if obj.get("objectType", "Activity") != "Activity" or "id" not in obj:
        return None
    return str(obj["id"])


def related_activity_ids(statement: Mapping[str, Any]) -> set[str]:
    """Activity ids the ``activity`` filter matches with ``related_activities=true``.

    The object, every context activity (parent, grouping, category, other), and the
    same properties of a contained SubStatement.
    """
    ids: set[str] = set()
    obj = statement.get("object")
    activity_id = object_activity_id(obj)
    if activity_id is not None:
        ids.add(activity_id)
    _add_context_activities(ids, statement.get("context"))
    if _is_mapping(obj) and obj.get("objectType") == "SubStatement":
        sub_id = object_activity_id(obj.get("object"))
        if sub_id is not None:
            ids.add(sub_id)
        _add_context_activities(ids, obj.get("context"))
    return ids


def person_for(agent_records: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The Person object of the agents resource for the given Agent records.

    Every property is an array (names, mbox, mbox_sha1sum, openid, account);
    values are de-duplicated in first-seen order and empty properties omitted.
    With a single record this is the Person holding only what the LRS knows of
    that Agent, which the specification requires when it knows nothing more.
    """
    names: list[str] = []
    properties: dict[str, list[Any]] = {
        "mbox": [],
        "mbox_sha1sum": [],
        "openid": [],
        "account": [],
    }
    for record in agent_records:
        name = record.get("name")
        if isinstance(name, str) and name not in names:
            names.append(name)
        for key, values in properties.items():
            value = record.get(key)
            if value is None:
                continue
            if key == "account" and isinstance(value, Mapping):
                value = {"homePage": value.get("homePage"), "name": value.get("name")}
            if value not in values:
                values.append(value)
    person: dict[str, Any] = {"objectType": "Person"}
    if names:
        person["name"] = names
    for key, values in properties.items():
        if values:
            person[key] = values
    return person
