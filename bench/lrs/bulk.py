"""Fill Cairn's statement store to a given size without HTTP, for timing queries.

Two paths, both writing what the ingestion service writes:

- `service`: `store_statements` itself, in batches of 1,000, with the clock moved
  (time-machine) to each batch's first timestamp, so `stored` spreads over the
  year as it would in a year of use. Exactly the production path, minus HTTP.
- `rows` (any database, used for SQLite): the rows the `copy` path writes, with
  plain INSERTs, each value prepared by its model field.
- `copy` (PostgreSQL only): the same rows built with the service's own functions
  (`complete_statement`, `statement_keys`) and written with COPY, after dropping the
  indexes and constraints of the three tables; they are rebuilt at the end (a sorted
  index build is far faster than 100M random index insertions). For 10M statements.
  The statements are generated, not received, so validation is skipped: the smoke
  test checks that the generator's statements are valid.

Both set `stored` per batch of 1,000 statements (the first timestamp of the batch),
and both end with ANALYZE.
"""

from __future__ import annotations

import io
import multiprocessing
import time
import uuid
from datetime import datetime
from typing import Any

import orjson

from lrs.generate import StatementGenerator

BATCH = 1000
# Only these two are large; lrs_activity keeps its unique key for the upserts.
TABLES = ("lrs_statement", "lrs_statementkey")


def _client(name: str) -> Any:
    from cairn.lrs.models import LRSClient
    from cairn.lrs.services.clients import create_lrs_client

    found = LRSClient.objects.filter(name=name).first()
    if found is not None:
        return found
    from cairn.lrs.choices import ClientScope

    client, _ = create_lrs_client(name=name, scopes=[ClientScope.ALL], actor=None)
    return client


def _batch_moment(generator: StatementGenerator, start: int) -> datetime:
    first = generator.statement(start)
    return datetime.fromisoformat(first["timestamp"].replace("Z", "+00:00"))


def load_service(start: int, count: int, *, seed: int, total: int) -> float:
    """Store statements `start`..`start+count-1` through `store_statements`;
    return the seconds it took."""
    import time_machine

    from cairn.lrs.services.statements import store_statements

    client = _client("bench-bulk")
    generator = StatementGenerator(seed=seed, total=total)
    began = time.perf_counter()
    for offset in range(start, start + count, BATCH):
        size = min(BATCH, start + count - offset)
        batch = list(generator.statements(offset, size))
        with time_machine.travel(_batch_moment(generator, offset), tick=False):
            store_statements(batch, client=client, version="2.0.0")
        done = offset + size - start
        if done % 100_000 == 0:
            rate = done / (time.perf_counter() - began)
            print(f"  {done:,} stored ({rate:,.0f}/s)", flush=True)
    return time.perf_counter() - began


def _rows(
    generator: StatementGenerator,
    *,
    offset: int,
    size: int,
    first_pk: int,
    client_id: int,
    authority: dict[str, Any],
) -> tuple[str, str, dict[str, dict[str, Any]]]:
    """Return the COPY text of statements and keys of one batch, and its
    activities' definitions."""
    from cairn.lrs.keys import statement_keys
    from cairn.lrs.xapi.complete import complete_statement, format_timestamp

    stored = _batch_moment(generator, offset)
    stored_text = format_timestamp(stored)
    statements = io.StringIO()
    keys = io.StringIO()
    activities: dict[str, dict[str, Any]] = {}
    for position, statement in enumerate(generator.statements(offset, size)):
        pk = first_pk + position
        done = complete_statement(
            statement,
            statement_id=statement["id"],
            stored=stored,
            authority=authority,
            version="2.0.0",
        )
        payload = orjson.dumps(done).decode()
        # COPY text format: backslashes are escapes.
        payload = payload.replace("\\", "\\\\")
        statements.write(
            f"{pk}\t{done['id']}\t{stored_text}\t\\N\tf\tf\t{client_id}\t{payload}\n"
        )
        for key in statement_keys(done):
            keys.write(f"{key.replace(chr(92), chr(92) * 2)}\t{stored_text}\t{pk}\n")
        activities[done["object"]["id"]] = done["object"].get("definition") or {}
    return statements.getvalue(), keys.getvalue(), activities


