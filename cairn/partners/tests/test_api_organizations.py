from typing import Any

import pytest
from django.test import Client

from cairn.core.models import ActivityEvent
from cairn.partners.models import PartnerOrganization
from cairn.partners.tests.factories import (
    PartnerOrganizationFactory,
    ProgramMembershipFactory,
    SpecializationFactory,
)
from cairn.partners.tests.support import JSON, PROBLEM, _membership

DELTA_CLOUD = {
    "name": "Delta Cloud",
    "legal_name": "Delta Cloud GmbH",
    "country": "DE",
    "region": "emea",
}


def _names(response: Any) -> list[str]:
    return [row["name"] for row in response.json()["results"]]


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("vendor_admin", ["Alpha Systems", "Beta Solutions", "Gamma Referrals"]),
        ("channel_manager", ["Alpha Systems", "Beta Solutions"]),
        ("partner_a_rep", ["Alpha Systems"]),
        ("partner_b_rep", ["Beta Solutions"]),
    ],
)
def test_organizations_are_scoped_to_the_actor(
    clients: dict[str, Client], persona: str, expected: list[str]
) -> None:
    response = clients[persona].get("/api/v1/organizations/")

    assert response.status_code == 200
    assert _names(response) == expected


def test_organization_shows_profile_and_memberships(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    response = clients["partner_a_rep"].get(
        f"/api/v1/organizations/{ecosystem.partner_a.pk}/"
    )

    body = response.json()
    assert (body["name"], body["country"], body["email_domains"]) == (
        "Alpha Systems",
        "FR",
        ["alpha.example"],
    )
    assert body["memberships"] == [
        {
            "id": _membership(ecosystem).pk,
            "program": ecosystem.program.pk,
            "program_name": "Resellers",
            "partner_type": "reseller",
            "tier": ecosystem.gold.pk,
            "tier_name": "Gold",
            "status": "active",
        }
    ]


def test_partner_b_gets_not_found_for_partner_a(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    response = clients["partner_b_rep"].get(
        f"/api/v1/organizations/{ecosystem.partner_a.pk}/"
    )

    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    assert response.json()["title"] == "Not found"


def test_anonymous_is_not_authenticated(clients: dict[str, Client]) -> None:
    response = clients["anonymous"].get("/api/v1/organizations/")

    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("search=beta.example", ["Beta Solutions"]),
        ("country=JP", ["Gamma Referrals"]),
        ("status=active&program={program}", ["Alpha Systems", "Beta Solutions"]),
        ("tier={gold}", ["Alpha Systems"]),
        ("specialization=cloud", ["Beta Solutions"]),
        ("ordering=-name", ["Gamma Referrals", "Beta Solutions", "Alpha Systems"]),
        ("program=999999", []),
    ],
)
def test_organization_filters(
    ecosystem: Any, clients: dict[str, Client], query: str, expected: list[str]
) -> None:
    ecosystem.partner_b.specializations.add(SpecializationFactory(slug="cloud"))
    query = query.format(program=ecosystem.program.pk, gold=ecosystem.gold.pk)

    response = clients["vendor_admin"].get(f"/api/v1/organizations/?{query}")

    assert response.status_code == 200
    assert _names(response) == expected


@pytest.mark.parametrize(
    "query",
    ["program=abc", "program=0", f"tier={2**70}", "status=bogus", "ordering=password"],
)
def test_bad_filter_is_a_problem_not_a_crash(
    clients: dict[str, Client], query: str
) -> None:
    response = clients["vendor_admin"].get(f"/api/v1/organizations/?{query}")

    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert len(response.json()["errors"]) == 1


def test_organization_list_needs_a_bounded_number_of_queries(
    ecosystem: Any, clients: dict[str, Client], django_assert_max_num_queries: Any
) -> None:
    for number in range(40):
        ProgramMembershipFactory(
            organization=PartnerOrganizationFactory(name=f"Zeta {number:02}"),
            program=ecosystem.program,
            tier=ecosystem.silver,
        )

    with django_assert_max_num_queries(9):
        response = clients["channel_manager"].get("/api/v1/organizations/")

    assert response.json()["count"] == 42


