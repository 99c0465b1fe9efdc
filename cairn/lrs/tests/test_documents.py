"""The document resources: state, activity profile and agent profile.

Requests go through the whole xAPI view (Basic credentials, version header) with
Django's test client; what is stored is read back from the `Document` table.
"""

import hashlib
import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import pytest
import time_machine
from django.http import HttpResponse
from django.test import Client

from cairn.lrs.choices import DocumentKind
from cairn.lrs.models import Document
from cairn.lrs.tests.support import XAPIClient, make_xapi_client

pytestmark = pytest.mark.django_db

ACTIVITY = "https://academy.example.com/courses/onboarding"
AGENT = {"objectType": "Agent", "mbox": "mailto:ada@partner-a.example"}
OTHER_AGENT = {"objectType": "Agent", "mbox": "mailto:grace@partner-a.example"}
REGISTRATION = "ec531277-b57b-4c15-8d91-d292c5b2b8f7"
OTHER_REGISTRATION = "0f8fad5b-d9cb-469f-a165-70867728950e"
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
TUESDAY = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
PAGE_3 = b'{"page": 3}'


class XAPI:
    """Sends xAPI requests of any method and content type as one LRS client."""

    def __init__(self, signer: XAPIClient) -> None:
        self.signer = signer
        self.auth = signer.headers()["Authorization"]
        self.http = Client()

    def send(
        self,
        method: str,
        resource: str,
        params: dict[str, Any],
        body: bytes | dict[str, Any] | list[Any] | None = None,
        *,
        content_type: str = "application/json",
        headers: dict[str, str] | None = None,
    ) -> Any:
        """Send one request; dict params are sent as JSON, as xAPI's agent is."""
        query = urlencode(
            {
                name: json.dumps(value) if isinstance(value, dict) else value
                for name, value in params.items()
            }
        )
        if isinstance(body, dict | list):
            data = json.dumps(body).encode()
        else:
            data = body or b""
        return self.http.generic(
            method,
            f"/xapi/{resource}?{query}",
            data=data,
            content_type=content_type,
            headers=self.signer.headers(**(headers or {})),
        )


def make_xapi(scopes: list[str], version: str = "1.0.3") -> XAPI:
    return XAPI(make_xapi_client(scopes=scopes, version=version))


@pytest.fixture
def xapi() -> XAPI:
    return make_xapi(["all"])


def state(**extra: Any) -> dict[str, Any]:
    return {"activityId": ACTIVITY, "agent": AGENT, "stateId": "bookmark", **extra}


def activity_profile(**extra: Any) -> dict[str, Any]:
    return {"activityId": ACTIVITY, "profileId": "cmi5-launch", **extra}


def agent_profile(**extra: Any) -> dict[str, Any]:
    return {"agent": AGENT, "profileId": "preferences", **extra}


def field_of(response: HttpResponse) -> str:
    """Return the parameter a 400 names."""
    body = json.loads(response.content)
    return str(body["errors"][0]["field"])


def stored() -> list[tuple[str, str, bytes, str]]:
    """Return every stored document as (kind, id, content, content type)."""
    return [
        (doc.kind, doc.document_id, bytes(doc.content), doc.content_type)
        for doc in Document.objects.order_by("kind", "document_id")
    ]


def sha1(content: bytes) -> str:
    return hashlib.sha1(content, usedforsecurity=False).hexdigest()


# --- single documents ----------------------------------------------------------


def test_put_then_get_answers_the_document_with_its_etag(xapi: XAPI) -> None:
    with time_machine.travel(MONDAY, tick=False):
        put = xapi.send("PUT", "activities/state", state(), {"page": 3})
    got = xapi.send("GET", "activities/state", state())

    assert put.status_code == 204
    assert got.status_code == 200
    assert got.content == PAGE_3
    assert got["Content-Type"] == "application/json"
    assert got["ETag"] == f'"{sha1(PAGE_3)}"'
    assert got["Last-Modified"] == "Mon, 23 Nov 2026 09:00:00 GMT"


def test_binary_document_is_stored_and_returned_as_sent(xapi: XAPI) -> None:
    content = b"\x00\xffsuspend-data\x10"
    put = xapi.send(
        "PUT",
        "activities/state",
        state(),
        content,
        content_type="application/octet-stream; name=suspend",
    )
    got = xapi.send("GET", "activities/state", state())

    assert put.status_code == 204
    assert got.content == content
    assert got["Content-Type"] == "application/octet-stream; name=suspend"
    assert stored() == [
        (
            DocumentKind.STATE,
            "bookmark",
            content,
            "application/octet-stream; name=suspend",
        )
    ]


