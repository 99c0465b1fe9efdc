"""Reading the document resources, the activities resource and the agents resource.

A document (state, activity profile or agent profile) lives in a scope: its kind,
its activity, its agent and, for state, its registration. `DocumentScope` names a
scope and gives the digest a single document is found by; the parameters of a
request are checked into one by `parse_document_params`, which names the offending
parameter in every 400.

Documents belong to the LRS as a whole, not to the client that wrote them: xAPI
lets any client holding the state or profile scope read and write every document
(a course on one device resumes what another device saved).
"""

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from django.db.models import Max, Q

from cairn.lrs import policies
from cairn.lrs.choices import DocumentKind
from cairn.lrs.keys import make_key
from cairn.lrs.models import Activity, Document, LRSClient, Statement, StatementKey
from cairn.lrs.xapi.agents import agent_key, agent_key_or_none, person_for
from cairn.lrs.xapi.errors import XAPIError
from cairn.lrs.xapi.validate import (
    is_uuid,
    parse_timestamp,
    validate_activity_id,
    validate_agent,
)

# The longest activity and document ids the document table holds.
MAX_ID_LENGTH = 2048
# Agent keys longer than the column are stored as their digest (see `_stored_key`).
MAX_AGENT_KEY_LENGTH = 255
# How many recent statements of an agent the agents resource reads for names.
PERSON_STATEMENTS = 20


@dataclass(frozen=True)
class DocumentResource:
    """One of the three document resources, and the parameters that scope it."""

    kind: str
    id_param: str
    by_activity: bool
    by_agent: bool
    by_registration: bool


STATE = DocumentResource(
    kind=DocumentKind.STATE,
    id_param="stateId",
    by_activity=True,
    by_agent=True,
    by_registration=True,
)
ACTIVITY_PROFILE = DocumentResource(
    kind=DocumentKind.ACTIVITY_PROFILE,
    id_param="profileId",
    by_activity=True,
    by_agent=False,
    by_registration=False,
)
AGENT_PROFILE = DocumentResource(
    kind=DocumentKind.AGENT_PROFILE,
    id_param="profileId",
    by_activity=False,
    by_agent=True,
    by_registration=False,
)


@dataclass(frozen=True)
class DocumentScope:
    """What documents belong to: a kind, an activity, an agent, a registration.

    Properties a resource does not scope by are empty. A state scope without a
    registration stands, for the multiple-document GET and DELETE, for the states
    of every registration (xAPI: "Activity + Agent [+ registration if
    specified]"), and for a single document, for the state saved without one.
    """

    kind: str
    activity_id: str = ""
    agent_key: str = ""
    registration: uuid.UUID | None = None

    def scope_hash(self, document_id: str) -> str:
        """Return the digest the document `document_id` of this scope is found by."""
        parts = [
            self.kind,
            self.activity_id,
            self.agent_key,
            str(self.registration or ""),
            document_id,
        ]
        # The unit separator cannot be confused with any character of the parts'
        # boundaries, so two different scopes never share a digest.
        return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()

    def documents(self) -> Q:
        """Return the filter of every document of this scope."""
        condition = Q(
            kind=self.kind, activity_id=self.activity_id, agent_key=self.agent_key
        )
        if self.registration is not None:
            condition &= Q(registration=self.registration)
        return condition


@dataclass(frozen=True)
class DocumentRequest:
    """The checked parameters of one request to a document resource."""

    scope: DocumentScope
    document_id: str | None
    since: datetime | None


@dataclass(frozen=True)
class DocumentIds:
    """The ids of a scope's documents and when the latest of them changed."""

    ids: list[str]
    last_modified: datetime | None


