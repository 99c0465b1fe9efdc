"""Statement output formats (exact, ids, canonical) and statement completion."""

from __future__ import annotations

import copy
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest

from cairn.lrs.tests.test_xapi_samples import (
    ACTIVITY_ID,
    STATEMENT_ID,
    typical,
    with_substatement,
)
from cairn.lrs.xapi.complete import (
    complete_statement,
    format_timestamp,
    utc_timestamp,
)
from cairn.lrs.xapi.errors import XAPIError
from cairn.lrs.xapi.formats import choose_language, format_statement

AUTHORITY = {"objectType": "Agent", "account": {"homePage": "https://lrs", "name": "k"}}


def test_exact_returns_context_activities_as_arrays_without_mutating():
    statement = typical()
    original = copy.deepcopy(statement)
    exact = format_statement(statement, format="exact", languages=[])
    activities = exact["context"]["contextActivities"]
    assert activities["category"] == [
        {"id": "https://w3id.org/xapi/cmi5/context/categories/cmi5"}
    ]
    assert activities["parent"] == original["context"]["contextActivities"]["parent"]
    assert {k: v for k, v in exact.items() if k != "context"} == {
        k: v for k, v in original.items() if k != "context"
    }
    assert statement == original


def test_exact_normalizes_substatement_context_activities():
    exact = format_statement(with_substatement(), format="exact", languages=[])
    assert exact["object"]["context"]["contextActivities"] == {
        "grouping": [{"id": "https://academy.example.com"}]
    }


def test_ids_reduces_agents_activities_and_verbs():
    statement = with_substatement()
    statement["context"] = {
        "instructor": {"name": "G", "mbox": "mailto:g@x.example"},
        "contextActivities": {"parent": {"id": "urn:p", "definition": {"name": {}}}},
    }
    statement["authority"] = {
        "objectType": "Group",
        "member": [
            {"name": "app", "account": {"homePage": "https://lrs", "name": "k"}},
            {"name": "Ada", "mbox": "mailto:ada@x.example"},
        ],
    }
    ids = format_statement(statement, format="ids", languages=["en"])
    assert ids["actor"] == {
        "objectType": "Agent",
        "mbox": "mailto:ada@partner-a.example",
    }
    assert ids["verb"] == {"id": "https://w3id.org/xapi/adl/verbs/planned"}
    assert ids["context"] == {
        "instructor": {"objectType": "Agent", "mbox": "mailto:g@x.example"},
        "contextActivities": {"parent": [{"id": "urn:p"}]},
    }
    assert ids["authority"] == {
        "objectType": "Group",
        "member": [
            {
                "objectType": "Agent",
                "account": {"homePage": "https://lrs", "name": "k"},
            },
            {"objectType": "Agent", "mbox": "mailto:ada@x.example"},
        ],
    }
    sub = ids["object"]
    assert sub["objectType"] == "SubStatement"
    assert sub["object"] == {"id": ACTIVITY_ID}
    assert sub["verb"] == {"id": "http://adlnet.gov/expapi/verbs/attempted"}
    assert sub["actor"] == {
        "objectType": "Group",
        "member": [
            {
                "objectType": "Agent",
                "mbox_sha1sum": "ebd31e95054c018b10727ccffd2ef2ec3a016ee9",
            },
            {
                "objectType": "Agent",
                "account": {"homePage": "https://crm.example", "name": "u-17"},
            },
        ],
    }
    assert sub["context"]["team"] == {
        "objectType": "Group",
        "openid": "https://openid.example/team-a",
    }


def test_ids_keeps_identified_group_ifi_only_and_statement_refs():
    statement = typical()
    statement["actor"] = {
        "objectType": "Group",
        "name": "Team",
        "mbox": "mailto:t@x.example",
        "member": [{"mbox": "mailto:a@x.example"}],
    }
    statement["object"] = {"objectType": "StatementRef", "id": STATEMENT_ID}
    ids = format_statement(statement, format="ids", languages=[])
    assert ids["actor"] == {"objectType": "Group", "mbox": "mailto:t@x.example"}
    assert ids["object"] == {"objectType": "StatementRef", "id": STATEMENT_ID}
    assert ids["result"] == statement["result"]