def test_head_answers_the_headers_without_the_document(xapi: XAPI) -> None:
    xapi.send("PUT", "activities/state", state(), {"page": 3})

    head = xapi.send("HEAD", "activities/state", state())

    assert head.status_code == 200
    assert head.content == b""
    assert head["ETag"] == f'"{sha1(PAGE_3)}"'


def test_get_of_a_missing_document_is_404(xapi: XAPI) -> None:
    response = xapi.send("GET", "activities/state", state(stateId="nothing"))

    assert response.status_code == 404


def test_get_with_the_current_etag_in_if_none_match_is_not_modified(
    xapi: XAPI,
) -> None:
    xapi.send("PUT", "activities/state", state(), {"page": 3})
    etag = xapi.send("GET", "activities/state", state())["ETag"]

    response = xapi.send(
        "GET", "activities/state", state(), headers={"If-None-Match": etag}
    )

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag


def test_registration_and_agent_separate_states(xapi: XAPI) -> None:
    xapi.send("PUT", "activities/state", state(), {"where": "none"})
    xapi.send(
        "PUT", "activities/state", state(registration=REGISTRATION), {"where": "reg"}
    )
    xapi.send("PUT", "activities/state", state(agent=OTHER_AGENT), {"where": "other"})

    assert json.loads(xapi.send("GET", "activities/state", state()).content) == {
        "where": "none"
    }
    registered = xapi.send("GET", "activities/state", state(registration=REGISTRATION))
    assert json.loads(registered.content) == {"where": "reg"}
    other = xapi.send("GET", "activities/state", state(agent=OTHER_AGENT))
    assert json.loads(other.content) == {"where": "other"}


def test_the_same_agent_written_differently_finds_the_same_state(xapi: XAPI) -> None:
    xapi.send("PUT", "activities/state", state(), {"page": 3})

    same = {"mbox": "mailto:ada@partner-a.example", "name": "Ada Lovelace"}
    response = xapi.send("GET", "activities/state", state(agent=same))

    assert response.status_code == 200
    assert json.loads(response.content) == {"page": 3}


# --- merge ---------------------------------------------------------------------


def test_post_merges_top_level_properties(xapi: XAPI) -> None:
    xapi.send("POST", "activities/state", state(), {"a": 1, "b": {"x": 1}})

    response = xapi.send("POST", "activities/state", state(), {"b": {"y": 2}, "c": 3})

    assert response.status_code == 204
    got = xapi.send("GET", "activities/state", state())
    assert json.loads(got.content) == {"a": 1, "b": {"y": 2}, "c": 3}
    assert got["ETag"] == f'"{sha1(bytes(Document.objects.get().content))}"'


def test_post_of_a_new_document_stores_it_whatever_its_type(xapi: XAPI) -> None:
    response = xapi.send(
        "POST", "agents/profile", agent_profile(), b"plain", content_type="text/plain"
    )

    assert response.status_code == 204
    assert stored() == [
        (DocumentKind.AGENT_PROFILE, "preferences", b"plain", "text/plain")
    ]


def test_post_keeps_big_numbers_exact(xapi: XAPI) -> None:
    xapi.send(
        "POST", "activities/state", state(), b'{"big": 123456789012345678901234567890}'
    )

    xapi.send("POST", "activities/state", state(), {"more": 1})

    assert json.loads(bytes(Document.objects.get().content)) == {
        "big": 123456789012345678901234567890,
        "more": 1,
    }


@pytest.mark.parametrize(
    ("first", "first_type", "second", "second_type"),
    [
        (b'{"a": 1}', "application/json", b"abc", "text/plain"),
        (b"/ asdf /", "application/octet-stream", b'{"a": 2}', "application/json"),
        (b'{"a": 1}', "application/json", b'{"a": 2', "application/json"),
        (b'{"a": 1}', "application/json", b"[1, 2]", "application/json"),
        (b"[1]", "application/json", b'{"a": 2}', "application/json"),
    ],
    ids=[
        "posted-not-json",
        "stored-not-json",
        "posted-invalid-json",
        "posted-array",
        "stored-array",
    ],
)
def test_post_that_cannot_merge_is_400_and_changes_nothing(
    xapi: XAPI, first: bytes, first_type: str, second: bytes, second_type: str
) -> None:
    xapi.send("PUT", "activities/state", state(), first, content_type=first_type)

    response = xapi.send(
        "POST", "activities/state", state(), second, content_type=second_type
    )

    assert response.status_code == 400
    assert stored() == [(DocumentKind.STATE, "bookmark", first, first_type)]


