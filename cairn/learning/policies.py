"""Who may author courses, take them, and see a team's learning."""

from typing import Any

from cairn.core.roles import is_partner_admin, is_partner_user, is_vendor_admin


def can_author_courses(actor: Any) -> bool:
    """Say whether `actor` may write courses, paths and enrollment rules."""
    return bool(actor.is_authenticated and is_vendor_admin(actor))


def can_take_courses(actor: Any) -> bool:
    """Say whether `actor` learns in the portal (partner people do)."""
    return bool(actor.is_authenticated and is_partner_user(actor))


def can_view_team_learning(actor: Any) -> bool:
    """Say whether `actor` sees their organization's learning (partner admins)."""
    return bool(actor.is_authenticated and is_partner_admin(actor))
