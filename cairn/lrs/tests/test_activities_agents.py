"""The activities resource (an Activity's canonical definition) and the agents
resource (the Person object of an agent), through the whole xAPI view.
"""

import json
import uuid
from typing import Any
from urllib.parse import urlencode

import pytest
from django.http import HttpResponse
from django.test import Client

from cairn.lrs.tests.support import make_xapi_client

pytestmark = pytest.mark.django_db

ACTIVITY = "https://academy.example.com/courses/onboarding/module-3"
DEFINITION = {
    "name": {"en-US": "Module 3", "fr-FR": "Module trois"},
    "description": {"en-US": "Deal registration basics"},
    "type": "http://adlnet.gov/expapi/activities/module",
}
ADA = {"objectType": "Agent", "mbox": "mailto:ada@partner-a.example"}


class XAPI:
    """Reads the xAPI 1.0.3 resources and stores statements as one LRS client."""

    def __init__(self, scopes: list[str]) -> None:
        self.signer = make_xapi_client(scopes=scopes, version="1.0.3")
        self.http = Client()

    def get(self, resource: str, params: dict[str, Any], method: str = "GET") -> Any:
        """Read `resource`; dict parameters are sent as JSON."""
        query = urlencode(
            {
                name: json.dumps(value) if isinstance(value, dict) else value
                for name, value in params.items()
            }
        )
        return self.http.generic(
            method, f"/xapi/{resource}?{query}", headers=self.signer.headers()
        )

    def store(self, statement: dict[str, Any]) -> None:
        """Store one statement through the statements resource."""
        response = self.signer.post_json("/xapi/statements", statement)
        assert response.status_code == 200, response.content


@pytest.fixture
def xapi() -> XAPI:
    return XAPI(["all"])


def completed(actor: dict[str, Any], target: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "actor": actor,
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
        "object": target,
    }


def field_of(response: HttpResponse) -> str:
    return str(json.loads(response.content)["errors"][0]["field"])


# --- activities ----------------------------------------------------------------


def test_activity_answers_its_definition_from_statements(xapi: XAPI) -> None:
    xapi.store(
        completed(
            ADA, {"objectType": "Activity", "id": ACTIVITY, "definition": DEFINITION}
        )
    )

    response = xapi.get("activities", {"activityId": ACTIVITY})

    assert response.status_code == 200
    assert json.loads(response.content) == {
        "objectType": "Activity",
        "id": ACTIVITY,
        "definition": DEFINITION,
    }


def test_activity_never_seen_is_an_activity_with_its_id_alone(xapi: XAPI) -> None:
    response = xapi.get("activities", {"activityId": ACTIVITY})

    assert response.status_code == 200
    assert json.loads(response.content) == {"objectType": "Activity", "id": ACTIVITY}


def test_head_of_an_activity_has_no_body(xapi: XAPI) -> None:
    response = xapi.get("activities", {"activityId": ACTIVITY}, method="HEAD")

    assert response.status_code == 200
    assert response.content == b""


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "activityId"),
        ({"activityId": "true"}, "activityId"),
        ({"activityId": ACTIVITY, "agent": ADA}, "agent"),
    ],
)
def test_bad_activity_parameters_are_400(
    xapi: XAPI, params: dict[str, Any], field: str
) -> None:
    response = xapi.get("activities", params)

    assert response.status_code == 400
    assert field_of(response) == field


def test_activities_need_a_reading_scope() -> None:
    writer = XAPI(["statements/write"])

    assert writer.get("activities", {"activityId": ACTIVITY}).status_code == 403
    assert writer.get("agents", {"agent": ADA}).status_code == 403


# --- agents --------------------------------------------------------------------


def test_person_holds_the_names_statements_gave_the_agent(xapi: XAPI) -> None:
    xapi.store(completed({**ADA, "name": "Ada Lovelace"}, {"id": ACTIVITY}))
    xapi.store(completed({**ADA, "name": "Ada King"}, {"id": ACTIVITY}))
    xapi.store(
        completed(
            {"mbox": "mailto:grace@partner-a.example", "name": "Grace"},
            {"id": ACTIVITY},
        )
    )

    response = xapi.get("agents", {"agent": ADA})

    assert response.status_code == 200
    assert json.loads(response.content) == {
        "objectType": "Person",
        "name": ["Ada King", "Ada Lovelace"],
        "mbox": ["mailto:ada@partner-a.example"],
    }


def test_person_of_an_unknown_agent_is_the_agent_given(xapi: XAPI) -> None:
    agent = {
        "name": "Rick James",
        "account": {"homePage": "http://www.example.com/agentId/1", "name": "rj"},
    }

    response = xapi.get("agents", {"agent": agent})

    assert json.loads(response.content) == {
        "objectType": "Person",
        "name": ["Rick James"],
        "account": [{"homePage": "http://www.example.com/agentId/1", "name": "rj"}],
    }


def test_client_reading_only_its_own_statements_learns_no_names(xapi: XAPI) -> None:
    xapi.store(completed({**ADA, "name": "Ada Lovelace"}, {"id": ACTIVITY}))
    own_only = XAPI(["statements/read/mine"])

    response = own_only.get("agents", {"agent": ADA})

    assert response.status_code == 200
    assert json.loads(response.content) == {
        "objectType": "Person",
        "mbox": ["mailto:ada@partner-a.example"],
    }


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "agent"),
        ({"agent": "not JSON"}, "agent"),
        ({"agent": {"objectType": "Agent", "name": "No IFI"}}, "agent"),
        (
            {"agent": {"objectType": "Group", "mbox": "mailto:team@a.example"}},
            "agent.objectType",
        ),
        ({"agent": ADA, "profileId": "x"}, "profileId"),
    ],
)
def test_bad_agent_parameters_are_400(
    xapi: XAPI, params: dict[str, Any], field: str
) -> None:
    response = xapi.get("agents", params)

    assert response.status_code == 400
    assert field_of(response) == field
