"""Scoped reads of activity events and audit entries."""

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from cairn.core import roles
from cairn.core.models import ActivityEvent, AuditEntry


def organization_model() -> Any:
    """Return the partner organization model without importing the partners app.

    Core knows it only as the target of the user's `organization` field.
    """
    return get_user_model()._meta.get_field("organization").related_model


def _scope_to_organizations(queryset: QuerySet[Any], actor: Any) -> QuerySet[Any]:
    role = roles.role_of(actor)
    if role == roles.Role.VENDOR_ADMIN:
        return queryset
    if role == roles.Role.CHANNEL_MANAGER:
        visible = organization_model().objects.visible_to(actor).values("pk")
        return queryset.filter(organization_id__in=visible)
    organization_id = roles.organization_id_of(actor)
    if role in roles.PARTNER_ROLES and organization_id:
        return queryset.filter(organization_id=organization_id)
    return queryset.none()


def list_activity_events_for(
    actor: Any,
    *,
    organization_id: int | None = None,
    verb: str = "",
) -> QuerySet[ActivityEvent]:
    """Return the activity events the actor may see, newest first."""
    events = _scope_to_organizations(
        ActivityEvent.objects.select_related("actor"), actor
    )
    if organization_id is not None:
        events = events.filter(organization_id=organization_id)
    if verb:
        events = events.filter(verb__startswith=verb)
    return events.order_by("-occurred_at", "-id")


def list_audit_entries_for(
    actor: Any,
    *,
    action: str = "",
    organization_id: int | None = None,
    search: str = "",
) -> QuerySet[AuditEntry]:
    """Return the audit entries the actor may read: all for vendor admins, their
    organization's for partner admins, none for anyone else.
    """
    if roles.is_vendor_admin(actor):
        entries = AuditEntry.objects.all()
    elif roles.is_partner_admin(actor):
        entries = AuditEntry.objects.filter(
            organization_id=roles.organization_id_of(actor)
        )
    else:
        return AuditEntry.objects.none()
    if action:
        entries = entries.filter(action=action)
    if organization_id is not None:
        entries = entries.filter(organization_id=organization_id)
    if search:
        entries = entries.filter(
            Q(target_repr__icontains=search) | Q(actor_repr__icontains=search)
        )
    return entries.select_related("target_type").order_by("-occurred_at", "-id")
