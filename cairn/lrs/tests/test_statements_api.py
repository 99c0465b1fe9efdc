"""The statements resource over HTTP: storing, refusing, reading and filtering."""

import base64
from typing import Any

import orjson
import pytest
from django.test import Client, override_settings

from cairn.lrs.models import Activity, PendingReference, Statement, StatementKey
from cairn.lrs.services.clients import revoke_lrs_client
from cairn.lrs.tests.support import (
    COURSE,
    MODULE,
    VERB_COMPLETED,
    VERB_VOIDED,
    make_xapi_client,
    new_id,
    statement,
)

pytestmark = pytest.mark.django_db
STATEMENTS = "/xapi/statements"
ADA_ACCOUNT = {
    "objectType": "Agent",
    "account": {"homePage": "https://lms.example.com", "name": "ada"},
}


def test_post_stores_a_statement_completed_by_the_lrs() -> None:
    lrs = make_xapi_client(version="1.0.3")

    response = lrs.post_json(STATEMENTS, statement())

    assert response.status_code == 200
    [statement_id] = response.json()
    stored = lrs.get(STATEMENTS, {"statementId": statement_id}).json()
    assert stored["id"] == statement_id
    assert stored["authority"] == lrs.client.authority
    assert stored["version"] == "1.0.0"
    assert stored["timestamp"] == stored["stored"]
    assert stored["actor"]["mbox"] == "mailto:ada@alpha.example"


def test_a_2_0_statement_is_stored_with_version_2_0_0() -> None:
    lrs = make_xapi_client()

    [statement_id] = lrs.post_json(STATEMENTS, statement()).json()

    stored = lrs.get(STATEMENTS, {"statementId": statement_id})
    assert stored.json()["version"] == "2.0.0"
    assert stored["X-Experience-API-Version"] == "2.0.0"
    assert "X-Experience-API-Consistent-Through" in stored
    assert "Last-Modified" in stored


def test_a_batch_with_one_invalid_statement_stores_nothing_and_names_the_field() -> (
    None
):
    lrs = make_xapi_client()
    bad = statement()
    bad["actor"] = {"objectType": "Agent", "mbox": "ada@alpha.example"}

    response = lrs.post_json(STATEMENTS, [statement(), bad])

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "[1].actor.mbox"
    assert Statement.objects.count() == 0


def test_put_stores_under_the_given_id_and_accepts_the_same_statement_again() -> None:
    lrs = make_xapi_client()
    statement_id = new_id()

    first = lrs.put_json(f"{STATEMENTS}?statementId={statement_id}", statement())
    again = lrs.put_json(f"{STATEMENTS}?statementId={statement_id}", statement())

    assert (first.status_code, again.status_code) == (204, 204)
    assert Statement.objects.filter(statement_id=statement_id).count() == 1


def test_put_of_other_content_under_a_stored_id_is_a_conflict() -> None:
    lrs = make_xapi_client()
    statement_id = new_id()
    lrs.put_json(f"{STATEMENTS}?statementId={statement_id}", statement())

    response = lrs.put_json(
        f"{STATEMENTS}?statementId={statement_id}", statement(activity=COURSE)
    )

    assert response.status_code == 409
    stored = Statement.objects.get(statement_id=statement_id)
    assert stored.payload["object"]["id"] == MODULE


def test_a_batch_with_stored_and_new_statements_stores_only_the_new_ones() -> None:
    lrs = make_xapi_client()
    stored_id, new_id_ = new_id(), new_id()
    lrs.post_json(STATEMENTS, statement(id=stored_id))
    [before] = Statement.objects.filter(statement_id=stored_id).values_list(
        "stored", flat=True
    )

    response = lrs.post_json(
        STATEMENTS, [statement(id=new_id_, activity=COURSE), statement(id=stored_id)]
    )

    assert response.status_code == 200
    assert response.json() == [new_id_, stored_id]
    assert Statement.objects.count() == 2
    assert Statement.objects.get(statement_id=stored_id).stored == before
    assert _ids(lrs, activity=COURSE) == [new_id_]


def test_a_batch_with_a_stored_id_of_other_content_stores_nothing() -> None:
    lrs = make_xapi_client()
    stored_id = new_id()
    lrs.post_json(STATEMENTS, statement(id=stored_id))

    response = lrs.post_json(
        STATEMENTS,
        [statement(id=new_id()), statement(id=stored_id, activity=COURSE)],
    )

    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "id"
    assert Statement.objects.count() == 1
    assert StatementKey.objects.filter(key=f"o|{COURSE}").count() == 0


