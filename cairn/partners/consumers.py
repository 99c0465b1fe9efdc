"""Consumers of activity events owned by the partners app."""

from cairn.core.models import ActivityEvent
from cairn.partners import services


def mark_organization_active(event: ActivityEvent) -> None:
    """Keep the organization's last activity time current."""
    if event.organization_id is not None and event.actor_id is not None:
        services.touch_organization_activity(
            event.organization_id, at=event.occurred_at
        )
