"""Measure the server time and the queries of portal pages and API lists, per persona.

Runs Django in-process with production settings (DEBUG off) against its own database,
seeds it with the demo generator when empty, and requests each URL of BENCHMARKS with
django.test.Client as a signed-in persona: 5 warm-up requests, then 50 timed ones.
Server time is the wall time of `client.get` (middleware, view, template or
serializer, database); queries are counted on one more request. See bench/README.md.
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
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

# name -> (persona, URL). A persona is "anonymous", an email address, or
# "persona:<key>" for a demo persona whose address depends on the seed
# (keys: vendor_admin, channel_manager, partner_admin, partner_rep, other_partner_rep;
# see cairn/demo/personas.py).
BENCHMARKS: dict[str, tuple[str, str]] = {
    "console: partners list": ("admin@cairn.example", "/console/partners/"),
    "console: partners list (CM)": ("cm@cairn.example", "/console/partners/"),
    "partner home": ("persona:partner_rep", "/partner/"),
    "API: organizations": ("admin@cairn.example", "/api/v1/organizations/"),
    "API: users": ("admin@cairn.example", "/api/v1/users/"),
    "API: users (partner admin)": ("persona:partner_admin", "/api/v1/users/"),
    # A baseline: the cost of the middleware and a template, with no data.
    "admin: login page": ("anonymous", "/admin/login/"),
}

DEFAULT_DATABASE_URL = f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--partners", type=int, default=200, help="Partner organizations to seed."
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--requests", type=int, default=50, help="Timed requests.")
    parser.add_argument("--warmups", type=int, default=5, help="Untimed requests.")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL),
        help="The benchmark's own database (default: $DATABASE_URL, else "
        "var/bench.sqlite3). It is migrated and seeded; never point it at real data.",
    )
    parser.add_argument(
        "--reseed",
        action="store_true",
        help="Empty the database and seed again if it holds another number of "
        "partners.",
    )
    parser.add_argument(
        "--only", action="append", default=[], help="Run benchmarks whose name has "
        "this text (repeatable).",
    )  # fmt: skip
    parser.add_argument("--json", type=Path, help="Also write the results here.")
    return parser.parse_args(argv)


def configure(database_url: str) -> None:
    """Set production-like settings in the environment, then start Django."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    os.environ["CAIRN_DEBUG"] = "0"
    os.environ["DATABASE_URL"] = database_url
    os.environ["CAIRN_ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("CAIRN_SECRET_KEY", "bench-secret-key-not-for-production")
    os.environ.setdefault("CAIRN_LOG_LEVEL", "WARNING")
    # Collected static files (the manifest DEBUG-off templates need) go apart from
    # the developer's.
    os.environ.setdefault("CAIRN_VAR_DIR", str(ROOT / "var" / "bench"))
    if database_url.startswith("sqlite:///"):
        Path(database_url.removeprefix("sqlite:///")).parent.mkdir(
            parents=True, exist_ok=True
        )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    # The same process tuning as config/wsgi.py applies to production web processes.
    from cairn.core.runtime import tune_garbage_collection

    tune_garbage_collection()


def prepare(args: argparse.Namespace) -> float | None:
    """Migrate, collect static files and seed; return the seconds seeding took."""
    from django.core.management import call_command

    from cairn.partners.models import PartnerOrganization

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    existing = PartnerOrganization.objects.count()
    if existing == args.partners:
        return None
    if existing and not args.reseed:
        sys.exit(
            f"The benchmark database holds {existing:,} partner organizations, not "
            f"{args.partners:,}: pass --reseed, or another --database-url."
        )
    if existing:
        call_command("flush", interactive=False, verbosity=0)
    print(f"Seeding {args.partners:,} partner organizations (seed {args.seed})...")
    started = time.perf_counter()
    call_command(
        "seed_demo",
        seed=args.seed,
        partners=args.partners,
        users_per_partner=10,
        verbosity=1,
    )
    return time.perf_counter() - started


def resolve_user(persona: str) -> Any:
    """Return the user behind a persona string, or None for anonymous."""
    from cairn.accounts.models import User
    from cairn.demo.personas import demo_personas

    if persona == "anonymous":
        return None
    email = persona
    if persona.startswith("persona:"):
        key = persona.removeprefix("persona:")
        emails = {login.key: login.email for login in demo_personas()}
        if key not in emails:
            sys.exit(f"No demo persona {key!r}; known: {', '.join(emails)}.")
        email = emails[key]
    try:
        return User.objects.get(email=email)
    except User.DoesNotExist:
        sys.exit(f"No user {email!r} in the benchmark database.")


def measure(client: Any, url: str, *, requests: int, warmups: int) -> dict[str, Any]:
    """Time `requests` GETs after `warmups`, and count the queries of one more."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # secure=True: production redirects plain HTTP; the proxy terminates TLS.
    statuses = {client.get(url, secure=True).status_code for _ in range(warmups)}
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url, secure=True)
        timings.append((time.perf_counter() - started) * 1000)
        statuses.add(response.status_code)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, secure=True)
    statuses.add(response.status_code)
    timings.sort()
    return {
        "status": sorted(statuses),
        "median_ms": round(statistics.median(timings), 2),
        # Nearest-rank percentile: the value 95% of the requests did not exceed.
        "p95_ms": round(timings[math.ceil(0.95 * len(timings)) - 1], 2),
        "max_ms": round(timings[-1], 2),
        "queries": len(queries),
        "bytes": len(response.content),
    }


def environment(args: argparse.Namespace, seed_seconds: float | None) -> dict[str, Any]:
    """Describe what was measured, so that results can be compared later."""
    import django
    from django.db import connection

    from cairn.accounts.models import User
    from cairn.partners.models import PartnerOrganization

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        database_version = cursor.fetchone()[0]
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = ""
    return {
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "commit": commit,
        "database": f"{connection.vendor} {database_version}",
        "partners": PartnerOrganization.objects.count(),
        "users": User.objects.count(),
        "seed": args.seed,
        "seed_seconds": round(seed_seconds, 1) if seed_seconds is not None else None,
        "requests": args.requests,
        "warmups": args.warmups,
        "python": platform.python_version(),
        "django": django.get_version(),
        "cpus": os.cpu_count(),
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
    }


def print_table(results: list[dict[str, Any]]) -> None:
    headers = (
        "benchmark",
        "persona",
        "url",
        "status",
        "median ms",
        "p95 ms",
        "queries",
    )
    rows = [
        (
            r["name"],
            r["persona"],
            r["url"],
            ",".join(str(s) for s in r["status"]),
            f"{r['median_ms']:.1f}",
            f"{r['p95_ms']:.1f}",
            str(r["queries"]),
        )
        for r in results
    ]
    widths = [
        max(len(str(cell)) for cell in column)
        for column in zip(headers, *rows, strict=True)
    ]
    numeric = {4, 5, 6}
    for row in [headers, *rows]:
        print(
            "  ".join(
                cell.rjust(width) if index in numeric else cell.ljust(width)
                for index, (cell, width) in enumerate(zip(row, widths, strict=True))
            )
        )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    configure(args.database_url)
    seed_seconds = prepare(args)

    from django.test import Client

    meta = environment(args, seed_seconds)
    print(
        f"{meta['database']}, {meta['partners']:,} partner organizations, "
        f"{meta['users']:,} users; {args.requests} requests after {args.warmups} "
        "warm-ups each."
    )
    clients: dict[str, Any] = {}
    results = []
    for name, (persona, url) in BENCHMARKS.items():
        if args.only and not any(text in name for text in args.only):
            continue
        if persona not in clients:
            client = Client()
            user = resolve_user(persona)
            if user is not None:
                client.force_login(user)
            clients[persona] = client
        figures = measure(
            clients[persona], url, requests=args.requests, warmups=args.warmups
        )
        results.append({"name": name, "persona": persona, "url": url, **figures})
    print()
    print_table(results)
    report = {"environment": meta, "results": results}
    print()
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    return 0 if all(r["status"] == [200] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
