"""The partner pages of a deal registration's detail: history, conflicts,
appeal and sales stage.
"""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cairn.deals import services
from cairn.deals.choices import ConflictDecision, SalesStage
from cairn.deals.models import DealConflict
from cairn.deals.tests.support import ACME_AGAIN, register


def test_partner_b_cannot_open_partner_a_registration(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    registration = register(ecosystem, ecosystem.partner_a_rep)
    url = reverse("deals:registration_detail", args=[registration.pk])

    assert clients["partner_b_rep"].get(url).status_code == 404
    assert clients["partner_a_second_rep"].get(url).status_code == 404
    assert clients["partner_a_admin"].get(url).status_code == 200


def test_the_detail_shows_partner_safe_reasons_and_nothing_of_the_other_party(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    earlier = register(ecosystem, ecosystem.partner_b_rep)
    later = register(ecosystem, ecosystem.partner_a_rep, ACME_AGAIN)
    conflict = DealConflict.objects.get(registration=later)

    response = clients["partner_a_rep"].get(
        reverse("deals:registration_detail", args=[later.pk])
    )

    body = response.content.decode()
    assert response.status_code == 200
    for code, message in conflict.partner_reasons:
        assert code in body
        assert message in body
    for secret in (
        "Beta Solutions",
        "Bo Beta",
        earlier.customer_name,
        earlier.contact_email,
        f"{conflict.score:.2f}",
    ):
        assert secret not in body
    for reason in conflict.reasons:
        assert reason["detail"] not in body


def test_the_history_shows_each_change_with_the_role_that_decided(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    registration = register(ecosystem, ecosystem.partner_a_rep)
    services.reject_registration(
        registration, actor=ecosystem.channel_manager, reason="Existing customer."
    )

    response = clients["partner_a_rep"].get(
        reverse("deals:registration_detail", args=[registration.pk])
    )

    body = response.content.decode()
    rows = [
        (row.from_label, row.to_label, row.step.role_label, row.step.reason)
        for row in response.context["history"]
    ]
    assert rows == [
        ("Draft", "Submitted", "Partner rep", ""),
        ("Submitted", "Rejected", "Channel manager", "Existing customer."),
    ]
    assert "Casey Manager" not in body
    assert response.context["time_to_decision"] == "0 hours"


def test_a_partner_appeals_a_decision_once(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    register(ecosystem, ecosystem.partner_b_rep)
    later = register(ecosystem, ecosystem.partner_a_rep, ACME_AGAIN)
    conflict = DealConflict.objects.get(registration=later)
    services.resolve_conflict(
        conflict,
        actor=ecosystem.channel_manager,
        decision=ConflictDecision.FIRST_COME,
        reason="Partner B registered first.",
    )
    url = reverse("deals:conflict_appeal", args=[conflict.pk])
    detail = clients["partner_a_rep"].get(
        reverse("deals:registration_detail", args=[later.pk])
    )

    first = clients["partner_a_rep"].post(url, {"note": "We met them in January."})
    second = clients["partner_a_rep"].post(url, {"note": "Again."})

    conflict.refresh_from_db()
    assert 'action="' + url + '"' in detail.content.decode()
    assert first.status_code == 302
    assert second.status_code == 403
    assert conflict.appeal_note == "We met them in January."
    assert conflict.status == "open"


def test_an_empty_appeal_shows_a_field_error(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    register(ecosystem, ecosystem.partner_b_rep)
    later = register(ecosystem, ecosystem.partner_a_rep, ACME_AGAIN)
    conflict = DealConflict.objects.get(registration=later)
    services.resolve_conflict(
        conflict,
        actor=ecosystem.channel_manager,
        decision=ConflictDecision.SPLIT,
        reason="Both proceed.",
    )

    response = clients["partner_a_rep"].post(
        reverse("deals:conflict_appeal", args=[conflict.pk]), {"note": "  "}
    )

    conflict.refresh_from_db()
    assert response.status_code == 200
    assert response.context["conflicts"][0][1].errors == {
        "note": ["This field is required."]
    }
    assert conflict.appealed_at is None


def test_the_earlier_partner_cannot_appeal(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    register(ecosystem, ecosystem.partner_b_rep)
    later = register(ecosystem, ecosystem.partner_a_rep, ACME_AGAIN)
    conflict = DealConflict.objects.get(registration=later)
    services.resolve_conflict(
        conflict,
        actor=ecosystem.channel_manager,
        decision=ConflictDecision.SPLIT,
        reason="Both proceed.",
    )

    response = clients["partner_b_rep"].post(
        reverse("deals:conflict_appeal", args=[conflict.pk]), {"note": "Mine."}
    )

    conflict.refresh_from_db()
    assert response.status_code == 403
    assert conflict.appealed_at is None


def test_a_rep_moves_an_approved_deal_to_won(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    registration = register(ecosystem, ecosystem.partner_a_rep)
    services.approve_registration(registration, actor=ecosystem.channel_manager)

    response = clients["partner_a_rep"].post(
        reverse("deals:registration_stage", args=[registration.pk]), {"stage": "won"}
    )

    registration.refresh_from_db()
    assert response.status_code == 302
    assert registration.sales_stage == SalesStage.WON


@pytest.mark.parametrize(
    ("data", "field"),
    [({"stage": "lost", "lost_reason": " "}, "lost_reason"), ({"stage": "x"}, "stage")],
)
def test_a_bad_stage_shows_a_field_error(
    ecosystem: Any, clients: dict[str, Client], data: dict[str, str], field: str
) -> None:
    registration = register(ecosystem, ecosystem.partner_a_rep)
    services.approve_registration(registration, actor=ecosystem.channel_manager)

    response = clients["partner_a_rep"].post(
        reverse("deals:registration_stage", args=[registration.pk]), data
    )

    registration.refresh_from_db()
    assert response.status_code == 200
    assert field in response.context["stage_form"].errors
    assert registration.sales_stage == ""


def test_a_stage_cannot_be_set_before_approval(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    registration = register(ecosystem, ecosystem.partner_a_rep)

    response = clients["partner_a_rep"].post(
        reverse("deals:registration_stage", args=[registration.pk]), {"stage": "won"}
    )

    registration.refresh_from_db()
    assert response.status_code == 403
    assert registration.sales_stage == ""