def test_vendor_admin_creates_an_organization(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    response = clients["vendor_admin"].post(
        "/api/v1/organizations/",
        {**DELTA_CLOUD, "languages": ["de"], "email_domains": ["Delta.Example"]},
        content_type=JSON,
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["name"], body["email_domains"], body["languages"]) == (
        "Delta Cloud",
        ["delta.example"],
        ["de"],
    )
    assert PartnerOrganization.objects.filter(pk=body["id"]).exists()


def test_invalid_organization_answers_field_errors(clients: dict[str, Client]) -> None:
    response = clients["vendor_admin"].post(
        "/api/v1/organizations/",
        {"name": "", "country": "ZZ", "region": "emea", "latitude": 91},
        content_type=JSON,
    )

    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert sorted(error["field"] for error in response.json()["errors"]) == [
        "country",
        "latitude",
        "legal_name",
        "name",
    ]


def test_service_validation_error_answers_field_errors(
    clients: dict[str, Client],
) -> None:
    response = clients["vendor_admin"].post(
        "/api/v1/organizations/",
        {**DELTA_CLOUD, "email_domains": ["alpha.example"]},
        content_type=JSON,
    )

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "pointer": "/email_domains",
            "field": "email_domains",
            "detail": "alpha.example belongs to another organization.",
            "code": "invalid",
        }
    ]
    assert not PartnerOrganization.objects.filter(name="Delta Cloud").exists()


def test_unknown_or_malformed_slugs_are_field_errors(
    clients: dict[str, Client],
) -> None:
    # A NUL byte would reach PostgreSQL, which refuses it in text, as a server error.
    response = clients["vendor_admin"].post(
        "/api/v1/organizations/",
        {**DELTA_CLOUD, "specializations": ["cl\x00oud"], "industries": ["unknown"]},
        content_type=JSON,
    )

    assert response.status_code == 400
    assert sorted(e["field"] for e in response.json()["errors"]) == [
        "industries",
        "specializations",
    ]


def test_channel_manager_may_not_create_an_organization(
    clients: dict[str, Client],
) -> None:
    response = clients["channel_manager"].post(
        "/api/v1/organizations/", {"name": "X"}, content_type=JSON
    )

    assert response.status_code == 403
    assert not PartnerOrganization.objects.filter(name="X").exists()


def test_partner_admin_patches_own_profile(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    response = clients["partner_a_admin"].patch(
        f"/api/v1/organizations/{ecosystem.partner_a.pk}/",
        {"website": "https://alpha-systems.example"},
        content_type=JSON,
    )

    assert response.status_code == 200
    assert response.json()["website"] == "https://alpha-systems.example"
    assert ActivityEvent.objects.get(verb="organization.updated").data == {
        "fields": ["website"]
    }


@pytest.mark.parametrize(
    ("persona", "body", "status"),
    [
        ("partner_a_rep", {"city": "Nice"}, 403),
        ("partner_a_admin", {"email_domains": ["evil.example"]}, 403),
        ("partner_b_rep", {"city": "Nice"}, 404),
    ],
)
def test_others_may_not_patch_partner_a(
    ecosystem: Any,
    clients: dict[str, Client],
    persona: str,
    body: dict[str, Any],
    status: int,
) -> None:
    response = clients[persona].patch(
        f"/api/v1/organizations/{ecosystem.partner_a.pk}/",
        body,
        content_type=JSON,
    )

    assert response.status_code == status
    ecosystem.partner_a.refresh_from_db()
    assert ecosystem.partner_a.city == "Lyon"
    assert list(ecosystem.partner_a.email_domains.values_list("domain", flat=True)) == [
        "alpha.example"
    ]


def test_put_is_not_allowed(ecosystem: Any, clients: dict[str, Client]) -> None:
    response = clients["vendor_admin"].put(
        f"/api/v1/organizations/{ecosystem.partner_a.pk}/",
        {},
        content_type=JSON,
    )

    assert response.status_code == 405
