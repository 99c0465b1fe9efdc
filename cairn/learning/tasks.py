"""Background jobs of the learning app."""

from django_tasks import task

from cairn.learning.services.certifications import (
    lapse_expired_awards,
    remind_expiring_awards,
)
from cairn.learning.services.enrollment import apply_enrollment_rules


@task()
def apply_enrollment_rules_task() -> int:
    """Apply every active enrollment rule; return how many people were enrolled."""
    return apply_enrollment_rules()


@task()
def remind_expiring_certifications_task() -> int:
    """Send the due reminders of certifications expiring; return how many."""
    return remind_expiring_awards()


@task()
def lapse_expired_certifications_task() -> int:
    """Mark certifications past their expiry lapsed; return how many."""
    return lapse_expired_awards()
