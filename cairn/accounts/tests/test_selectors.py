import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from cairn.accounts import selectors
from cairn.accounts.tests.factories import (
    UserFactory,
    api_token_with_secret,
    invitation_with_key,
)
from cairn.core.access import NotFound
from cairn.core.roles import Role

pytestmark = pytest.mark.django_db


def _emails(users) -> set[str]:
    return {user.email for user in users}


PARTNER_A = {"ada@alpha.example", "rex@alpha.example", "sam@alpha.example"}
VENDOR = {"admin@vendor.example", "cm@vendor.example"}


def test_partner_users_see_their_own_organization_only(ecosystem):
    assert _emails(selectors.list_users_for(ecosystem.partner_a_rep)) == PARTNER_A
    assert _emails(selectors.list_users_for(ecosystem.partner_b_rep)) == {
        "bo@beta.example"
    }


def test_channel_manager_sees_staff_and_the_partners_they_manage(ecosystem):
    assert _emails(selectors.list_users_for(ecosystem.channel_manager)) == (
        PARTNER_A | VENDOR | {"bo@beta.example"}
    )


def test_vendor_admin_sees_everyone(ecosystem):
    assert len(selectors.list_users_for(ecosystem.vendor_admin)) == 7


def test_anonymous_sees_nobody(ecosystem):
    assert list(selectors.list_users_for(AnonymousUser())) == []


def test_list_users_filters(ecosystem):
    admin = ecosystem.vendor_admin
    UserFactory.create(
        email="gone@alpha.example",
        organization=ecosystem.partner_a,
        is_active=False,
        full_name="Gone Person",
    )

    assert _emails(selectors.list_users_for(admin, vendor_staff=True)) == VENDOR
    assert _emails(
        selectors.list_users_for(
            admin, organization_id=ecosystem.partner_a.pk, role=Role.PARTNER_REP
        )
    ) == {"rex@alpha.example", "sam@alpha.example", "gone@alpha.example"}
    assert _emails(selectors.list_users_for(admin, is_active=False)) == {
        "gone@alpha.example"
    }
    assert _emails(selectors.list_users_for(admin, search="nobody-like-this")) == set()
    assert _emails(selectors.list_users_for(admin, search="Gone")) == {
        "gone@alpha.example"
    }


def test_access_user_hides_other_partners_and_refuses_forbidden_actions(ecosystem):
    assert selectors.access_user(ecosystem.partner_a_rep, ecosystem.partner_a_admin.pk)
    with pytest.raises(NotFound):
        selectors.access_user(ecosystem.partner_b_rep, ecosystem.partner_a_rep.pk)
    with pytest.raises(NotFound):
        selectors.access_user(ecosystem.partner_a_rep, 999_999)
    with pytest.raises(PermissionDenied):
        selectors.access_user(
            ecosystem.partner_a_rep,
            ecosystem.partner_a_second_rep.pk,
            action="change_role",
        )


def test_invitations_are_seen_by_those_who_manage_them(ecosystem):
    a, _ = invitation_with_key(organization=ecosystem.partner_a)
    c, _ = invitation_with_key(organization=ecosystem.partner_c)
    staff, _ = invitation_with_key(organization=None, role=Role.CHANNEL_MANAGER)

    assert set(selectors.list_invitations_for(ecosystem.vendor_admin)) == {a, c, staff}
    assert set(selectors.list_invitations_for(ecosystem.channel_manager)) == {a}
    assert set(selectors.list_invitations_for(ecosystem.partner_a_admin)) == {a}
    assert set(selectors.list_invitations_for(ecosystem.partner_a_rep)) == set()
    assert set(
        selectors.list_invitations_for(ecosystem.vendor_admin, vendor_staff=True)
    ) == {staff}


def test_pending_and_outstanding_invitations(ecosystem):
    now = timezone.now()
    pending, _ = invitation_with_key(organization=ecosystem.partner_a)
    expired, _ = invitation_with_key(
        organization=ecosystem.partner_a, expires_at=now - datetime.timedelta(days=1)
    )
    invitation_with_key(organization=ecosystem.partner_a, revoked_at=now)
    invitation_with_key(organization=ecosystem.partner_a, accepted_at=now)
    admin = ecosystem.partner_a_admin

    assert set(selectors.list_invitations_for(admin, pending_only=True)) == {pending}
    assert set(selectors.list_invitations_for(admin, outstanding_only=True)) == {
        pending,
        expired,
    }


def test_find_invitation_by_key(ecosystem):
    invitation, raw_key = invitation_with_key(organization=ecosystem.partner_a)

    assert selectors.find_invitation_by_key(raw_key) == invitation
    for wrong in ("", "nope", "x" * 500):
        with pytest.raises(NotFound):
            selectors.find_invitation_by_key(wrong)


def test_api_tokens_are_personal(ecosystem):
    mine, _ = api_token_with_secret(ecosystem.partner_a_rep)
    api_token_with_secret(ecosystem.partner_a_admin)

    assert list(selectors.list_api_tokens_for(ecosystem.partner_a_rep)) == [mine]
    assert selectors.access_api_token(ecosystem.partner_a_rep, mine.pk) == mine
    with pytest.raises(NotFound):
        selectors.access_api_token(ecosystem.partner_a_admin, mine.pk)


def test_email_has_account(ecosystem):
    assert selectors.email_has_account(" REX@alpha.example") is True
    assert selectors.email_has_account("nobody@alpha.example") is False


def test_has_active_admin(ecosystem):
    assert selectors.has_active_admin(ecosystem.partner_a.pk) is True
    assert selectors.has_active_admin(ecosystem.partner_b.pk) is False