def test_canonical_keeps_one_language_per_map():
    statement = typical()
    statement["context"]["contextActivities"]["category"]["definition"] = {
        "name": {"en-US": "cmi5", "en-GB": "cmi5 (GB)"},
    }
    statement["attachments"][0]["display"] = {"de": "Unterschrift", "en-GB": "Sig"}
    canonical = format_statement(statement, format="canonical", languages=["en-GB"])
    assert canonical["verb"]["display"] == {"en-US": "completed"}
    assert canonical["object"]["definition"]["name"] == {"en-GB": "Module three"}
    assert canonical["object"]["definition"]["description"] == {
        "en-US": "Deal registration basics"
    }
    assert canonical["context"]["contextActivities"]["category"] == [
        {
            "id": "https://w3id.org/xapi/cmi5/context/categories/cmi5",
            "definition": {"name": {"en-GB": "cmi5 (GB)"}},
        }
    ]
    assert canonical["attachments"][0]["display"] == {"en-GB": "Sig"}
    assert statement["verb"]["display"] == {"en-US": "completed", "fr-FR": "a terminé"}


def test_canonical_reduces_interaction_components_and_substatements():
    statement = with_substatement()
    statement["object"]["object"]["definition"] = {
        "interactionType": "choice",
        "choices": [{"id": "a", "description": {"en": "A", "fr": "A (fr)"}}],
    }
    statement["object"]["verb"]["display"] = {"fr": "a essayé", "en": "attempted"}
    canonical = format_statement(statement, format="canonical", languages=["fr-CA"])
    sub = canonical["object"]
    assert sub["verb"]["display"] == {"fr": "a essayé"}
    assert sub["object"]["definition"]["choices"] == [
        {"id": "a", "description": {"fr": "A (fr)"}}
    ]


@pytest.mark.parametrize(
    ("available", "wanted", "chosen"),
    [
        (["en-US", "en-GB"], ["en-GB"], "en-GB"),
        (["en-US", "en-GB"], ["EN-gb"], "en-GB"),
        (["en", "fr"], ["fr-CA", "en"], "fr"),
        (["en-US", "fr-FR"], ["fr"], "fr-FR"),
        (["en-US", "fr-FR"], ["de", "fr-BE"], "fr-FR"),
        (["en-US", "und"], ["de"], "und"),
        (["en-US", "fr-FR"], [], "en-US"),
        (["fr-FR", "en-US"], ["*"], "fr-FR"),
        ([], ["en"], None),
    ],
)
def test_choose_language(available, wanted, chosen):
    assert choose_language(available, wanted) == chosen


def test_unknown_format_is_refused():
    with pytest.raises(XAPIError) as caught:
        format_statement(typical(), format="full", languages=[])
    assert (caught.value.status, caught.value.path) == (400, "format")


STORED = datetime(2026, 11, 23, 4, 0, 0, 123456, tzinfo=UTC)


def test_complete_statement_fills_lrs_properties():
    statement = typical()
    for key in ("id", "timestamp"):
        del statement[key]
    new_id = uuid.UUID("7f2bd7a4-8c41-4f0e-9a3e-5d7c2a1b9e60")
    completed = complete_statement(
        statement,
        statement_id=new_id,
        stored=STORED,
        authority=AUTHORITY,
        version="2.0.0",
    )
    assert completed["id"] == str(new_id)
    assert completed["stored"] == "2026-11-23T04:00:00.123456Z"
    assert completed["timestamp"] == completed["stored"]
    assert completed["authority"] == AUTHORITY
    assert completed["version"] == "2.0.0"
    assert completed["context"]["contextActivities"] == {
        "parent": [{"id": "https://academy.example.com/courses/onboarding"}],
        "category": [{"id": "https://w3id.org/xapi/cmi5/context/categories/cmi5"}],
    }
    assert {
        k: v for k, v in completed["context"].items() if k != "contextActivities"
    } == {k: v for k, v in statement["context"].items() if k != "contextActivities"}
    assert "stored" not in statement
    assert isinstance(statement["context"]["contextActivities"]["category"], dict)


