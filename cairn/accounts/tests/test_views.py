import datetime
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.utils import timezone

from cairn.accounts.models import ApiToken, Invitation, User, hash_secret
from cairn.accounts.tests.factories import (
    PASSWORD,
    UserFactory,
    api_token_with_secret,
    invitation_with_key,
)
from cairn.core.models import ActivityEvent
from cairn.core.roles import Role

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def _text(response) -> str:
    return response.content.decode()


# profile -------------------------------------------------------------------------


def test_profile_edits_name_and_title(clients, ecosystem):
    response = clients["partner_a_rep"].post(
        "/account-settings/profile/",
        {"full_name": "Rex Rowan", "job_title": "Field sales"},
    )

    assert response.status_code == 302
    ecosystem.partner_a_rep.refresh_from_db()
    assert (ecosystem.partner_a_rep.full_name, ecosystem.partner_a_rep.job_title) == (
        "Rex Rowan",
        "Field sales",
    )


def test_profile_rerenders_with_field_errors(clients, ecosystem):
    response = clients["partner_a_rep"].post(
        "/account-settings/profile/", {"full_name": "Rex", "job_title": "x" * 200}
    )

    assert response.status_code == 200
    assert "field-error" in _text(response)
    ecosystem.partner_a_rep.refresh_from_db()
    assert ecosystem.partner_a_rep.job_title == ""


# API tokens ----------------------------------------------------------------------


def test_token_page_shows_the_new_secret_once(clients):
    client = clients["partner_a_rep"]

    created = client.post(
        "/account-settings/api-tokens/",
        {"name": "Reporting", "scope": "write", "expires_in_days": "30"},
    )
    again = client.get("/account-settings/api-tokens/")

    token = ApiToken.objects.get()
    match = re.search(r'value="(cairn_[^"]+)"', _text(created))
    assert match is not None
    secret = match.group(1)
    assert created.status_code == 200
    assert "no-store" in created["Cache-Control"]
    assert token.key_hash == hash_secret(secret)
    assert token.scopes == ["write"]
    assert secret not in _text(again)
    assert token.prefix in _text(again)


def test_token_form_errors_rerender(clients):
    response = clients["partner_a_rep"].post(
        "/account-settings/api-tokens/", {"name": "", "scope": "root"}
    )

    assert response.status_code == 200
    assert _text(response).count("field-error") == 2
    assert not ApiToken.objects.exists()


def test_revoke_token_from_the_page(clients, ecosystem):
    token, _ = api_token_with_secret(ecosystem.partner_a_rep)

    response = clients["partner_a_rep"].post(
        f"/account-settings/api-tokens/{token.pk}/revoke/"
    )

    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_revoking_someone_elses_token_is_not_found(clients, ecosystem):
    token, _ = api_token_with_secret(ecosystem.partner_a_rep)

    response = clients["partner_a_admin"].post(
        f"/account-settings/api-tokens/{token.pk}/revoke/"
    )

    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


# team ----------------------------------------------------------------------------


def test_team_lists_the_organization_with_controls_for_admins(clients):
    admin_page = _text(clients["partner_a_admin"].get("/team/"))
    rep_page = _text(clients["partner_a_rep"].get("/team/"))

    for page in (admin_page, rep_page):
        assert "rex@alpha.example" in page
        assert "bo@beta.example" not in page
    assert "Send invitation" in admin_page
    assert "Change role" in admin_page
    assert "Send invitation" not in rep_page
    assert "Change role" not in rep_page


def test_team_sends_vendor_staff_home(clients):
    response = clients["channel_manager"].get("/team/")

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_team_htmx_request_gets_the_people_region_only(clients):
    response = clients["partner_a_rep"].get("/team/", headers=HTMX)

    assert response.status_code == 200
    assert _text(response).lstrip().startswith('<div id="members">')
    assert "<html" not in _text(response)


def test_team_page_makes_a_bounded_number_of_queries(
    clients, ecosystem, django_assert_max_num_queries
):
    for index in range(60):
        UserFactory.create(
            email=f"many{index}@alpha.example", organization=ecosystem.partner_a
        )
    for _ in range(5):
        invitation_with_key(organization=ecosystem.partner_a)

    with django_assert_max_num_queries(12):
        first = clients["partner_a_admin"].get("/team/")
    second = clients["partner_a_admin"].get("/team/?page=2", headers=HTMX)

    assert _text(first).count('<tr id="member-') == 50
    assert _text(second).count('<tr id="member-') == 13


def test_member_actions_by_htmx_come_back_to_the_people_region(clients, ecosystem):
    response = clients["partner_a_admin"].post(
        f"/team/members/{ecosystem.partner_a_rep.pk}/deactivate/",
        headers=HTMX,
        follow=True,
    )

    assert response.redirect_chain == [("/team/", 302)]
    assert _text(response).lstrip().startswith('<div id="members">')
    assert "can no longer sign in" in _text(response)