def _copy_worker(job: tuple[str, int, int, int, int, int, dict[str, Any]]) -> int:
    dsn, seed, total, start, count, client_id, authority = job
    import psycopg

    generator = StatementGenerator(seed=seed, total=total)
    activities: dict[str, dict[str, Any]] = {}
    with psycopg.connect(dsn, autocommit=False) as conn:
        conn.execute("SET synchronous_commit = off")
        for offset in range(start, start + count, BATCH * 10):
            size = min(BATCH * 10, start + count - offset)
            statement_text: list[str] = []
            key_text: list[str] = []
            for sub in range(offset, offset + size, BATCH):
                sub_size = min(BATCH, offset + size - sub)
                s, k, a = _rows(
                    generator,
                    offset=sub,
                    size=sub_size,
                    first_pk=sub + 1,
                    client_id=client_id,
                    authority=authority,
                )
                statement_text.append(s)
                key_text.append(k)
                activities.update(a)
            with conn.cursor() as cursor:
                with cursor.copy(
                    "COPY lrs_statement (id, statement_id, stored, ref_target, "
                    "is_voiding, is_voided, client_id, payload) FROM STDIN"
                ) as copy:
                    copy.write("".join(statement_text))
                with cursor.copy(
                    "COPY lrs_statementkey (key, stored, statement_id) FROM STDIN"
                ) as copy:
                    copy.write("".join(key_text))
            conn.commit()
        with conn.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO lrs_activity (activity_id, definition, updated) "
                "VALUES (%s, %s, now()) ON CONFLICT (activity_id) DO UPDATE "
                "SET definition = EXCLUDED.definition",
                [
                    (key, orjson.dumps(value).decode())
                    for key, value in activities.items()
                ],
            )
        conn.commit()
    return count


def _ddl(cursor: Any) -> list[tuple[str, str, str]]:
    """Return (table, name, ADD/CREATE statement) of the indexes and constraints of
    the statement tables, constraints first."""
    found: list[tuple[str, str, str]] = []
    # Foreign keys of other tables that reference these (waiting references) too:
    # they depend on the primary key.
    cursor.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), contype "
        "FROM pg_constraint WHERE (conrelid::regclass::text = ANY(%s) "
        "AND contype IN ('p', 'u', 'f', 'c')) OR (contype = 'f' "
        "AND confrelid::regclass::text = ANY(%s)) ORDER BY contype = 'f', conname",
        [list(TABLES), list(TABLES)],
    )
    for table, name, definition, _ in cursor.fetchall():
        found.append(
            (table, name, f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        )
    cursor.execute(
        "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE tablename = "
        "ANY(%s) AND indexname NOT IN (SELECT conname FROM pg_constraint)",
        [list(TABLES)],
    )
    found.extend(cursor.fetchall())
    return found


def load_copy(
    start: int, count: int, *, seed: int, total: int, dsn: str, workers: int
) -> dict[str, float]:
    """Write statements `start`..`start+count-1` with COPY; return the seconds of
    each phase."""
    from django.db import connection

    from cairn.lrs.models import Statement

    client = _client("bench-bulk")
    if Statement.objects.exists():
        raise SystemExit("The copy path loads an empty store only; reset it first.")
    phases: dict[str, float] = {}
    with connection.cursor() as cursor:
        ddl = _ddl(cursor)
        # Foreign keys first: they depend on the keys they reference.
        for table, name, statement in sorted(
            ddl, key=lambda item: "FOREIGN KEY" not in item[2]
        ):
            if statement.startswith("ALTER"):
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for _table, name, statement in ddl:
            if not statement.startswith("ALTER"):
                cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
    began = time.perf_counter()
    chunk = 100_000
    jobs = [
        (dsn, seed, total, offset, min(chunk, start + count - offset), client.pk,
         client.authority)
        for offset in range(start, start + count, chunk)
    ]  # fmt: skip
    done = 0
    with multiprocessing.get_context("spawn").Pool(workers) as pool:
        for loaded in pool.imap_unordered(_copy_worker, jobs):
            done += loaded
            rate = done / (time.perf_counter() - began)
            print(f"  {done:,} copied ({rate:,.0f}/s)", flush=True)
    phases["copy_seconds"] = time.perf_counter() - began
    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute("SET max_parallel_maintenance_workers = 1")
        # Unique and primary keys first, then plain indexes, then foreign keys
        # (which need the referenced key).
        ordered = sorted(
            ddl, key=lambda item: ("FOREIGN KEY" in item[2], "ALTER" not in item[2])
        )
        for _table, name, statement in ordered:
            step = time.perf_counter()
            cursor.execute(statement)
            print(f"  {name}: {time.perf_counter() - step:.0f} s", flush=True)
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('lrs_statement', 'id'), "
            "(SELECT max(id) FROM lrs_statement))"
        )
    phases["index_seconds"] = time.perf_counter() - began
    return phases


