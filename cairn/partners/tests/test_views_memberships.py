from typing import Any

from django.test import Client
from django.urls import reverse

from cairn.partners.choices import MembershipStatus
from cairn.partners.models import Program


def test_partner_b_typing_partner_a_membership_address_gets_not_found(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    membership = ecosystem.partner_a.memberships.get()

    response = clients["partner_b_rep"].post(
        reverse("partners:membership_update", kwargs={"pk": membership.pk}),
        {"status": "ended", "partner_type": "reseller"},
    )

    assert response.status_code == 404
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE


def test_channel_manager_adds_a_partner_to_a_managed_program_only(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    managed = Program.objects.create(
        name="Integrators", slug="integrators", partner_types=["systems_integrator"]
    )
    managed.managers.add(ecosystem.channel_manager)
    url = reverse("partners:membership_create", kwargs={"pk": ecosystem.partner_a.pk})

    page = clients["channel_manager"].get(url)
    response = clients["channel_manager"].post(
        url,
        {
            "program": managed.pk,
            "partner_type": "systems_integrator",
            "status": "applied",
        },
    )

    assert list(page.context["form"].fields["program"].queryset) == [managed]
    assert response.status_code == 302
    assert ecosystem.partner_a.memberships.get(program=managed).status == "applied"


def test_refused_status_change_is_a_field_error(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    membership = ecosystem.partner_a.memberships.get()
    url = reverse("partners:membership_update", kwargs={"pk": membership.pk})

    response = clients["channel_manager"].post(
        url, {"status": "applied", "partner_type": "reseller", "tier": ""}
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["status"]
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE


def test_channel_manager_suspends_a_membership(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    membership = ecosystem.partner_a.memberships.get()
    url = reverse("partners:membership_update", kwargs={"pk": membership.pk})

    response = clients["channel_manager"].post(
        url,
        {"status": "suspended", "partner_type": "reseller", "tier": ecosystem.gold.pk},
    )

    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.SUSPENDED
