"""Consumers of activity events owned by the learning app."""

from cairn.accounts.models import User
from cairn.core.models import ActivityEvent
from cairn.learning.choices import LessonKind, PackageStandard
from cairn.learning.models import CourseProgress, Lesson
from cairn.learning.services.cmi5 import au_activity_id, sync_cmi5_progress
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


def sync_cmi5_result(event: ActivityEvent) -> None:
    """Derive a learner's progress from the result a cmi5 AU stored in the LRS."""
    registration = event.data.get("registration")
    progress = (
        CourseProgress.objects.filter(registration=registration)
        .select_related("course", "user")
        .first()
    )
    if progress is None:
        return
    lessons = Lesson.objects.filter(
        module__version_id=progress.version_id,
        kind=LessonKind.PACKAGE,
        package__standard=PackageStandard.CMI5,
    ).select_related("package", "module")
    for lesson in lessons:
        if au_activity_id(lesson, progress.course) == event.data.get("activity_id"):
            sync_cmi5_progress(progress, lesson)
