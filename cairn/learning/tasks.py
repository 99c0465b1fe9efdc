"""Background jobs of the learning app."""

from django_tasks import task

from cairn.learning.services.enrollment import apply_enrollment_rules


@task()
def apply_enrollment_rules_task() -> int:
    """Apply every active enrollment rule; return how many people were enrolled."""
    return apply_enrollment_rules()
