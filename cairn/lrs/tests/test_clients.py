"""LRS credentials: created by vendor admins with the secret shown once, hashed,
audited, revocable; the console page that manages them.
"""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cairn.core.models import AuditEntry
from cairn.lrs.models import LRSClient, hash_secret
from cairn.lrs.services.clients import create_lrs_client, revoke_lrs_client
from conftest import Ecosystem, client_for


def test_a_vendor_admin_creates_credentials_stored_hashed_and_audited(
    ecosystem: Ecosystem,
) -> None:
    client, secret = create_lrs_client(
        name="Storyline",
        scopes=["statements/write", "state"],
        actor=ecosystem.vendor_admin,
    )

    assert client.secret_hash == hash_secret(secret)
    assert secret not in client.secret_hash
    assert client.scopes == ["state", "statements/write"]
    assert client.authority["account"]["name"] == client.key
    entry = AuditEntry.objects.get(target_id=str(client.pk))
    assert "secret_hash" not in entry.after


@pytest.mark.parametrize("persona", ["channel_manager", "partner_a_admin"])
def test_only_vendor_admins_create_credentials(
    ecosystem: Ecosystem, persona: str
) -> None:
    with pytest.raises(PermissionDenied):
        create_lrs_client(name="x", scopes=["all"], actor=getattr(ecosystem, persona))

    assert LRSClient.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "scopes", "field"),
    [("", ["all"], "name"), ("Tool", [], "scopes"), ("Tool", ["everything"], "scopes")],
)
def test_bad_credentials_input_is_refused_by_field(
    ecosystem: Ecosystem, name: str, scopes: Any, field: str
) -> None:
    with pytest.raises(ValidationError) as error:
        create_lrs_client(name=name, scopes=scopes, actor=ecosystem.vendor_admin)

    assert field in error.value.message_dict
    assert LRSClient.objects.count() == 0


def test_a_client_belongs_to_a_program_or_an_organization_not_both(
    ecosystem: Ecosystem,
) -> None:
    with pytest.raises(ValidationError) as error:
        create_lrs_client(
            name="Tool",
            scopes=["all"],
            program=ecosystem.program,
            organization=ecosystem.partner_a,
            actor=ecosystem.vendor_admin,
        )

    assert "organization" in error.value.message_dict


def test_revoking_twice_changes_nothing_the_second_time(ecosystem: Ecosystem) -> None:
    client, _ = create_lrs_client(
        name="Tool", scopes=["all"], actor=ecosystem.vendor_admin
    )

    first = revoke_lrs_client(client, actor=ecosystem.vendor_admin)
    audited = AuditEntry.objects.count()
    second = revoke_lrs_client(client, actor=ecosystem.vendor_admin)

    assert first.revoked_at == second.revoked_at
    assert AuditEntry.objects.count() == audited


def test_the_console_page_creates_credentials_and_shows_the_secret_once(
    ecosystem: Ecosystem,
) -> None:
    browser = client_for(ecosystem.vendor_admin)

    response = browser.post(
        "/console/lrs/",
        {
            "name": "Captivate",
            "scopes": ["statements/write"],
            "program": ecosystem.program.pk,
        },
    )

    assert response.status_code == 200
    client = LRSClient.objects.get(name="Captivate")
    assert client.program == ecosystem.program
    assert response.context["new_secret"]
    assert hash_secret(response.context["new_secret"]) == client.secret_hash
    assert response["Cache-Control"].startswith("max-age=0")
    again = browser.get("/console/lrs/")
    assert response.context["new_secret"] not in again.content.decode()


def test_the_console_form_shows_field_errors(ecosystem: Ecosystem) -> None:
    response = client_for(ecosystem.vendor_admin).post("/console/lrs/", {"name": ""})

    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"name", "scopes"}
    assert LRSClient.objects.count() == 0


def test_the_console_revokes_credentials(ecosystem: Ecosystem) -> None:
    client, _ = create_lrs_client(
        name="Tool", scopes=["all"], actor=ecosystem.vendor_admin
    )

    response = client_for(ecosystem.vendor_admin).post(
        f"/console/lrs/{client.pk}/revoke/"
    )

    assert response.status_code == 302
    client.refresh_from_db()
    assert client.revoked_at is not None


def test_revoking_an_unknown_client_is_a_404(ecosystem: Ecosystem) -> None:
    response = client_for(ecosystem.vendor_admin).post("/console/lrs/999999/revoke/")

    assert response.status_code == 404
