from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cairn.core.models import AuditEntry
from cairn.partners.choices import MembershipStatus
from cairn.partners.models import PartnerOrganization, Program, ProgramMembership
from cairn.partners.tests.factories import (
    PartnerOrganizationFactory,
    ProgramMembershipFactory,
)

LIST = reverse("partners:organization_list")
DELTA_CLOUD = {
    "name": "Delta Cloud",
    "legal_name": "Delta Cloud GmbH",
    "country": "DE",
    "region": "emea",
}


def _profile_form(organization: Any, **changes: Any) -> dict[str, Any]:
    data = {
        "name": organization.name,
        "legal_name": organization.legal_name,
        "website": organization.website,
        "description": "",
        "size": "",
        "street": organization.street,
        "postal_code": organization.postal_code,
        "city": organization.city,
        "state": "",
        "country": str(organization.country),
        "region": organization.region,
        "latitude": "",
        "longitude": "",
        "languages": "",
    }
    return data | changes


def _post_profile(client: Client, organization: Any, **changes: Any) -> Any:
    return client.post(
        reverse("partners:organization_update", kwargs={"pk": organization.pk}),
        _profile_form(organization, **changes),
    )


def _domains(organization: Any) -> list[str]:
    return sorted(organization.email_domains.values_list("domain", flat=True))


# Partners list


def test_list_shows_the_partners_the_channel_manager_manages(
    clients: dict[str, Client],
) -> None:
    response = clients["channel_manager"].get(LIST)

    assert response.status_code == 200
    content = response.content.decode()
    assert "Alpha Systems" in content
    assert "Beta Solutions" in content
    assert "Gamma Referrals" not in content
    assert "<html" in content


