"""Smoke test of the LRS benchmark's code (bench/lrs): its generated statements are
valid and stored, its bulk path writes the rows the service writes, and its query
parameters are queries the LRS answers. Timings are never asserted.
"""

import sys
from pathlib import Path

import orjson
import pytest

from cairn.lrs.keys import statement_keys
from cairn.lrs.models import Statement, StatementKey
from cairn.lrs.selectors_statements import parse_query
from cairn.lrs.tests.support import make_xapi_client
from cairn.lrs.xapi.validate import validate_statement

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))

from lrs import bulk, drivers
from lrs.generate import StatementGenerator, learner

STATEMENTS = "/xapi/statements"


def test_generator_is_deterministic_and_varied() -> None:
    generator = StatementGenerator(seed=42, total=1000)

    first = [generator.statement(index) for index in range(50)]

    assert first == list(StatementGenerator(seed=42, total=1000).statements(0, 50))
    assert first[7] == generator.statement(7)
    assert first != list(StatementGenerator(seed=43, total=1000).statements(0, 50))
    assert len({statement["id"] for statement in first}) == 50
    assert len({statement["verb"]["id"] for statement in first}) > 5
    assert {"mbox" in s["actor"] for s in first} == {True, False}
    assert any("result" in statement for statement in first)
    assert first[0]["timestamp"] < first[49]["timestamp"]


@pytest.mark.parametrize("version", ["1.0.3", "2.0.0"])
def test_generated_statements_are_valid(version: str) -> None:
    for statement in StatementGenerator(seed=7, total=500).statements(0, 200):
        validate_statement(statement, version=version)


@pytest.mark.django_db
def test_generated_batch_posts_and_reads_back_by_agent() -> None:
    lrs = make_xapi_client(version="1.0.3")
    batch = list(StatementGenerator(seed=42, total=100).statements(0, 10))

    response = lrs.post_json(STATEMENTS, batch)

    assert response.status_code == 200
    assert response.json() == [statement["id"] for statement in batch]
    answer = lrs.get(STATEMENTS, {"agent": orjson.dumps(batch[3]["actor"]).decode()})
    assert batch[3]["id"] in [s["id"] for s in answer.json()["statements"]]


@pytest.mark.django_db
def test_bulk_rows_path_writes_what_the_service_writes() -> None:
    bulk.load_rows(0, 30, seed=42, total=30)

    assert Statement.objects.count() == 30
    for row in Statement.objects.all():
        keys = set(
            StatementKey.objects.filter(statement=row).values_list("key", flat=True)
        )
        assert keys == statement_keys(row.payload)
        assert row.payload["stored"].startswith(
            row.stored.isoformat(timespec="seconds").removesuffix("+00:00")
        )
    sample = StatementGenerator(seed=42, total=30).statement(12)
    stored = Statement.objects.get(statement_id=sample["id"]).payload
    assert {k: v for k, v in stored.items() if k in sample} == sample


@pytest.mark.parametrize(
    "kind", ["agent", "activity", "registration", "since", "since_newest"]
)
def test_query_parameters_are_valid_queries(kind: str) -> None:
    import random

    generator = StatementGenerator(seed=42, total=1000)
    bounds = ("2026-01-01T00:00:00.000000Z", "2026-12-31T00:00:00.000000Z")

    params = drivers.query_params(
        kind,
        rng=random.Random(1),
        generator=generator,
        stored=1000,
        bounds=bounds,
        limit=100,
    )

    query = parse_query(params)
    assert query.limit == 100
    assert len(query.key_filters) == (0 if kind.startswith("since") else 1)


def test_percentile_is_nearest_rank() -> None:
    values = [float(value) for value in range(1, 101)]

    assert drivers.percentile(values, 0.95) == 95.0
    assert drivers.percentile(values, 0.50) == 50.0
    assert drivers.percentile([3.0], 0.95) == 3.0


def test_learners_alternate_identifiers() -> None:
    assert learner(2)["mbox"] == "mailto:learner00002@partners.example.org"
    assert learner(3)["account"] == {
        "homePage": "https://lms.example.com",
        "name": "u00003",
    }
