"""Measure the deal conflict check at scale: latency, recall and precision, and peers.

Generates N deal registrations from a seed into the benchmark's own database (bulk
COPY on PostgreSQL, executemany on SQLite, blocking keys computed with the engine's
own functions), with a labelled set of true duplicates and near-misses. Then, for
each labelled query, inserts it as a draft of another partner and times
`cairn.deals.services.detection.detect_conflicts` (the check `submit_registration`
runs: key locks, match keys, candidate query, facts, scoring) inside a transaction
that is rolled back, so the data stays fixed. On PostgreSQL it also measures two
peers over the same rows and queries: a pg_trgm similarity search and a RapidFuzz
scan. See bench/README.md.
"""

import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))

from deal_generator import Generator, Query, Registration, query_from_json  # noqa: E402

DEFAULT_DATABASE_URL = f"sqlite:///{ROOT / 'var' / 'bench-deals.sqlite3'}"
META_TABLE = "bench_deal_conflicts_meta"
NAMES_TABLE = "bench_deal_names"
TRGM_INDEX = "bench_deal_names_trgm"
THRESHOLDS = (0.50, 0.55, 0.60, 0.65, 0.70, 0.75, 0.80)
BATCH = 20_000


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrations", type=int, default=1_000_000)
    parser.add_argument("--partners", type=int, default=5_000)
    parser.add_argument("--duplicates", type=int, default=1_000)
    parser.add_argument("--near-misses", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL),
        help="The benchmark's own database (default: $DATABASE_URL, else "
        "var/bench-deals.sqlite3). A PostgreSQL database is created if missing. "
        "Never point it at real data: --reseed empties it.",
    )
    parser.add_argument(
        "--reseed", action="store_true",
        help="Empty the database and generate again (needed if it holds other data).",
    )  # fmt: skip
    parser.add_argument("--warmups", type=int, default=20)
    parser.add_argument(
        "--sample", type=int, default=0,
        help="Check only this many queries of each label (default: all).",
    )  # fmt: skip
    parser.add_argument(
        "--peers", choices=("auto", "none", "rapidfuzz", "all"), default="auto",
        help="auto: pg_trgm and RapidFuzz on PostgreSQL, none on SQLite.",
    )  # fmt: skip
    parser.add_argument(
        "--peer-sample", type=int, default=0,
        help="Measure the peers on the first N queries of each label (default: all).",
    )  # fmt: skip
    parser.add_argument("--trgm-threshold", type=float, default=0.5)
    parser.add_argument("--rapidfuzz-cutoff", type=float, default=80.0)
    parser.add_argument("--json", type=Path, help="Also write the results here.")
    return parser.parse_args(argv)


# -- setup ---------------------------------------------------------------------------


