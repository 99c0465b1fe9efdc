"""django-allauth as Cairn configures it: sign-up with verification, domain join,
throttled logins and TOTP two-factor sign-in.
"""

import re
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.core import mail
from django.core.cache import cache
from django.test import Client, override_settings

from cairn.accounts.models import User
from cairn.accounts.tests.factories import PASSWORD, UserFactory
from cairn.core.models import ActivityEvent
from cairn.core.roles import Role

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-enough-passphrase"
LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def _link(message) -> str:
    match = re.search(
        r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", message.body
    )
    assert match, message.body
    return match.group(1)


def _sign_up(client: Client, email: str):
    return client.post(
        "/accounts/signup/",
        {"email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )


def test_sign_up_sends_a_verification_email_and_blocks_sign_in_until_confirmed(db):
    client = Client()

    response = _sign_up(client, "solo@example.com")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["solo@example.com"]
    login = Client().post(
        "/accounts/login/", {"login": "solo@example.com", "password": NEW_PASSWORD}
    )
    assert login["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in Client().session


def test_confirming_a_work_address_joins_the_organization_that_allows_it(
    ecosystem, django_capture_on_commit_callbacks
):
    ecosystem.partner_a.allows_domain_join = True
    ecosystem.partner_a.save()
    client = Client()
    _sign_up(client, "Newbie@Alpha.example")
    link = _link(mail.outbox[0])

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(link)

    user = User.objects.get(email="newbie@alpha.example")
    assert confirmed.status_code == 302
    assert (user.organization, user.role) == (ecosystem.partner_a, Role.PARTNER_REP)
    assert EmailAddress.objects.get(user=user).verified is True
    assert list(ActivityEvent.objects.values_list("verb", flat=True)) == [
        "user.joined_by_domain"
    ]
    assert client.get("/api/v1/users/me/").json()["organization"] == (
        ecosystem.partner_a.pk
    )


def test_confirming_an_address_of_a_closed_domain_joins_nothing(ecosystem):
    client = Client()
    _sign_up(client, "newbie@beta.example")

    client.post(_link(mail.outbox[0]))

    user = User.objects.get(email="newbie@beta.example")
    assert EmailAddress.objects.get(user=user).verified is True
    assert (user.organization, user.role) == (None, "")
    assert not ActivityEvent.objects.exists()


def test_password_reset_sends_a_link(ecosystem):
    EmailAddress.objects.create(
        user=ecosystem.partner_a_rep,
        email=ecosystem.partner_a_rep.email,
        verified=True,
        primary=True,
    )

    response = Client().post(
        "/accounts/password/reset/", {"email": "rex@alpha.example"}
    )

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


@override_settings(ACCOUNT_RATE_LIMITS={"login_failed": "3/5m/ip"}, CACHES=LOCMEM)
def test_failed_logins_are_throttled(ecosystem):
    cache.clear()
    EmailAddress.objects.create(
        user=ecosystem.partner_a_rep, email="rex@alpha.example", verified=True
    )
    client = Client()
    wrong = {"login": "rex@alpha.example", "password": "not-the-password"}

    answers = [client.post("/accounts/login/", wrong) for _ in range(4)]
    right = client.post(
        "/accounts/login/", {"login": "rex@alpha.example", "password": PASSWORD}
    )

    throttled = "Too many failed login attempts"
    assert [throttled in answer.content.decode() for answer in answers] == [
        False,
        False,
        False,
        True,
    ]
    assert throttled in right.content.decode()
    assert "_auth_user_id" not in client.session
    cache.clear()


def _current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@override_settings(CACHES=LOCMEM)
def test_a_user_with_totp_is_asked_for_a_code_after_the_password(db):
    cache.clear()
    user = UserFactory.create(email="careful@example.com", role="")
    EmailAddress.objects.create(
        user=user, email=user.email, verified=True, primary=True
    )
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    client = Client()

    after_password = client.post(
        "/accounts/login/", {"login": "careful@example.com", "password": PASSWORD}
    )
    wrong_code = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert "_auth_user_id" not in client.session
    after_code = client.post(
        "/accounts/2fa/authenticate/", {"code": _current_code(secret)}
    )

    assert after_password.status_code == 302
    assert after_password["Location"] == "/accounts/2fa/authenticate/"
    assert wrong_code.status_code == 200
    assert after_code.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    cache.clear()


@override_settings(CACHES=LOCMEM)
def test_a_user_activates_totp_in_the_portal_layout(db):
    cache.clear()
    user = UserFactory.create(email="careful@example.com", role="")
    EmailAddress.objects.create(
        user=user, email=user.email, verified=True, primary=True
    )
    client = Client()
    client.post(
        "/accounts/login/", {"login": "careful@example.com", "password": PASSWORD}
    )
    # Adding an authenticator asks for the password again, whatever the login age.
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})

    page = client.get("/accounts/2fa/totp/activate/")
    secret = client.session["mfa.totp.secret"]
    activated = client.post(
        "/accounts/2fa/totp/activate/", {"code": _current_code(secret)}
    )

    text = page.content.decode()
    assert page.status_code == 200
    assert 'class="site-header"' in text
    assert "Authenticator secret" in text
    assert activated.status_code == 302
    assert Authenticator.objects.filter(user=user, type="totp").exists()
    cache.clear()
