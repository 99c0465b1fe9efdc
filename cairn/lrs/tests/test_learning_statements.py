"""Learning events become statements in Cairn's own LRS, once each."""

import uuid
from typing import Any

import pytest

from cairn.core.events import record_event
from cairn.lrs.consumers import store_learning_statement
from cairn.lrs.models import Statement
from cairn.lrs.services.clients import CAIRN_LEARNING_KEY
from cairn.lrs.xapi.validate import validate_statement
from conftest import Ecosystem

COURSE = "https://partners.example.com/learning/courses/networking-101"
LESSON = COURSE + "/lessons/7"


def _data(**extra: Any) -> dict[str, Any]:
    return {
        "statement_id": str(uuid.uuid4()),
        "learner_email": "rex@alpha.example",
        "learner_name": "Rex",
        "activity_id": LESSON,
        "activity_name": "Routing basics",
        "activity_type": "http://adlnet.gov/expapi/activities/lesson",
        "registration": str(uuid.uuid4()),
        "parent_id": COURSE,
        "parent_name": "Networking 101",
        **extra,
    }


def test_a_learning_event_is_stored_as_a_valid_statement_with_an_adl_verb(
    ecosystem: Ecosystem, django_capture_on_commit_callbacks: Any
) -> None:
    data = _data(result={"score": {"scaled": 0.9}, "success": True, "completion": True})

    with django_capture_on_commit_callbacks(execute=True):
        event = record_event(
            "learning.passed", actor=ecosystem.partner_a_rep, data=data
        )
    store_learning_statement(event)

    stored = Statement.objects.get(statement_id=data["statement_id"])
    statement = stored.payload
    validate_statement(statement, version="2.0.0")
    assert statement["verb"]["id"] == "http://adlnet.gov/expapi/verbs/passed"
    assert statement["actor"]["mbox"] == "mailto:rex@alpha.example"
    assert statement["object"]["id"] == LESSON
    assert statement["context"]["registration"] == data["registration"]
    assert statement["context"]["contextActivities"]["parent"][0]["id"] == COURSE
    assert statement["result"]["score"]["scaled"] == 0.9
    assert statement["authority"]["account"]["name"] == CAIRN_LEARNING_KEY
    assert stored.client is not None
    assert stored.client.key == CAIRN_LEARNING_KEY


def test_storing_the_same_event_twice_stores_one_statement(
    ecosystem: Ecosystem,
) -> None:
    event = record_event("learning.completed", actor=None, data=_data())

    store_learning_statement(event)
    store_learning_statement(event)

    assert Statement.objects.count() == 1


@pytest.mark.django_db
def test_events_that_are_not_learning_events_are_ignored() -> None:
    event = record_event("deal.won", actor=None, data={"amount": "10"})

    store_learning_statement(event)

    assert Statement.objects.count() == 0


@pytest.mark.parametrize(
    "verb",
    [
        "learning.launched",
        "learning.progressed",
        "learning.completed",
        "learning.failed",
        "learning.certified",
        "learning.expired",
        "learning.registered",
    ],
)
def test_every_learning_verb_maps_to_a_statement(
    ecosystem: Ecosystem, verb: str
) -> None:
    event = record_event(verb, actor=None, data=_data())

    store_learning_statement(event)

    assert (
        Statement.objects.get().payload["verb"]["display"]["en-US"]
        == verb.split(".")[1]
    )
