"""The personas of DESIGN.md, and the questions every policy asks about an actor.

Roles are data of the user (`User.role`); this module is the one place that turns a
role into a persona, so that policies never compare strings.
"""

from typing import Any, Protocol

from django.db import models


class Role(models.TextChoices):
    VENDOR_ADMIN = "vendor_admin", "Vendor admin"
    CHANNEL_MANAGER = "channel_manager", "Channel manager"
    PARTNER_ADMIN = "partner_admin", "Partner admin"
    PARTNER_REP = "partner_rep", "Partner rep"


VENDOR_ROLES = frozenset({Role.VENDOR_ADMIN, Role.CHANNEL_MANAGER})
PARTNER_ROLES = frozenset({Role.PARTNER_ADMIN, Role.PARTNER_REP})


class Actor(Protocol):
    """Whoever acts: a signed-in user or Django's AnonymousUser."""

    pk: Any
    is_authenticated: bool
    is_active: bool


def role_of(actor: Any) -> str | None:
    """Return the actor's role, or None for anonymous and inactive users."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return None
    return getattr(actor, "role", None) or None


def is_vendor_admin(actor: Any) -> bool:
    """Say whether the actor administers the whole deployment."""
    return role_of(actor) == Role.VENDOR_ADMIN


def is_channel_manager(actor: Any) -> bool:
    """Say whether the actor manages partners of some programs."""
    return role_of(actor) == Role.CHANNEL_MANAGER


def is_vendor_staff(actor: Any) -> bool:
    """Say whether the actor works for the vendor."""
    return role_of(actor) in VENDOR_ROLES


def is_partner_user(actor: Any) -> bool:
    """Say whether the actor belongs to a partner organization."""
    return role_of(actor) in PARTNER_ROLES and organization_id_of(actor) is not None


def is_partner_admin(actor: Any) -> bool:
    """Say whether the actor administers their partner organization."""
    return (
        role_of(actor) == Role.PARTNER_ADMIN and organization_id_of(actor) is not None
    )


def organization_id_of(actor: Any) -> int | None:
    """Return the id of the actor's partner organization, if any."""
    if actor is None or not actor.is_authenticated:
        return None
    return getattr(actor, "organization_id", None)
