"""The vendor console pages of deal registration: the review queue, a registration
under review with both sides of its conflicts, decisions and conflict resolution.
"""

import datetime
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cairn.deals.choices import ConflictDecision, RegistrationStatus
from cairn.deals.models import DealConflict, DealRegistration
from cairn.deals.tests.factories import DealRegistrationFactory
from cairn.deals.tests.support import ACME_AGAIN, register


def _queue(ecosystem: Any) -> None:
    now = timezone.now()
    DealRegistrationFactory(
        registered_by=ecosystem.partner_a_rep,
        program=ecosystem.program,
        customer_name="Late deal",
        review_due_at=now - datetime.timedelta(hours=1),
    )
    DealRegistrationFactory(
        registered_by=ecosystem.partner_b_rep,
        program=ecosystem.program,
        customer_name="Fresh deal",
        status=RegistrationStatus.UNDER_REVIEW,
        review_due_at=now + datetime.timedelta(days=1),
    )
    DealRegistrationFactory(
        registered_by=ecosystem.partner_a_rep,
        program=ecosystem.program,
        customer_name="Decided deal",
        status=RegistrationStatus.REJECTED,
    )
    DealRegistrationFactory(
        registered_by=ecosystem.partner_c_admin,
        program=ecosystem.other_program,
        customer_name="Other program deal",
    )


def _names(response: Any) -> list[str]:
    return [r.customer_name for r in response.context["page_obj"].object_list]


