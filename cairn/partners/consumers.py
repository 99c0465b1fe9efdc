"""Consumers of activity events owned by the partners app."""

from cairn.core.models import ActivityEvent
from cairn.partners import services


def mark_organization_active(event: ActivityEvent) -> None:
    """Keep the organization's last activity time current.

    Only the organization's own people make it active: a vendor admin editing a
    dormant partner's profile does not wake it up.
    """
    if event.organization_id is None or event.actor is None:
        return
    if getattr(event.actor, "organization_id", None) != event.organization_id:
        return
    services.touch_organization_activity(event.organization_id, at=event.occurred_at)
