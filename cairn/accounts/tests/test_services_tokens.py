import datetime
import re

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from cairn.accounts import services
from cairn.accounts.models import ApiToken, hash_secret
from cairn.accounts.tests.factories import api_token_with_secret
from cairn.core.models import ActivityEvent, AuditEntry

pytestmark = pytest.mark.django_db


def _verbs() -> list[str]:
    return list(ActivityEvent.objects.order_by("id").values_list("verb", flat=True))


# API tokens -----------------------------------------------------------------------


def test_create_api_token_stores_only_a_hash(ecosystem):
    token, raw = services.create_api_token(
        ecosystem.partner_a_rep,
        name=" CRM sync ",
        scopes=["read"],
        expires_in_days=30,
        actor=ecosystem.partner_a_rep,
    )

    assert re.fullmatch(r"cairn_[A-Za-z0-9_-]{43}", raw)
    token.refresh_from_db()
    assert token.name == "CRM sync"
    assert token.prefix == raw[:12]
    assert token.key_hash == hash_secret(raw)
    assert token.scopes == ["read"]
    assert token.expires_at is not None
    assert token.expires_at - token.created_at == datetime.timedelta(days=30)
    assert raw not in str(ApiToken.objects.values().get())
    assert raw not in str(AuditEntry.objects.values().get())
    assert _verbs() == ["api_token.created"]


@pytest.mark.parametrize(
    ("name", "scopes", "days", "fields"),
    [
        ("", ["read"], None, ["name"]),
        ("ok", [], None, ["scopes"]),
        ("ok", ["admin"], None, ["scopes"]),
        ("ok", ["read"], 0, ["expires_in_days"]),
        ("ok", ["read"], 10_000, ["expires_in_days"]),
    ],
)
def test_create_api_token_validates_its_input(ecosystem, name, scopes, days, fields):
    with pytest.raises(ValidationError) as error:
        services.create_api_token(
            ecosystem.partner_a_rep,
            name=name,
            scopes=scopes,
            expires_in_days=days,
            actor=ecosystem.partner_a_rep,
        )

    assert sorted(error.value.message_dict) == fields
    assert ApiToken.objects.count() == 0


def test_nobody_creates_a_token_for_someone_else(ecosystem):
    with pytest.raises(PermissionDenied):
        services.create_api_token(
            ecosystem.partner_a_rep,
            name="x",
            scopes=["read"],
            expires_in_days=None,
            actor=ecosystem.vendor_admin,
        )

    assert ApiToken.objects.count() == 0


def test_revoke_api_token_once(ecosystem):
    token, _ = api_token_with_secret(ecosystem.partner_a_rep)

    services.revoke_api_token(token, actor=ecosystem.partner_a_rep)
    services.revoke_api_token(token, actor=ecosystem.partner_a_rep)

    token.refresh_from_db()
    assert token.revoked_at is not None
    assert token.is_usable is False
    assert _verbs() == ["api_token.revoked"]


def test_revoking_someone_elses_token_is_denied(ecosystem):
    token, _ = api_token_with_secret(ecosystem.partner_a_rep)

    with pytest.raises(PermissionDenied):
        services.revoke_api_token(token, actor=ecosystem.partner_a_admin)

    token.refresh_from_db()
    assert token.revoked_at is None


def test_token_use_is_recorded_at_most_once_a_minute(ecosystem):
    token, _ = api_token_with_secret(ecosystem.partner_a_rep)
    start = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)

    with time_machine.travel(start, tick=False):
        services.record_api_token_use(token, ip_address="203.0.113.9")
    token.refresh_from_db()
    with time_machine.travel(start + datetime.timedelta(seconds=30), tick=False):
        services.record_api_token_use(token, ip_address="198.51.100.1")
    token.refresh_from_db()
    assert (token.last_used_at, token.last_used_ip) == (start, "203.0.113.9")

    later = start + datetime.timedelta(seconds=61)
    with time_machine.travel(later, tick=False):
        services.record_api_token_use(token, ip_address="198.51.100.1")
    token.refresh_from_db()
    assert (token.last_used_at, token.last_used_ip) == (later, "198.51.100.1")