def test_put_needs_a_statement_id() -> None:
    lrs = make_xapi_client()

    response = lrs.put_json(STATEMENTS, statement())

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "statementId"


def test_a_request_without_version_header_is_refused() -> None:
    lrs = make_xapi_client()
    headers = lrs.headers()
    del headers["X-Experience-API-Version"]

    response = Client().get(STATEMENTS, headers=headers)

    assert response.status_code == 400
    assert "X-Experience-API-Version" in response.json()["detail"]


def test_an_unknown_version_is_refused() -> None:
    lrs = make_xapi_client(version="0.95")

    assert lrs.get(STATEMENTS).status_code == 400


def test_the_about_resource_needs_no_credentials() -> None:
    response = Client().get("/xapi/about")

    assert response.status_code == 200
    assert response.json()["version"] == ["1.0.3", "2.0.0"]


@pytest.mark.parametrize(
    "authorization",
    ["", "Bearer abc", "Basic !!!", "Basic " + base64.b64encode(b"nocolon").decode()],
)
def test_missing_or_malformed_credentials_are_refused(authorization: str) -> None:
    headers = {"X-Experience-API-Version": "2.0.0"}
    if authorization:
        headers["Authorization"] = authorization

    response = Client().get(STATEMENTS, headers=headers)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Basic realm="Cairn LRS"'


def test_a_wrong_secret_is_refused() -> None:
    lrs = make_xapi_client()
    lrs.secret = "not-the-secret"

    assert lrs.get(STATEMENTS).status_code == 401


def test_revoked_credentials_stop_working_at_once() -> None:
    lrs = make_xapi_client()
    assert lrs.get(STATEMENTS).status_code == 200

    revoke_lrs_client(lrs.client, actor=None)

    assert lrs.get(STATEMENTS).status_code == 401


def test_a_write_only_client_cannot_read() -> None:
    lrs = make_xapi_client(scopes=["statements/write"])

    assert lrs.post_json(STATEMENTS, statement()).status_code == 200
    assert lrs.get(STATEMENTS).status_code == 403


def test_a_read_mine_client_reads_only_its_own_statements() -> None:
    other = make_xapi_client(name="Other tool")
    [theirs] = other.post_json(STATEMENTS, statement()).json()
    mine_client = make_xapi_client(
        scopes=["statements/write", "statements/read/mine"], name="Mine"
    )
    [mine] = mine_client.post_json(STATEMENTS, statement()).json()

    found = mine_client.get(STATEMENTS).json()["statements"]

    assert [item["id"] for item in found] == [mine]
    assert mine_client.get(STATEMENTS, {"statementId": theirs}).status_code == 404


def _ids(lrs: Any, **params: Any) -> list[str]:
    response = lrs.get(STATEMENTS, params)
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["statements"]]


def test_queries_filter_by_agent_verb_activity_and_registration() -> None:
    lrs = make_xapi_client()
    registration = new_id()
    [ada] = lrs.post_json(
        STATEMENTS,
        statement(context={"registration": registration}),
    ).json()
    [bo] = lrs.post_json(
        STATEMENTS, statement(learner="bo@beta.example", activity=COURSE)
    ).json()

    ada_agent = orjson.dumps({"mbox": "mailto:ada@alpha.example"}).decode()
    assert _ids(lrs, agent=ada_agent) == [ada]
    assert _ids(lrs, verb=VERB_COMPLETED) == [bo, ada]
    assert _ids(lrs, activity=COURSE) == [bo]
    assert _ids(lrs, registration=registration) == [ada]
    assert _ids(lrs, agent=ada_agent, activity=COURSE) == []


def test_related_filters_reach_context_agents_and_activities() -> None:
    lrs = make_xapi_client()
    instructor = {"objectType": "Agent", "mbox": "mailto:coach@vendor.example"}
    [taught] = lrs.post_json(
        STATEMENTS,
        statement(
            context={
                "instructor": instructor,
                "contextActivities": {"parent": {"id": COURSE}},
            }
        ),
    ).json()
    coach = orjson.dumps(instructor).decode()

    assert _ids(lrs, agent=coach) == []
    assert _ids(lrs, agent=coach, related_agents="true") == [taught]
    assert _ids(lrs, activity=COURSE) == []
    assert _ids(lrs, activity=COURSE, related_activities="true") == [taught]


def test_a_single_context_activity_is_stored_as_a_list() -> None:
    lrs = make_xapi_client()
    [statement_id] = lrs.post_json(
        STATEMENTS,
        statement(context={"contextActivities": {"parent": {"id": COURSE}}}),
    ).json()

    stored = lrs.get(STATEMENTS, {"statementId": statement_id}).json()

    assert stored["context"]["contextActivities"]["parent"] == [{"id": COURSE}]


