from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from cairn.accounts.models import User
from cairn.demo.personas import demo_personas
from cairn.partners.models import PartnerOrganization


def _call(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_seed_demo_generates_the_ecosystem(db: None) -> None:
    output = _call(
        "seed_demo", "--seed", "3", "--partners", "8", "--users-per-partner", "3"
    )

    assert PartnerOrganization.objects.count() == 8
    assert User.objects.filter(organization__isnull=False).count() == 24
    assert "Generated 8 partner organizations" in output
    assert "partner users" in output


def test_seed_demo_if_empty_leaves_an_existing_ecosystem_alone(db: None) -> None:
    _call("seed_demo", "--partners", "4", "--users-per-partner", "2")
    names = list(PartnerOrganization.objects.values_list("name", flat=True))

    output = _call("seed_demo", "--seed", "9", "--partners", "6", "--if-empty")

    assert (
        output == "Partner organizations exist already: no demo ecosystem generated.\n"
    )
    assert list(PartnerOrganization.objects.values_list("name", flat=True)) == names


def test_seed_demo_without_if_empty_refuses_an_existing_ecosystem(db: None) -> None:
    _call("seed_demo", "--partners", "4", "--users-per-partner", "2")

    with pytest.raises(CommandError, match="--if-empty"):
        _call("seed_demo", "--seed", "9", "--partners", "6")

    assert PartnerOrganization.objects.count() == 4


def test_seed_demo_refuses_too_few_partners(db: None) -> None:
    with pytest.raises(CommandError, match="--partners must be at least 2"):
        _call("seed_demo", "--partners", "1")

    assert not PartnerOrganization.objects.exists()


@override_settings(SITE_URL="http://demo.example:8000")
def test_demo_logins_prints_the_site_and_a_login_per_persona(db: None) -> None:
    _call("seed_demo", "--partners", "6", "--users-per-partner", "2")

    output = _call("demo_logins")

    assert "http://demo.example:8000/" in output
    assert "http://demo.example:8000/accounts/login/" in output
    logins = demo_personas()
    assert len(logins) == 5
    for login in logins:
        assert f"{login.label}" in output
        assert login.email in output
    assert output.count("cairn-demo-2026") == 5


def test_demo_logins_needs_a_demo_ecosystem(db: None) -> None:
    with pytest.raises(CommandError, match="seed_demo"):
        _call("demo_logins")
