"""Storing statements: validate, complete, compare, void, index, all or nothing."""

import re
import struct
import uuid
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from django.db import IntegrityError, connection, models, transaction
from django.db.models import BooleanField, Q, TextField
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.utils import timezone

from cairn.lrs.keys import statement_keys
from cairn.lrs.models import (
    Activity,
    LRSClient,
    PendingReference,
    Statement,
    StatementAttachment,
    StatementKey,
)
from cairn.lrs.xapi.complete import complete_statement
from cairn.lrs.xapi.errors import XAPIError
from cairn.lrs.xapi.validate import parse_timestamp, validate_statement

VOIDED_VERB = "http://adlnet.gov/expapi/verbs/voided"
SIGNATURE_USAGE = "http://adlnet.gov/expapi/attachments/signature"
# Properties the LRS sets or may change: two statements that differ only in them
# are the same statement (xAPI's statement comparison requirements).
IGNORED_IN_COMPARISON = frozenset({"authority", "stored", "version", "timestamp"})


@dataclass(frozen=True)
class AttachmentPart:
    """The content of one attachment sent in a multipart request."""

    content_type: str
    content: bytes


def store_statements(
    statements: list[Any],
    *,
    client: LRSClient,
    version: str,
    parts: Mapping[str, AttachmentPart] | None = None,
    put_id: str | None = None,
    verify: Callable[[list[dict[str, Any]]], None] | None = None,
) -> list[str]:
    """Store a batch of statements whole or not at all; return their ids in order.

    A statement whose id is already stored with the same content is not stored
    again; with other content it is a 409 conflict. `put_id` is the statementId of
    a PUT, which the statement's own id (if any) must equal. `verify` checks the
    valid batch further (signatures) before anything is written.
    """
    parts = parts or {}
    for position, statement in enumerate(statements):
        try:
            validate_statement(statement, version=version)
        except XAPIError as error:
            if len(statements) > 1:
                error.message = f"[{position}].{error.message}"
                error.path = f"[{position}].{error.path}"
            raise
    ids = _assign_ids(statements, put_id)
    _check_attachments(statements, parts)
    if verify is not None:
        # Signatures are compared with the statement as it is stored. (Storing
        # normalizes a copy; only the comparisons need the received statements so.)
        for statement in statements:
            normalize_statement(statement)
        verify(statements)
    now = timezone.now()
    completed = [
        complete_statement(
            statement,
            statement_id=statement_id,
            stored=now,
            authority=client.authority,
            version=version,
        )
        for statement_id, statement in zip(ids, statements, strict=True)
    ]
    with transaction.atomic():
        try:
            # Most batches hold only statements never seen: write them at once and
            # let the unique statement id catch any stored before, rather than
            # looking every id up first.
            with transaction.atomic():
                _insert(completed, client=client, stored=now, parts=parts)
        except IntegrityError:
            new_statements = _not_stored(ids, statements, completed)
            if new_statements:
                try:
                    _insert(new_statements, client=client, stored=now, parts=parts)
                except IntegrityError as error:
                    # Another request stored one of these ids between the read
                    # and this write.
                    raise XAPIError(
                        "A statement with one of these ids was stored meanwhile.",
                        path="id",
                        status=409,
                    ) from error
    return ids