def test_complete_statement_keeps_client_values_but_overrides_stored_and_authority():
    statement = typical()
    statement.update(
        stored="2020-01-01T00:00:00Z",
        authority={"mbox": "mailto:liar@x.example"},
        version="1.0.3",
    )
    completed = complete_statement(
        statement,
        statement_id="ignored",
        stored=STORED,
        authority=AUTHORITY,
        version="2.0.0",
    )
    assert completed["id"] == STATEMENT_ID
    assert completed["timestamp"] == "2026-11-23T04:00:00.123Z"
    assert completed["stored"] == "2026-11-23T04:00:00.123456Z"
    assert completed["authority"] == AUTHORITY
    assert completed["version"] == "1.0.3"


def test_complete_statement_replaces_null_timestamp_with_stored():
    statement = typical()
    statement["timestamp"] = None
    completed = complete_statement(
        statement,
        statement_id=STATEMENT_ID,
        stored=STORED,
        authority=AUTHORITY,
        version="2.0.0",
    )
    assert (
        completed["timestamp"] == completed["stored"] == "2026-11-23T04:00:00.123456Z"
    )


def test_complete_statement_normalizes_substatement_context_activities():
    completed = complete_statement(
        with_substatement(),
        statement_id=STATEMENT_ID,
        stored=STORED,
        authority=AUTHORITY,
        version="1.0.3",
    )
    assert completed["object"]["context"]["contextActivities"] == {
        "grouping": [{"id": "https://academy.example.com"}]
    }


def test_complete_statement_defaults_version_for_1_0_3():
    statement = typical()
    completed = complete_statement(
        statement,
        statement_id=STATEMENT_ID,
        stored=STORED,
        authority=AUTHORITY,
        version="1.0.3",
    )
    assert completed["version"] == "1.0.0"


def test_format_timestamp_converts_to_utc():
    moment = datetime(2026, 1, 1, 1, 30, tzinfo=timezone(timedelta(hours=2)))
    assert format_timestamp(moment) == "2025-12-31T23:30:00.000000Z"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-05-04T12:00:00-05:00", "2023-05-04T17:00:00Z"),
        ("2023-05-04T23:30:00.601+02:00", "2023-05-04T21:30:00.601Z"),
        ("2023-05-04T00:15:00.1234567-0130", "2023-05-04T01:45:00.123456Z"),
        ("20230504T120000+01", "2023-05-04T11:00:00Z"),
        ("2023-05-04T12:00:00Z", "2023-05-04T12:00:00Z"),
        ("2023-05-04T12:00:00+00:00", "2023-05-04T12:00:00+00:00"),
        ("2023-05-04T12:00:00", "2023-05-04T12:00:00"),
    ],
)
def test_utc_timestamp(text, expected):
    assert utc_timestamp(text) == expected


@pytest.mark.parametrize(
    ("version", "expected"),
    [("2.0.0", "2023-05-04T17:00:00Z"), ("1.0.3", "2023-05-04T12:00:00-05:00")],
)
def test_complete_statement_converts_timestamps_to_utc_in_2_0(version, expected):
    statement = typical()
    statement["timestamp"] = "2023-05-04T12:00:00-05:00"
    completed = complete_statement(
        statement,
        statement_id=STATEMENT_ID,
        stored=STORED,
        authority=AUTHORITY,
        version=version,
    )
    assert completed["timestamp"] == expected
    assert statement["timestamp"] == "2023-05-04T12:00:00-05:00"
