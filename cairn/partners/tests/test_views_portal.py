from typing import Any

from django.test import Client
from django.urls import reverse

from cairn.partners.choices import MembershipStatus
from cairn.partners.models import ProgramMembership
from cairn.partners.tests.support import _domains, _profile_form


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
