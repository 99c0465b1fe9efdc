"""Every periodic job, in one place. `manage.py run_scheduler` enqueues them.

Each entry names a task (a dotted path to a django-tasks Task) and a cron expression
in UTC. The scheduler only enqueues; workers run the tasks.
"""

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Schedule:
    """A task enqueued on a cron schedule."""

    task: str
    cron: str
    kwargs: dict[str, Any] = field(default_factory=dict)


SCHEDULES: list[Schedule] = [
    # Proves to readiness checks that a worker takes tasks from the queue.
    Schedule("cairn.core.tasks.record_worker_heartbeat_task", "* * * * *"),
    Schedule("cairn.accounts.tasks.expire_invitations_task", "17 * * * *"),
    # Deal registration: review deadlines, protection reminders and expiry.
    Schedule("cairn.deals.tasks.escalate_overdue_reviews_task", "*/15 * * * *"),
    Schedule("cairn.deals.tasks.remind_expiring_protection_task", "7 6 * * *"),
    Schedule("cairn.deals.tasks.expire_protection_task", "12 * * * *"),
    # Learning: enrollment rules for people whose tier or membership changed.
    Schedule("cairn.learning.tasks.apply_enrollment_rules_task", "40 2 * * *"),
    # Certifications: reminders 60/30/7 days before expiry, then the lapse.
    Schedule("cairn.learning.tasks.remind_expiring_certifications_task", "20 7 * * *"),
    Schedule("cairn.learning.tasks.lapse_expired_certifications_task", "5 * * * *"),
    # The LRS: copies of programs' statements to external LRSs, retried when down.
    Schedule("cairn.lrs.tasks.forward_statements_task", "* * * * *"),
]
