"""Sample statements and a path-based mutator shared by the xAPI layer's tests.

The samples are themselves checked to be valid in both xAPI versions, so every
invalid case elsewhere fails for the one change it makes.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

from cairn.lrs.xapi.validate import validate_statement

DELETE = object()

_PART = re.compile(r"[^.\[\]]+|\[\d+\]")

ACTIVITY_ID = "https://academy.example.com/courses/onboarding/module-3"
REGISTRATION = "ec531277-b57b-4c15-8d91-d292c5b2b8f7"
STATEMENT_ID = "fd41c918-b88b-4b20-a0a5-a4c32391aaa0"
OTHER_ID = "7f2bd7a4-8c41-4f0e-9a3e-5d7c2a1b9e60"

_TYPICAL: dict[str, Any] = {
    "id": STATEMENT_ID,
    "actor": {
        "objectType": "Agent",
        "name": "Ada Lovelace",
        "mbox": "mailto:ada@partner-a.example",
    },
    "verb": {
        "id": "http://adlnet.gov/expapi/verbs/completed",
        "display": {"en-US": "completed", "fr-FR": "a terminé"},
    },
    "object": {
        "objectType": "Activity",
        "id": ACTIVITY_ID,
        "definition": {
            "name": {"en-US": "Module 3", "en-GB": "Module three"},
            "description": {"en-US": "Deal registration basics"},
            "type": "http://adlnet.gov/expapi/activities/module",
            "moreInfo": "https://academy.example.com/m3",
            "extensions": {"https://academy.example.com/ext/level": 2},
        },
    },
    "result": {
        "score": {"scaled": 0.85, "raw": 85, "min": 0, "max": 100},
        "success": True,
        "completion": True,
        "response": "done",
        "duration": "PT1H12M30.5S",
        "extensions": {"https://academy.example.com/ext/attempts": 1},
    },
    "context": {
        "registration": REGISTRATION,
        "instructor": {"name": "Grace", "mbox": "mailto:grace@vendor.example"},
        "contextActivities": {
            "parent": [{"id": "https://academy.example.com/courses/onboarding"}],
            "category": {"id": "https://w3id.org/xapi/cmi5/context/categories/cmi5"},
        },
        "platform": "Cairn Academy",
        "revision": "3",
        "language": "en-US",
        "statement": {"objectType": "StatementRef", "id": OTHER_ID},
        "extensions": {"https://academy.example.com/ext/session": None},
    },
    "timestamp": "2026-11-23T04:00:00.123Z",
    "attachments": [
        {
            "usageType": "http://adlnet.gov/expapi/attachments/signature",
            "display": {"en-US": "Signature"},
            "description": {"en-US": "JWS signature"},
            "contentType": "application/octet-stream",
            "length": 4235,
            "sha2": "a" * 64,
            "fileUrl": "https://academy.example.com/files/sig",
        }
    ],
}

_SUBSTATEMENT: dict[str, Any] = {
    "actor": {"mbox": "mailto:ada@partner-a.example"},
    "verb": {"id": "https://w3id.org/xapi/adl/verbs/planned"},
    "object": {
        "objectType": "SubStatement",
        "actor": {
            "objectType": "Group",
            "name": "Partner A team",
            "member": [
                {"mbox_sha1sum": "ebd31e95054c018b10727ccffd2ef2ec3a016ee9"},
                {"account": {"homePage": "https://crm.example", "name": "u-17"}},
            ],
        },
        "verb": {"id": "http://adlnet.gov/expapi/verbs/attempted"},
        "object": {"id": ACTIVITY_ID},
        "context": {
            "team": {
                "objectType": "Group",
                "openid": "https://openid.example/team-a",
            },
            "platform": "Cairn Academy",
            "contextActivities": {"grouping": {"id": "https://academy.example.com"}},
        },
        "timestamp": "2026-11-23T05:00:00+01:00",
    },
}


def typical() -> dict[str, Any]:
    """A valid statement using most optional properties (1.0.3 and 2.0)."""
    return copy.deepcopy(_TYPICAL)


def with_substatement() -> dict[str, Any]:
    """A valid statement whose object is a SubStatement with a Group actor."""
    return copy.deepcopy(_SUBSTATEMENT)


def mutate(document: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """Apply ``{"a.b[0].c": value}`` changes; ``DELETE`` removes the key."""
    for path, value in changes.items():
        parts = _PART.findall(path)
        target: Any = document
        for part in parts[:-1]:
            target = target[int(part[1:-1])] if part.startswith("[") else target[part]
        last = parts[-1]
        key: Any = int(last[1:-1]) if last.startswith("[") else last
        if value is DELETE:
            del target[key]
        else:
            target[key] = value
    return document


@pytest.mark.parametrize("version", ["1.0.3", "2.0.0"])
@pytest.mark.parametrize("sample", [typical, with_substatement])
def test_samples_are_valid_statements(sample, version):
    validate_statement(sample(), version=version)


def test_mutate_sets_and_deletes_nested_paths():
    document = {"a": {"b": [{"c": 1}, {"c": 2}]}, "d": 1}
    assert mutate(document, {"a.b[1].c": 3, "d": DELETE}) == {
        "a": {"b": [{"c": 1}, {"c": 3}]}
    }
