"""Who may do what with programs, partner organizations and their memberships."""

from typing import Any

from cairn.core import roles


def can_view_console(actor: Any) -> bool:
    """Let the vendor's staff use the vendor console."""
    return roles.is_vendor_staff(actor)


def can_use_partner_portal(actor: Any) -> bool:
    """Let the users of a partner organization use the partner portal."""
    return roles.is_partner_user(actor)


def can_create_organization(actor: Any) -> bool:
    """Let vendor admins add partner organizations."""
    return roles.is_vendor_admin(actor)


def manages_organization(actor: Any, organization: Any) -> bool:
    """Say whether a channel manager manages this organization."""
    if not roles.is_channel_manager(actor) or organization.pk is None:
        return False
    from cairn.partners.models import PartnerOrganization

    return bool(
        PartnerOrganization.objects.visible_to(actor)
        .filter(pk=organization.pk)
        .exists()
    )


def can_update_organization(actor: Any, organization: Any) -> bool:
    """Let vendor admins, the organization's channel managers and its partner admins
    edit its profile.
    """
    if roles.is_vendor_admin(actor):
        return True
    if roles.is_partner_admin(actor):
        return bool(roles.organization_id_of(actor) == organization.pk)
    return manages_organization(actor, organization)


def can_change_email_domains(actor: Any, organization: Any) -> bool:
    """Let vendor admins and the organization's channel managers set its email domains.

    Domains decide who may join the organization by email, and nothing proves that a
    partner owns the domains it would claim.
    """
    return roles.is_vendor_admin(actor) or manages_organization(actor, organization)


def can_manage_programs(actor: Any) -> bool:
    """Let vendor admins create and change programs and their tiers."""
    return roles.is_vendor_admin(actor)


def can_update_program(actor: Any, program: Any) -> bool:
    """Let vendor admins change a program and its tiers."""
    return can_manage_programs(actor)


def can_update_tier(actor: Any, tier: Any) -> bool:
    """Let vendor admins change a tier."""
    return can_manage_programs(actor)


def _manages_program(actor: Any, program: Any) -> bool:
    if not roles.is_channel_manager(actor) or program is None or program.pk is None:
        return False
    return bool(program.managers.filter(pk=actor.pk).exists())


def can_add_membership(actor: Any, organization: Any, program: Any = None) -> bool:
    """Let vendor admins add any organization to any program, and channel managers add
    an organization they manage to a program they manage.

    Without a program, say whether the actor may add the organization to some program.
    """
    if roles.is_vendor_admin(actor):
        return True
    if not manages_organization(actor, organization):
        return False
    if program is None:
        return bool(actor.managed_programs.exists())
    return _manages_program(actor, program)


def can_change_membership(actor: Any, membership: Any) -> bool:
    """Let vendor admins, and the channel managers of the membership's program or the
    one assigned to it, change its status, tier and channel manager.
    """
    if roles.is_vendor_admin(actor):
        return True
    if not roles.is_channel_manager(actor):
        return False
    if membership.channel_manager_id == actor.pk:
        return True
    return _manages_program(actor, membership.program)


def can_be_channel_manager(user: Any) -> bool:
    """Say whether a user may be assigned as a channel manager or program manager."""
    return roles.is_channel_manager(user)


def can_invite_colleagues(actor: Any, organization: Any) -> bool:
    """Say whether the actor administers this organization's team (for next steps;
    the accounts app decides invitations themselves).
    """
    return (
        roles.is_partner_admin(actor)
        and roles.organization_id_of(actor) == organization.pk
    )
