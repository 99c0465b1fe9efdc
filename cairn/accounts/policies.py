"""Who may do what to users, invitations and API tokens: the only place roles are read.

Each policy is a function of the actor and the object. Channel managers act on the
partners they manage; which partners those are is the partners app's rule, asked
through its policies.
"""

from collections.abc import Callable
from typing import Any

from cairn.core import roles
from cairn.core.roles import PARTNER_ROLES, VENDOR_ROLES, Role


def _manages_organization(actor: Any, organization_id: int | None) -> bool:
    """Say whether a channel manager manages this partner organization."""
    if organization_id is None:
        return False
    from cairn.partners.models import PartnerOrganization
    from cairn.partners.policies import manages_organization

    return manages_organization(actor, PartnerOrganization(pk=organization_id))


def _administers_organization(actor: Any, organization_id: int | None) -> bool:
    """Say whether the actor may manage the people of this organization (or vendor)."""
    if roles.is_vendor_admin(actor):
        return True
    if organization_id is None:
        return False
    if roles.is_partner_admin(actor):
        return roles.organization_id_of(actor) == organization_id
    return _manages_organization(actor, organization_id)


def roles_for_organization(organization_id: int | None) -> list[str]:
    """Return the roles a person may hold in this organization (None: the vendor)."""
    allowed = PARTNER_ROLES if organization_id is not None else VENDOR_ROLES
    return [role.value for role in Role if role in allowed]


def can_view_team(actor: Any) -> bool:
    """Let partner users see their organization's team page."""
    return roles.is_partner_user(actor)


def can_manage_team(actor: Any, organization_id: int | None) -> bool:
    """Let partner admins manage their own team, vendor admins and the partner's
    channel managers any team they see, and only vendor admins the vendor's staff.
    """
    return _administers_organization(actor, organization_id)


def can_view_staff(actor: Any) -> bool:
    """Let vendor admins see and manage the vendor's staff."""
    return roles.is_vendor_admin(actor)


def can_invite_user(actor: Any, organization: Any) -> bool:
    """Say whether the actor may invite people into `organization` (None: staff)."""
    return _administers_organization(actor, getattr(organization, "pk", None))


def can_manage_invitation(actor: Any, invitation: Any) -> bool:
    """Say whether the actor may resend or revoke this invitation."""
    return _administers_organization(actor, invitation.organization_id)


def can_change_user_role(actor: Any, user: Any) -> bool:
    """Say whether the actor may change this person's role; never their own."""
    if actor is None or user.pk == actor.pk:
        return False
    if user.role in VENDOR_ROLES:
        return roles.is_vendor_admin(actor)
    if user.organization_id is None:
        return False
    return _administers_organization(actor, user.organization_id)


def can_deactivate_user(actor: Any, user: Any) -> bool:
    """Say whether the actor may deactivate or reactivate this person; not oneself."""
    return can_change_user_role(actor, user)


def can_edit_profile(actor: Any, user: Any) -> bool:
    """Let people edit their own profile only."""
    return (
        actor is not None
        and actor.is_authenticated
        and actor.is_active
        and actor.pk == user.pk
    )


def can_use_api_tokens(actor: Any) -> bool:
    """Let anyone with a role hold personal API tokens."""
    return roles.role_of(actor) is not None


def can_create_api_token(actor: Any, user: Any) -> bool:
    """Let people create tokens for themselves only."""
    return can_use_api_tokens(actor) and actor.pk == user.pk


def can_revoke_api_token(actor: Any, token: Any) -> bool:
    """Let the owner revoke their token, and a vendor admin anyone's."""
    if roles.is_vendor_admin(actor):
        return True
    return roles.role_of(actor) is not None and token.user_id == actor.pk


def can_accept_invitation(actor: Any, invitation: Any) -> bool:
    """Let only the invited person accept, signed in with the invited address."""
    return (
        actor is not None
        and actor.is_authenticated
        and actor.is_active
        and actor.email.strip().lower() == invitation.email.strip().lower()
    )


Policy = Callable[[Any, Any], bool]

USER_POLICIES: dict[str, Policy] = {
    "change_role": can_change_user_role,
    "deactivate": can_deactivate_user,
    "reactivate": can_deactivate_user,
}
INVITATION_POLICIES: dict[str, Policy] = {
    "resend": can_manage_invitation,
    "revoke": can_manage_invitation,
}
API_TOKEN_POLICIES: dict[str, Policy] = {"revoke": can_revoke_api_token}
