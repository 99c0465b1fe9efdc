from typing import Any

from django.test import Client

from cairn.partners.models import Program
from cairn.partners.tests.support import JSON


def test_programs_list_their_tiers_in_rank_order(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    response = clients["partner_b_rep"].get(f"/api/v1/programs/{ecosystem.program.pk}/")

    assert [(t["name"], t["rank"]) for t in response.json()["tiers"]] == [
        ("Silver", 1),
        ("Gold", 2),
    ]


def test_vendor_admin_creates_a_program_and_a_tier(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    program = clients["vendor_admin"].post(
        "/api/v1/programs/",
        {
            "name": "Managed services",
            "partner_types": ["msp"],
            "managers": [ecosystem.channel_manager.pk],
        },
        content_type=JSON,
    )
    tier = clients["vendor_admin"].post(
        "/api/v1/tiers/",
        {"program": program.json()["id"], "name": "Registered", "rank": 1},
        content_type=JSON,
    )

    assert program.status_code == 201
    assert program.json()["slug"] == "managed-services"
    assert tier.status_code == 201
    assert Program.objects.get(name="Managed services").tiers.get().name == "Registered"


def test_program_manager_must_be_a_channel_manager(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    response = clients["vendor_admin"].patch(
        f"/api/v1/programs/{ecosystem.program.pk}/",
        {"managers": [ecosystem.partner_a_admin.pk]},
        content_type=JSON,
    )

    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["managers"]


def test_channel_manager_may_not_change_programs_or_tiers(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    program = clients["channel_manager"].patch(
        f"/api/v1/programs/{ecosystem.program.pk}/",
        {"name": "Mine"},
        content_type=JSON,
    )
    tier = clients["channel_manager"].patch(
        f"/api/v1/tiers/{ecosystem.gold.pk}/",
        {"rank": 9},
        content_type=JSON,
    )

    assert (program.status_code, tier.status_code) == (403, 403)
    ecosystem.program.refresh_from_db()
    ecosystem.gold.refresh_from_db()
    assert (ecosystem.program.name, ecosystem.gold.rank) == ("Resellers", 2)


def test_tiers_filter_by_program(ecosystem: Any, clients: dict[str, Client]) -> None:
    response = clients["vendor_admin"].get(
        f"/api/v1/tiers/?program={ecosystem.program.pk}"
    )

    assert [row["name"] for row in response.json()["results"]] == ["Silver", "Gold"]


def test_duplicate_tier_rank_names_the_rank_field(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    response = clients["vendor_admin"].post(
        "/api/v1/tiers/",
        {"program": ecosystem.program.pk, "name": "Platinum", "rank": 1},
        content_type=JSON,
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["detail"] == (
        "Another tier of this program has rank 1."
    )
