"""Reading statements: one by id, or a filtered page with a `more` link.

A filtered page is read from `StatementKey` in the order of the answer (stored,
then insertion), so the database walks one index and stops at the page's end,
whatever the number of statements stored. Further filters are existence checks on
the same statement's keys.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from django.core import signing
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet, TextField
from django.db.models.functions import Cast

from cairn.lrs import policies
from cairn.lrs.keys import activity_filter_keys, agent_filter_keys, make_key
from cairn.lrs.models import LRSClient, Statement, StatementKey
from cairn.lrs.xapi.errors import XAPIError
from cairn.lrs.xapi.validate import (
    is_iri,
    is_uuid,
    parse_timestamp,
    validate_activity_id,
    validate_agent,
)

DEFAULT_PAGE = 100
MAX_PAGE = 1000
FORMATS = {"exact", "ids", "canonical"}
QUERY_PARAMS = {
    "agent",
    "verb",
    "activity",
    "registration",
    "related_activities",
    "related_agents",
    "since",
    "until",
    "limit",
    "format",
    "attachments",
    "ascending",
}
SINGLE_PARAMS = {"statementId", "voidedStatementId", "format", "attachments"}
MORE_SALT = "cairn.lrs.more"


@dataclass(frozen=True)
class StatementQuery:
    """The parsed filters of a statements query."""

    key_filters: tuple[tuple[str, ...], ...]
    since: datetime | None
    until: datetime | None
    limit: int
    ascending: bool
    format: str
    attachments: bool


@dataclass
class StatementPage:
    """A page of statements and the cursor of the next one, if any.

    A page answered exactly as stored (format "exact", no attachments) holds the
    statements' JSON text in `json_texts` and nothing in `statements`: the answer
    splices the text in, where decoding and encoding each statement again was a
    fifth of a query's work in Python.
    """

    statements: list[dict[str, Any]]
    more: str
    json_texts: list[str] | None = None


def _boolean(params: dict[str, str], name: str) -> bool:
    value = params.get(name, "false")
    if value not in {"true", "false"}:
        raise XAPIError(f"must be true or false, not {value!r}.", path=name)
    return value == "true"


def parse_format(params: dict[str, str]) -> str:
    """Return the `format` parameter, checked."""
    value = params.get("format", "exact")
    if value not in FORMATS:
        raise XAPIError(
            f"must be one of {', '.join(sorted(FORMATS))}, not {value!r}.",
            path="format",
        )
    return value


def parse_attachments(params: dict[str, str]) -> bool:
    """Return the `attachments` parameter, checked."""
    return _boolean(params, "attachments")


def parse_query(params: dict[str, str]) -> StatementQuery:
    """Check the parameters of a statements query; 400 names the bad one."""
    unknown = set(params) - QUERY_PARAMS
    if unknown:
        raise XAPIError(
            f"Unknown parameter {sorted(unknown)[0]!r}.", path=sorted(unknown)[0]
        )
    key_filters: list[tuple[str, ...]] = []
    if "agent" in params:
        try:
            agent = orjson.loads(params["agent"])
        except orjson.JSONDecodeError as error:
            raise XAPIError("is not JSON.", path="agent") from error
        validate_agent(agent, path="agent")
        key_filters.append(
            tuple(agent_filter_keys(agent, related=_boolean(params, "related_agents")))
        )
    else:
        _boolean(params, "related_agents")
    if "verb" in params:
        if not is_iri(params["verb"]):
            raise XAPIError("must be an IRI.", path="verb")
        key_filters.append((make_key("v", params["verb"]),))
    if "activity" in params:
        validate_activity_id(params["activity"], path="activity")
        key_filters.append(
            tuple(
                activity_filter_keys(
                    params["activity"],
                    related=_boolean(params, "related_activities"),
                )
            )
        )
    else:
        _boolean(params, "related_activities")
    if "registration" in params:
        if not is_uuid(params["registration"]):
            raise XAPIError("must be a UUID.", path="registration")
        key_filters.append((make_key("r", params["registration"].lower()),))
    since = (
        parse_timestamp(params["since"], path="since") if "since" in params else None
    )
    until = (
        parse_timestamp(params["until"], path="until") if "until" in params else None
    )
    raw_limit = params.get("limit", "0")
    if not raw_limit.isdigit():
        raise XAPIError("must be a non-negative integer.", path="limit")
    limit = int(raw_limit)
    limit = MAX_PAGE if limit == 0 or limit > MAX_PAGE else limit
    if "limit" not in params:
        limit = DEFAULT_PAGE
    return StatementQuery(
        key_filters=tuple(key_filters),
        since=since,
        until=until,
        limit=limit,
        ascending=_boolean(params, "ascending"),
        format=parse_format(params),
        attachments=parse_attachments(params),
    )


def find_statement(
    statement_id: str, *, client: LRSClient, voided: bool
) -> dict[str, Any]:
    """Return one statement by id; a voided one only when `voided` asks for it."""
    if not is_uuid(statement_id):
        name = "voidedStatementId" if voided else "statementId"
        raise XAPIError("must be a UUID.", path=name)
    rows = Statement.objects.filter(statement_id=statement_id.lower(), is_voided=voided)
    if policies.reads_only_own_statements(client):
        rows = rows.filter(client=client)
    payload = rows.values_list("payload", flat=True).first()
    if payload is None:
        raise XAPIError(f"No statement {statement_id}.", status=404)
    return payload  # type: ignore[no-any-return]


def find_statements(
    query: StatementQuery, *, client: LRSClient, cursor: tuple[str, int] | None = None
) -> StatementPage:
    """Return one page of the statements matching `query`, newest first unless
    ascending, after `cursor` (the stored time and row of the last one read).
    """
    own_only = policies.reads_only_own_statements(client)
    as_text = query.format == "exact" and not query.attachments
    if query.key_filters:
        rows = _keyed_rows(query, client if own_only else None, cursor, as_text)
    else:
        rows = _plain_rows(query, client if own_only else None, cursor, as_text)
    found = list(rows[: query.limit + 1])
    page = found[: query.limit]
    more = ""
    if len(found) > query.limit:
        stored, pk = page[-1][1], page[-1][2]
        more = _more_token(query, (stored.isoformat(), pk))
    payloads = [payload for payload, _, _ in page]
    if as_text:
        return StatementPage(statements=[], more=more, json_texts=payloads)
    return StatementPage(statements=payloads, more=more)


def _payload(field: str, as_text: bool) -> Any:
    """Select the payload decoded, or as the JSON text it is stored as."""
    return Cast(field, TextField()) if as_text else field


def _order(query: StatementQuery, stored: str, pk: str) -> list[str]:
    if query.ascending:
        return [stored, pk]
    return [f"-{stored}", f"-{pk}"]


def _after(cursor: tuple[str, int] | None, ascending: bool, stored: str, pk: str) -> Q:
    if cursor is None:
        return Q()
    at = datetime.fromisoformat(cursor[0])
    if ascending:
        return Q(**{f"{stored}__gt": at}) | Q(**{stored: at, f"{pk}__gt": cursor[1]})
    return Q(**{f"{stored}__lt": at}) | Q(**{stored: at, f"{pk}__lt": cursor[1]})


def _time_window(query: StatementQuery, stored: str) -> Q:
    window = Q()
    if query.since is not None:
        window &= Q(**{f"{stored}__gt": query.since})
    if query.until is not None:
        window &= Q(**{f"{stored}__lte": query.until})
    return window


def _keyed_rows(
    query: StatementQuery,
    own_client: LRSClient | None,
    cursor: tuple[str, int] | None,
    as_text: bool,
) -> QuerySet[Any]:
    first, *others = query.key_filters
    rows = StatementKey.objects.filter(
        _time_window(query, "stored"),
        _after(cursor, query.ascending, "stored", "statement_id"),
        key__in=first,
        statement__is_voided=False,
    )
    for keys in others:
        rows = rows.filter(
            Exists(
                # A key row holds its statement's stored time: with it the
                # primary key (key, stored, statement) finds the row directly.
                StatementKey.objects.filter(
                    key__in=keys,
                    stored=OuterRef("stored"),
                    statement_id=OuterRef("statement_id"),
                )
            )
        )
    if own_client is not None:
        rows = rows.filter(statement__client=own_client)
    if len(first) > 1:
        # A broad filter (related agents or activities) can match one statement by
        # two keys; the answer holds it once. PostgreSQL compares the two columns
        # that identify the statement (its json payload has no equality).
        if connection.vendor == "postgresql":
            rows = rows.distinct("stored", "statement_id")
        else:
            rows = rows.distinct()
    return rows.order_by(*_order(query, "stored", "statement_id")).values_list(
        _payload("statement__payload", as_text), "stored", "statement_id"
    )


def _plain_rows(
    query: StatementQuery,
    own_client: LRSClient | None,
    cursor: tuple[str, int] | None,
    as_text: bool,
) -> QuerySet[Any]:
    rows = Statement.objects.filter(
        _time_window(query, "stored"),
        _after(cursor, query.ascending, "stored", "id"),
        is_voided=False,
    )
    if own_client is not None:
        rows = rows.filter(client=own_client)
    return rows.order_by(*_order(query, "stored", "id")).values_list(
        _payload("payload", as_text), "stored", "id"
    )


def _more_token(query: StatementQuery, cursor: tuple[str, int]) -> str:
    data = {
        "k": [list(keys) for keys in query.key_filters],
        "s": query.since.isoformat() if query.since else None,
        "u": query.until.isoformat() if query.until else None,
        "l": query.limit,
        "a": query.ascending,
        "f": query.format,
        "t": query.attachments,
        "c": list(cursor),
    }
    return signing.dumps(data, salt=MORE_SALT, compress=True)


def read_more_token(token: str) -> tuple[StatementQuery, tuple[str, int]]:
    """Return the query and cursor a `more` link stands for; 400 if it was altered."""
    try:
        data = signing.loads(token, salt=MORE_SALT)
    except signing.BadSignature as error:
        raise XAPIError("is not a link this LRS gave.", path="more") from error
    query = StatementQuery(
        key_filters=tuple(tuple(keys) for keys in data["k"]),
        since=datetime.fromisoformat(data["s"]) if data["s"] else None,
        until=datetime.fromisoformat(data["u"]) if data["u"] else None,
        limit=data["l"],
        ascending=data["a"],
        format=data["f"],
        attachments=data["t"],
    )
    return query, (data["c"][0], data["c"][1])
