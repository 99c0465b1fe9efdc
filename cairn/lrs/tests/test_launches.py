"""cmi5 launches in the LRS: the one-time fetch URL, and credentials that reach
one learner, one registration and one AU, for the session only.
"""

import base64
import datetime
import uuid
from typing import Any
from urllib.parse import quote

import orjson
import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from cairn.core.models import ActivityEvent
from cairn.lrs.models import Document, LaunchSession, Statement
from cairn.lrs.services.launches import (
    LAUNCH_DATA_ID,
    SESSION_EXTENSION,
    start_launch,
)

pytestmark = pytest.mark.django_db

AU = "https://partners.example.com/learning/courses/firewalls/lessons/9/au"
PUBLISHER_ID = "https://example.com/courses/firewalls/zones"
LEARNER = {
    "objectType": "Agent",
    "name": "Rex",
    "account": {"homePage": "https://partners.example.com", "name": "42"},
}
OTHER = {
    "objectType": "Agent",
    "account": {"homePage": "https://x.example", "name": "7"},
}
REGISTRATION = uuid.UUID("5f0e0a4c-2b1a-4bb7-9d0b-7f1d9a7c1e11")
CMI5 = "https://w3id.org/xapi/cmi5/context/categories/cmi5"


def _launch() -> Any:
    return start_launch(
        actor=LEARNER,
        registration=REGISTRATION,
        activity_id=AU,
        launch_data={
            "contextTemplate": {
                "contextActivities": {"grouping": [{"id": PUBLISHER_ID}]},
                "extensions": {},
            },
            "launchMode": "Normal",
            "moveOn": "Passed",
        },
    )


def _fetch(token: str) -> dict[str, Any]:
    response = Client().post(reverse("lrs:cmi5_fetch", kwargs={"token": token}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    return orjson.loads(response.content)


def _headers(auth_token: str) -> dict[str, str]:
    return {
        "Authorization": f"Basic {auth_token}",
        "X-Experience-API-Version": "1.0.3",
    }


def _statement(session_id: str, **changes: Any) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "actor": LEARNER,
        "verb": {"id": "http://adlnet.gov/expapi/verbs/initialized"},
        "object": {"objectType": "Activity", "id": AU},
        "context": {
            "registration": str(REGISTRATION),
            "contextActivities": {
                "grouping": [{"id": PUBLISHER_ID}],
                "category": [{"id": CMI5}],
            },
            "extensions": {SESSION_EXTENSION: session_id},
        },
    }
    statement.update(changes)
    return statement


def _post(auth_token: str, body: Any) -> Any:
    return Client().post(
        "/xapi/statements",
        orjson.dumps(body),
        content_type="application/json",
        headers=_headers(auth_token),
    )


def _state(auth_token: str, method: str = "get", **params: Any) -> Any:
    query = {
        "activityId": AU,
        "agent": orjson.dumps(LEARNER).decode(),
        "registration": str(REGISTRATION),
        "stateId": LAUNCH_DATA_ID,
        **params,
    }
    path = "/xapi/activities/state?" + "&".join(
        f"{name}={value}" for name, value in _encoded(query).items()
    )
    if method == "get":
        return Client().get(path, headers=_headers(auth_token))
    return Client().put(
        path, b'{"x": 1}', content_type="application/json", headers=_headers(auth_token)
    )


def _encoded(params: dict[str, Any]) -> dict[str, str]:
    return {name: quote(str(value), safe="") for name, value in params.items()}


def test_a_launch_writes_its_launch_data_with_the_session_id() -> None:
    launch = _launch()

    document = Document.objects.get(document_id=LAUNCH_DATA_ID)
    data = orjson.loads(bytes(document.content))
    assert data["contextTemplate"]["extensions"] == {
        SESSION_EXTENSION: str(launch.session.session_id)
    }
    assert data["contextTemplate"]["contextActivities"] == {
        "grouping": [{"id": PUBLISHER_ID}]
    }
    assert (document.registration, document.activity_id) == (REGISTRATION, AU)


def test_the_fetch_url_gives_the_auth_token_once() -> None:
    launch = _launch()

    first = _fetch(launch.fetch_token)
    second = _fetch(launch.fetch_token)

    key, _, secret = base64.b64decode(first["auth-token"]).decode().partition(":")
    assert key == launch.session.key
    assert len(secret) > 30
    assert second == {
        "error-code": "1",
        "error-text": "The fetch URL was already used.",
    }


def test_an_unknown_or_expired_fetch_url_gives_no_token() -> None:
    launch = _launch()

    unknown = _fetch("not-a-token")
    with time_machine.travel(
        launch.session.expires_at + datetime.timedelta(seconds=1), tick=False
    ):
        expired = _fetch(launch.fetch_token)

    assert unknown["error-code"] == expired["error-code"] == "2"
    assert LaunchSession.objects.get().fetched_at is None


def test_the_fetch_url_answers_only_post() -> None:
    launch = _launch()

    response = Client().get(
        reverse("lrs:cmi5_fetch", kwargs={"token": launch.fetch_token})
    )

    assert response.status_code == 405
    assert LaunchSession.objects.get().fetched_at is None


def test_the_auth_token_reads_the_launch_data_and_stores_the_learners_statements(
    django_capture_on_commit_callbacks: Any,
) -> None:
    launch = _launch()
    token = _fetch(launch.fetch_token)["auth-token"]
    session_id = str(launch.session.session_id)
    passed = _statement(
        session_id,
        verb={"id": "http://adlnet.gov/expapi/verbs/passed"},
        result={"success": True, "score": {"scaled": 0.9}, "duration": "PT1M"},
    )

    launch_data = _state(token)
    with django_capture_on_commit_callbacks(execute=True):
        stored = _post(token, [_statement(session_id), passed])

    assert launch_data.status_code == 200
    assert orjson.loads(launch_data.content)["moveOn"] == "Passed"
    assert stored.status_code == 200
    assert Statement.objects.count() == 2
    assert Statement.objects.first().client.key == "cairn-cmi5"  # type: ignore[union-attr]
    event = ActivityEvent.objects.get(verb="lrs.cmi5_result")
    assert event.data == {
        "session_id": session_id,
        "registration": str(REGISTRATION),
        "activity_id": AU,
    }


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"actor": OTHER}, "actor"),
        (
            {
                "context": {
                    "registration": str(uuid.uuid4()),
                    "extensions": {SESSION_EXTENSION: "SESSION"},
                }
            },
            "context.registration",
        ),
        ({"context": {"registration": str(REGISTRATION)}}, "context.extensions"),
        ({"object": {"objectType": "Activity", "id": AU + "/other"}}, "object.id"),
        (
            {
                "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
                "object": {"objectType": "StatementRef", "id": str(uuid.uuid4())},
            },
            "verb",
        ),
    ],
)
def test_statements_outside_the_launch_are_refused_whole(
    changes: dict[str, Any], field: str
) -> None:
    launch = _launch()
    token = _fetch(launch.fetch_token)["auth-token"]
    session_id = str(launch.session.session_id)
    if "context" in changes:
        changes["context"] = orjson.loads(
            orjson.dumps(changes["context"]).replace(b"SESSION", session_id.encode())
        )

    response = _post(token, [_statement(session_id), _statement(session_id, **changes)])

    assert response.status_code == 403
    assert orjson.loads(response.content)["errors"][0]["field"] == f"[1].{field}"
    assert Statement.objects.count() == 0