def ensure_postgres_database(url: str) -> None:
    """Create the PostgreSQL database of `url` if it does not exist."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as admin:
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')


def configure(database_url: str) -> None:
    """Start Django with production settings on the benchmark database."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    os.environ["CAIRN_DEBUG"] = "0"
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("CAIRN_ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("CAIRN_SECRET_KEY", "bench-secret-key-not-for-production")
    os.environ.setdefault("CAIRN_LOG_LEVEL", "WARNING")
    os.environ.setdefault("CAIRN_VAR_DIR", str(ROOT / "var" / "bench"))
    if database_url.startswith("sqlite:///"):
        Path(database_url.removeprefix("sqlite:///")).parent.mkdir(
            parents=True, exist_ok=True
        )
    elif database_url.startswith(("postgres://", "postgresql://")):
        ensure_postgres_database(database_url)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from cairn.core.runtime import tune_garbage_collection

    tune_garbage_collection()


def read_meta() -> dict[str, Any] | None:
    """Return what the last generation stored in the database, or None."""
    from django.db import connection

    if META_TABLE not in connection.introspection.table_names():
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT payload FROM {META_TABLE}")
        row = cursor.fetchone()
    return json.loads(row[0]) if row else None


def write_meta(meta: dict[str, Any]) -> None:
    """Store the generation's parameters, timings and labelled set."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {META_TABLE} (payload TEXT)")
        cursor.execute(f"DELETE FROM {META_TABLE}")
        cursor.execute(
            f"INSERT INTO {META_TABLE} (payload) VALUES (%s)", [json.dumps(meta)]
        )


def empty_database() -> None:
    """Remove every table's rows (flush) and the benchmark's own tables."""
    from django.core.management import call_command
    from django.db import connection

    call_command("flush", interactive=False, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {META_TABLE}")
        cursor.execute(f"DROP TABLE IF EXISTS {NAMES_TABLE}")


# -- generation ----------------------------------------------------------------------


def create_partners(count: int) -> tuple[list[int], list[int], int]:
    """Create `count` partner organizations with one user each, and one program."""
    from cairn.accounts.models import User
    from cairn.partners.models import PartnerOrganization, Program

    program = Program.objects.create(name="Bench deals", slug="bench-deals")
    organizations = PartnerOrganization.objects.bulk_create(
        PartnerOrganization(
            name=f"Bench Partner {number}",
            legal_name=f"Bench Partner {number} Ltd",
            country="GB",
            region="emea",
        )
        for number in range(count)
    )
    users = User.objects.bulk_create(
        User(
            email=f"rep{number}@partner{number}.bench.example",
            full_name=f"Rep {number}",
            role="partner_rep",
            organization=organization,
            password="!",
        )
        for number, organization in enumerate(organizations)
    )
    return [o.pk for o in organizations], [u.pk for u in users], program.pk


class Loader:
    """Write registrations, their lines and their match keys in bulk."""

    def __init__(self, partners: list[int], users: list[int], program: int) -> None:
        from django.db import connection

        from cairn.deals.models import DealLine, DealMatchKey, DealRegistration

        self.connection = connection
        self.vendor = connection.vendor
        self.partners = partners
        self.users = users
        self.program = program
        self.models = (DealRegistration, DealLine, DealMatchKey)
        self.columns = {
            model: [f.column for f in model._meta.concrete_fields]
            for model in self.models
        }
        self.defaults = {
            model: {f.column: f.get_default() for f in model._meta.concrete_fields}
            for model in self.models
        }
        self.now = datetime(2026, 11, 1, tzinfo=UTC)
        self.buffers: dict[Any, list[tuple[Any, ...]]] = defaultdict(list)
        self.line_id = 0
        self.key_id = 0
        self.names: list[tuple[int, str]] = []

    def _row(self, model: Any, values: dict[str, Any]) -> tuple[Any, ...]:
        merged = {**self.defaults[model], **values}
        return tuple(self._value(merged.get(column)) for column in self.columns[model])

    def _value(self, value: Any) -> Any:
        if isinstance(value, dict | list):
            return json.dumps(value)
        if self.vendor == "sqlite":
            if isinstance(value, datetime):
                return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
            if isinstance(value, Decimal):
                return str(value)
            if hasattr(value, "isoformat"):
                return value.isoformat()
            if isinstance(value, bool):
                return int(value)
        return value

    def add(self, registration: Registration) -> None:
        """Queue one registration with its lines and blocking keys."""
        from cairn.deals.choices import OPEN_STATUSES
        from cairn.deals.matching import (
            DealFacts,
            blocking_keys,
        )
        from cairn.deals.models import DealLine, DealMatchKey, DealRegistration

        pk = registration.index + 1
        submitted = self.now - timedelta(minutes=registration.index % 500_000)
        status = registration.status
        # The same facts and keys as the product computes when a registration is
        # submitted (detection.detect_conflicts -> replace_match_keys), and the
        # normalized name and domains it stores with them.
        facts = DealFacts(
            registration_id=pk,
            owner_key=f"partner:{self.partners[registration.partner]}",
            company_name=registration.customer_name,
            customer_domain=registration.customer_domain,
            contact_email=registration.contact_email,
            country=registration.country,
            city=registration.city,
            postal_code=registration.postal_code,
            latitude=registration.latitude,
            longitude=registration.longitude,
            product_codes=frozenset(registration.products),
            expected_close_date=registration.expected_close_date,
        )
        values = {
            "id": pk,
            "created_at": submitted,
            "updated_at": submitted,
            "organization_id": self.partners[registration.partner],
            "registered_by_id": self.users[registration.partner],
            "program_id": self.program,
            "status": status,
            "sales_stage": "proposal" if status == "approved" else "",
            "amount": registration.amount,
            "currency": "EUR",
            "submitted_at": submitted,
            **registration.fields(),
            "match_name": facts.name_text,
            "match_domain": facts.domain,
            "match_email_domain": facts.email_domain,
        }
        self.buffers[DealRegistration].append(self._row(DealRegistration, values))
        for code in registration.products:
            self.line_id += 1
            self.buffers[DealLine].append(
                self._row(
                    DealLine,
                    {
                        "id": self.line_id,
                        "registration_id": pk,
                        "product_code": code,
                        "quantity": 10,
                        "unit_amount": Decimal("100.00"),
                    },
                )
            )
        for key in sorted(blocking_keys(facts)):
            self.key_id += 1
            self.buffers[DealMatchKey].append(
                self._row(
                    DealMatchKey,
                    {"id": self.key_id, "registration_id": pk, "key": key},
                )
            )
        if status in OPEN_STATUSES:
            self.names.append((pk, facts.name_text))
        if len(self.buffers[DealRegistration]) >= BATCH:
            self.flush()

    def flush(self) -> None:
        """Write the queued rows."""
        for model in self.models:
            rows = self.buffers.pop(model, [])
            if rows:
                self._write(model._meta.db_table, self.columns[model], rows)
        if self.names:
            self._write(NAMES_TABLE, ["registration_id", "name"], self.names)
            self.names = []

    def _write(
        self, table: str, columns: list[str], rows: list[tuple[Any, ...]]
    ) -> None:
        names = ", ".join(f'"{c}"' for c in columns)
        if self.vendor == "postgresql":
            sql = f"COPY {table} ({names}) FROM STDIN"
            with self.connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" for _ in columns)
            self.connection.connection.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({marks})", rows
            )


def generate(args: argparse.Namespace) -> dict[str, Any]:
    """Generate the registrations and the labelled set; return the stored meta."""
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from cairn.deals.models import DealLine, DealMatchKey, DealRegistration

    print(
        f"Generating {args.registrations:,} registrations of {args.partners:,} "
        f"partners (seed {args.seed}) into {connection.vendor}..."
    )
    started = time.perf_counter()
    generator = Generator(
        seed=args.seed, registrations=args.registrations, partners=args.partners
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {NAMES_TABLE} "
            "(registration_id INTEGER PRIMARY KEY, name TEXT NOT NULL)"
        )
    partners, users, program = create_partners(args.partners)
    loader = Loader(partners, users, program)
    kept: list[Registration] = []
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # The generated rows are consistent by construction: skip the
                # per-row foreign-key triggers during the bulk load.
                cursor.execute("SET LOCAL session_replication_role = replica")
        for registration in generator.registrations():
            loader.add(registration)
            if registration.status in ("submitted", "under_review", "approved"):
                # Query targets are open registrations; keep those.
                kept.append(registration)
            if registration.index and registration.index % 100_000 == 0:
                print(
                    f"  {registration.index:,} ({time.perf_counter() - started:.0f} s)"
                )
        loader.flush()
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(
                no_style(), [DealRegistration, DealLine, DealMatchKey]
            ):
                cursor.execute(sql)
    load_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        # As autovacuum would after a bulk load: statistics for the planner, and a
        # visibility map so that key lookups are index-only scans.
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
    analyze_seconds = time.perf_counter() - started - load_seconds
    targets = generator.query_targets(kept, args.duplicates + args.near_misses)
    by_index = {r.index: r for r in kept}
    queries = generator.queries(
        {i: by_index[i] for i in targets}, args.duplicates, args.near_misses
    )
    total = time.perf_counter() - started
    counts = {
        "registrations": DealRegistration.objects.count(),
        "open_registrations": DealRegistration.objects.filter(
            status__in=("submitted", "under_review", "approved")
        ).count(),
        "lines": DealLine.objects.count(),
        "match_keys": DealMatchKey.objects.count(),
    }
    meta = {
        "seed": args.seed,
        "registrations": args.registrations,
        "partners": args.partners,
        "duplicates": args.duplicates,
        "near_misses": args.near_misses,
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "generation_seconds": round(total, 1),
        "load_seconds": round(load_seconds, 1),
        "analyze_seconds": round(analyze_seconds, 1),
        "counts": counts,
        "queries": [query.as_json() for query in queries],
    }
    write_meta(meta)
    print(f"Generated in {total:.0f} s: {counts}")
    return meta


# -- the product's check -------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    """Return the nearest-rank percentile: the value `share` of values do not exceed."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def check(
    query: Query,
    partners: list[int],
    users: list[int],
    program: int,
    *,
    count_queries: bool = False,
) -> dict[str, Any]:
    """Run the product's conflict check for one query, timed, and roll it back.

    Returns the milliseconds, the conflicts found, the candidates' count and, for
    the threshold curve, the best score of the target and of any other candidate.
    """
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from cairn.deals.facts import facts_of_registration
    from cairn.deals.matching import blocking_keys, compare
    from cairn.deals.models import DealLine, DealRegistration
    from cairn.deals.services.detection import candidate_key_rows, detect_conflicts

    registration = query.registration
    with transaction.atomic():
        draft = DealRegistration.objects.create(
            organization_id=partners[registration.partner],
            registered_by_id=users[registration.partner],
            program_id=program,
            status="draft",
            amount=registration.amount,
            **registration.fields(),
        )
        DealLine.objects.bulk_create(
            DealLine(registration=draft, product_code=code, unit_amount=Decimal("100"))
            for code in registration.products
        )
        started = time.perf_counter()
        cpu_started = time.process_time()
        if count_queries:  # warm-ups only: capturing slows each query a little
            with CaptureQueriesContext(connection) as captured:
                conflicts = detect_conflicts(draft)
            statements = len(captured)
        else:
            conflicts = detect_conflicts(draft)
            statements = 0
        milliseconds = (time.perf_counter() - started) * 1000
        # The process's own CPU time: the check's Python work, without the waits
        # for the database and for a core on a busy machine.
        cpu_milliseconds = (time.process_time() - cpu_started) * 1000
        # Untimed: what the check looked at, to explain its result.
        facts = facts_of_registration(draft)
        keys = blocking_keys(facts)
        # The candidates as the check selects them (stop keys included).
        candidate_ids = set(
            candidate_key_rows(keys)
            .filter(registration__isnull=False)
            .exclude(registration=draft)
            .values_list("registration_id", flat=True)
        )
        candidates = DealRegistration.objects.filter(
            pk__in=candidate_ids,
            status__in=("submitted", "under_review", "approved"),
        ).prefetch_related("lines")
        target_pk = query.target + 1
        target_score = 0.0
        best_other = 0.0
        count = 0
        for candidate in candidates:
            count += 1
            match = compare(facts, facts_of_registration(candidate))
            score = match.score if match else 0.0
            if candidate.pk == target_pk:
                target_score = score
            else:
                best_other = max(best_other, score)
        transaction.set_rollback(True)
    return {
        "ms": milliseconds,
        "cpu_ms": cpu_milliseconds,
        "statements": statements,
        "flagged": [c.other_registration_id for c in conflicts],
        "codes": sorted(
            {r["code"] for c in conflicts for r in c.reasons if not r["is_counter"]}
        ),
        "candidates": count,
        "target_blocked": target_pk in candidate_ids,
        "target_score": target_score,
        "best_other": best_other,
    }


