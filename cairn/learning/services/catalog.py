"""Writes of the catalog: courses, their versions, modules and lessons, paths."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cairn.core.audit import record_write, snapshot
from cairn.core.models import AuditAction
from cairn.learning import policies
from cairn.learning.choices import LessonKind, VersionStatus
from cairn.learning.models import (
    Course,
    CourseVersion,
    LearningPath,
    Lesson,
    Module,
    PathItem,
)


def _require_author(actor: Any) -> None:
    # None is Cairn itself (the demo seed, a migration of content).
    if actor is not None and not policies.can_author_courses(actor):
        raise PermissionDenied


def create_course(
    *,
    slug: str,
    title: str,
    actor: Any,
    summary: str = "",
    program: Any = None,
    competencies: list[str] | None = None,
) -> Course:
    """Create a course and its first draft version."""
    _require_author(actor)
    course = Course(
        slug=slug,
        title=title,
        summary=summary,
        program=program,
        competencies=competencies or [],
    )
    course.full_clean()
    with transaction.atomic():
        course.save()
        CourseVersion.objects.create(course=course, number=1)
        record_write(
            AuditAction.CREATE,
            course,
            actor=actor,
            after=snapshot(course),
            verb="course.created",
            data={"slug": slug},
        )
    return course


def draft_of(course: Course) -> CourseVersion:
    """Return the course's draft version; 400-like error if it has none."""
    draft = course.versions.filter(status=VersionStatus.DRAFT).first()
    if draft is None:
        raise ValidationError("The course has no draft: start one first.")
    return draft


def add_module(
    version: CourseVersion, *, title: str, actor: Any, summary: str = ""
) -> Module:
    """Add a module at the end of a draft version."""
    _require_author(actor)
    _require_draft(version)
    module = Module(
        version=version,
        title=title,
        summary=summary,
        position=version.modules.count(),
    )
    module.full_clean()
    module.save()
    return module


def add_lesson(
    module: Module,
    *,
    title: str,
    actor: Any,
    kind: str = LessonKind.TEXT,
    body: str = "",
    video_url: str = "",
    link_url: str = "",
    package: Any = None,
    duration_minutes: int = 5,
) -> Lesson:
    """Add a lesson at the end of a module of a draft version."""
    _require_author(actor)
    _require_draft(module.version)
    lesson = Lesson(
        module=module,
        title=title,
        kind=kind,
        body=body,
        video_url=video_url,
        link_url=link_url,
        package=package,
        duration_minutes=duration_minutes,
        position=module.lessons.count(),
    )
    lesson.full_clean()
    errors = _lesson_content_errors(lesson)
    if errors:
        raise ValidationError(errors)
    lesson.save()
    return lesson


def _lesson_content_errors(lesson: Lesson) -> dict[str, str]:
    needed = {
        LessonKind.TEXT: ("body", "Write the lesson's text."),
        LessonKind.VIDEO: ("video_url", "Give the video's address."),
        LessonKind.LINK: ("link_url", "Give the link's address."),
        LessonKind.DOCUMENT: ("document", "Upload the document."),
        LessonKind.PACKAGE: ("package", "Upload the SCORM or cmi5 package."),
    }[LessonKind(lesson.kind)]
    field, message = needed
    return {} if getattr(lesson, field) else {field: message}


def _require_draft(version: CourseVersion) -> None:
    if version.status != VersionStatus.DRAFT:
        raise ValidationError("A published version is frozen: start a new draft.")


def publish_version(
    version: CourseVersion, *, changelog: str, actor: Any
) -> CourseVersion:
    """Publish a draft: it becomes the version new learners start; the previous
    published version is retired (learners on it finish on it).
    """
    _require_author(actor)
    with transaction.atomic():
        version = CourseVersion.objects.select_for_update().get(pk=version.pk)
        _require_draft(version)
        if not Lesson.objects.filter(module__version=version).exists():
            raise ValidationError("A course needs at least one lesson to be published.")
        if version.number > 1 and not changelog.strip():
            raise ValidationError({"changelog": "Say what changed in this version."})
        CourseVersion.objects.filter(
            course=version.course, status=VersionStatus.PUBLISHED
        ).update(status=VersionStatus.RETIRED)
        version.status = VersionStatus.PUBLISHED
        version.changelog = changelog.strip()
        version.published_at = timezone.now()
        version.save(update_fields=["status", "changelog", "published_at"])
        record_write(
            AuditAction.UPDATE,
            version,
            actor=actor,
            after=snapshot(version),
            verb="course.published",
            data={"course": version.course.slug, "version": version.number},
        )
    return version


def start_draft(course: Course, *, actor: Any) -> CourseVersion:
    """Start a new draft as a copy of the course's latest version."""
    _require_author(actor)
    with transaction.atomic():
        Course.objects.select_for_update().get(pk=course.pk)
        if course.versions.filter(status=VersionStatus.DRAFT).exists():
            raise ValidationError("The course already has a draft.")
        latest = course.versions.order_by("-number").first()
        draft = CourseVersion.objects.create(
            course=course, number=(latest.number + 1) if latest else 1
        )
        if latest is not None:
            for module in latest.modules.prefetch_related("lessons"):
                copy = Module.objects.create(
                    version=draft,
                    title=module.title,
                    position=module.position,
                    summary=module.summary,
                )
                Lesson.objects.bulk_create(
                    [
                        Lesson(
                            module=copy,
                            title=lesson.title,
                            position=lesson.position,
                            kind=lesson.kind,
                            body=lesson.body,
                            video_url=lesson.video_url,
                            document=lesson.document,
                            link_url=lesson.link_url,
                            package_id=lesson.package_id,
                            duration_minutes=lesson.duration_minutes,
                            competencies=lesson.competencies,
                        )
                        for lesson in module.lessons.all()
                    ]
                )
    return draft


def create_path(
    *,
    slug: str,
    title: str,
    actor: Any,
    courses: list[tuple[Course, bool]],
    description: str = "",
    track: str = "",
    program: Any = None,
    electives_required: int = 0,
) -> LearningPath:
    """Create a published path of (course, is_required) items, in order; each item
    after the first required one has the previous required item as prerequisite.
    """
    _require_author(actor)
    path = LearningPath(
        slug=slug,
        title=title,
        description=description,
        track=track,
        program=program,
        electives_required=electives_required,
        is_published=True,
    )
    path.full_clean()
    with transaction.atomic():
        path.save()
        previous_required: PathItem | None = None
        for position, (course, is_required) in enumerate(courses):
            item = PathItem.objects.create(
                path=path,
                course=course,
                position=position,
                is_required=is_required,
                prerequisite=previous_required if is_required else None,
            )
            if is_required:
                previous_required = item
        record_write(
            AuditAction.CREATE,
            path,
            actor=actor,
            after=snapshot(path),
            verb="learning_path.created",
            data={"slug": slug, "courses": [course.slug for course, _ in courses]},
        )
    return path