def test_the_queue_lists_pending_registrations_earliest_deadline_first(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    _queue(ecosystem)

    response = clients["channel_manager"].get(reverse("deals:review_queue"))

    body = response.content.decode()
    assert response.status_code == 200
    assert _names(response) == ["Late deal", "Fresh deal"]
    assert body.count(">overdue</span>") == 1


def test_the_queue_filters_overdue_and_status(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    _queue(ecosystem)
    url = reverse("deals:review_queue")

    overdue = clients["vendor_admin"].get(url, {"overdue": "on"})
    under_review = clients["vendor_admin"].get(url, {"status": "under_review"})
    bogus = clients["vendor_admin"].get(url, {"status": "approved", "program": "x"})

    assert _names(overdue) == ["Late deal"]
    assert _names(under_review) == ["Fresh deal"]
    assert _names(bogus) == ["Late deal", "Fresh deal", "Other program deal"]


def test_the_queue_answers_htmx_with_its_results_partial(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    _queue(ecosystem)

    response = clients["vendor_admin"].get(
        reverse("deals:review_queue"), HTTP_HX_REQUEST="true"
    )

    body = response.content.decode()
    assert "Late deal" in body
    assert "<html" not in body


def test_the_queue_runs_a_bounded_number_of_queries(
    ecosystem: Any, clients: dict[str, Client], django_assert_max_num_queries: Any
) -> None:
    for number in range(30):
        DealRegistrationFactory(
            registered_by=ecosystem.partner_a_rep,
            program=ecosystem.program,
            customer_name=f"Deal {number}",
        )
    client = clients["channel_manager"]

    with django_assert_max_num_queries(8):
        response = client.get(reverse("deals:review_queue"))

    assert len(response.context["page_obj"].object_list) == 30


def test_the_queue_is_for_vendor_staff(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    response = clients["partner_a_admin"].get(reverse("deals:review_queue"))

    assert response.status_code == 403


def test_the_review_shows_both_sides_of_a_conflict_with_the_score(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    earlier = register(ecosystem, ecosystem.partner_b_rep)
    later = register(ecosystem, ecosystem.partner_a_rep, ACME_AGAIN)
    conflict = DealConflict.objects.get(registration=later)

    response = clients["channel_manager"].get(
        reverse("deals:review_detail", args=[later.pk])
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "Beta Solutions" in body
    assert "Alpha Systems" in body
    assert earlier.contact_email in body
    assert f"Score {conflict.score:.2f}" in body
    for reason in conflict.reasons:
        assert reason["code"] in body


def test_a_partner_user_gets_not_found_on_the_review_page(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    later = register(ecosystem, ecosystem.partner_a_rep)

    response = clients["partner_a_admin"].get(
        reverse("deals:review_detail", args=[later.pk])
    )

    assert response.status_code == 404


def _decide(client: Client, registration: Any, **data: str) -> Any:
    return client.post(reverse("deals:review_decide", args=[registration.pk]), data)


def test_a_channel_manager_starts_the_review_then_approves(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    registration = register(ecosystem, ecosystem.partner_a_rep)
    client = clients["channel_manager"]

    started = _decide(client, registration, decision="start")
    approved = _decide(client, registration, decision="approve")

    registration.refresh_from_db()
    assert started.status_code == 302
    assert approved.status_code == 302
    assert registration.status == RegistrationStatus.APPROVED
    assert registration.protection_expires_at is not None


def test_a_rejection_or_request_needs_a_reason(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    registration = register(ecosystem, ecosystem.partner_a_rep)

    for decision in ("reject", "more_info"):
        response = _decide(
            clients["channel_manager"], registration, decision=decision, reason=" "
        )
        assert response.status_code == 200
        assert response.context["decision_form"].errors == {
            "reason": ["Give a reason."]
        }
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.SUBMITTED


def test_an_unknown_decision_is_a_field_error(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    registration = register(ecosystem, ecosystem.partner_a_rep)

    response = _decide(clients["channel_manager"], registration, decision="delete")

    registration.refresh_from_db()
    assert response.status_code == 200
    assert "decision" in response.context["decision_form"].errors
    assert registration.status == RegistrationStatus.SUBMITTED


def test_approval_waits_for_the_open_conflict(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    register(ecosystem, ecosystem.partner_b_rep)
    later = register(ecosystem, ecosystem.partner_a_rep, ACME_AGAIN)

    response = _decide(clients["channel_manager"], later, decision="approve")

    later.refresh_from_db()
    assert response.status_code == 200
    assert response.context["decision_form"].non_field_errors() == [
        "Decide the registration's possible conflicts first."
    ]
    assert later.status == RegistrationStatus.SUBMITTED


def test_a_partner_user_cannot_decide(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    registration = register(ecosystem, ecosystem.partner_a_rep)

    response = _decide(clients["partner_a_admin"], registration, decision="approve")

    registration.refresh_from_db()
    assert response.status_code == 404
    assert registration.status == RegistrationStatus.SUBMITTED


def test_a_decided_registration_cannot_be_decided_again(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    registration = register(ecosystem, ecosystem.partner_a_rep)
    _decide(clients["channel_manager"], registration, decision="reject", reason="No.")

    response = _decide(clients["channel_manager"], registration, decision="approve")

    registration.refresh_from_db()
    assert response.status_code == 403
    assert registration.status == RegistrationStatus.REJECTED


def test_a_channel_manager_resolves_a_conflict_first_come(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    register(ecosystem, ecosystem.partner_b_rep)
    later = register(ecosystem, ecosystem.partner_a_rep, ACME_AGAIN)
    conflict = DealConflict.objects.get(registration=later)

    response = clients["channel_manager"].post(
        reverse("deals:conflict_resolve", args=[conflict.pk]),
        {"decision": ConflictDecision.FIRST_COME, "reason": "B was first."},
    )

    conflict.refresh_from_db()
    later.refresh_from_db()
    assert response.status_code == 302
    assert conflict.decision == ConflictDecision.FIRST_COME
    assert conflict.decision_reason == "B was first."
    assert later.status == RegistrationStatus.REJECTED


def test_a_conflict_decision_needs_a_known_decision_and_a_reason(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    register(ecosystem, ecosystem.partner_b_rep)
    later = register(ecosystem, ecosystem.partner_a_rep, ACME_AGAIN)
    conflict = DealConflict.objects.get(registration=later)

    response = clients["channel_manager"].post(
        reverse("deals:conflict_resolve", args=[conflict.pk]),
        {"decision": "coin_toss", "reason": ""},
    )

    conflict.refresh_from_db()
    assert response.status_code == 200
    form = response.context["conflicts"][0][1]
    assert set(form.errors) == {"decision", "reason"}
    assert conflict.status == "open"


def test_a_partner_user_cannot_resolve_a_conflict(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    register(ecosystem, ecosystem.partner_b_rep)
    later = register(ecosystem, ecosystem.partner_a_rep, ACME_AGAIN)
    conflict = DealConflict.objects.get(registration=later)

    response = clients["partner_a_admin"].post(
        reverse("deals:conflict_resolve", args=[conflict.pk]),
        {"decision": ConflictDecision.SPLIT, "reason": "Mine."},
    )

    conflict.refresh_from_db()
    assert response.status_code == 404
    assert conflict.status == "open"
    assert DealRegistration.objects.get(pk=later.pk).status == "submitted"
