"""bench/deal_conflicts.py at a tiny scale: the generator, the load, the product's
check with its metrics, and the RapidFuzz peer (pg_trgm too on PostgreSQL), so that
CI proves the benchmark still runs. Its figures at scale are in docs/performance.md.
"""

import argparse
import sys
from pathlib import Path
from typing import Any

from django.db import connection

from cairn.deals.matching import DealFacts, blocking_keys
from cairn.deals.models import DealConflict, DealMatchKey, DealRegistration

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import deal_conflicts
import deal_generator


def _args(**overrides: Any) -> argparse.Namespace:
    values = {
        "registrations": 300,
        "partners": 10,
        "duplicates": 8,
        "near_misses": 8,
        "seed": 3,  # the seed of the other tests: Faker's name pools are reused
        "warmups": 1,
    }
    return argparse.Namespace(**{**values, **overrides})


def _query(label: str, target: int = 0) -> deal_generator.Query:
    generator = deal_generator.Generator(seed=1, registrations=1, partners=2)
    return deal_generator.Query(label, "typo", target, generator.registration(0))


def test_the_generator_gives_the_same_registrations_for_a_seed() -> None:
    # given
    first = deal_generator.Generator(seed=3, registrations=300, partners=10)
    second = deal_generator.Generator(seed=3, registrations=300, partners=10)

    # when
    rows = [r.fields() for r in first.registrations()]

    # then
    assert rows == [r.fields() for r in second.registrations()]
    domains = [r["customer_domain"] for r in rows if r["customer_domain"]]
    bare = {d.removeprefix("https://").removeprefix("www.") for d in domains}
    assert len(bare) == len(domains)  # one company, one domain


def test_labelled_queries_cover_every_variant_and_another_partner() -> None:
    # given
    generator = deal_generator.Generator(seed=3, registrations=600, partners=10)
    rows = list(generator.registrations())
    targets = generator.query_targets(rows, 40)

    # when
    queries = generator.queries({i: rows[i] for i in targets}, 24, 16)

    # then
    duplicates = [q for q in queries if q.label == "duplicate"]
    near_misses = [q for q in queries if q.label == "near_miss"]
    assert {q.kind for q in duplicates} == set(deal_generator.DUPLICATE_KINDS)
    assert {q.kind for q in near_misses} == set(deal_generator.NEAR_MISS_KINDS)
    assert len({q.target for q in queries}) == 40
    assert all(q.registration.partner != rows[q.target].partner for q in queries)
    for query in near_misses:
        target_label = rows[query.target].customer_domain.partition(".")[0]
        assert query.registration.customer_domain.partition(".")[0] != target_label


def test_recall_and_precision_count_a_duplicate_flagged_elsewhere_as_wrong() -> None:
    # given two duplicates (one found, one flagged against another registration)
    # and two near-misses (one flagged)
    queries = [
        _query("duplicate"),
        _query("duplicate"),
        _query("near_miss"),
        _query("near_miss"),
    ]

    # when
    figures = deal_conflicts.quality(
        queries, hits=[True, False, False, False], flagged=[True, True, True, False]
    )

    # then
    assert figures == {
        "recall": 0.5,
        "precision": 0.3333,
        "flagged": 3,
        "found": 1,
        "false_positive_near_misses": 1,
    }


def test_percentile_is_the_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]

    assert deal_conflicts.percentile(values, 0.95) == 95.0
    assert deal_conflicts.percentile(values, 0.50) == 50.0
    assert deal_conflicts.percentile([7.0], 0.99) == 7.0


def test_a_tiny_run_loads_checks_and_leaves_the_data_unchanged(db: Any) -> None:
    # given
    args = _args()

    # when
    meta = deal_conflicts.generate(args)

    # then every registration is stored with the engine's own blocking keys
    generator = deal_generator.Generator(seed=3, registrations=300, partners=10)
    expected_keys = sum(
        len(
            blocking_keys(
                DealFacts(
                    registration_id=r.index,
                    owner_key="p",
                    company_name=r.customer_name,
                    customer_domain=r.customer_domain,
                    contact_email=r.contact_email,
                    country=r.country,
                    city=r.city,
                    postal_code=r.postal_code,
                )
            )
        )
        for r in generator.registrations()
    )
    assert meta["counts"]["registrations"] == 300
    assert meta["counts"]["match_keys"] == expected_keys
    assert DealMatchKey.objects.count() == expected_keys
    assert len(meta["queries"]) == 16
    assert deal_conflicts.read_meta() == meta

    # when the product's check runs over the labelled queries
    queries = [deal_generator.query_from_json(entry) for entry in meta["queries"]]
    partners, users, program = deal_conflicts.bench_actors()
    figures = deal_conflicts.measure_engine(queries, args, partners, users, program)

    # then each check was rolled back, and the engine finds the duplicates
    assert DealRegistration.objects.count() == 300
    assert not DealConflict.objects.exists()
    assert sum(int(v.split("/")[1]) for v in figures["by_kind"].values()) == 16
    # A smoke check, not the measure: with 8 duplicates one miss is 0.125.
    assert figures["recall"] >= 0.6
    assert figures["precision"] >= 0.6
    assert figures["p95_ms"] >= figures["p50_ms"] > 0
    assert set(figures["curve"]) == {f"{t:.2f}" for t in deal_conflicts.THRESHOLDS}

    # and the peers search the same names
    open_count = meta["counts"]["open_registrations"]
    rapidfuzz = deal_conflicts.measure_rapidfuzz(queries, 80.0)
    assert rapidfuzz["names"] == open_count
    assert rapidfuzz["recall"] >= 0.6
    if connection.vendor == "postgresql":
        trgm = deal_conflicts.measure_trgm(queries, 0.5)
        assert trgm["recall"] >= 0.6
