"""HTTP drivers for any xAPI endpoint: ingestion (POST batches) and queries (GET).

Both use urllib3 connection pools (keep-alive) with HTTP Basic credentials. The
request bodies are generated and encoded before the clock starts (and cached on disk,
so that every LRS receives the same bytes), so the client's own work during a cell
is sending and reading.
"""

from __future__ import annotations

import base64
import json
import math
import random
import statistics
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import orjson
import urllib3

from lrs.generate import StatementGenerator, course_id, learner, lesson_id, registration

CACHE = Path(__file__).resolve().parents[2] / "var" / "bench" / "lrs"


@dataclass
class Target:
    """An xAPI endpoint (its base, ending in /) and how to talk to it."""

    name: str
    endpoint: str
    key: str
    secret: str
    version: str = "1.0.3"
    statements_path: str = "statements"

    @property
    def statements_url(self) -> str:
        """Return the URL of the statements resource."""
        return self.endpoint.rstrip("/") + "/" + self.statements_path

    def headers(self) -> dict[str, str]:
        """Return the headers every request carries."""
        token = base64.b64encode(f"{self.key}:{self.secret}".encode()).decode()
        return {
            "Authorization": f"Basic {token}",
            "X-Experience-API-Version": self.version,
            "Content-Type": "application/json",
        }


def percentile(values: list[float], fraction: float) -> float:
    """Return the nearest-rank percentile of `values` (fraction 0..1)."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def bodies(
    seed: int, start: int, count: int, batch: int, total: int
) -> list[tuple[int, bytes]]:
    """Return (statements, body) of the batches of statements `start`..; cached."""
    CACHE.mkdir(parents=True, exist_ok=True)
    # One batch a line: its statement count, a tab, its JSON (which has no newline).
    path = CACHE / f"bodies-{seed}-{start}-{count}-{batch}-{total}.jsonl"
    if path.exists():
        return [
            (int(size), body)
            for size, _, body in (
                line.partition(b"\t") for line in path.read_bytes().splitlines()
            )
        ]
    generator = StatementGenerator(seed=seed, total=total)
    result: list[tuple[int, bytes]] = []
    for offset in range(start, start + count, batch):
        size = min(batch, start + count - offset)
        statements = list(generator.statements(offset, size))
        body = statements[0] if batch == 1 else statements
        result.append((size, orjson.dumps(body)))
    path.write_bytes(b"".join(b"%d\t%s\n" % (size, body) for size, body in result))
    return result


@dataclass
class IngestResult:
    """The figures of one ingestion cell."""

    target: str
    batch: int
    clients: int
    requests: int
    statements: int
    errors: int
    seconds: float
    statements_per_second: float
    p50_ms: float
    p95_ms: float
    first_error: str


def ingest(
    target: Target,
    work: list[tuple[int, bytes]],
    *,
    batch: int,
    clients: int,
    duration: float,
    timeout: float = 120.0,
) -> IngestResult:
    """POST the prepared batches with `clients` threads until `duration` seconds
    pass or the batches run out; return the rate and the request latencies."""
    pool = urllib3.PoolManager(
        maxsize=clients, block=True, retries=False, timeout=timeout
    )
    headers = target.headers()
    url = target.statements_url
    lock = threading.Lock()
    position = 0
    latencies: list[float] = []
    stored = 0
    errors: list[str] = []
    deadline = time.perf_counter() + duration

    def run() -> None:
        nonlocal position, stored
        while time.perf_counter() < deadline:
            with lock:
                if position >= len(work):
                    return
                size, body = work[position]
                position += 1
            began = time.perf_counter()
            try:
                response = pool.request("POST", url, body=body, headers=headers)
                status, data = response.status, response.data
            except Exception as error:
                status, data = 0, repr(error).encode()
            elapsed = time.perf_counter() - began
            with lock:
                if status in (200, 204):
                    latencies.append(elapsed)
                    stored += size
                else:
                    errors.append(f"{status} {data[:300]!r}")

    began = time.perf_counter()
    threads = [threading.Thread(target=run) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - began
    return IngestResult(
        target=target.name,
        batch=batch,
        clients=clients,
        requests=len(latencies),
        statements=stored,
        errors=len(errors),
        seconds=round(seconds, 2),
        statements_per_second=round(stored / seconds, 1),
        p50_ms=round(percentile(latencies, 0.50) * 1000, 1),
        p95_ms=round(percentile(latencies, 0.95) * 1000, 1),
        first_error=errors[0] if errors else "",
    )


@dataclass
class QueryResult:
    """The figures of one kind of query."""

    target: str
    query: str
    requests: int
    errors: int
    mean_rows: float
    p50_ms: float
    p95_ms: float
    max_ms: float
    first_error: str


def _stored_bounds(pool: Any, target: Target) -> tuple[str, str]:
    """Return the oldest and newest `stored` of the LRS's statements."""
    found = []
    for ascending in ("true", "false"):
        url = (
            f"{target.statements_url}?{urlencode({'limit': 1, 'ascending': ascending})}"
        )
        response = pool.request("GET", url, headers=target.headers())
        statements = json.loads(response.data)["statements"]
        found.append(statements[0]["stored"])
    return found[0], found[1]