def test_a_single_context_activity_sent_again_is_the_same_statement() -> None:
    lrs = make_xapi_client()
    sent = statement(
        id=new_id(), context={"contextActivities": {"parent": {"id": COURSE}}}
    )
    lrs.post_json(STATEMENTS, sent)

    again = lrs.post_json(STATEMENTS, [statement(), sent])

    assert again.status_code == 200
    assert Statement.objects.count() == 2


def test_since_until_and_ascending() -> None:
    lrs = make_xapi_client()
    [first] = lrs.post_json(STATEMENTS, statement()).json()
    first_stored = lrs.get(STATEMENTS, {"statementId": first}).json()["stored"]
    [second] = lrs.post_json(STATEMENTS, statement()).json()

    assert _ids(lrs, since=first_stored) == [second]
    assert _ids(lrs, until=first_stored) == [first]
    assert _ids(lrs, ascending="true") == [first, second]


def test_more_links_page_through_every_statement_once() -> None:
    lrs = make_xapi_client()
    posted = lrs.post_json(STATEMENTS, [statement() for _ in range(5)]).json()

    seen: list[str] = []
    page = lrs.get(STATEMENTS, {"limit": 2}).json()
    while True:
        seen.extend(item["id"] for item in page["statements"])
        if not page["more"]:
            break
        assert page["more"].startswith("/xapi/statements?more=")
        page = lrs.get(page["more"]).json()

    assert sorted(seen) == sorted(posted)
    assert len(seen) == 5


def test_an_altered_more_link_is_refused() -> None:
    lrs = make_xapi_client()
    lrs.post_json(STATEMENTS, [statement() for _ in range(3)])
    more = lrs.get(STATEMENTS, {"limit": 1}).json()["more"]

    response = lrs.get(more[:-3] + "abc")

    assert response.status_code == 400


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"verb": "not an iri"}, "verb"),
        ({"agent": "{not json"}, "agent"),
        ({"registration": "nope"}, "registration"),
        ({"since": "yesterday"}, "since"),
        ({"limit": "-1"}, "limit"),
        ({"format": "fancy"}, "format"),
        ({"ascending": "yes"}, "ascending"),
        ({"color": "blue"}, "color"),
        ({"statementId": new_id(), "verb": VERB_COMPLETED}, "verb"),
    ],
)
def test_bad_query_parameters_are_refused_by_name(
    params: dict[str, str], field: str
) -> None:
    lrs = make_xapi_client()

    response = lrs.get(STATEMENTS, params)

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == field
    assert "X-Experience-API-Consistent-Through" in response


def test_voiding_hides_the_statement_from_queries_but_not_by_voided_id() -> None:
    lrs = make_xapi_client()
    [voided] = lrs.post_json(STATEMENTS, statement()).json()
    voiding = statement(
        verb=VERB_VOIDED, object={"objectType": "StatementRef", "id": voided}
    )

    [voiding_id] = lrs.post_json(STATEMENTS, voiding).json()

    assert lrs.get(STATEMENTS, {"statementId": voided}).status_code == 404
    assert lrs.get(STATEMENTS, {"voidedStatementId": voided}).json()["id"] == voided
    assert voided not in _ids(lrs)
    # The voiding statement meets the filters its target meets.
    assert _ids(lrs, activity=MODULE) == [voiding_id]


def test_a_voiding_statement_cannot_be_voided() -> None:
    lrs = make_xapi_client()
    [voided] = lrs.post_json(STATEMENTS, statement()).json()
    [voiding] = lrs.post_json(
        STATEMENTS,
        statement(
            verb=VERB_VOIDED, object={"objectType": "StatementRef", "id": voided}
        ),
    ).json()

    lrs.post_json(
        STATEMENTS,
        statement(
            verb=VERB_VOIDED, object={"objectType": "StatementRef", "id": voiding}
        ),
    )

    assert lrs.get(STATEMENTS, {"statementId": voiding}).status_code == 200


def test_a_statement_stored_after_one_referring_to_it_passes_its_keys_on() -> None:
    lrs = make_xapi_client()
    later_id = new_id()
    [referrer] = lrs.post_json(
        STATEMENTS,
        statement(
            verb="http://adlnet.gov/expapi/verbs/experienced",
            object={"objectType": "StatementRef", "id": later_id},
        ),
    ).json()
    waiting = list(PendingReference.objects.values_list("target", flat=True))

    lrs.put_json(f"{STATEMENTS}?statementId={later_id}", statement(activity=COURSE))

    assert [str(target) for target in waiting] == [later_id]
    assert _ids(lrs, activity=COURSE) == [later_id, referrer]
    assert PendingReference.objects.count() == 0