def test_put_of_invalid_json_is_400(xapi: XAPI) -> None:
    response = xapi.send("PUT", "activities/state", state(), b'{"a": NaN}')

    assert response.status_code == 400
    assert field_of(response) == "body"
    assert stored() == []


# --- ids, since, delete --------------------------------------------------------


def test_get_without_id_lists_the_ids_of_the_scope(xapi: XAPI) -> None:
    xapi.send("PUT", "activities/state", state(stateId="b"), {"n": 1})
    xapi.send(
        "PUT", "activities/state", state(stateId="a", registration=REGISTRATION), {}
    )
    xapi.send("PUT", "activities/state", state(stateId="c", agent=OTHER_AGENT), {})
    params = {"activityId": ACTIVITY, "agent": AGENT}

    everything = xapi.send("GET", "activities/state", params)
    registered = xapi.send(
        "GET", "activities/state", {**params, "registration": REGISTRATION}
    )

    assert json.loads(everything.content) == ["a", "b"]
    assert json.loads(registered.content) == ["a"]


def test_since_lists_only_documents_changed_after_it(xapi: XAPI) -> None:
    with time_machine.travel(MONDAY, tick=False):
        xapi.send(
            "PUT",
            "activities/profile",
            activity_profile(profileId="old"),
            {},
            headers={"If-None-Match": "*"},
        )
    with time_machine.travel(TUESDAY, tick=False):
        xapi.send(
            "PUT",
            "activities/profile",
            activity_profile(profileId="new"),
            {},
            headers={"If-None-Match": "*"},
        )

    response = xapi.send(
        "GET",
        "activities/profile",
        {"activityId": ACTIVITY, "since": "2026-11-23T09:00:00Z"},
    )

    assert json.loads(response.content) == ["new"]
    assert response["Last-Modified"] == "Tue, 24 Nov 2026 09:00:00 GMT"


def test_list_of_an_empty_scope_is_an_empty_array(xapi: XAPI) -> None:
    response = xapi.send("GET", "agents/profile", {"agent": AGENT})

    assert response.status_code == 200
    assert json.loads(response.content) == []


def test_delete_removes_one_document(xapi: XAPI) -> None:
    xapi.send("PUT", "activities/state", state(stateId="a"), {})
    xapi.send("PUT", "activities/state", state(stateId="b"), {})

    response = xapi.send("DELETE", "activities/state", state(stateId="a"))

    assert response.status_code == 204
    assert [row[1] for row in stored()] == ["b"]


def test_delete_of_a_missing_document_is_204(xapi: XAPI) -> None:
    response = xapi.send("DELETE", "activities/state", state())

    assert response.status_code == 204


def test_delete_without_state_id_removes_the_scope_only(xapi: XAPI) -> None:
    xapi.send("PUT", "activities/state", state(stateId="a"), {})
    xapi.send(
        "PUT", "activities/state", state(stateId="b", registration=REGISTRATION), {}
    )
    xapi.send(
        "PUT",
        "activities/state",
        state(stateId="c", registration=OTHER_REGISTRATION),
        {},
    )
    xapi.send("PUT", "activities/state", state(stateId="d", agent=OTHER_AGENT), {})
    params = {"activityId": ACTIVITY, "agent": AGENT}

    one = xapi.send(
        "DELETE", "activities/state", {**params, "registration": REGISTRATION}
    )
    assert one.status_code == 204
    assert [row[1] for row in stored()] == ["a", "c", "d"]

    every = xapi.send("DELETE", "activities/state", params)
    assert every.status_code == 204
    assert [row[1] for row in stored()] == ["d"]


# --- concurrency ---------------------------------------------------------------


def _etag(xapi: XAPI, resource: str, params: dict[str, Any]) -> str:
    return str(xapi.send("GET", resource, params)["ETag"])


@pytest.mark.parametrize("method", ["PUT", "POST"])
def test_write_with_a_stale_etag_is_412_and_changes_nothing(
    xapi: XAPI, method: str
) -> None:
    xapi.send("POST", "activities/profile", activity_profile(), {"v": 1})

    response = xapi.send(
        method,
        "activities/profile",
        activity_profile(),
        {"v": 2},
        headers={"If-Match": '"1234"'},
    )

    assert response.status_code == 412
    assert stored()[0][2] == b'{"v": 1}'


