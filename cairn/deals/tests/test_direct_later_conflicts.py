"""A direct opportunity created or changed after a registration was submitted is
matched against it, whether it comes by the API's upsert or by an import.
"""

from typing import Any

from django.test import Client

from cairn.deals import selectors, services
from cairn.deals.choices import RegistrationStatus
from cairn.deals.models import DealConflict
from cairn.deals.tests.support import ACME, UNRELATED, register

JSON = "application/json"
ACME_DIRECT = {
    "external_id": "SF-LATE-1",
    "company_name": "Acme Corporation",
    "domain": "acme-industries.com",
    "country": "FR",
    "postal_code": "75002",
    "owner_name": "Dana Direct",
    "expected_close_date": "2026-06-15",
    "currency": "EUR",
    "amount": "90000.00",
}


def test_an_upserted_direct_deal_conflicts_with_an_earlier_registration(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    registration = register(ecosystem, ecosystem.partner_a_rep, ACME)
    unrelated = register(ecosystem, ecosystem.partner_b_rep, UNRELATED)

    response = clients["vendor_admin"].post(
        "/api/v1/direct-opportunities/", ACME_DIRECT, content_type=JSON
    )

    assert response.status_code == 201
    conflict = DealConflict.objects.get()
    assert (conflict.registration_id, conflict.direct_is_later) == (
        registration.pk,
        True,
    )
    assert conflict.direct_opportunity is not None
    assert conflict.direct_opportunity.external_id == "SF-LATE-1"
    assert not DealConflict.objects.filter(registration=unrelated).exists()


def test_a_closed_direct_deal_claims_nothing_until_it_is_reopened(
    ecosystem: Any,
) -> None:
    register(ecosystem, ecosystem.partner_a_rep, ACME)
    fields = {k: v for k, v in ACME_DIRECT.items() if k != "external_id"}

    services.save_direct_opportunity(
        actor=ecosystem.vendor_admin, external_id="SF-LATE-1", **fields, is_open=False
    )
    closed_count = DealConflict.objects.count()
    services.save_direct_opportunity(
        actor=ecosystem.vendor_admin, external_id="SF-LATE-1", is_open=True
    )
    services.save_direct_opportunity(
        actor=ecosystem.vendor_admin, external_id="SF-LATE-1", owner_name="Other"
    )

    assert closed_count == 0
    assert DealConflict.objects.count() == 1


def test_drafts_and_rejected_registrations_are_not_matched(ecosystem: Any) -> None:
    services.create_draft(
        actor=ecosystem.partner_a_rep, program=ecosystem.program, **ACME
    )
    rejected = register(ecosystem, ecosystem.partner_b_rep, ACME)
    services.reject_registration(
        rejected, actor=ecosystem.vendor_admin, reason="Duplicate."
    )

    services.save_direct_opportunity(
        actor=ecosystem.vendor_admin,
        **ACME_DIRECT,
    )

    assert DealConflict.objects.count() == 0


def test_first_come_keeps_the_registration_that_came_before_the_direct_deal(
    ecosystem: Any,
) -> None:
    registration = register(ecosystem, ecosystem.partner_a_rep, ACME)
    services.save_direct_opportunity(actor=ecosystem.vendor_admin, **ACME_DIRECT)
    conflict = DealConflict.objects.get()

    services.resolve_conflict(
        conflict,
        actor=ecosystem.vendor_admin,
        decision="first_come",
        reason="The partner registered it first.",
    )

    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.SUBMITTED
    services.approve_registration(registration, actor=ecosystem.vendor_admin)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.APPROVED


def test_the_partner_sees_a_possible_conflict_and_nothing_of_the_direct_deal(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    registration = register(ecosystem, ecosystem.partner_a_rep, ACME)
    services.save_direct_opportunity(actor=ecosystem.vendor_admin, **ACME_DIRECT)

    views = selectors.conflict_for_partner(ecosystem.partner_a_rep, registration)
    page = clients["partner_a_rep"].get(f"/deals/{registration.pk}/")
    api = clients["partner_a_rep"].get(f"/api/v1/deal-registrations/{registration.pk}/")

    assert len(views) == 1
    assert "SAME_DOMAIN" in [reason.code for reason in views[0].reasons]
    assert "Possible conflict" in page.text
    for secret in ("SF-LATE-1", "Dana Direct", "90000", "90,000"):
        assert secret not in page.text
        assert secret not in api.text
    assert api.json()["vendor_conflicts"] == []
