"""Consumers of activity events owned by the learning app."""

from cairn.accounts.models import User
from cairn.core.models import ActivityEvent
from cairn.learning.services.enrollment import apply_enrollment_rules_for_user


def enroll_joining_user(event: ActivityEvent) -> None:
    """Apply the enrollment rules to a person who just joined an organization or
    whose role changed.
    """
    user_id = event.data.get("user_id")
    if (
        user_id is None
        and event.target_type is not None
        and event.target_type.model_class() is User
    ):
        user_id = event.target_id
    user = User.objects.filter(pk=user_id).first() if user_id else None
    if user is not None:
        apply_enrollment_rules_for_user(user)