def test_the_launch_credentials_reach_only_the_launchs_state_and_no_reads() -> None:
    launch = _launch()
    token = _fetch(launch.fetch_token)["auth-token"]

    statements = Client().get("/xapi/statements", headers=_headers(token))
    other_learner = _state(token, agent=orjson.dumps(OTHER).decode())
    other_registration = _state(token, registration=str(uuid.uuid4()))
    change_launch_data = _state(token, method="put")
    own_state = _state(token, method="put", stateId="bookmark")
    activities = Client().get(
        "/xapi/activities", {"activityId": AU}, headers=_headers(token)
    )

    assert (
        statements.status_code,
        other_learner.status_code,
        other_registration.status_code,
        change_launch_data.status_code,
        own_state.status_code,
        activities.status_code,
    ) == (403, 403, 403, 403, 204, 403)


def test_the_credentials_end_with_the_session() -> None:
    launch = _launch()
    token = _fetch(launch.fetch_token)["auth-token"]
    session_id = str(launch.session.session_id)
    terminated = _statement(
        session_id,
        verb={"id": "http://adlnet.gov/expapi/verbs/terminated"},
        result={"duration": "PT5M"},
    )

    assert _post(token, terminated).status_code == 200
    after = _post(token, _statement(session_id))

    assert after.status_code == 401
    assert Statement.objects.count() == 1


def test_the_credentials_expire() -> None:
    launch = _launch()
    token = _fetch(launch.fetch_token)["auth-token"]

    with time_machine.travel(
        launch.session.expires_at + datetime.timedelta(seconds=1), tick=False
    ):
        response = _post(token, _statement(str(launch.session.session_id)))

    assert response.status_code == 401
    assert Statement.objects.count() == 0


def test_credentials_before_the_fetch_or_with_a_wrong_secret_are_refused() -> None:
    launch = _launch()
    guessed = base64.b64encode(f"{launch.session.key}:guess".encode()).decode()

    before = _post(guessed, _statement(str(launch.session.session_id)))
    _fetch(launch.fetch_token)
    wrong = _post(guessed, _statement(str(launch.session.session_id)))

    assert (before.status_code, wrong.status_code) == (401, 401)
    assert Statement.objects.count() == 0