def load_rows(start: int, count: int, *, seed: int, total: int) -> float:
    """Write statements `start`..`start+count-1` with plain multi-row INSERTs (any
    database; used for SQLite), each value prepared by its model field as the ORM
    would; return the seconds it took."""
    from django.db import connection, transaction

    from cairn.lrs.keys import statement_keys
    from cairn.lrs.models import Activity, Statement, StatementKey
    from cairn.lrs.xapi.complete import complete_statement

    client = _client("bench-bulk")
    generator = StatementGenerator(seed=seed, total=total)
    fields = {
        name: Statement._meta.get_field(name)
        for name in ("statement_id", "stored", "payload")
    }
    stored_field = StatementKey._meta.get_field("stored")
    first_pk = (Statement.objects.order_by("-id").values_list("id", flat=True).first()
                or 0) + 1  # fmt: skip
    began = time.perf_counter()
    latest: dict[str, dict[str, Any]] = {}
    for offset in range(start, start + count, BATCH):
        size = min(BATCH, start + count - offset)
        stored = _batch_moment(generator, offset)
        stored_db = fields["stored"].get_db_prep_save(stored, connection)
        key_stored_db = stored_field.get_db_prep_save(stored, connection)
        statement_rows = []
        key_rows = []
        for position, statement in enumerate(generator.statements(offset, size)):
            pk = first_pk + offset - start + position
            done = complete_statement(
                statement,
                statement_id=statement["id"],
                stored=stored,
                authority=client.authority,
                version="2.0.0",
            )
            statement_rows.append(
                (
                    pk,
                    fields["statement_id"].get_db_prep_save(
                        uuid.UUID(done["id"]), connection
                    ),
                    stored_db,
                    None,
                    False,
                    False,
                    client.pk,
                    fields["payload"].get_db_prep_save(done, connection),
                )
            )
            key_rows.extend((key, key_stored_db, pk) for key in statement_keys(done))
            latest[done["object"]["id"]] = done["object"].get("definition") or {}
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO lrs_statement (id, statement_id, stored, ref_target, "
                "is_voiding, is_voided, client_id, payload) VALUES "
                "(%s, %s, %s, %s, %s, %s, %s, %s)",
                statement_rows,
            )
            cursor.executemany(
                "INSERT INTO lrs_statementkey (key, stored, statement_id) "
                "VALUES (%s, %s, %s)",
                key_rows,
            )
        done_count = offset + size - start
        if done_count % 100_000 == 0:
            rate = done_count / (time.perf_counter() - began)
            print(f"  {done_count:,} inserted ({rate:,.0f}/s)", flush=True)
    Activity.objects.bulk_create(
        [Activity(activity_id=key, definition=value) for key, value in latest.items()],
        update_conflicts=True,
        unique_fields=["activity_id"],
        update_fields=["definition"],
    )
    return time.perf_counter() - began


def analyze() -> float:
    """Refresh the planner's statistics; return the seconds it took."""
    from django.db import connection

    began = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE lrs_statement")
            cursor.execute("VACUUM ANALYZE lrs_statementkey")
        else:
            cursor.execute("ANALYZE")
    return time.perf_counter() - began


def stored_count() -> int:
    """Return the number of statements stored."""
    from cairn.lrs.models import Statement

    return Statement.objects.count()
