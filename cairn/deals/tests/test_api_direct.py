from typing import Any

from django.test import Client

from cairn.core.models import AuditEntry
from cairn.deals.models import DealConflict, DealMatchKey, DirectOpportunity
from cairn.deals.tests.factories import DirectOpportunityFactory
from cairn.deals.tests.support import ACME, register

JSON = "application/json"
URL = "/api/v1/direct-opportunities/"
ACME_DIRECT = {
    "external_id": "SF-0001",
    "company_name": "Acme Corporation",
    "domain": "acme-industries.com",
    "country": "FR",
    "postal_code": "75002",
    "owner_name": "Dana Direct",
    "expected_close_date": "2026-06-15",
    "currency": "EUR",
    "amount": "90000.00",
}


def test_vendor_admin_upserts_by_external_id(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    client = clients["vendor_admin"]

    created = client.post(URL, ACME_DIRECT, content_type=JSON)
    updated = client.post(URL, {**ACME_DIRECT, "amount": "95000.50"}, content_type=JSON)
    patched = client.patch(f"{URL}SF-0001/", {"is_open": False}, content_type=JSON)

    assert (created.status_code, updated.status_code, patched.status_code) == (
        201,
        200,
        200,
    )
    assert updated.json()["amount"] == "95000.50"
    assert patched.json()["is_open"] is False
    assert DirectOpportunity.objects.count() == 1
    assert DealMatchKey.objects.filter(direct_opportunity__isnull=False).exists()


def test_a_registration_matching_the_direct_pipeline_is_a_possible_conflict(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    clients["vendor_admin"].post(URL, ACME_DIRECT, content_type=JSON)

    registration = register(ecosystem, ecosystem.partner_a_rep, ACME)

    conflict = DealConflict.objects.get(registration=registration)
    assert conflict.direct_opportunity is not None
    assert conflict.direct_opportunity.external_id == "SF-0001"
    seen = clients["channel_manager"].get(
        f"/api/v1/deal-registrations/{registration.pk}/"
    )
    assert seen.json()["vendor_conflicts"][0]["earlier_claim"]["kind"] == "direct"
    partner = clients["partner_a_rep"].get(
        f"/api/v1/deal-registrations/{registration.pk}/"
    )
    assert "Dana" not in partner.content.decode()
    assert "SF-0001" not in partner.content.decode()


def test_channel_manager_reads_but_cannot_write_the_direct_pipeline(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    DirectOpportunityFactory(external_id="SF-7")
    client = clients["channel_manager"]
    audited = AuditEntry.objects.count()

    listed = client.get(URL)
    created = client.post(URL, ACME_DIRECT, content_type=JSON)
    patched = client.patch(f"{URL}SF-7/", {"is_open": False}, content_type=JSON)

    assert listed.json()["count"] == 1
    assert (created.status_code, patched.status_code) == (403, 403)
    assert DirectOpportunity.objects.get().is_open is True
    assert AuditEntry.objects.count() == audited


def test_partners_are_refused_the_direct_pipeline(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    DirectOpportunityFactory(external_id="SF-7")

    answers = [
        clients["partner_a_admin"].get(URL).status_code,
        clients["partner_a_admin"].get(f"{URL}SF-7/").status_code,
        clients["partner_b_rep"].post(URL, ACME_DIRECT, content_type=JSON).status_code,
    ]

    assert answers == [403, 403, 403]
    assert DirectOpportunity.objects.count() == 1


def test_a_float_amount_is_refused(ecosystem: Any, clients: dict[str, Client]) -> None:
    response = clients["vendor_admin"].post(
        URL, {**ACME_DIRECT, "amount": 90000.5}, content_type=JSON
    )

    assert response.status_code == 400
    assert [e["pointer"] for e in response.json()["errors"]] == ["/amount"]
    assert DirectOpportunity.objects.count() == 0