def test_htmx_request_gets_only_the_results(clients: dict[str, Client]) -> None:
    response = clients["vendor_admin"].get(
        LIST, {"search": "beta"}, headers={"HX-Request": "true"}
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content
    assert "Beta Solutions" in content
    assert "Alpha Systems" not in content
    assert "HX-Request" in response["Vary"]


def test_htmx_history_restore_gets_the_whole_page(clients: dict[str, Client]) -> None:
    response = clients["vendor_admin"].get(
        LIST, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )

    assert "<html" in response.content.decode()


def test_filter_form_re_renders_only_the_results_with_htmx(
    clients: dict[str, Client],
) -> None:
    content = clients["vendor_admin"].get(LIST).content.decode()

    assert 'hx-get="/console/partners/"' in content
    assert 'hx-target="#results"' in content
    assert 'hx-push-url="true"' in content
    # "input", not "keyup": pasting or autofill must search too.
    assert (
        'hx-trigger="change, input changed delay:300ms from:input[type=search], '
        'search from:input[type=search]"'
    ) in content


def test_list_needs_a_bounded_number_of_queries(
    ecosystem: Any,
    clients: dict[str, Client],
    django_assert_max_num_queries: Any,
) -> None:
    for number in range(60):
        ProgramMembershipFactory(
            organization=PartnerOrganizationFactory(name=f"Zeta {number:02}"),
            program=ecosystem.program,
            tier=ecosystem.gold if number % 2 else ecosystem.silver,
        )

    with django_assert_max_num_queries(12):
        response = clients["channel_manager"].get(LIST, {"sort": "-last_active"})

    assert response.status_code == 200
    assert response.context["paginator"].count == 62
    assert len(response.context["page_obj"].object_list) == 50


def test_bad_filters_are_shown_not_fatal(clients: dict[str, Client]) -> None:
    response = clients["vendor_admin"].get(
        LIST,
        {
            "program": "abc",
            "tier": "99999999999999999999999",
            "status": "bogus",
            "country": "XX",
            "sort": "password",
            "page": "-3",
            "search": "al\x00pha",
            "specialization": "cl\x00oud",
        },
    )

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {
        "program",
        "tier",
        "status",
        "country",
        "search",
        "specialization",
    }
    assert response.context["paginator"].count == 3


def test_list_filters_by_program_and_status(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    membership = ecosystem.partner_b.memberships.get()
    membership.status = MembershipStatus.APPLIED
    membership.save()

    response = clients["vendor_admin"].get(
        LIST, {"program": ecosystem.program.pk, "status": "applied"}
    )

    assert [o.name for o in response.context["page_obj"]] == ["Beta Solutions"]


# Partner detail


def test_vendor_admin_sees_the_whole_partner(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    response = clients["vendor_admin"].get(
        reverse("partners:organization_detail", kwargs={"pk": ecosystem.partner_a.pk})
    )

    content = response.content.decode()
    assert response.status_code == 200
    for text in (
        "Alpha Systems",
        "Resellers",
        "Gold",
        "ada@alpha.example",
        "Edit profile",
    ):
        assert text in content
    assert "Add to a program" in content


@pytest.mark.parametrize(
    "url_name", ["partners:organization_detail", "partners:organization_update"]
)
def test_partner_b_typing_partner_a_address_gets_not_found(
    ecosystem: Any, clients: dict[str, Client], url_name: str
) -> None:
    response = clients["partner_b_rep"].get(
        reverse(url_name, kwargs={"pk": ecosystem.partner_a.pk})
    )

    assert response.status_code == 404


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


def test_channel_manager_cannot_open_a_partner_of_another_program(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    response = clients["channel_manager"].get(
        reverse("partners:organization_detail", kwargs={"pk": ecosystem.partner_c.pk})
    )

    assert response.status_code == 404


# Forms


def test_vendor_admin_edits_a_profile(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    response = _post_profile(
        clients["vendor_admin"],
        ecosystem.partner_a,
        city="Grenoble",
        languages="fr, EN",
        email_domains="alpha.example, alpha-systems.example",
    )

    assert response.status_code == 302
    assert response["Location"] == ecosystem.partner_a.get_absolute_url()
    ecosystem.partner_a.refresh_from_db()
    assert (ecosystem.partner_a.city, ecosystem.partner_a.languages) == (
        "Grenoble",
        ["fr", "en"],
    )
    assert _domains(ecosystem.partner_a) == ["alpha-systems.example", "alpha.example"]


def test_invalid_profile_re_renders_with_field_errors(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    response = _post_profile(
        clients["vendor_admin"],
        ecosystem.partner_a,
        name="",
        website="not a url",
        latitude="123",
        region="mars",
    )

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {
        "name",
        "website",
        "latitude",
        "region",
    }
    ecosystem.partner_a.refresh_from_db()
    assert ecosystem.partner_a.name == "Alpha Systems"
    assert not AuditEntry.objects.exists()


def test_service_errors_come_back_on_the_form(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    response = _post_profile(
        clients["vendor_admin"], ecosystem.partner_a, email_domains="beta.example"
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "email_domains": ["beta.example belongs to another organization."]
    }
    assert "beta.example belongs to another organization." in response.content.decode()


def test_vendor_admin_creates_a_partner(clients: dict[str, Client]) -> None:
    response = clients["vendor_admin"].post(
        reverse("partners:organization_create"),
        {**DELTA_CLOUD, "email_domains": "delta.example"},
    )

    organization = PartnerOrganization.objects.get(name="Delta Cloud")
    assert response.status_code == 302
    assert response["Location"] == organization.get_absolute_url()


def test_coordinates_must_come_in_pairs(clients: dict[str, Client]) -> None:
    response = clients["vendor_admin"].post(
        reverse("partners:organization_create"), {**DELTA_CLOUD, "latitude": "53.55"}
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Give both latitude and longitude, or neither."
    ]
    assert not PartnerOrganization.objects.filter(name="Delta Cloud").exists()


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


# Partner portal


def test_partner_home_says_what_to_do_next(clients: dict[str, Client]) -> None:
    response = clients["partner_a_admin"].get(reverse("partners:partner_home"))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Complete your organization profile" in content
    assert "Resellers: Gold partner" in content
    assert "cm@vendor.example" in content


def test_partner_home_shows_an_application_awaiting_approval(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    ProgramMembership.objects.filter(organization=ecosystem.partner_b).update(
        status=MembershipStatus.APPLIED
    )

    content = clients["partner_b_rep"].get(reverse("partners:partner_home")).content

    assert b"awaiting approval" in content


def test_partner_admin_edits_own_profile_without_email_domains(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    url = reverse("partners:my_organization_update")

    page = clients["partner_a_admin"].get(url)
    response = clients["partner_a_admin"].post(
        url,
        _profile_form(
            ecosystem.partner_a, street="2 quai Perrache", email_domains="evil.example"
        ),
    )

    assert "email_domains" not in page.context["form"].fields
    assert response.status_code == 302
    assert response["Location"] == reverse("partners:my_organization")
    ecosystem.partner_a.refresh_from_db()
    assert ecosystem.partner_a.street == "2 quai Perrache"
    assert _domains(ecosystem.partner_a) == ["alpha.example"]


def test_rep_reads_but_may_not_edit_the_profile(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    page = clients["partner_a_rep"].get(reverse("partners:my_organization"))
    response = clients["partner_a_rep"].post(
        reverse("partners:my_organization_update"),
        _profile_form(ecosystem.partner_a, city="Nice"),
    )

    assert page.status_code == 200
    assert "Edit profile" not in page.content.decode()
    assert response.status_code == 403
    ecosystem.partner_a.refresh_from_db()
    assert ecosystem.partner_a.city == "Lyon"


# Back office


@pytest.mark.parametrize(
    "model",
    [
        "program",
        "tier",
        "specialization",
        "industry",
        "partnerorganization",
        "organizationemaildomain",
        "programmembership",
    ],
)
def test_back_office_lists_and_forms_render(
    ecosystem: Any, clients: dict[str, Client], model: str
) -> None:
    client = clients["vendor_admin"]
    changelist = client.get(f"/admin/partners/{model}/?q=a")
    add = client.get(f"/admin/partners/{model}/add/")

    assert (changelist.status_code, add.status_code) == (200, 200)


def test_back_office_edits_a_partner(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    response = clients["vendor_admin"].get(
        f"/admin/partners/partnerorganization/{ecosystem.partner_a.pk}/change/"
    )

    assert response.status_code == 200
    assert "alpha.example" in response.content.decode()
