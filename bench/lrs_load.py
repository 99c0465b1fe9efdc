"""Benchmarks of the xAPI Learning Record Store: ingestion and queries over HTTP
against any xAPI endpoint (Cairn or a peer), and a bulk loader that fills Cairn's
store to millions of statements for timing queries at scale.

    .venv/bin/python bench/lrs_load.py bulk --database-url URL --count 1000000
    .venv/bin/python bench/lrs_load.py ingest --endpoint URL --key K --secret S
    .venv/bin/python bench/lrs_load.py query --endpoint URL --key K --secret S \
        --stored 1000000

See bench/README.md ("xAPI LRS") and docs/performance.md for the method and results.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from lrs import drivers  # noqa: E402

# Statement ranges of the ingestion cells: each batch size posts its own statements
# (so that no cell re-sends ids another stored), the same ones to every LRS.
INGEST_START = 100_000_000
INGEST_STRIDE = 10_000_000
# Statements prepared per cell: more than any LRS here stores in the cell's time
# (Cairn reached 9,000/s at batch 1,000 after profiling: docs/performance.md).
INGEST_CAP = {1: 20_000, 10: 40_000, 100: 200_000, 1000: 300_000}
QUERY_KINDS = ["agent", "activity", "registration", "since", "since_newest"]


def configure(database_url: str) -> None:
    """Start Django with production settings on `database_url`."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    os.environ["CAIRN_DEBUG"] = "0"
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("CAIRN_SECRET_KEY", "bench-secret-key-not-for-production")
    os.environ.setdefault("CAIRN_LOG_LEVEL", "WARNING")
    if database_url.startswith("sqlite:///"):
        Path(database_url.removeprefix("sqlite:///")).parent.mkdir(
            parents=True, exist_ok=True
        )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def environment() -> dict[str, Any]:
    """Return what the figures depend on: machine, load, versions, commit."""
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return {
        "date": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
        "cpus": os.cpu_count(),
        "load_average": [round(value, 2) for value in os.getloadavg()],
        "python": platform.python_version(),
        "commit": commit,
        "command": " ".join(sys.argv),
    }


def cmd_bulk(args: argparse.Namespace) -> int:
    """Fill the database named by --database-url to --count statements."""
    configure(args.database_url)
    from django.core.management import call_command
    from lrs import bulk

    call_command("migrate", verbosity=0)
    if args.reset:
        from django.db import connection

        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "TRUNCATE lrs_statementkey, lrs_statement, lrs_activity CASCADE"
                )
            else:
                for table in ("lrs_statementkey", "lrs_statement", "lrs_activity"):
                    cursor.execute(f"DELETE FROM {table}")
    have = bulk.stored_count()
    print(f"{have:,} statements stored; loading {args.count - have:,}", flush=True)
    phases: dict[str, float] = {}
    total = args.total or args.count
    if args.count > have:
        if args.path == "copy":
            phases = bulk.load_copy(
                have,
                args.count - have,
                seed=args.seed,
                total=total,
                dsn=args.database_url,
                workers=args.workers,
            )
        elif args.path == "rows":
            phases["rows_seconds"] = bulk.load_rows(
                have, args.count - have, seed=args.seed, total=total
            )
        else:
            phases["service_seconds"] = bulk.load_service(
                have, args.count - have, seed=args.seed, total=total
            )
    phases["analyze_seconds"] = bulk.analyze()
    result = {
        "environment": environment(),
        "path": args.path,
        "statements": bulk.stored_count(),
        **{name: round(value, 1) for name, value in phases.items()},
    }
    print(json.dumps(result, indent=2))
    _write(args.json, result)
    return 0


def _target(args: argparse.Namespace) -> drivers.Target:
    return drivers.Target(
        name=args.name,
        endpoint=args.endpoint,
        key=args.key,
        secret=args.secret,
        version=args.xapi_version,
        statements_path=args.statements_path,
    )


