"""Activity events: emit once, consume many.

A service calls `record_event` inside its transaction. The event row commits with the
action (so an event exists exactly when its action happened), and the consumers of
`config/consumers.py` are enqueued as tasks only after the commit.
"""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from cairn.core.models import ActivityEvent


def record_event(
    verb: str,
    *,
    actor: Any,
    organization_id: int | None = None,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> ActivityEvent:
    """Record that `actor` did `verb`, and notify consumers after the commit."""
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    event = ActivityEvent.objects.create(
        actor=actor if authenticated else None,
        organization_id=organization_id,
        verb=verb,
        target_type=ContentType.objects.get_for_model(target) if target else None,
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:200] if target is not None else "",
        data=data or {},
    )
    transaction.on_commit(lambda: _dispatch(event))
    return event


def _dispatch(event: ActivityEvent) -> None:
    # Imported here: the consumer registry reads settings and task modules that import
    # this module.
    from cairn.core.consumers import consumers_for
    from cairn.core.tasks import run_event_consumer_task

    for consumer in consumers_for(event.verb):
        run_event_consumer_task.enqueue(consumer.path, event.pk)