def _referring(target: str, **extra: Any) -> dict[str, Any]:
    return statement(
        verb="http://adlnet.gov/expapi/verbs/experienced",
        object={"objectType": "StatementRef", "id": target},
        **extra,
    )


def test_a_statement_arriving_between_two_of_a_chain_passes_on_what_it_targets() -> (
    None
):
    lrs = make_xapi_client()
    first, middle, last = new_id(), new_id(), new_id()
    lrs.put_json(f"{STATEMENTS}?statementId={last}", statement(activity=COURSE))
    lrs.post_json(STATEMENTS, _referring(middle, id=first))

    lrs.post_json(STATEMENTS, _referring(last, id=middle))

    assert _ids(lrs, activity=COURSE) == [middle, first, last]


def test_a_chain_within_one_batch_reaches_the_stored_end() -> None:
    lrs = make_xapi_client()
    first, middle, last = new_id(), new_id(), new_id()
    lrs.put_json(f"{STATEMENTS}?statementId={last}", statement(activity=COURSE))

    lrs.post_json(
        STATEMENTS, [_referring(middle, id=first), _referring(last, id=middle)]
    )

    assert _ids(lrs, activity=COURSE) == [middle, first, last]


def test_a_chain_stored_from_its_start_is_found_by_its_end() -> None:
    lrs = make_xapi_client()
    first, middle, last = new_id(), new_id(), new_id()
    lrs.post_json(STATEMENTS, _referring(middle, id=first))
    lrs.post_json(STATEMENTS, _referring(last, id=middle))

    lrs.put_json(f"{STATEMENTS}?statementId={last}", statement(activity=COURSE))

    assert _ids(lrs, activity=COURSE) == [last, middle, first]


def test_a_reference_loop_is_stored_and_found() -> None:
    lrs = make_xapi_client()
    one, two = new_id(), new_id()
    lrs.post_json(STATEMENTS, _referring(two, id=one, actor=ADA_ACCOUNT))

    response = lrs.post_json(STATEMENTS, _referring(one, id=two))

    assert response.status_code == 200
    assert _ids(lrs, agent=orjson.dumps(ADA_ACCOUNT).decode()) == [two, one]


def test_long_iris_are_found_through_their_digest() -> None:
    lrs = make_xapi_client()
    long_activity = "https://courses.example.com/" + "a" * 400
    [statement_id] = lrs.post_json(STATEMENTS, statement(activity=long_activity)).json()

    assert _ids(lrs, activity=long_activity) == [statement_id]
    keys = StatementKey.objects.filter(statement__statement_id=statement_id)
    assert all(len(key.key) <= 255 for key in keys)


def test_an_agent_whose_name_holds_tabs_newlines_and_backslashes_is_found() -> None:
    lrs = make_xapi_client()
    actor = {
        "objectType": "Agent",
        "account": {"homePage": "https://lms.example.com", "name": "jo\tsmith\\\n2"},
    }
    [statement_id] = lrs.post_json(STATEMENTS, statement(actor=actor)).json()

    found = lrs.get(STATEMENTS, {"statementId": statement_id}).json()

    assert found["actor"] == actor
    assert _ids(lrs, agent=orjson.dumps(actor).decode()) == [statement_id]


def test_an_agent_whose_name_holds_a_nul_character_is_stored_and_found() -> None:
    lrs = make_xapi_client()
    actor = {
        "objectType": "Agent",
        "account": {"homePage": "https://lms.example.com", "name": "jo\u0000smith"},
    }

    response = lrs.post_json(STATEMENTS, statement(actor=actor))

    assert response.status_code == 200
    [statement_id] = response.json()
    assert lrs.get(STATEMENTS, {"statementId": statement_id}).json()["actor"] == actor
    assert _ids(lrs, agent=orjson.dumps(actor).decode()) == [statement_id]


def test_format_ids_reduces_agents_and_activities() -> None:
    lrs = make_xapi_client()
    [statement_id] = lrs.post_json(STATEMENTS, statement()).json()

    found = lrs.get(STATEMENTS, {"statementId": statement_id, "format": "ids"}).json()

    assert "name" not in found["actor"]
    assert "definition" not in found["object"]


@override_settings(CAIRN_LRS_MAX_REQUEST_BYTES=1000)
def test_an_oversized_request_is_refused_with_413() -> None:
    lrs = make_xapi_client()

    response = lrs.post_json(STATEMENTS, [statement() for _ in range(10)])

    assert response.status_code == 413
    assert Statement.objects.count() == 0


