from typing import Any

import pytest
from django.test import Client

from cairn.partners.choices import MembershipStatus
from cairn.partners.models import ProgramMembership
from cairn.partners.tests.support import JSON, _membership


def _reseller_joining(organization: Any, program: Any) -> dict[str, Any]:
    return {
        "organization": organization.pk,
        "program": program.pk,
        "partner_type": "reseller",
    }


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("vendor_admin", ["Alpha Systems", "Beta Solutions", "Gamma Referrals"]),
        ("channel_manager", ["Alpha Systems", "Beta Solutions"]),
        ("partner_a_second_rep", ["Alpha Systems"]),
    ],
)
def test_memberships_are_scoped_to_the_actor(
    clients: dict[str, Client], persona: str, expected: list[str]
) -> None:
    response = clients[persona].get("/api/v1/memberships/")

    assert [row["organization_name"] for row in response.json()["results"]] == expected


def test_partner_b_gets_not_found_for_a_membership_of_partner_a(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    response = clients["partner_b_rep"].get(
        f"/api/v1/memberships/{_membership(ecosystem).pk}/"
    )

    assert response.status_code == 404


def test_channel_manager_suspends_a_membership(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    response = clients["channel_manager"].patch(
        f"/api/v1/memberships/{_membership(ecosystem).pk}/",
        {"status": "suspended", "tier": ecosystem.silver.pk},
        content_type=JSON,
    )

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["tier_name"]) == (
        "suspended",
        "Silver",
    )


def test_refused_transition_names_the_status_field(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    response = clients["vendor_admin"].patch(
        f"/api/v1/memberships/{_membership(ecosystem).pk}/",
        {"status": "applied"},
        content_type=JSON,
    )

    assert response.status_code == 400
    assert [e["pointer"] for e in response.json()["errors"]] == ["/status"]
    assert _membership(ecosystem).status == MembershipStatus.ACTIVE


def test_channel_manager_may_not_change_a_membership_of_another_program(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    membership = _membership(ecosystem, "partner_c")

    response = clients["channel_manager"].patch(
        f"/api/v1/memberships/{membership.pk}/",
        {"status": "ended"},
        content_type=JSON,
    )

    assert response.status_code == 404
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE


def test_vendor_admin_adds_a_partner_to_a_program(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    response = clients["vendor_admin"].post(
        "/api/v1/memberships/",
        _reseller_joining(ecosystem.partner_c, ecosystem.program),
        content_type=JSON,
    )

    assert response.status_code == 201
    assert (response.json()["organization_name"], response.json()["status"]) == (
        "Gamma Referrals",
        "applied",
    )


def test_channel_manager_may_not_add_an_invisible_partner(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    response = clients["channel_manager"].post(
        "/api/v1/memberships/",
        _reseller_joining(ecosystem.partner_c, ecosystem.program),
        content_type=JSON,
    )

    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["organization"]
    assert not ProgramMembership.objects.filter(
        organization=ecosystem.partner_c, program=ecosystem.program
    ).exists()


def test_partner_user_may_not_add_memberships(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    response = clients["partner_a_admin"].post(
        "/api/v1/memberships/",
        _reseller_joining(ecosystem.partner_a, ecosystem.other_program),
        content_type=JSON,
    )

    assert response.status_code == 403
    assert ecosystem.partner_a.memberships.count() == 1