def quality(
    queries: list[Query], hits: list[bool], flagged: list[bool]
) -> dict[str, Any]:
    """Return recall and precision of a method over the labelled queries.

    A duplicate counts as found when the method names its target registration;
    precision is the share of flagged queries that are duplicates whose target was
    named (a duplicate flagged only against some other registration is a false
    positive as well as a miss).
    """
    duplicates = [i for i, q in enumerate(queries) if q.label == "duplicate"]
    found = sum(1 for i in duplicates if hits[i])
    flagged_count = sum(flagged)
    true_flags = sum(1 for i in duplicates if hits[i] and flagged[i])
    near = [i for i, q in enumerate(queries) if q.label == "near_miss"]
    return {
        "recall": round(found / len(duplicates), 4) if duplicates else None,
        "precision": round(true_flags / flagged_count, 4) if flagged_count else None,
        "flagged": flagged_count,
        "found": found,
        "false_positive_near_misses": sum(1 for i in near if flagged[i]),
    }


def measure_engine(
    queries: list[Query], args: argparse.Namespace, partners: list[int],
    users: list[int], program: int,
) -> dict[str, Any]:  # fmt: skip
    """Time the product's check over every query; return latency and quality."""
    warmups = [
        check(query, partners, users, program, count_queries=True)
        for query in queries[: args.warmups]
    ]
    results = []
    for number, query in enumerate(queries, start=1):
        results.append(check(query, partners, users, program))
        if number % 100 == 0:
            so_far = percentile([r["ms"] for r in results], 0.95)
            print(f"  {number:,} checks, p95 so far {so_far:.1f} ms")
    timings = [r["ms"] for r in results]
    candidates = [r["candidates"] for r in results]
    hits = [q.target + 1 in r["flagged"] for q, r in zip(queries, results, strict=True)]
    flagged = [bool(r["flagged"]) for r in results]
    figures = {
        "p50_ms": round(percentile(timings, 0.50), 2),
        "p95_ms": round(percentile(timings, 0.95), 2),
        "p99_ms": round(percentile(timings, 0.99), 2),
        "max_ms": round(max(timings), 2),
        "mean_ms": round(statistics.fmean(timings), 2),
        "cpu_p50_ms": round(percentile([r["cpu_ms"] for r in results], 0.50), 2),
        "cpu_p95_ms": round(percentile([r["cpu_ms"] for r in results], 0.95), 2),
        "statements_per_check": sorted({r["statements"] for r in warmups}),
        "candidates_p50": percentile(candidates, 0.50),
        "candidates_p95": percentile(candidates, 0.95),
        "candidates_max": max(candidates),
        **quality(queries, hits, flagged),
        "blocking_recall": round(
            statistics.fmean(
                r["target_blocked"]
                for q, r in zip(queries, results, strict=True)
                if q.label == "duplicate"
            ),
            4,
        ),
    }
    curve = {}
    for threshold in THRESHOLDS:
        curve_hits = [r["target_score"] >= threshold - 1e-9 for r in results]
        curve_flags = [
            max(r["target_score"], r["best_other"]) >= threshold - 1e-9 for r in results
        ]
        curve[f"{threshold:.2f}"] = quality(queries, curve_hits, curve_flags)
    figures["curve"] = curve
    figures["per_query"] = list(zip(hits, flagged, strict=True))
    figures["by_kind"] = by_kind(queries, hits, flagged)
    pairs = list(zip(queries, results, strict=True))
    right = {
        i for i, (q, r) in enumerate(pairs)
        if q.label == "duplicate" and q.target + 1 in r["flagged"]
    }  # fmt: skip
    wrong = [r for i, (_, r) in enumerate(pairs) if r["flagged"] and i not in right]
    figures["false_positive_reasons"] = Counter(
        " + ".join(r["codes"]) for r in wrong
    ).most_common(10)
    figures["missed"] = [
        {"kind": q.kind, "blocked": r["target_blocked"], "score": r["target_score"],
         "name": q.registration.customer_name}
        for q, r in pairs if q.label == "duplicate" and q.target + 1 not in r["flagged"]
    ][:40]  # fmt: skip
    figures["slowest"] = [
        {
            "ms": round(r["ms"], 1),
            "candidates": r["candidates"],
            "name": q.registration.customer_name,
        }
        for q, r in sorted(
            zip(queries, results, strict=True), key=lambda p: -p[1]["ms"]
        )[:5]
    ]
    return figures


