"""Who may read the activity stream and the audit log."""

from typing import Any

from cairn.core import roles


def can_view_activity(actor: Any) -> bool:
    """Let every signed-in persona read the activity they may see."""
    return roles.role_of(actor) is not None and (
        roles.is_vendor_staff(actor) or roles.is_partner_user(actor)
    )


def can_view_audit_log(actor: Any) -> bool:
    """Let vendor admins read the whole audit log and partner admins their own."""
    return roles.is_vendor_admin(actor) or roles.is_partner_admin(actor)