@pytest.mark.parametrize("method", ["PUT", "POST"])
def test_write_with_the_current_etag_succeeds(xapi: XAPI, method: str) -> None:
    xapi.send("POST", "activities/profile", activity_profile(), {"v": 1})
    etag = _etag(xapi, "activities/profile", activity_profile())

    response = xapi.send(
        method,
        "activities/profile",
        activity_profile(),
        {"v": 2},
        headers={"If-Match": etag},
    )

    assert response.status_code == 204
    assert json.loads(stored()[0][2]) == {"v": 2}


def test_a_weakened_etag_still_matches(xapi: XAPI) -> None:
    xapi.send("POST", "activities/profile", activity_profile(), {"v": 1})
    etag = _etag(xapi, "activities/profile", activity_profile())

    response = xapi.send(
        "PUT",
        "activities/profile",
        activity_profile(),
        {"v": 2},
        headers={"If-Match": f'"other", W/{etag}'},
    )

    assert response.status_code == 204


def test_if_match_on_a_missing_document_is_412(xapi: XAPI) -> None:
    response = xapi.send(
        "PUT",
        "agents/profile",
        agent_profile(),
        {"v": 1},
        headers={"If-Match": f'"{sha1(b"x")}"'},
    )

    assert response.status_code == 412
    assert stored() == []


def test_if_none_match_star_creates_only_a_missing_document(xapi: XAPI) -> None:
    created = xapi.send(
        "PUT",
        "agents/profile",
        agent_profile(),
        {"v": 1},
        headers={"If-None-Match": "*"},
    )
    again = xapi.send(
        "PUT",
        "agents/profile",
        agent_profile(),
        {"v": 2},
        headers={"If-None-Match": "*"},
    )

    assert created.status_code == 204
    assert again.status_code == 412
    assert stored()[0][2] == b'{"v": 1}'


def test_delete_with_a_stale_etag_is_412_and_keeps_the_document(xapi: XAPI) -> None:
    xapi.send("POST", "agents/profile", agent_profile(), {"v": 1})

    stale = xapi.send(
        "DELETE", "agents/profile", agent_profile(), headers={"If-Match": '"1234"'}
    )
    assert stale.status_code == 412
    assert len(stored()) == 1

    etag = _etag(xapi, "agents/profile", agent_profile())
    current = xapi.send(
        "DELETE", "agents/profile", agent_profile(), headers={"If-Match": etag}
    )
    assert current.status_code == 204
    assert stored() == []


@pytest.mark.parametrize(
    ("resource", "params"),
    [
        ("activities/profile", activity_profile()),
        ("agents/profile", agent_profile()),
        ("activities/state", state()),
    ],
)
def test_xapi_2_put_without_precondition_over_a_document_is_409(
    resource: str, params: dict[str, Any]
) -> None:
    xapi = make_xapi(["all"], version="2.0.0")
    xapi.send("POST", resource, params, {"v": 1})

    response = xapi.send("PUT", resource, params, {"v": 2})

    assert response.status_code == 409
    assert "If-Match" in json.loads(response.content)["detail"]
    assert stored()[0][2] == b'{"v": 1}'


def test_xapi_2_put_without_precondition_creates_a_document() -> None:
    xapi = make_xapi(["all"], version="2.0.0")

    response = xapi.send("PUT", "agents/profile", agent_profile(), {"v": 1})

    assert response.status_code == 204
    assert len(stored()) == 1


@pytest.mark.parametrize(
    ("resource", "params"),
    [("activities/profile", activity_profile()), ("agents/profile", agent_profile())],
)
def test_xapi_1_profile_put_without_precondition_is_refused(
    xapi: XAPI, resource: str, params: dict[str, Any]
) -> None:
    new = xapi.send("PUT", resource, params, {"v": 1})
    assert new.status_code == 400
    assert stored() == []

    xapi.send("POST", resource, params, {"v": 1})
    existing = xapi.send("PUT", resource, params, {"v": 2})
    assert existing.status_code == 409
    assert stored()[0][2] == b'{"v": 1}'


def test_xapi_1_state_put_without_precondition_overwrites(xapi: XAPI) -> None:
    xapi.send("PUT", "activities/state", state(), {"v": 1})

    response = xapi.send("PUT", "activities/state", state(), {"v": 2})

    assert response.status_code == 204
    assert stored()[0][2] == b'{"v": 2}'


