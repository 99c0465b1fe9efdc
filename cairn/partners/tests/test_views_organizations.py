from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cairn.core.models import AuditEntry
from cairn.partners.choices import MembershipStatus
from cairn.partners.models import PartnerOrganization
from cairn.partners.tests.factories import (
    PartnerOrganizationFactory,
    ProgramMembershipFactory,
)
from cairn.partners.tests.support import _domains, _profile_form

LIST = reverse("partners:organization_list")
DELTA_CLOUD = {
    "name": "Delta Cloud",
    "legal_name": "Delta Cloud GmbH",
    "country": "DE",
    "region": "emea",
}


def _post_profile(client: Client, organization: Any, **changes: Any) -> Any:
    return client.post(
        reverse("partners:organization_update", kwargs={"pk": organization.pk}),
        _profile_form(organization, **changes),
    )


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