def test_team_admin_invites_a_colleague(
    clients, ecosystem, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = clients["partner_a_admin"].post(
            "/team/", {"email": "newbie@alpha.example", "role": "partner_admin"}
        )

    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.organization, invitation.role) == (
        ecosystem.partner_a,
        Role.PARTNER_ADMIN,
    )
    assert len(mail.outbox) == 1


def test_team_invite_errors_rerender_on_the_field(clients):
    response = clients["partner_a_admin"].post(
        "/team/", {"email": "bo@beta.example", "role": "partner_rep"}
    )

    assert response.status_code == 200
    assert "already belongs to another organization" in _text(response)
    assert not Invitation.objects.exists()


def test_a_rep_cannot_invite_from_the_team_page(clients):
    response = clients["partner_a_rep"].post(
        "/team/", {"email": "newbie@alpha.example", "role": "partner_rep"}
    )

    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_admin_changes_a_role_and_deactivates_from_the_team_page(clients, ecosystem):
    client = clients["partner_a_admin"]
    rep = ecosystem.partner_a_rep

    role = client.post(f"/team/members/{rep.pk}/role/", {"role": "partner_admin"})
    deactivate = client.post(f"/team/members/{rep.pk}/deactivate/")

    rep.refresh_from_db()
    assert (role.status_code, role["Location"]) == (302, "/team/")
    assert deactivate.status_code == 302
    assert (rep.role, rep.is_active) == (Role.PARTNER_ADMIN, False)

    client.post(f"/team/members/{rep.pk}/reactivate/")
    rep.refresh_from_db()
    assert rep.is_active is True


def test_a_deactivated_colleague_is_signed_out(clients, ecosystem):
    clients["partner_a_admin"].post(
        f"/team/members/{ecosystem.partner_a_rep.pk}/deactivate/"
    )

    response = clients["partner_a_rep"].get("/team/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_last_admin_error_is_shown_on_the_next_page(clients, ecosystem):
    client = clients["vendor_admin"]
    next_url = "/team/staff/"

    response = client.post(
        f"/team/members/{ecosystem.partner_a_admin.pk}/role/",
        {"role": "partner_rep", "next": next_url},
        follow=True,
    )

    assert "Keep at least one active administrator" in _text(response)
    ecosystem.partner_a_admin.refresh_from_db()
    assert ecosystem.partner_a_admin.role == Role.PARTNER_ADMIN


def test_member_actions_on_another_partner_are_not_found(clients, ecosystem):
    response = clients["partner_b_rep"].post(
        f"/team/members/{ecosystem.partner_a_rep.pk}/deactivate/"
    )

    assert response.status_code == 404
    ecosystem.partner_a_rep.refresh_from_db()
    assert ecosystem.partner_a_rep.is_active is True


def test_a_rep_cannot_change_a_colleagues_role(clients, ecosystem):
    response = clients["partner_a_rep"].post(
        f"/team/members/{ecosystem.partner_a_second_rep.pk}/role/",
        {"role": "partner_admin"},
    )

    assert response.status_code == 403
    ecosystem.partner_a_second_rep.refresh_from_db()
    assert ecosystem.partner_a_second_rep.role == Role.PARTNER_REP


def test_an_unsafe_next_is_ignored(clients, ecosystem):
    response = clients["partner_a_admin"].post(
        f"/team/members/{ecosystem.partner_a_rep.pk}/role/",
        {"role": "partner_rep", "next": "https://evil.example/"},
    )

    assert response["Location"] == "/team/"


def test_resend_and_revoke_from_the_team_page(clients, ecosystem):
    invitation, raw_key = invitation_with_key(organization=ecosystem.partner_a)
    client = clients["partner_a_admin"]

    client.post(f"/team/invitations/{invitation.pk}/resend/")
    invitation.refresh_from_db()
    assert invitation.key_hash != hash_secret(raw_key)
    assert f"<td>{invitation.email}</td>" in _text(client.get("/team/"))

    client.post(f"/team/invitations/{invitation.pk}/revoke/")
    invitation.refresh_from_db()
    assert invitation.status == "revoked"
    assert f"<td>{invitation.email}</td>" not in _text(client.get("/team/"))


# vendor pages ------------------------------------------------------------------


def test_staff_list_invites_vendor_staff(clients):
    page = clients["vendor_admin"].get("/team/staff/")
    response = clients["vendor_admin"].post(
        "/team/staff/", {"email": "cm2@vendor.example", "role": "channel_manager"}
    )

    assert "cm@vendor.example" in _text(page)
    assert "rex@alpha.example" not in _text(page)
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.organization, invitation.role) == (None, Role.CHANNEL_MANAGER)


def test_channel_manager_invites_a_partners_first_admin(clients, ecosystem):
    partner = ecosystem.partner_b
    url = f"/team/organizations/{partner.pk}/invite/"

    page = clients["channel_manager"].get(url)
    response = clients["channel_manager"].post(
        url, {"email": "boss@beta.example", "role": "partner_admin", "next": "/"}
    )

    assert 'value="partner_admin" selected' in _text(page)
    assert (response.status_code, response["Location"]) == (302, "/")
    assert Invitation.objects.get().organization == partner