def cmd_ingest(args: argparse.Namespace) -> int:
    """POST the same generated statements in each batch size; print the figures."""
    target = _target(args)
    results = []
    for number, batch in enumerate(args.batch):
        start = INGEST_START + INGEST_STRIDE * number + args.offset
        cap = args.cap or INGEST_CAP.get(batch, 100_000)
        work = drivers.bodies(args.seed, start, cap, batch, total=cap)
        result = drivers.ingest(
            target, work, batch=batch, clients=args.clients, duration=args.duration
        )
        print(
            f"{target.name:>14} batch {batch:>5}: {result.statements_per_second:>9,.0f}"
            f" statements/s  p50 {result.p50_ms:>8.1f} ms  p95 {result.p95_ms:>8.1f}"
            f" ms  ({result.statements:,} in {result.seconds} s, {result.errors} "
            f"errors) {result.first_error[:200]}",
            flush=True,
        )
        results.append(drivers.as_dict(result))
    _write(args.json, {"environment": environment(), "ingest": results})
    return 1 if any(result["errors"] for result in results) else 0


def cmd_query(args: argparse.Namespace) -> int:
    """Time the common queries one at a time; print p50/p95 per kind."""
    target = _target(args)
    results = drivers.queries(
        target,
        args.kind or QUERY_KINDS,
        seed=args.seed,
        total=args.total or args.stored,
        stored=args.stored,
        requests=args.requests,
        warmups=args.warmups,
        limit=args.limit,
    )
    for result in results:
        print(
            f"{target.name:>14} {result.query:>13}: p50 {result.p50_ms:>8.1f} ms  "
            f"p95 {result.p95_ms:>8.1f} ms  max {result.max_ms:>8.1f} ms  rows "
            f"{result.mean_rows:>6.1f}  ({result.requests} requests, "
            f"{result.errors} errors) {result.first_error[:200]}",
            flush=True,
        )
    _write(
        args.json,
        {
            "environment": environment(),
            "queries": [drivers.as_dict(r) for r in results],
        },
    )
    return 1 if any(result.errors for result in results) else 0


def _write(path: Path | None, data: dict[str, Any]) -> None:
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, indent=2) + "\n")


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--json", type=Path, help="Also write the results here.")
    commands = parser.add_subparsers(dest="command", required=True)

    bulk = commands.add_parser("bulk", help="Fill Cairn's store without HTTP.")
    bulk.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    bulk.add_argument("--count", type=int, required=True)
    bulk.add_argument(
        "--total",
        type=int,
        help="Spread the timestamps as for this many statements (default: --count).",
    )
    bulk.add_argument("--path", choices=["service", "rows", "copy"], default="service")
    bulk.add_argument("--workers", type=int, default=2)
    bulk.add_argument("--reset", action="store_true", help="Empty the store first.")
    bulk.set_defaults(run=cmd_bulk)

    for name, run in (("ingest", cmd_ingest), ("query", cmd_query)):
        sub = commands.add_parser(name)
        sub.add_argument("--endpoint", required=True, help="e.g. http://h:p/xapi/")
        sub.add_argument("--key", required=True)
        sub.add_argument("--secret", required=True)
        sub.add_argument("--name", default="lrs")
        sub.add_argument("--xapi-version", default="1.0.3")
        sub.add_argument("--statements-path", default="statements")
        sub.set_defaults(run=run)
        if name == "ingest":
            sub.add_argument(
                "--batch", type=int, action="append", help="Repeatable; default "
                "1, 10, 100, 1000."
            )  # fmt: skip
            sub.add_argument("--clients", type=int, default=4)
            sub.add_argument("--duration", type=float, default=20.0)
            sub.add_argument("--cap", type=int, help="Statements prepared per cell.")
            sub.add_argument(
                "--offset", type=int, default=0, help="Shift the statement ranges "
                "(to post new statements to a store that holds a run's already)."
            )  # fmt: skip
        else:
            sub.add_argument(
                "--stored",
                type=int,
                required=True,
                help="Statements of the seed the store holds (queries aim at them).",
            )
            sub.add_argument("--total", type=int, help="--count of the bulk load "
                             "(default: --stored).")  # fmt: skip
            sub.add_argument("--kind", action="append", choices=[
                *QUERY_KINDS, "agent_verb", "course_related"])  # fmt: skip
            sub.add_argument("--requests", type=int, default=200)
            sub.add_argument("--warmups", type=int, default=10)
            sub.add_argument("--limit", type=int, default=100)
    args = parser.parse_args(argv)
    if args.command == "ingest" and not args.batch:
        args.batch = [1, 10, 100, 1000]
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the command the arguments name."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
