"""Core background tasks: event consumers and the worker heartbeat."""

import structlog
from django.utils import timezone
from django_tasks import task

from cairn.core.consumers import consumer_by_path
from cairn.core.context import Origin, reset_origin, set_origin
from cairn.core.models import ActivityEvent, WorkerHeartbeat

logger = structlog.get_logger(__name__)


@task()
def run_event_consumer_task(consumer_path: str, event_id: int) -> None:
    """Run one registered consumer on one activity event."""
    consumer = consumer_by_path(consumer_path)
    if consumer is None:
        logger.warning("consumer_not_registered", consumer=consumer_path)
        return
    event = ActivityEvent.objects.filter(pk=event_id).first()
    if event is None:
        return
    token = set_origin(Origin(channel=f"task:{consumer_path.rsplit('.', 1)[-1]}"))
    try:
        consumer.load()(event)
    finally:
        reset_origin(token)


@task()
def record_worker_heartbeat_task(worker_name: str = "default") -> str:
    """Record that a worker is alive and taking tasks from the queue."""
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        name=worker_name, defaults={"last_seen_at": now}
    )
    return now.isoformat()