def parse_document_params(
    resource: DocumentResource, method: str, params: dict[str, str]
) -> DocumentRequest:
    """Check the parameters of a request to `resource`; 400 names the bad one.

    The document id is required but for a GET (the ids of the scope) and, on the
    state resource, a DELETE (every state of the scope); `since` is only for the
    GET of ids. Any other parameter is refused, as xAPI 2.0 requires.
    """
    reading = method in {"GET", "HEAD"}
    allowed = {resource.id_param}
    if resource.by_activity:
        allowed.add("activityId")
    if resource.by_agent:
        allowed.add("agent")
    if resource.by_registration:
        allowed.add("registration")
    if reading:
        allowed.add("since")
    _refuse_unknown(params, allowed)
    activity_id = _activity_param(params) if resource.by_activity else ""
    key = _agent_key_param(params) if resource.by_agent else ""
    registration = _registration_param(params) if resource.by_registration else None
    document_id = params.get(resource.id_param)
    if document_id is None:
        optional = reading or (method == "DELETE" and resource.kind == STATE.kind)
        if not optional:
            raise XAPIError("is required.", path=resource.id_param)
    elif not document_id:
        raise XAPIError("must not be empty.", path=resource.id_param)
    elif "\x00" in document_id:
        # Ids are stored and listed as they are, and PostgreSQL's text holds no NUL.
        raise XAPIError(
            "must not contain a NUL character (U+0000).", path=resource.id_param
        )
    elif len(document_id) > MAX_ID_LENGTH:
        raise XAPIError(
            f"must be at most {MAX_ID_LENGTH} characters.", path=resource.id_param
        )
    since = None
    if "since" in params:
        if document_id is not None:
            raise XAPIError(
                f"is only for the list of ids, not with {resource.id_param}.",
                path="since",
            )
        since = parse_timestamp(params["since"], path="since")
    return DocumentRequest(
        scope=DocumentScope(
            kind=resource.kind,
            activity_id=activity_id,
            agent_key=key,
            registration=registration,
        ),
        document_id=document_id,
        since=since,
    )


def parse_activity_params(params: dict[str, str]) -> str:
    """Return the checked `activityId` of a request to the activities resource."""
    _refuse_unknown(params, {"activityId"})
    return _activity_param(params)


def parse_agent_params(params: dict[str, str]) -> dict[str, Any]:
    """Return the checked `agent` of a request to the agents resource."""
    _refuse_unknown(params, {"agent"})
    return _agent_param(params)


def _refuse_unknown(params: dict[str, str], allowed: set[str]) -> None:
    unknown = sorted(set(params) - allowed)
    if unknown:
        raise XAPIError(
            f"is not a parameter of this request (it takes "
            f"{', '.join(sorted(allowed))}).",
            path=unknown[0],
        )


def _activity_param(params: dict[str, str]) -> str:
    activity_id = params.get("activityId")
    if activity_id is None:
        raise XAPIError("is required.", path="activityId")
    validate_activity_id(activity_id, path="activityId")
    if len(activity_id) > MAX_ID_LENGTH:
        raise XAPIError(
            f"must be at most {MAX_ID_LENGTH} characters.", path="activityId"
        )
    return activity_id


def _agent_param(params: dict[str, str]) -> dict[str, Any]:
    raw = params.get("agent")
    if raw is None:
        raise XAPIError("is required.", path="agent")
    try:
        agent = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise XAPIError("is not JSON.", path="agent") from error
    # Documents and the Person object are about one Agent, never a Group (xAPI's
    # tables name the parameter an "Agent object").
    validate_agent(agent, path="agent", allow_group=False)
    return agent  # type: ignore[no-any-return]  # validate_agent proved an object


def _agent_key_param(params: dict[str, str]) -> str:
    return _stored_key(agent_key(_agent_param(params)))


def _stored_key(key: str) -> str:
    """Return `key` as the document table stores it: itself if it fits the column
    and holds no NUL character (an account name may; PostgreSQL's text may not), its
    digest otherwise (no agent key starts with "sha256:", so none collide).
    """
    if len(key) <= MAX_AGENT_KEY_LENGTH and "\x00" not in key:
        return key
    return "sha256:" + hashlib.sha256(key.encode("utf-8")).hexdigest()


