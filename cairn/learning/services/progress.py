"""A person's progress: opening a course (on its current version), opening and
completing lessons, and the completions of courses and paths that follow.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cairn.core.events import record_event
from cairn.learning import policies
from cairn.learning.choices import VersionStatus
from cairn.learning.models import (
    Course,
    CourseProgress,
    Enrollment,
    Lesson,
    LessonCompletion,
    PathItem,
)
from cairn.learning.services.certifications import course_completed
from cairn.learning.statements import (
    COURSE_TYPE,
    LESSON_TYPE,
    PATH_TYPE,
    course_iri,
    learning_event_data,
    lesson_iri,
    path_iri,
)


def open_course(user: Any, course: Course) -> CourseProgress:
    """Return the person's progress in `course`, starting it (on the current
    published version) the first time, which is the "launched" event.
    """
    if not policies.can_take_courses(user):
        raise PermissionDenied
    progress = CourseProgress.objects.filter(user=user, course=course).first()
    if progress is not None:
        return progress
    version = course.versions.filter(status=VersionStatus.PUBLISHED).first()
    if version is None:
        raise ValidationError("This course is not published.")
    try:
        with transaction.atomic():
            progress = CourseProgress.objects.create(
                user=user, course=course, version=version
            )
            record_event(
                "learning.launched",
                actor=user,
                organization_id=user.organization_id,
                target=progress,
                data=learning_event_data(
                    learner=user,
                    activity_id=course_iri(course),
                    activity_name=course.title,
                    activity_type=COURSE_TYPE,
                    registration=progress.registration,
                ),
            )
    except IntegrityError:
        # Opened twice at once: the other request started it.
        return CourseProgress.objects.get(user=user, course=course)
    return progress


def open_lesson(progress: CourseProgress, lesson: Lesson) -> None:
    """Remember the lesson as where the person resumes."""
    if progress.last_lesson_id != lesson.pk:
        CourseProgress.objects.filter(pk=progress.pk).update(last_lesson=lesson)
        progress.last_lesson = lesson


def complete_lesson(progress: CourseProgress, lesson: Lesson, *, actor: Any) -> bool:
    """Record a completed lesson (once) and, with the last one, the course and any
    path it completes. Return whether the course is now complete.
    """
    if actor != progress.user:
        raise PermissionDenied
    if lesson.module.version_id != progress.version_id:
        raise ValidationError("This lesson is not part of the version you are taking.")
    with transaction.atomic():
        completion, created = LessonCompletion.objects.get_or_create(
            progress=progress, lesson=lesson
        )
        course = progress.course
        if created:
            record_event(
                "learning.completed",
                actor=actor,
                organization_id=actor.organization_id,
                target=completion,
                data=learning_event_data(
                    learner=actor,
                    activity_id=lesson_iri(lesson, course),
                    activity_name=lesson.title,
                    activity_type=LESSON_TYPE,
                    registration=progress.registration,
                    parent_id=course_iri(course),
                    parent_name=course.title,
                    result={"completion": True},
                ),
            )
        if progress.completed_at is not None:
            return True
        total = Lesson.objects.filter(module__version_id=progress.version_id).count()
        if progress.completions.count() < total:
            return False
        _complete_course(progress, actor=actor)
    return True


def _complete_course(progress: CourseProgress, *, actor: Any) -> None:
    now = timezone.now()
    CourseProgress.objects.filter(pk=progress.pk).update(completed_at=now)
    progress.completed_at = now
    course = progress.course
    record_event(
        "learning.completed",
        actor=actor,
        organization_id=actor.organization_id,
        target=progress,
        data=learning_event_data(
            learner=actor,
            activity_id=course_iri(course),
            activity_name=course.title,
            activity_type=COURSE_TYPE,
            registration=progress.registration,
            result={"completion": True},
        ),
    )
    for enrollment in Enrollment.objects.filter(
        user=actor, completed_at__isnull=True, path__items__course=course
    ).select_related("path"):
        if path_is_complete(enrollment):
            Enrollment.objects.filter(pk=enrollment.pk).update(completed_at=now)
            record_event(
                "learning.completed",
                actor=actor,
                organization_id=actor.organization_id,
                target=enrollment,
                data=learning_event_data(
                    learner=actor,
                    activity_id=path_iri(enrollment.path),
                    activity_name=enrollment.path.title,
                    activity_type=PATH_TYPE,
                    result={"completion": True},
                ),
            )
    # Credits towards renewals, and the certifications this completion earned.
    course_completed(progress, at=now)


def path_is_complete(enrollment: Enrollment) -> bool:
    """Say whether every required course and enough electives are completed."""
    items = list(PathItem.objects.filter(path=enrollment.path_id))
    done = set(
        CourseProgress.objects.filter(
            user_id=enrollment.user_id,
            course_id__in=[item.course_id for item in items],
            completed_at__isnull=False,
        ).values_list("course_id", flat=True)
    )
    required = [item for item in items if item.is_required]
    electives_done = sum(
        1 for item in items if not item.is_required and item.course_id in done
    )
    return all(item.course_id in done for item in required) and (
        electives_done >= enrollment.path.electives_required
    )
