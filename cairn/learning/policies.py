"""Who may author courses, take them, see a team's learning, see the vendor's
reports and revoke certifications.
"""

from typing import Any

from cairn.core.roles import (
    is_partner_admin,
    is_partner_user,
    is_vendor_admin,
    is_vendor_staff,
)


def can_author_courses(actor: Any) -> bool:
    """Say whether `actor` may write courses, paths and enrollment rules."""
    return bool(actor.is_authenticated and is_vendor_admin(actor))


def can_take_courses(actor: Any) -> bool:
    """Say whether `actor` learns in the portal (partner people do)."""
    return bool(actor.is_authenticated and is_partner_user(actor))


def can_view_team_learning(actor: Any) -> bool:
    """Say whether `actor` sees their organization's learning (partner admins)."""
    return bool(actor.is_authenticated and is_partner_admin(actor))


def can_view_certification_reports(actor: Any) -> bool:
    """Say whether `actor` sees the vendor's learning and certification reports
    (vendor staff; channel managers see their programs' partners only).
    """
    return bool(actor.is_authenticated and is_vendor_staff(actor))


def can_revoke_certifications(actor: Any) -> bool:
    """Say whether `actor` may revoke a person's certification (vendor admins)."""
    return bool(actor.is_authenticated and is_vendor_admin(actor))