def _registration_param(params: dict[str, str]) -> uuid.UUID | None:
    raw = params.get("registration")
    if raw is None:
        return None
    if not is_uuid(raw):
        raise XAPIError("must be a UUID.", path="registration")
    return uuid.UUID(raw)


def state_scope(
    activity_id: str, agent: dict[str, Any], registration: uuid.UUID | None
) -> DocumentScope:
    """Return the scope of an agent's state in an activity (and registration)."""
    return DocumentScope(
        kind=STATE.kind,
        activity_id=activity_id,
        agent_key=_stored_key(agent_key(agent)),
        registration=registration,
    )


def find_document(scope: DocumentScope, document_id: str) -> Document | None:
    """Return the document `document_id` of `scope`, or None."""
    return Document.objects.filter(scope_hash=scope.scope_hash(document_id)).first()


def list_document_ids(scope: DocumentScope, since: datetime | None) -> DocumentIds:
    """Return the ids of the documents of `scope` changed after `since` (all of
    them without it), and when the latest of them changed.
    """
    rows = Document.objects.filter(scope.documents())
    if since is not None:
        rows = rows.filter(updated__gt=since)
    ids = list(rows.order_by("document_id").values_list("document_id", flat=True))
    # One state id can be saved under several registrations; it is listed once.
    unique = list(dict.fromkeys(ids))
    last_modified = rows.aggregate(latest=Max("updated"))["latest"] if ids else None
    return DocumentIds(ids=unique, last_modified=last_modified)


def find_activity(activity_id: str) -> dict[str, Any]:
    """Return the Activity object of `activity_id` with its canonical definition.

    An activity no statement has named is still an Activity object, with its id
    alone, as xAPI requires.
    """
    definition = (
        Activity.objects.filter(activity_id=activity_id)
        .values_list("definition", flat=True)
        .first()
    )
    activity: dict[str, Any] = {"objectType": "Activity", "id": activity_id}
    if definition:
        activity["definition"] = definition
    return activity


def find_person(agent: dict[str, Any], *, client: LRSClient) -> dict[str, Any]:
    """Return the Person object of `agent`: the agent as given and, for a client
    that may read every statement, the names the latest statements gave it.

    Cairn does not join one person's several identifiers, so the Person holds the
    agent's one identifier; a client that may read only its own statements learns
    nothing from other clients' statements.
    """
    records: list[dict[str, Any]] = [agent]
    if not policies.reads_only_own_statements(client):
        records.extend(_agent_records(agent_key(agent)))
    return person_for(records)


def _agent_records(key: str) -> list[dict[str, Any]]:
    """Return the Agent objects with identity `key` in its latest statements."""
    statement_ids = (
        StatementKey.objects.filter(key=make_key("a", key))
        .order_by("-stored")
        .values_list("statement_id", flat=True)[:PERSON_STATEMENTS]
    )
    payloads = Statement.objects.filter(id__in=list(statement_ids)).order_by("-stored")
    records: list[dict[str, Any]] = []
    for payload in payloads.values_list("payload", flat=True):
        for candidate in _agents_of(payload):
            if agent_key_or_none(candidate) == key:
                records.append(candidate)
    return records


def _agents_of(statement: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the actor and the object of `statement` that are agents, with the
    members of a group among them.
    """
    found: list[dict[str, Any]] = []
    # An actor without objectType is an Agent; an object without one an Activity.
    for part, default in (
        (statement.get("actor"), "Agent"),
        (statement.get("object"), "Activity"),
    ):
        if not isinstance(part, dict):
            continue
        if part.get("objectType", default) not in {"Agent", "Group"}:
            continue
        found.append(part)
        members = part.get("member")
        if isinstance(members, list):
            found.extend(member for member in members if isinstance(member, dict))
    return found
