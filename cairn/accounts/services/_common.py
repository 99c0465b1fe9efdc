"""Helpers shared by the services of the accounts app."""

from django.core.exceptions import ValidationError
from django.db import models

from cairn.accounts.models import User
from cairn.core.roles import Role

USER_MEMBERSHIP_FIELDS = ("organization", "role", "is_active")


def max_length(model: type[models.Model], field_name: str) -> int:
    """Return the maximum length of a model's field, 0 when it has none."""
    field = model._meta.get_field(field_name)
    return int(getattr(field, "max_length", 0) or 0)


def ensure_active_admin_remains(user: User, *, losing_admin: bool) -> None:
    """Refuse a change that leaves the user's organization (or the vendor) without an
    active administrator.
    """
    if not losing_admin:
        return
    if user.organization_id is not None:
        admins = User.objects.filter(
            organization_id=user.organization_id, role=Role.PARTNER_ADMIN
        )
    else:
        admins = User.objects.filter(organization__isnull=True, role=Role.VENDOR_ADMIN)
    # Locking every admin row serializes concurrent demotions, so two admins cannot
    # demote each other at the same moment and leave nobody in charge.
    remaining = [
        admin.pk
        for admin in admins.select_for_update().order_by("pk")
        if admin.pk != user.pk and admin.is_active
    ]
    if not remaining:
        raise ValidationError(
            "Keep at least one active administrator: make someone else an "
            "administrator first.",
            code="last_admin",
        )


def is_active_admin(user: User) -> bool:
    """Tell whether the user is an active partner or vendor administrator."""
    return user.is_active and user.role in {Role.PARTNER_ADMIN, Role.VENDOR_ADMIN}