# --- parameters ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "params", "field"),
    [
        ("PUT", {"agent": AGENT, "stateId": "s"}, "activityId"),
        ("GET", {"activityId": ACTIVITY, "stateId": "s"}, "agent"),
        ("PUT", {"activityId": ACTIVITY, "agent": AGENT}, "stateId"),
        ("POST", {"activityId": ACTIVITY, "agent": AGENT}, "stateId"),
        ("GET", state(activityId="not an iri"), "activityId"),
        ("GET", state(agent="not JSON"), "agent"),
        ("GET", state(agent="true"), "agent"),
        ("DELETE", state(agent={"objectType": "Agent", "name": "No IFI"}), "agent"),
        (
            "GET",
            state(agent={"objectType": "Group", "mbox": "mailto:team@a.example"}),
            "agent.objectType",
        ),
        ("GET", state(registration="true"), "registration"),
        ("GET", state(stateId=""), "stateId"),
        ("GET", state(stateid="other"), "stateid"),
        ("GET", state(since="2026-11-23T09:00:00Z"), "since"),
        ("PUT", state(since="2026-11-23T09:00:00Z"), "since"),
    ],
)
def test_bad_state_parameters_are_400_naming_the_parameter(
    xapi: XAPI, method: str, params: dict[str, Any], field: str
) -> None:
    response = xapi.send(method, "activities/state", params, {"v": 1})

    assert response.status_code == 400
    assert field_of(response) == field
    assert stored() == []


def test_since_that_is_no_timestamp_is_400(xapi: XAPI) -> None:
    response = xapi.send(
        "GET", "agents/profile", {"agent": AGENT, "since": "not a timestamp"}
    )

    assert response.status_code == 400
    assert field_of(response) == "since"


@pytest.mark.parametrize(
    ("resource", "params", "field"),
    [
        ("activities/profile", {"activityId": ACTIVITY}, "profileId"),
        ("activities/profile", {"profileId": "p"}, "activityId"),
        ("activities/profile", activity_profile(agent=AGENT), "agent"),
        ("agents/profile", {"agent": AGENT}, "profileId"),
        ("agents/profile", {"profileId": "p"}, "agent"),
        ("agents/profile", agent_profile(activityId=ACTIVITY), "activityId"),
    ],
)
def test_profile_delete_needs_its_parameters(
    xapi: XAPI, resource: str, params: dict[str, Any], field: str
) -> None:
    response = xapi.send("DELETE", resource, params)

    assert response.status_code == 400
    assert field_of(response) == field


# --- scopes --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("resource", "params"),
    [
        ("activities/state", state()),
        ("activities/profile", activity_profile()),
        ("agents/profile", agent_profile()),
    ],
)
def test_client_without_document_scopes_is_refused(
    resource: str, params: dict[str, Any]
) -> None:
    xapi = make_xapi(["statements/write", "statements/read"])

    answers = [
        xapi.send(
            method, resource, params, {"v": 1}, headers={"If-None-Match": "*"}
        ).status_code
        for method in ("GET", "PUT", "POST", "DELETE")
    ]

    assert answers == [403, 403, 403, 403]
    assert stored() == []


def test_state_scope_reaches_state_but_not_profiles() -> None:
    xapi = make_xapi(["state"])

    put_state = xapi.send("PUT", "activities/state", state(), {"v": 1})
    put_profile = xapi.send(
        "PUT",
        "agents/profile",
        agent_profile(),
        {"v": 1},
        headers={"If-None-Match": "*"},
    )

    assert (put_state.status_code, put_profile.status_code) == (204, 403)
    assert [row[0] for row in stored()] == [DocumentKind.STATE]


def test_read_scope_reads_but_may_not_write(xapi: XAPI) -> None:
    xapi.send("PUT", "activities/state", state(), {"v": 1})
    reader = make_xapi(["all/read"])

    got = reader.send("GET", "activities/state", state())
    put = reader.send("PUT", "activities/state", state(), {"v": 2})
    deleted = reader.send("DELETE", "activities/state", state())

    assert (got.status_code, put.status_code, deleted.status_code) == (200, 403, 403)
    assert stored()[0][2] == b'{"v": 1}'


# --- alternate request syntax --------------------------------------------------


def test_alternate_syntax_puts_a_document_from_form_fields(xapi: XAPI) -> None:
    form = urlencode(
        {
            "Authorization": xapi.auth,
            "X-Experience-API-Version": "1.0.3",
            "activityId": ACTIVITY,
            "agent": json.dumps(AGENT),
            "stateId": "bookmark",
            "content": '{"page": 7}',
        }
    )

    response = xapi.http.post(
        "/xapi/activities/state?method=PUT",
        data=form,
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 204
    assert stored() == [
        (DocumentKind.STATE, "bookmark", b'{"page": 7}', "application/json")
    ]