def _not_stored(
    ids: list[str], statements: list[dict[str, Any]], completed: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Return the completed statements whose id is not stored yet; a stored id with
    other content is a 409 conflict.
    """
    existing = {
        str(row.statement_id): row.payload
        for row in Statement.objects.filter(statement_id__in=ids)
    }
    new_statements: list[dict[str, Any]] = []
    for statement_id, statement, complete in zip(
        ids, statements, completed, strict=True
    ):
        stored = existing.get(statement_id)
        if stored is None:
            new_statements.append(complete)
            continue
        normalize_statement(statement)
        if not same_statement(stored, statement):
            raise XAPIError(
                f"A different statement with id {statement_id} is already stored.",
                path="id",
                status=409,
            )
    return new_statements


def normalize_statement(statement: dict[str, Any]) -> None:
    """Put every single context activity in a list of one, as xAPI returns them
    (also in a sub-statement); nothing else of a statement is changed.
    """
    for part in (statement, statement.get("object") or {}):
        context = part.get("context")
        if not isinstance(context, dict):
            continue
        activities = context.get("contextActivities")
        if isinstance(activities, dict):
            for name, value in activities.items():
                if isinstance(value, dict):
                    activities[name] = [value]


def _assign_ids(statements: list[Any], put_id: str | None) -> list[str]:
    ids: list[str] = []
    seen: set[str] = set()
    for position, statement in enumerate(statements):
        own = statement.get("id")
        if put_id is not None:
            if own is not None and own.lower() != put_id.lower():
                raise XAPIError(
                    "The statement's id differs from the statementId parameter.",
                    path="id",
                    status=409,
                )
            statement_id = put_id.lower()
        else:
            statement_id = own.lower() if own else str(uuid.uuid4())
        if statement_id in seen:
            raise XAPIError(
                f"Statement id {statement_id} appears twice in the batch.",
                path=f"[{position}].id",
            )
        seen.add(statement_id)
        ids.append(statement_id)
    return ids


def _check_attachments(
    statements: list[dict[str, Any]], parts: Mapping[str, AttachmentPart]
) -> None:
    """Require a part for every attachment without a fileUrl, and no stray part."""
    needed: set[str] = set()
    for statement in statements:
        for attachment in statement.get("attachments") or []:
            if "fileUrl" not in attachment or attachment["sha2"] in parts:
                needed.add(attachment["sha2"])
    for sha2 in needed - set(parts):
        raise XAPIError(
            f"No part of the request holds the attachment with sha2 {sha2}.",
            path="attachments",
        )
    for sha2 in set(parts) - needed:
        raise XAPIError(
            f"The part with sha2 {sha2} belongs to no attachment of the statements.",
            path="attachments",
        )


def same_statement(stored: dict[str, Any], received: dict[str, Any]) -> bool:
    """Say whether `received` is the statement `stored` (xAPI's comparison rules:
    what the LRS sets is ignored, timestamps compare as instants, durations to the
    hundredth of a second).
    """
    if _comparable(stored) != _comparable(received):
        return False
    if received.get("timestamp") is not None and stored.get("timestamp") is not None:
        return parse_timestamp(stored["timestamp"]) == parse_timestamp(
            received["timestamp"]
        )
    return True


_SECONDS = re.compile(r"(\d+)\.(\d{2})\d*S$")


def _comparable(statement: dict[str, Any]) -> dict[str, Any]:
    comparable = {
        key: value
        for key, value in statement.items()
        if key not in IGNORED_IN_COMPARISON and key != "id"
    }
    result = comparable.get("result")
    if isinstance(result, dict) and isinstance(result.get("duration"), str):
        comparable["result"] = {
            **result,
            "duration": _SECONDS.sub(r"\1.\2S", result["duration"]),
        }
    target = comparable.get("object")
    if isinstance(target, dict) and target.get("objectType") == "SubStatement":
        comparable["object"] = _comparable(target)
    return comparable


def _insert(
    statements: list[dict[str, Any]],
    *,
    client: LRSClient,
    stored: datetime,
    parts: Mapping[str, AttachmentPart],
) -> None:
    ref_targets = {
        statement["id"]: statement["object"]["id"].lower()
        for statement in statements
        if statement["object"].get("objectType") == "StatementRef"
    }
    own_keys = {statement["id"]: statement_keys(statement) for statement in statements}
    known: Collection[str] = ()
    if ref_targets:
        keys_by_statement, known = _keys_through_targets(
            statements, own_keys, ref_targets
        )
    else:
        keys_by_statement = [own_keys[statement["id"]] for statement in statements]
    if connection.vendor == "postgresql":
        pks = _copy_rows(statements, keys_by_statement, ref_targets, client, stored)
    else:
        pks = _create_rows(statements, keys_by_statement, ref_targets, client, stored)
    if ref_targets:
        waiting = []
        for pk, statement in zip(pks, statements, strict=True):
            target = ref_targets.get(statement["id"])
            if target is not None and target not in known:
                waiting.append(PendingReference(statement_id=pk, target=target))
        PendingReference.objects.bulk_create(waiting)
    _pass_keys_to_earlier_referrers(
        {
            statement["id"].lower(): keys
            for statement, keys in zip(statements, keys_by_statement, strict=True)
        }
    )
    _void_targets(statements, ref_targets)
    _store_activities(statements, stored)
    _store_attachments(parts, stored)


def _create_rows(
    statements: list[dict[str, Any]],
    keys_by_statement: list[set[str]],
    ref_targets: Mapping[str, str],
    client: LRSClient,
    stored: datetime,
) -> list[int]:
    """Write the statements and their keys; return their rows' ids in order."""
    rows = Statement.objects.bulk_create(
        [
            Statement(
                statement_id=statement["id"],
                stored=stored,
                ref_target=ref_targets.get(statement["id"]),
                is_voiding=statement["verb"]["id"] == VOIDED_VERB,
                client=client,
                payload=statement,
            )
            for statement in statements
        ]
    )
    StatementKey.objects.bulk_create(
        [
            StatementKey(key=key, stored=stored, statement_id=row.pk)
            for row, keys in zip(rows, keys_by_statement, strict=True)
            for key in keys
        ]
    )
    return [row.pk for row in rows]


# COPY's text format for NULL.
_COPY_NULL = "\\N"
# COPY's binary format: a signature, flags and header extension (both none), then
# per row the number of fields and each field's length and bytes, then -1.
_BINARY_HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)
_BINARY_TRAILER = b"\xff\xff"
_KEY_START = struct.Struct(">hi").pack
_KEY_END = struct.Struct(">iqiq").pack
_POSTGRES_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def _copy_rows(
    statements: list[dict[str, Any]],
    keys_by_statement: list[set[str]],
    ref_targets: Mapping[str, str],
    client: LRSClient,
    stored: datetime,
) -> list[int]:
    """Write the same rows as `_create_rows` with PostgreSQL's COPY, which spares
    the ORM's per-row work and the parsing of a long INSERT (the insert was most
    of a batch's time in the benchmark: docs/performance.md, "xAPI LRS").

    Each table's rows are rendered in COPY's text format and sent in one piece:
    psycopg's per-row `write_row` cost more than the rest of the batch's Python.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(%s::regclass) FROM generate_series(1, %s)",
            [_statement_sequence(cursor), len(statements)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        stored_text = stored.isoformat()
        client_text = str(client.pk)
        statement_rows = "".join(
            f"{pk}\t{statement['id']}\t{stored_text}\t"
            f"{ref_targets.get(statement['id'], _COPY_NULL)}\t"
            f"{'t' if statement['verb']['id'] == VOIDED_VERB else 'f'}\tf\t"
            f"{client_text}\t{_copy_json(statement)}\n"
            for pk, statement in zip(ids, statements, strict=True)
        )
        key_rows = _binary_key_rows(ids, keys_by_statement, stored)
        raw = cursor.cursor
        # Django's wrapper turns a duplicate id into its own IntegrityError (409).
        with (
            connection.wrap_database_errors,
            raw.copy(
                "COPY lrs_statement (id, statement_id, stored, ref_target, is_voiding, "
                "is_voided, client_id, payload) FROM STDIN"
            ) as copy,
        ):
            copy.write(statement_rows)
        with (
            connection.wrap_database_errors,
            raw.copy(
                "COPY lrs_statementkey (key, stored, statement_id) FROM STDIN "
                "WITH (FORMAT binary)"
            ) as copy,
        ):
            copy.write(key_rows)
    return ids


_sequences: dict[str, str] = {}


def _statement_sequence(cursor: Any) -> str:
    """Return the name of the statement ids' sequence, looked up once a database.

    Looked up in the query itself it was resolved again for each of a batch's
    thousand ids: 4 of the 5 ms of taking them.
    """
    database = str(connection.settings_dict["NAME"])
    if database not in _sequences:
        cursor.execute("SELECT pg_get_serial_sequence('lrs_statement', 'id')")
        _sequences[database] = cursor.fetchone()[0]
    return _sequences[database]


def _binary_key_rows(
    ids: list[int], keys_by_statement: list[set[str]], stored: datetime
) -> bytes:
    """Render key rows in COPY's binary format.

    A batch has about eight keys a statement, and in text PostgreSQL parsed the
    same stored time again for each of them (a tenth of the keys' cost); in binary
    it is microseconds since 2000, and each key row costs Python little more.
    """
    microseconds = (stored - _POSTGRES_EPOCH) // timedelta(microseconds=1)
    rows = [_BINARY_HEADER]
    for pk, keys in zip(ids, keys_by_statement, strict=True):
        end = _KEY_END(8, microseconds, 8, pk)
        for key in keys:
            encoded = key.encode()
            rows.append(_KEY_START(3, len(encoded)) + encoded + end)
    rows.append(_BINARY_TRAILER)
    return b"".join(rows)


def _copy_json(value: Any) -> str:
    """Render a JSON value as a field of COPY's text format.

    orjson writes control characters in strings as escapes, so its output holds no
    newline, carriage return or tab; only its backslashes need doubling.
    """
    return orjson.dumps(value).decode().replace("\\", "\\\\")


def _keys_through_targets(
    statements: list[dict[str, Any]],
    own_keys: Mapping[str, set[str]],
    ref_targets: Mapping[str, str],
) -> tuple[list[set[str]], Collection[str]]:
    """Return each statement's keys: its own and those of the statement it targets,
    recursively (a statement targeting another meets every filter but time and
    sequence its target meets, xAPI Communication 2.1.3); and the ids of the
    statements met on the way (of this batch or stored).

    A stored target's keys are computed again from its payload, as when it was
    stored, and so are those of the statements it targets in turn; the keys table
    has no index by statement to read them from.
    """
    own = {statement_id.lower(): keys for statement_id, keys in own_keys.items()}
    targets = {
        statement_id.lower(): target for statement_id, target in ref_targets.items()
    }
    looked_up = set(own)
    missing = set(targets.values()) - looked_up
    while missing:
        looked_up |= missing
        found = Statement.objects.filter(statement_id__in=missing).values_list(
            "statement_id", "payload"
        )
        missing = set()
        for statement_id, payload in found:
            key = str(statement_id)
            own[key] = statement_keys(payload)
            target = payload["object"]
            if target.get("objectType") == "StatementRef":
                targets[key] = target["id"].lower()
                if targets[key] not in looked_up:
                    missing.add(targets[key])
    keys_by_statement = []
    for statement in statements:
        keys: set[str] = set()
        node: str | None = statement["id"].lower()
        walked: set[str] = set()
        # A chain of references ends at a statement not stored yet, or loops.
        while node is not None and node in own and node not in walked:
            walked.add(node)
            keys |= own[node]
            node = targets.get(node)
        keys_by_statement.append(keys)
    return keys_by_statement, own.keys()


def _pass_keys_to_earlier_referrers(keys_by_id: Mapping[str, set[str]]) -> None:
    """Give statements stored earlier that target one of these (lowercase ids to
    all their keys) those keys too, and so on to the statements targeting them.
    """
    waiting = list(
        PendingReference.objects.filter(
            _any_of(PendingReference, "target", keys_by_id, array_type="uuid[]")
        ).values_list(
            "pk",
            "statement_id",
            "statement__statement_id",
            "statement__stored",
            "target",
        )
    )
    if not waiting:
        return
    PendingReference.objects.filter(pk__in=[row[0] for row in waiting]).delete()
    referrers = [
        (pk, str(statement_id), stored, str(target))
        for _, pk, statement_id, stored, target in waiting
    ]
    seen: set[str] = set(keys_by_id)
    while referrers:
        rows: list[StatementKey] = []
        passed: dict[str, set[str]] = {}
        for pk, statement_id, stored, target in referrers:
            keys = keys_by_id.get(target, set())
            rows.extend(
                StatementKey(key=key, stored=stored, statement_id=pk) for key in keys
            )
            seen.add(statement_id)
            passed[statement_id] = keys
        StatementKey.objects.bulk_create(rows, ignore_conflicts=True)
        # A statement referring to a referrer meets the same filters, recursively;
        # it was stored after its target, so no reference of its waits.
        keys_by_id = passed
        referrers = [
            (pk, str(statement_id), stored, str(ref_target))
            for pk, statement_id, stored, ref_target in Statement.objects.filter(
                ref_target__in=list(passed)
            ).values_list("pk", "statement_id", "stored", "ref_target")
            if str(statement_id) not in seen
        ]


def _any_of(
    model: type[models.Model], column: str, values: Collection[str], *, array_type: str
) -> Q | RawSQL:
    """Match a column of `model` against many values: with one array parameter on
    PostgreSQL, where a list of a thousand placeholders cost more to send and
    parse than the lookup itself; with IN elsewhere.
    """
    if connection.vendor != "postgresql":
        return Q(**{f"{column}__in": values})
    items = ",".join(
        '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"' for value in values
    )
    table = model._meta.db_table
    # The table, column and type are this module's constants; the values are a
    # parameter.
    return RawSQL(  # noqa: S611
        f'"{table}"."{column}" = ANY(%s::{array_type})',
        ["{" + items + "}"],
        output_field=BooleanField(),
    )


def _void_targets(
    statements: Iterable[dict[str, Any]], ref_targets: Mapping[str, str]
) -> None:
    voided = [
        ref_targets[statement["id"]]
        for statement in statements
        if statement["verb"]["id"] == VOIDED_VERB
    ]
    if voided:
        # A voiding statement cannot itself be voided; it stays as it is.
        Statement.objects.filter(statement_id__in=voided, is_voiding=False).update(
            is_voided=True
        )


def _store_activities(statements: Iterable[dict[str, Any]], stored: datetime) -> None:
    """Keep every object activity's definition, merged across statements: language
    maps gather every language seen (the latest text wins per language), other
    properties take the latest value.
    """
    received: dict[str, list[dict[str, Any]]] = {}
    for statement in statements:
        target = statement["object"]
        if target.get("objectType", "Activity") == "Activity":
            received.setdefault(target["id"], []).append(target.get("definition") or {})
    if not received:
        return
    # The definitions as text, parsed with orjson: the JSON field's own decoding
    # was a third of this function's time for a batch of 1,000.
    known = {
        activity_id: orjson.loads(definition)
        for activity_id, definition in Activity.objects.filter(
            _any_of(Activity, "activity_id", received, array_type="text[]")
        ).values_list("activity_id", Cast("definition", output_field=TextField()))
    }
    changed: list[Activity] = []
    for activity_id, definitions in received.items():
        existing = known.get(activity_id)
        merged = existing or {}
        for definition in definitions:
            # Most statements repeat what is kept already, which merging leaves
            # as it is.
            if definition.items() <= merged.items():
                continue
            merged = merge_definitions(merged, definition)
        if existing is None or merged != existing:
            changed.append(
                Activity(activity_id=activity_id, definition=merged, updated=stored)
            )
    if changed:
        # In one order, so two batches writing the same new activities wait for
        # each other instead of deadlocking.
        changed.sort(key=lambda activity: activity.activity_id)
        Activity.objects.bulk_create(
            changed,
            update_conflicts=True,
            unique_fields=["activity_id"],
            update_fields=["definition", "updated"],
        )


LANGUAGE_MAPS = ("name", "description")


def merge_definitions(older: dict[str, Any], newer: dict[str, Any]) -> dict[str, Any]:
    """Return the definition `older` updated by `newer`."""
    merged = {**older, **newer}
    for key in LANGUAGE_MAPS:
        if isinstance(older.get(key), dict) and isinstance(newer.get(key), dict):
            merged[key] = {**older[key], **newer[key]}
    return merged


def _store_attachments(parts: Mapping[str, AttachmentPart], stored: datetime) -> None:
    if parts:
        StatementAttachment.objects.bulk_create(
            [
                StatementAttachment(
                    sha2=sha2,
                    content_type=part.content_type,
                    content=part.content,
                    stored=stored,
                )
                for sha2, part in parts.items()
            ],
            ignore_conflicts=True,
        )
