import pytest
from django.contrib.auth.models import AnonymousUser

from cairn.accounts import policies
from cairn.accounts.tests.factories import api_token_with_secret, invitation_with_key
from cairn.core.roles import Role

pytestmark = pytest.mark.django_db

PERSONAS = (
    "vendor_admin",
    "channel_manager",
    "partner_a_admin",
    "partner_a_rep",
    "partner_a_second_rep",
    "partner_b_rep",
)


def _allowed(ecosystem, check) -> set[str]:
    return {persona for persona in PERSONAS if check(getattr(ecosystem, persona))}


def test_who_manages_partner_as_team(ecosystem):
    assert _allowed(
        ecosystem, lambda actor: policies.can_manage_team(actor, ecosystem.partner_a.pk)
    ) == {"vendor_admin", "channel_manager", "partner_a_admin"}


def test_who_manages_partner_cs_team(ecosystem):
    assert _allowed(
        ecosystem, lambda actor: policies.can_manage_team(actor, ecosystem.partner_c.pk)
    ) == {"vendor_admin"}


def test_only_vendor_admins_manage_vendor_staff(ecosystem):
    assert _allowed(ecosystem, lambda actor: policies.can_manage_team(actor, None)) == {
        "vendor_admin"
    }
    assert _allowed(ecosystem, policies.can_view_staff) == {"vendor_admin"}


def test_partner_users_view_their_team(ecosystem):
    assert _allowed(ecosystem, policies.can_view_team) == {
        "partner_a_admin",
        "partner_a_rep",
        "partner_a_second_rep",
        "partner_b_rep",
    }
    assert policies.can_view_team(AnonymousUser()) is False


def test_who_may_invite_into_partner_a(ecosystem):
    assert _allowed(
        ecosystem, lambda actor: policies.can_invite_user(actor, ecosystem.partner_a)
    ) == {"vendor_admin", "channel_manager", "partner_a_admin"}
    assert policies.can_invite_user(AnonymousUser(), ecosystem.partner_a) is False


def test_who_may_revoke_an_invitation_of_partner_a(ecosystem):
    invitation, _ = invitation_with_key(organization=ecosystem.partner_a)

    assert _allowed(
        ecosystem, lambda actor: policies.can_manage_invitation(actor, invitation)
    ) == {"vendor_admin", "channel_manager", "partner_a_admin"}


def test_who_may_change_a_reps_role(ecosystem):
    assert _allowed(
        ecosystem,
        lambda actor: policies.can_change_user_role(actor, ecosystem.partner_a_rep),
    ) == {"vendor_admin", "channel_manager", "partner_a_admin"}


def test_nobody_changes_their_own_role_or_deactivates_themselves(ecosystem):
    for persona in PERSONAS:
        actor = getattr(ecosystem, persona)
        assert policies.can_change_user_role(actor, actor) is False
        assert policies.can_deactivate_user(actor, actor) is False


def test_only_vendor_admins_change_vendor_staff(ecosystem):
    assert _allowed(
        ecosystem,
        lambda actor: policies.can_change_user_role(actor, ecosystem.channel_manager),
    ) == {"vendor_admin"}


def test_an_inactive_admin_has_no_power(ecosystem):
    ecosystem.partner_a_admin.is_active = False

    assert (
        policies.can_change_user_role(
            ecosystem.partner_a_admin, ecosystem.partner_a_rep
        )
        is False
    )
    assert policies.can_invite_user(ecosystem.partner_a_admin, ecosystem.partner_a) is (
        False
    )


def test_profile_and_tokens_are_personal(ecosystem):
    token, _ = api_token_with_secret(ecosystem.partner_a_rep)

    assert _allowed(
        ecosystem,
        lambda actor: policies.can_edit_profile(actor, ecosystem.partner_a_rep),
    ) == {"partner_a_rep"}
    assert _allowed(
        ecosystem,
        lambda actor: policies.can_create_api_token(actor, ecosystem.partner_a_rep),
    ) == {"partner_a_rep"}
    assert _allowed(
        ecosystem, lambda actor: policies.can_revoke_api_token(actor, token)
    ) == {"partner_a_rep", "vendor_admin"}


def test_only_the_invited_address_accepts(ecosystem):
    invitation, _ = invitation_with_key(
        email="REX@alpha.example", organization=ecosystem.partner_a
    )

    assert _allowed(
        ecosystem, lambda actor: policies.can_accept_invitation(actor, invitation)
    ) == {"partner_a_rep"}
    assert policies.can_accept_invitation(AnonymousUser(), invitation) is False


def test_roles_that_fit_an_organization():
    assert policies.roles_for_organization(1) == [Role.PARTNER_ADMIN, Role.PARTNER_REP]
    assert policies.roles_for_organization(None) == [
        Role.VENDOR_ADMIN,
        Role.CHANNEL_MANAGER,
    ]