def by_kind(
    queries: list[Query], hits: list[bool], flagged: list[bool]
) -> dict[str, str]:
    """Return, per variant kind, found/total (duplicates) or flagged/total (others)."""
    totals: Counter[str] = Counter()
    good: Counter[str] = Counter()
    for query, hit, flag in zip(queries, hits, flagged, strict=True):
        key = f"{query.label}:{query.kind}"
        totals[key] += 1
        good[key] += hit if query.label == "duplicate" else flag
    return {key: f"{good[key]}/{totals[key]}" for key in sorted(totals)}


# -- peers ---------------------------------------------------------------------------


def measure_peer(
    queries: list[Query],
    search: Callable[[str], list[tuple[int, float]]],
    thresholds: Iterable[float],
) -> dict[str, Any]:
    """Time a name search per query; return latency and the quality per threshold."""
    from cairn.deals.matching import normalize_company_name

    timings = []
    found: list[list[tuple[int, float]]] = []
    for query in queries:
        started = time.perf_counter()
        results = search(normalize_company_name(query.registration.customer_name))
        timings.append((time.perf_counter() - started) * 1000)
        found.append(results)
    curve = {}
    for threshold in thresholds:
        hits = [
            any(pk == q.target + 1 and score >= threshold for pk, score in results)
            for q, results in zip(queries, found, strict=True)
        ]
        flagged = [any(score >= threshold for _, score in results) for results in found]
        curve[f"{threshold:g}"] = quality(queries, hits, flagged)
    best = max(
        curve,
        key=lambda t: (
            (curve[t]["precision"] or 0) >= 0.9 and (curve[t]["recall"] or 0),
            2 * (curve[t]["precision"] or 0) * (curve[t]["recall"] or 0)
            / (((curve[t]["precision"] or 0) + (curve[t]["recall"] or 0)) or 1),
        ),
    )  # fmt: skip
    return {
        "p50_ms": round(percentile(timings, 0.50), 2),
        "p95_ms": round(percentile(timings, 0.95), 2),
        "p99_ms": round(percentile(timings, 0.99), 2),
        "best_threshold": best,
        **curve[best],
        "curve": curve,
    }