def test_duplicate_ids_in_one_batch_are_refused() -> None:
    lrs = make_xapi_client()
    statement_id = new_id()

    response = lrs.post_json(
        STATEMENTS, [statement(id=statement_id), statement(id=statement_id)]
    )

    assert response.status_code == 400
    assert Statement.objects.count() == 0


def test_post_refuses_other_content_types() -> None:
    lrs = make_xapi_client()

    response = Client().post(
        STATEMENTS,
        orjson.dumps(statement()),
        content_type="text/plain",
        headers=lrs.headers(),
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "Content-Type"


def test_cors_preflight_is_answered_without_credentials() -> None:
    response = Client().options(STATEMENTS)

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "X-Experience-API-Version" in response["Access-Control-Allow-Headers"]


def test_activity_definitions_gather_every_language_seen() -> None:
    lrs = make_xapi_client()
    english = statement()
    french = statement()
    french["object"]["definition"] = {
        "name": {"fr-FR": "Module un"},
        "type": "http://adlnet.gov/expapi/activities/module",
    }

    lrs.post_json(STATEMENTS, [english, french])
    lrs.post_json(STATEMENTS, statement())

    definition = Activity.objects.get(activity_id=MODULE).definition
    assert definition == {
        "name": {"en-US": "Module 1", "fr-FR": "Module un"},
        "type": "http://adlnet.gov/expapi/activities/module",
    }


def test_a_later_definition_replaces_other_properties_and_keeps_languages() -> None:
    lrs = make_xapi_client()
    first = statement()
    first["object"]["definition"] = {
        "name": {"en-US": "Module 1", "fr-FR": "Module un"},
        "type": "http://adlnet.gov/expapi/activities/module",
        "extensions": {"https://cairn.example/x/level": 1},
    }
    repeated = statement()
    repeated["object"]["definition"] = first["object"]["definition"]
    fewer_languages = statement()
    fewer_languages["object"]["definition"] = {
        "name": {"en-US": "Module 1"},
        "type": "http://adlnet.gov/expapi/activities/lesson",
        "extensions": {"https://cairn.example/x/other": 2},
    }
    lrs.post_json(STATEMENTS, [first, repeated])
    updated = Activity.objects.get(activity_id=MODULE).updated

    lrs.post_json(STATEMENTS, repeated)
    unchanged = Activity.objects.get(activity_id=MODULE)
    lrs.post_json(STATEMENTS, fewer_languages)

    assert unchanged.updated == updated
    assert Activity.objects.get(activity_id=MODULE).definition == {
        "name": {"en-US": "Module 1", "fr-FR": "Module un"},
        "type": "http://adlnet.gov/expapi/activities/lesson",
        "extensions": {"https://cairn.example/x/other": 2},
    }


def test_a_duplicate_id_reaching_the_insert_is_an_integrity_error() -> None:
    """What a concurrent request storing the same id meets, on either database
    (store_statements answers it with 409).
    """
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    from cairn.lrs.services.statements import _insert
    from cairn.lrs.xapi.complete import complete_statement

    lrs = make_xapi_client()
    completed = complete_statement(
        statement(),
        statement_id=new_id(),
        stored=timezone.now(),
        authority=lrs.client.authority,
        version="2.0.0",
    )
    _insert([completed], client=lrs.client, stored=timezone.now(), parts={})

    with pytest.raises(IntegrityError), transaction.atomic():
        _insert([completed], client=lrs.client, stored=timezone.now(), parts={})

    assert Statement.objects.count() == 1


def test_an_exact_page_is_the_stored_json_spliced_in_a_statement_result() -> None:
    # given two statements, one with text outside ASCII
    lrs = make_xapi_client()
    lrs.post_json(STATEMENTS, [statement(), statement(learner="zoë@alpha.example")])

    # when a page holds one of them and a more link
    answer = lrs.get(STATEMENTS, {"limit": "1"})
    following = lrs.get(answer.json()["more"])

    # then each answer is a StatementResult of the statement as stored
    first, second = answer.json(), following.json()
    assert set(first) == {"statements", "more"}
    assert first["more"].startswith("/xapi/statements?more=")
    stored = {str(s.statement_id): s.payload for s in Statement.objects.all()}
    read = first["statements"] + second["statements"]
    assert [stored[s["id"]] for s in read] == read
    assert {s["actor"]["mbox"] for s in read} == {
        "mailto:ada@alpha.example",
        "mailto:zoë@alpha.example",
    }
    assert answer["Content-Type"] == "application/json"
