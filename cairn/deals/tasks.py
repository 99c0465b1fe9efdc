"""Background tasks of deal registration: review deadlines and protection periods."""

from django_tasks import task

from cairn.deals import services


@task()
def escalate_overdue_reviews_task() -> int:
    """Escalate or approve registrations past their review deadline; return how many."""
    return services.escalate_overdue_reviews()


@task()
def remind_expiring_protection_task() -> int:
    """Announce protections that end soon; return how many."""
    return services.remind_expiring_protection()


@task()
def expire_protection_task() -> int:
    """End protection periods that are over; return how many."""
    return services.expire_protection()