def measure_trgm(queries: list[Query], threshold: float) -> dict[str, Any]:
    """Build a GIN trigram index on the normalized names and search with `%`."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        cursor.execute(f"DROP INDEX IF EXISTS {TRGM_INDEX}")
        started = time.perf_counter()
        cursor.execute(
            f"CREATE INDEX {TRGM_INDEX} ON {NAMES_TABLE} USING gin (name gin_trgm_ops)"
        )
        build_seconds = time.perf_counter() - started
        cursor.execute(f"ANALYZE {NAMES_TABLE}")
        cursor.execute("SELECT set_limit(%s)", [threshold])

    def search(name: str) -> list[tuple[int, float]]:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT registration_id, similarity(name, %s) AS s FROM {NAMES_TABLE} "
                "WHERE name %% %s ORDER BY s DESC LIMIT 20",
                [name, name],
            )
            return [(pk, float(score)) for pk, score in cursor.fetchall()]

    for query in queries[:20]:
        search(query.registration.customer_name.lower())
    thresholds = [t for t in (0.5, 0.6, 0.7, 0.8, 0.9) if t >= threshold]
    figures = measure_peer(queries, search, thresholds)
    return {
        "index_build_seconds": round(build_seconds, 1),
        "threshold": threshold,
        **figures,
    }


def measure_rapidfuzz(queries: list[Query], cutoff: float) -> dict[str, Any]:
    """Scan every open registration's name key in memory with RapidFuzz."""
    from django.db import connection
    from rapidfuzz import fuzz, process

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT registration_id, name FROM {NAMES_TABLE} ORDER BY 1")
        rows = cursor.fetchall()
    ids = [pk for pk, _ in rows]
    # The engine's key: normalized words, sorted (the engine's SIMILAR_COMPANY_NAME).
    keys = [" ".join(sorted(name.split())) for _, name in rows]
    load_seconds = time.perf_counter() - started

    def search(name: str) -> list[tuple[int, float]]:
        key = " ".join(sorted(name.split()))
        return [
            (ids[index], score / 100)
            for _, score, index in process.extract(
                key, keys, scorer=fuzz.ratio, processor=None,
                score_cutoff=cutoff, limit=20,
            )
        ]  # fmt: skip

    thresholds = [t / 100 for t in (80, 85, 88, 90, 95, 100) if t >= cutoff]
    figures = measure_peer(queries, search, thresholds)
    return {
        "names": len(keys),
        "load_seconds": round(load_seconds, 1),
        "cutoff": cutoff,
        **figures,
    }


