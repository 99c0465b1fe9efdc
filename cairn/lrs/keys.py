"""The filter keys of a statement: every value the statements resource finds it by.

A key is a one-letter kind and a value: `a|` an agent that is the actor or object,
`A|` an agent found only by `related_agents` (authority, instructor, team, context
agents, a sub-statement's agents), `o|` the object activity, `O|` an activity found
only by `related_activities`, `v|` the verb, `r|` the registration. A statement whose
object is a StatementRef also carries the keys of the statement it targets, since
xAPI says such a statement meets every filter but time and sequence that its target
meets.

Values longer than the key column, or holding a NUL character (which PostgreSQL's
text cannot), are replaced by their SHA-256, with `#` instead of `|`, so any IRI or
name can be a key and equal values still give equal keys.
"""

import hashlib
from typing import Any

from cairn.lrs.xapi.agents import (
    agent_key,
    direct_agent_keys,
    related_activity_ids,
    related_agent_keys,
)

MAX_KEY_LENGTH = 255


def make_key(kind: str, value: str) -> str:
    """Return the key of `value` of `kind` (one of a, A, o, O, v, r)."""
    key = f"{kind}|{value}"
    # PostgreSQL's text holds no NUL character (an account name may).
    if len(key) <= MAX_KEY_LENGTH and "\x00" not in key:
        return key
    return f"{kind}#{hashlib.sha256(value.encode('utf-8')).hexdigest()}"


def statement_keys(statement: dict[str, Any]) -> set[str]:
    """Return the keys of `statement` itself (not those of a statement it targets)."""
    keys = {make_key("v", statement["verb"]["id"])}
    direct_agents = direct_agent_keys(statement)
    keys.update(make_key("a", key) for key in direct_agents)
    keys.update(
        make_key("A", key)
        for key in related_agent_keys(statement, direct=direct_agents) - direct_agents
    )
    target = statement["object"]
    object_activity = (
        target["id"] if target.get("objectType", "Activity") == "Activity" else None
    )
    if object_activity is not None:
        keys.add(make_key("o", object_activity))
    keys.update(
        make_key("O", activity_id)
        for activity_id in related_activity_ids(statement)
        if activity_id != object_activity
    )
    registration = (statement.get("context") or {}).get("registration")
    if registration:
        keys.add(make_key("r", registration.lower()))
    return keys


def agent_filter_keys(agent: dict[str, Any], *, related: bool) -> list[str]:
    """Return the keys the `agent` filter matches, broadly if `related`."""
    key = agent_key(agent)
    keys = [make_key("a", key)]
    if related:
        keys.append(make_key("A", key))
    return keys


def activity_filter_keys(activity_id: str, *, related: bool) -> list[str]:
    """Return the keys the `activity` filter matches, broadly if `related`."""
    keys = [make_key("o", activity_id)]
    if related:
        keys.append(make_key("O", activity_id))
    return keys