def _between(first: str, last: str, fraction: float) -> str:
    from datetime import datetime

    start = datetime.fromisoformat(first.replace("Z", "+00:00"))
    end = datetime.fromisoformat(last.replace("Z", "+00:00"))
    moment = start + (end - start) * fraction
    return moment.isoformat(timespec="microseconds").replace("+00:00", "Z")


def query_params(
    kind: str,
    *,
    rng: random.Random,
    generator: StatementGenerator,
    stored: int,
    bounds: tuple[str, str],
    limit: int,
) -> dict[str, str]:
    """Return the parameters of one query of `kind`, aimed at data that exists
    (taken from a random statement among the first `stored` of the seed)."""
    _, learner_number, activity, course = generator.picks(rng.randrange(stored))
    params: dict[str, str] = {"limit": str(limit)}
    if kind == "agent":
        params["agent"] = orjson.dumps(learner(learner_number)).decode()
    elif kind == "activity":
        params["activity"] = lesson_id(activity)
    elif kind == "registration":
        params["registration"] = registration(learner_number, course)
    elif kind == "since":
        # "What is new since my last sync": oldest first after a moment.
        params["since"] = _between(*bounds, rng.random())
        params["ascending"] = "true"
    elif kind == "since_newest":
        params["since"] = _between(*bounds, rng.random())
    elif kind == "agent_verb":
        params["agent"] = orjson.dumps(learner(learner_number)).decode()
        params["verb"] = "http://adlnet.gov/expapi/verbs/completed"
    elif kind == "course_related":
        params["activity"] = course_id(course)
        params["related_activities"] = "true"
    else:
        raise ValueError(kind)
    return params


def queries(
    target: Target,
    kinds: list[str],
    *,
    seed: int,
    total: int,
    stored: int,
    requests: int,
    warmups: int,
    limit: int,
) -> list[QueryResult]:
    """Time `requests` GETs of each kind, one at a time, after `warmups`."""
    pool = urllib3.PoolManager(maxsize=1, retries=False, timeout=120.0)
    headers = target.headers()
    generator = StatementGenerator(seed=seed, total=total)
    bounds = _stored_bounds(pool, target)
    results = []
    for kind in kinds:
        rng = random.Random(f"{seed}/{kind}")
        latencies: list[float] = []
        rows: list[int] = []
        errors: list[str] = []
        for number in range(warmups + requests):
            params = query_params(
                kind,
                rng=rng,
                generator=generator,
                stored=stored,
                bounds=bounds,
                limit=limit,
            )
            url = f"{target.statements_url}?{urlencode(params)}"
            began = time.perf_counter()
            response = pool.request("GET", url, headers=headers)
            data = response.data
            elapsed = time.perf_counter() - began
            if response.status != 200:
                errors.append(f"{response.status} {data[:300]!r}")
                continue
            if number >= warmups:
                latencies.append(elapsed)
                rows.append(len(orjson.loads(data)["statements"]))
        results.append(
            QueryResult(
                target=target.name,
                query=kind,
                requests=len(latencies),
                errors=len(errors),
                mean_rows=round(statistics.fmean(rows), 1) if rows else 0.0,
                p50_ms=round(percentile(latencies, 0.50) * 1000, 1),
                p95_ms=round(percentile(latencies, 0.95) * 1000, 1),
                max_ms=round(max(latencies, default=math.nan) * 1000, 1),
                first_error=errors[0] if errors else "",
            )
        )
    return results


def as_dict(result: IngestResult | QueryResult) -> dict[str, Any]:
    """Return a result as a JSON-ready dict."""
    return asdict(result)