def test_channel_manager_cannot_invite_into_an_unmanaged_partner(clients, ecosystem):
    response = clients["channel_manager"].post(
        f"/team/organizations/{ecosystem.partner_c.pk}/invite/",
        {"email": "boss@gamma.example", "role": "partner_admin"},
    )

    assert response.status_code == 404
    assert not Invitation.objects.exists()


# accepting an invitation ---------------------------------------------------------


def test_a_newcomer_signs_up_from_the_invitation_and_is_signed_in(ecosystem):
    _invitation, raw_key = invitation_with_key(
        email="newbie@alpha.example", organization=ecosystem.partner_a
    )
    client = Client()
    url = f"/invitations/{raw_key}/"

    page = client.get(url)
    response = client.post(
        url,
        {
            "full_name": "New Bie",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
        },
    )

    assert "Alpha Systems" in _text(page)
    assert "Partner rep" in _text(page).replace("partner rep", "Partner rep")
    assert response.status_code == 302
    user = User.objects.get(email="newbie@alpha.example")
    assert (user.organization, user.role) == (ecosystem.partner_a, Role.PARTNER_REP)
    assert EmailAddress.objects.get(user=user).verified is True
    assert client.get("/api/v1/users/me/").json()["email"] == "newbie@alpha.example"


def test_sign_up_form_errors(ecosystem):
    _, raw_key = invitation_with_key(
        email="newbie@alpha.example", organization=ecosystem.partner_a
    )

    response = Client().post(
        f"/invitations/{raw_key}/",
        {"full_name": "", "password1": "newbie-alpha", "password2": "different"},
    )

    assert response.status_code == 200
    assert "The two passwords differ." in _text(response)
    assert not User.objects.filter(email="newbie@alpha.example").exists()


def test_an_existing_account_is_asked_to_sign_in(ecosystem):
    UserFactory.create(email="known@example.com", role="")
    _, raw_key = invitation_with_key(
        email="known@example.com", organization=ecosystem.partner_a
    )

    response = Client().get(f"/invitations/{raw_key}/")

    assert response.status_code == 200
    assert f"/accounts/login/?next=%2Finvitations%2F{raw_key}%2F" in _text(response)


def test_the_invited_user_signs_in_and_accepts_once(ecosystem):
    user = UserFactory.create(email="known@example.com", role="")
    _invitation, raw_key = invitation_with_key(
        email="known@example.com",
        organization=ecosystem.partner_a,
        role=Role.PARTNER_ADMIN,
    )
    client = Client()
    client.force_login(user)
    url = f"/invitations/{raw_key}/"

    page = client.get(url)
    first = client.post(url)
    second = client.post(url)
    after = client.get(url)

    assert "Accept the invitation" in _text(page)
    assert (first.status_code, second.status_code) == (302, 302)
    user.refresh_from_db()
    assert (user.organization, user.role) == (ecosystem.partner_a, Role.PARTNER_ADMIN)
    assert list(ActivityEvent.objects.values_list("verb", flat=True)) == [
        "invitation.accepted"
    ]
    assert after.status_code == 410
    assert "You accepted it already" in _text(after)


def test_the_wrong_signed_in_user_gets_a_clear_message(clients, ecosystem):
    _, raw_key = invitation_with_key(
        email="someone@alpha.example", organization=ecosystem.partner_a
    )
    url = f"/invitations/{raw_key}/"

    page = clients["partner_b_rep"].get(url)
    post = clients["partner_b_rep"].post(url)

    assert page.status_code == 403
    assert "someone@alpha.example" in _text(page)
    assert "bo@beta.example" in _text(page)
    assert post.status_code == 403
    ecosystem.partner_b_rep.refresh_from_db()
    assert ecosystem.partner_b_rep.organization == ecosystem.partner_b


def test_accepting_while_in_another_organization_shows_the_error(clients, ecosystem):
    _, raw_key = invitation_with_key(
        email="bo@beta.example", organization=ecosystem.partner_a
    )

    response = clients["partner_b_rep"].post(f"/invitations/{raw_key}/")

    assert response.status_code == 200
    assert "You already belong to another organization." in _text(response)


@pytest.mark.parametrize(
    ("fields", "headline"),
    [
        ({"expires_at": timezone.now() - datetime.timedelta(minutes=1)}, "expired"),
        ({"revoked_at": timezone.now()}, "withdrawn"),
        ({"accepted_at": timezone.now()}, "already been used"),
    ],
    ids=["expired", "revoked", "used"],
)
def test_closed_invitations_answer_gone(ecosystem, fields, headline):
    _, raw_key = invitation_with_key(organization=ecosystem.partner_a, **fields)

    get = Client().get(f"/invitations/{raw_key}/")
    post = Client().post(
        f"/invitations/{raw_key}/",
        {"full_name": "X", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert (get.status_code, post.status_code) == (410, 410)
    assert headline in _text(get)
    assert User.objects.count() == 7


def test_an_unknown_invitation_is_not_found(db):
    assert Client().get("/invitations/not-a-real-key/").status_code == 404