# -- report --------------------------------------------------------------------------


def environment(args: argparse.Namespace) -> dict[str, Any]:
    """Describe what was measured."""
    import django
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        version = cursor.fetchone()[0]
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
            text=True, check=True,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        commit = ""
    return {
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "commit": commit,
        "database": f"{connection.vendor} {version}",
        "python": platform.python_version(),
        "django": django.get_version(),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
    }


def print_table(report: dict[str, Any]) -> None:
    """Print the main figures, one line per method."""
    rows = [("method", "p50 ms", "p95 ms", "p99 ms", "recall", "precision", "setting")]
    methods = [("Cairn check (detect_conflicts)", report["engine"], "score >= 0.60")]
    if "pg_trgm" in report:
        peer = report["pg_trgm"]
        setting = (
            f"similarity >= {peer['best_threshold']} (GIN, % at {peer['threshold']})"
        )
        methods.append(("pg_trgm similarity", peer, setting))
    if "rapidfuzz" in report:
        peer = report["rapidfuzz"]
        setting = f"ratio >= {peer['best_threshold']} (cutoff {peer['cutoff']:g})"
        methods.append(("RapidFuzz scan", peer, setting))
    for name, figures, setting in methods:
        rows.append(
            (
                name,
                f"{figures['p50_ms']:.1f}",
                f"{figures['p95_ms']:.1f}",
                f"{figures['p99_ms']:.1f}",
                str(figures["recall"]),
                str(figures["precision"]),
                setting,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        cells = zip(row, widths, strict=True)
        print("  ".join(cell.ljust(width) for cell, width in cells))


def _first_of_each_label(queries: list[Query], count: int) -> list[Query]:
    return [q for q in queries if q.label == "duplicate"][:count] + [
        q for q in queries if q.label == "near_miss"
    ][:count]


def _subset_quality(
    queries: list[Query], per_query: list[tuple[bool, bool]], subset: list[Query]
) -> dict[str, Any]:
    """Return the engine's recall and precision on a subset of the queries."""
    chosen = {id(q) for q in subset}
    picked = [
        (q, hf) for q, hf in zip(queries, per_query, strict=True) if id(q) in chosen
    ]
    return quality(
        [q for q, _ in picked], [hf[0] for _, hf in picked], [hf[1] for _, hf in picked]
    )


def bench_actors() -> tuple[list[int], list[int], int]:
    """Return the generated partners' ids, their users' ids (same order), and the
    program's id."""
    from cairn.accounts.models import User
    from cairn.partners.models import PartnerOrganization, Program

    program = Program.objects.get(slug="bench-deals").pk
    partners = list(
        PartnerOrganization.objects.order_by("pk").values_list("pk", flat=True)
    )
    user_of = dict(
        User.objects.filter(organization_id__in=partners).values_list(
            "organization_id", "pk"
        )
    )
    return partners, [user_of[pk] for pk in partners], program


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    configure(args.database_url)
    from django.core.management import call_command
    from django.db import connection

    from cairn.partners.models import PartnerOrganization

    call_command("migrate", interactive=False, verbosity=0)
    meta = read_meta()
    wanted = (
        args.seed,
        args.registrations,
        args.partners,
        args.duplicates,
        args.near_misses,
    )
    if (
        args.reseed
        or meta is None
        or tuple(
            meta[k]
            for k in ("seed", "registrations", "partners", "duplicates", "near_misses")
        )
        != wanted
    ):
        if PartnerOrganization.objects.exists() and not args.reseed:
            sys.exit(
                "The benchmark database holds other data: pass --reseed (it is "
                "emptied), or another --database-url."
            )
        empty_database()
        meta = generate(args)
    else:
        print(f"Using the registrations generated on {meta['generated_at']}.")
    partners, users, program = bench_actors()
    queries = [query_from_json(entry) for entry in meta["queries"]]
    if args.sample:
        queries = _first_of_each_label(queries, args.sample)
    print(f"Checking {len(queries):,} labelled queries ({args.warmups} warm-ups)...")
    report: dict[str, Any] = {
        "environment": environment(args),
        "generation": {k: v for k, v in meta.items() if k != "queries"},
        "engine": measure_engine(queries, args, partners, users, program),
    }
    peer_queries = queries
    if args.peer_sample:
        peer_queries = _first_of_each_label(queries, args.peer_sample)
        report["engine_on_peer_sample"] = _subset_quality(
            queries, report["engine"]["per_query"], peer_queries
        )
    report["engine"].pop("per_query")
    peers = args.peers
    if peers == "auto":
        peers = "all" if connection.vendor == "postgresql" else "none"
    if peers == "all" and connection.vendor == "postgresql":
        print("pg_trgm peer...")
        report["pg_trgm"] = measure_trgm(peer_queries, args.trgm_threshold)
    if peers in ("all", "rapidfuzz"):
        print("RapidFuzz peer...")
        report["rapidfuzz"] = measure_rapidfuzz(peer_queries, args.rapidfuzz_cutoff)
    print()
    print_table(report)
    print()
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
