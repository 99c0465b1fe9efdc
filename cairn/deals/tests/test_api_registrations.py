from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cairn.accounts.services import create_api_token
from cairn.core.models import AuditEntry
from cairn.deals.choices import RegistrationStatus
from cairn.deals.models import DealConflict, DealRegistration
from cairn.deals.tests.support import ACME, ACME_AGAIN, UNRELATED, register

JSON = "application/json"
URL = "/api/v1/deal-registrations/"


def _payload(ecosystem: Any, **overrides: Any) -> dict[str, Any]:
    return {
        "program": ecosystem.program.pk,
        "customer_name": "Acme Corporation",
        "customer_domain": "www.Acme-Industries.com",
        "country": "FR",
        "city": "Paris",
        "postal_code": "75002",
        "contact_email": "claire.dubois@acme-industries.com",
        "expected_close_date": "2026-06-30",
        "currency": "eur",
        "amount": "48000.10",
        "lines": [
            {"product_code": "CAIRN-ENT", "quantity": 40, "unit_amount": "1200.00"}
        ],
        **overrides,
    }


def _token_client(user: Any, scopes: list[str]) -> Client:
    _, raw = create_api_token(
        user, name="crm", scopes=scopes, expires_in_days=None, actor=user
    )
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_partner_rep_registers_and_submits_a_deal_in_one_step(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    response = clients["partner_a_rep"].post(
        URL, _payload(ecosystem), content_type=JSON
    )

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "submitted"
    assert (body["amount"], body["currency"]) == ("48000.10", "EUR")
    assert body["customer_domain"] == "acme-industries.com"
    assert body["lines"] == [
        {
            "id": body["lines"][0]["id"],
            "product_code": "CAIRN-ENT",
            "description": "",
            "quantity": 40,
            "unit_amount": "1200.00",
            "total": "48000.00",
        }
    ]
    assert [(s["from_status"], s["to_status"], s["role"]) for s in body["history"]] == [
        ("draft", "submitted", "Partner rep")
    ]
    assert body["review_due_at"] is not None
    registration = DealRegistration.objects.get()
    assert registration.registered_by == ecosystem.partner_a_rep


def test_a_repeated_request_with_the_same_idempotency_key_creates_one_registration(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    client = clients["partner_a_rep"]
    first = client.post(
        URL, _payload(ecosystem), content_type=JSON, HTTP_IDEMPOTENCY_KEY="crm-42"
    )
    second = client.post(
        URL, _payload(ecosystem), content_type=JSON, HTTP_IDEMPOTENCY_KEY="crm-42"
    )

    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert DealRegistration.objects.count() == 1


def test_a_colleague_cannot_read_a_registration_through_its_idempotency_key(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    clients["partner_a_rep"].post(
        URL, _payload(ecosystem), content_type=JSON, HTTP_IDEMPOTENCY_KEY="crm-42"
    )

    response = clients["partner_a_second_rep"].post(
        URL, _payload(ecosystem), content_type=JSON, HTTP_IDEMPOTENCY_KEY="crm-42"
    )

    assert response.status_code == 400
    assert [e["pointer"] for e in response.json()["errors"]] == ["/idempotency_key"]
    assert "Acme" not in response.content.decode()
    assert DealRegistration.objects.count() == 1


def test_a_draft_is_saved_edited_and_submitted(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    client = clients["partner_a_rep"]
    draft = client.post(
        URL,
        {
            "program": ecosystem.program.pk,
            "customer_name": "Acme",
            "country": "FR",
            "draft": True,
        },
        content_type=JSON,
    )
    pk = draft.json()["id"]
    edited = client.patch(
        f"{URL}{pk}/",
        {"expected_close_date": "2026-09-30", "amount": "1000"},
        content_type=JSON,
    )
    submitted = client.post(f"{URL}{pk}/submit/", content_type=JSON)

    assert (draft.status_code, draft.json()["status"]) == (201, "draft")
    assert (edited.status_code, edited.json()["amount"]) == (200, "1000.00")
    assert (submitted.status_code, submitted.json()["status"]) == (200, "submitted")


def test_an_incomplete_draft_cannot_be_submitted(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    client = clients["partner_a_rep"]
    pk = client.post(
        URL,
        {
            "program": ecosystem.program.pk,
            "customer_name": "Acme",
            "country": "FR",
            "draft": True,
        },
        content_type=JSON,
    ).json()["id"]

    response = client.post(f"{URL}{pk}/submit/", content_type=JSON)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert [e["pointer"] for e in response.json()["errors"]] == ["/expected_close_date"]
    assert DealRegistration.objects.get().status == RegistrationStatus.DRAFT


def test_bad_input_answers_problem_details_with_field_pointers(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    response = clients["partner_a_rep"].post(
        URL,
        _payload(
            ecosystem,
            amount=48000.1,
            currency="ZZZ",
            lines=[{"product_code": "X", "quantity": 0, "unit_amount": "1"}],
        ),
        content_type=JSON,
    )

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert sorted(e["pointer"] for e in response.json()["errors"]) == [
        "/amount",
        "/lines/0/quantity",
    ]
    assert DealRegistration.objects.count() == 0


def test_an_unknown_currency_is_refused_by_the_model(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    response = clients["partner_a_rep"].post(
        URL, _payload(ecosystem, currency="ZZZ"), content_type=JSON
    )

    assert response.status_code == 400
    assert [e["pointer"] for e in response.json()["errors"]] == ["/currency"]
    assert DealRegistration.objects.count() == 0


def test_a_program_the_partner_does_not_belong_to_is_refused(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    response = clients["partner_a_rep"].post(
        URL, _payload(ecosystem, program=ecosystem.other_program.pk), content_type=JSON
    )

    assert response.status_code == 403
    assert DealRegistration.objects.count() == 0


def test_vendor_staff_cannot_register_deals(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    response = clients["channel_manager"].post(
        URL, _payload(ecosystem), content_type=JSON
    )

    assert response.status_code == 403
    assert DealRegistration.objects.count() == 0


def test_a_read_only_token_reads_but_cannot_write(ecosystem: Any) -> None:
    register(ecosystem, ecosystem.partner_a_rep)
    client = _token_client(ecosystem.partner_a_rep, ["read"])
    audited = AuditEntry.objects.count()

    listed = client.get(URL)
    written = client.post(URL, _payload(ecosystem), content_type=JSON)

    assert listed.status_code == 200
    assert listed.json()["count"] == 1
    assert written.status_code == 403
    assert DealRegistration.objects.count() == 1
    assert AuditEntry.objects.count() == audited


def test_a_write_token_registers_for_a_crm(ecosystem: Any) -> None:
    client = _token_client(ecosystem.partner_a_admin, ["read", "write"])

    response = client.post(
        URL, _payload(ecosystem), content_type=JSON, HTTP_IDEMPOTENCY_KEY="opp-1"
    )

    assert response.status_code == 201
    assert DealRegistration.objects.get().idempotency_key == "opp-1"


def test_reps_see_their_own_registrations_and_admins_their_organizations(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    mine = register(ecosystem, ecosystem.partner_a_rep)
    colleague = register(ecosystem, ecosystem.partner_a_second_rep, UNRELATED)
    register(ecosystem, ecosystem.partner_b_rep, {**UNRELATED, "country": "DE"})

    def ids(persona: str) -> list[int]:
        return sorted(r["id"] for r in clients[persona].get(URL).json()["results"])

    assert ids("partner_a_rep") == [mine.pk]
    assert ids("partner_a_second_rep") == [colleague.pk]
    assert ids("partner_a_admin") == sorted([mine.pk, colleague.pk])
    assert clients["partner_a_second_rep"].get(f"{URL}{mine.pk}/").status_code == 404


def test_partner_b_gets_404_for_partner_as_registration_and_cannot_act_on_it(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    registration = register(ecosystem, ecosystem.partner_a_rep)
    client = clients["partner_b_rep"]

    answers = [
        client.get(f"{URL}{registration.pk}/").status_code,
        client.patch(
            f"{URL}{registration.pk}/", {"notes": "x"}, content_type=JSON
        ).status_code,
        client.post(f"{URL}{registration.pk}/submit/").status_code,
        client.post(
            f"{URL}{registration.pk}/stage/", {"sales_stage": "won"}, content_type=JSON
        ).status_code,
    ]

    assert answers == [404, 404, 404, 404]
    registration.refresh_from_db()
    assert (registration.status, registration.notes) == ("submitted", "")


def test_partner_sees_reason_codes_and_nothing_of_the_earlier_claim(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    register(ecosystem, ecosystem.partner_a_rep, ACME)
    later = register(ecosystem, ecosystem.partner_b_rep, ACME_AGAIN)

    response = clients["partner_b_rep"].get(f"{URL}{later.pk}/")

    body = response.json()
    text = response.content.decode()
    assert len(body["conflicts"]) == 1
    conflict = body["conflicts"][0]
    assert conflict["is_earlier_claim"] is False
    assert conflict["status"] == "open"
    assert "same_domain" in [r["code"].lower() for r in conflict["reasons"]]
    assert body["vendor_conflicts"] == []
    for secret in ("Alpha", "Acme Corporation", "Claire", "claire", "Dubois"):
        assert secret not in text


def test_channel_manager_sees_both_sides_decides_and_the_partner_appeals_once(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    earlier = register(ecosystem, ecosystem.partner_a_rep, ACME)
    later = register(ecosystem, ecosystem.partner_b_rep, ACME_AGAIN)
    conflict = DealConflict.objects.get()
    manager, partner = clients["channel_manager"], clients["partner_b_rep"]

    seen = manager.get(f"{URL}{later.pk}/").json()["vendor_conflicts"]
    decided = manager.post(
        f"{URL}{later.pk}/resolve-conflict/",
        {"conflict": conflict.pk, "decision": "first_come", "reason": "A was first."},
        content_type=JSON,
    )
    appealed = partner.post(
        f"{URL}{later.pk}/appeal/",
        {"conflict": conflict.pk, "note": "We met the customer in January."},
        content_type=JSON,
    )
    second_appeal = partner.post(
        f"{URL}{later.pk}/appeal/",
        {"conflict": conflict.pk, "note": "Again."},
        content_type=JSON,
    )
    redecided = manager.post(
        f"{URL}{later.pk}/resolve-conflict/",
        {"conflict": conflict.pk, "decision": "split", "reason": "Both worked it."},
        content_type=JSON,
    )

    assert seen[0]["earlier_claim"]["organization_name"] == "Alpha Systems"
    assert seen[0]["earlier_claim"]["id"] == earlier.pk
    assert seen[0]["can_resolve"] is True
    assert (decided.status_code, decided.json()["status"]) == (200, "rejected")
    assert appealed.status_code == 200
    assert appealed.json()["conflicts"][0]["status"] == "open"
    assert second_appeal.status_code == 403
    assert (redecided.status_code, redecided.json()["status"]) == (200, "under_review")
    # Submitted; conflict decided (a note) and rejected; appealed (a note);
    # decided again (a note) and back under review.
    assert [s["role"] for s in redecided.json()["history"]] == [
        "Partner rep",
        "Channel manager",
        "Channel manager",
        "Partner rep",
        "Channel manager",
        "Channel manager",
    ]
    assert "Casey" not in redecided.content.decode()


def test_a_conflict_of_another_registration_is_refused(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    register(ecosystem, ecosystem.partner_a_rep, ACME)
    later = register(ecosystem, ecosystem.partner_b_rep, ACME_AGAIN)
    other = register(ecosystem, ecosystem.partner_b_rep, UNRELATED)
    conflict = DealConflict.objects.get(registration=later)

    response = clients["channel_manager"].post(
        f"{URL}{other.pk}/resolve-conflict/",
        {"conflict": conflict.pk, "decision": "split", "reason": "x"},
        content_type=JSON,
    )

    assert response.status_code == 400
    assert [e["pointer"] for e in response.json()["errors"]] == ["/conflict"]
    assert DealConflict.objects.get().status == "open"


def test_review_workflow_and_sales_stages(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    registration = register(ecosystem, ecosystem.partner_a_rep, UNRELATED)
    url = f"{URL}{registration.pk}/"
    manager, rep = clients["channel_manager"], clients["partner_a_rep"]

    rep_approves = rep.post(f"{url}approve/", {}, content_type=JSON)
    started = manager.post(f"{url}start-review/")
    asked = manager.post(
        f"{url}request-information/", {"reason": "Which site?"}, content_type=JSON
    )
    answered = rep.patch(url, {"notes": "The Tokyo site."}, content_type=JSON)
    resubmitted = rep.post(f"{url}submit/")
    approved = manager.post(f"{url}approve/", {}, content_type=JSON)
    lost_without_reason = rep.post(
        f"{url}stage/", {"sales_stage": "lost"}, content_type=JSON
    )
    qualified = rep.post(
        f"{url}stage/", {"sales_stage": "qualified"}, content_type=JSON
    )
    won = rep.post(f"{url}stage/", {"sales_stage": "won"}, content_type=JSON)

    assert rep_approves.status_code == 403
    assert [
        r.json()["status"] for r in (started, asked, answered, resubmitted, approved)
    ] == [
        "under_review",
        "more_info_requested",
        "more_info_requested",
        "submitted",
        "approved",
    ]
    assert approved.json()["protection_expires_at"] is not None
    assert lost_without_reason.status_code == 400
    assert [e["pointer"] for e in lost_without_reason.json()["errors"]] == [
        "/lost_reason"
    ]
    assert qualified.json()["sales_stage"] == "qualified"
    assert won.json()["sales_stage"] == "won"


def test_reject_needs_a_reason(ecosystem: Any, clients: dict[str, Client]) -> None:
    registration = register(ecosystem, ecosystem.partner_a_rep, UNRELATED)

    response = clients["vendor_admin"].post(
        f"{URL}{registration.pk}/reject/", {"reason": ""}, content_type=JSON
    )

    assert response.status_code == 400
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.SUBMITTED


def test_list_filters_searches_and_orders(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    acme = register(ecosystem, ecosystem.partner_a_rep, ACME)
    zephyr = register(ecosystem, ecosystem.partner_a_rep, UNRELATED)
    client = clients["partner_a_admin"]

    def ids(query: str) -> list[int]:
        return [r["id"] for r in client.get(f"{URL}?{query}").json()["results"]]

    assert ids("search=zephyr") == [zephyr.pk]
    assert ids("ordering=customer_name") == [acme.pk, zephyr.pk]
    assert ids("ordering=-customer_name") == [zephyr.pk, acme.pk]
    assert ids("status=approved") == []
    assert ids(f"program={ecosystem.program.pk}&status=submitted") == [
        zephyr.pk,
        acme.pk,
    ]
    assert client.get(f"{URL}?stage=nonsense").status_code == 400


def _queries_of(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_list_runs_a_bounded_number_of_queries(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    client = clients["vendor_admin"]
    register(ecosystem, ecosystem.partner_a_rep, UNRELATED)
    client.get(URL)  # warm the session and content-type caches
    one = _queries_of(client, URL)

    for number in range(5):
        register(
            ecosystem,
            ecosystem.partner_b_rep,
            {
                **UNRELATED,
                "customer_name": f"Other {number}",
                "country": "US",
                "customer_domain": f"other{number}.example",
            },
        )

    assert _queries_of(client, URL) == one
