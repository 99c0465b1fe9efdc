from typing import Any

from django.test import Client
from django.urls import reverse

from cairn.partners.models import Program


def test_vendor_admin_creates_a_program_and_a_tier(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    response = clients["vendor_admin"].post(
        reverse("partners:program_create"),
        {
            "name": "Managed services",
            "partner_types": ["msp"],
            "is_open_for_applications": "on",
            "managers": [ecosystem.channel_manager.pk],
        },
    )
    program = Program.objects.get(name="Managed services")
    tier_response = clients["vendor_admin"].post(
        reverse("partners:tier_create", kwargs={"pk": program.pk}),
        {"name": "Registered", "rank": "1"},
    )

    assert response.status_code == 302
    assert tier_response.status_code == 302
    assert list(program.tiers.values_list("name", flat=True)) == ["Registered"]


def test_duplicate_tier_rank_is_a_field_error(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    response = clients["vendor_admin"].post(
        reverse("partners:tier_create", kwargs={"pk": ecosystem.program.pk}),
        {"name": "Platinum", "rank": "2"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "rank": ["Another tier of this program has rank 2."]
    }


def test_channel_manager_may_not_edit_a_tier(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    response = clients["channel_manager"].post(
        reverse("partners:tier_update", kwargs={"pk": ecosystem.gold.pk}),
        {"name": "Golden", "rank": "2"},
    )

    assert response.status_code == 403
    ecosystem.gold.refresh_from_db()
    assert ecosystem.gold.name == "Gold"
