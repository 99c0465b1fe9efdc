"""A NUL character (U+0000) in what the LRS stores in columns: refused with a 400
where the value is an IRI or a document id, kept (as a digest key) where xAPI allows
any string, never a 500. PostgreSQL's text holds no NUL, so these tests matter there
most; SQLite gives the same answers.
"""

import hashlib
from typing import Any

import orjson
import pytest
from django.test import Client

from cairn.lrs.multipart import build_multipart
from cairn.lrs.tests.support import make_xapi_client, statement
from cairn.lrs.tests.test_documents import (
    ACTIVITY,
    activity_profile,
    agent_profile,
    field_of,
    make_xapi,
    state,
)

pytestmark = pytest.mark.django_db

NUL = "\x00"
STATEMENTS = "/xapi/statements"
AGENT_WITH_NUL = {
    "objectType": "Agent",
    "account": {"homePage": "https://lms.example.com", "name": f"ada{NUL}"},
}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda s: s["object"].update(id=f"https://x.example/a{NUL}b"), "object.id"),
        (lambda s: s["verb"].update(id=f"https://x.example/verb{NUL}"), "verb.id"),
        (
            lambda s: s.update(context={"extensions": {f"https://x.example/{NUL}": 1}}),
            "context.extensions",
        ),
        (
            lambda s: s["object"]["definition"].update(
                type=f"https://x.example/t{NUL}"
            ),
            "object.definition.type",
        ),
    ],
    ids=["activity id", "verb id", "extension key", "activity type"],
)
def test_an_iri_with_a_nul_character_is_refused(change: Any, field: str) -> None:
    # given
    body = statement()
    change(body)

    # when
    response = make_xapi_client().post_json(STATEMENTS, body)

    # then
    assert response.status_code == 400, response.content
    assert field_of(response).startswith(field)


def test_an_iri_with_another_control_character_is_refused() -> None:
    body = statement(activity="https://x.example/a\x07b")

    response = make_xapi_client().post_json(STATEMENTS, body)

    assert response.status_code == 400


def test_an_account_name_with_a_nul_character_is_stored_and_found() -> None:
    # given xAPI lets an account name be any string
    lrs = make_xapi_client()
    body = statement(actor=AGENT_WITH_NUL)

    # when
    response = lrs.post_json(STATEMENTS, body)

    # then
    assert response.status_code == 200, response.content
    found = lrs.get(STATEMENTS, {"agent": orjson.dumps(AGENT_WITH_NUL).decode()})
    assert found.status_code == 200
    assert [s["actor"]["account"]["name"] for s in found.json()["statements"]] == [
        f"ada{NUL}"
    ]


@pytest.mark.parametrize(
    ("resource", "params", "field"),
    [
        ("activities/state", state(stateId=f"bookmark{NUL}"), "stateId"),
        ("activities/state", state(activityId=f"{ACTIVITY}{NUL}"), "activityId"),
        ("activities/profile", activity_profile(profileId=f"p{NUL}"), "profileId"),
        ("agents/profile", agent_profile(profileId=f"p{NUL}"), "profileId"),
    ],
    ids=["state id", "activity id", "activity profile id", "agent profile id"],
)
def test_a_document_id_or_activity_with_a_nul_character_is_refused(
    resource: str, params: dict[str, Any], field: str
) -> None:
    # when
    response = make_xapi(["all"]).send(
        "PUT", resource, params, {"page": 1}, headers={"If-None-Match": "*"}
    )

    # then
    assert response.status_code == 400, response.content
    assert field_of(response) == field


def test_a_document_of_an_agent_whose_account_name_holds_a_nul_is_kept() -> None:
    # given
    xapi = make_xapi(["all"])
    params = agent_profile(agent=AGENT_WITH_NUL)

    # when
    stored = xapi.send(
        "PUT", "agents/profile", params, {"page": 1}, headers={"If-None-Match": "*"}
    )

    # then
    assert stored.status_code == 204, stored.content
    answer = xapi.send("GET", "agents/profile", params)
    assert answer.status_code == 200
    assert orjson.loads(answer.content) == {"page": 1}


def test_looking_up_an_activity_with_a_nul_character_is_refused() -> None:
    response = make_xapi(["all"]).send(
        "GET", "activities", {"activityId": f"{ACTIVITY}{NUL}"}
    )

    assert response.status_code == 400
    assert field_of(response) == "activityId"


def test_an_attachment_content_type_with_a_nul_character_is_not_a_500() -> None:
    # given
    lrs = make_xapi_client()
    content = b"%PDF-1.7"
    digest = hashlib.sha256(content).hexdigest()
    body = statement(
        attachments=[
            {
                "usageType": "https://x.example/certificate",
                "display": {"en-US": "Certificate"},
                "contentType": f"application/pdf{NUL}",
                "length": len(content),
                "sha2": digest,
            }
        ]
    )
    multipart, content_type = build_multipart(
        [
            ({"Content-Type": "application/json"}, orjson.dumps(body)),
            (
                {
                    "Content-Type": "application/pdf",
                    "Content-Transfer-Encoding": "binary",
                    "X-Experience-API-Hash": digest,
                },
                content,
            ),
        ]
    )

    # when
    response = Client().post(
        STATEMENTS, multipart, content_type=content_type, headers=lrs.headers()
    )

    # then
    assert response.status_code == 400, response.content
