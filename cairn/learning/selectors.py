"""Reads of the learning app, always for one person."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from cairn.learning.choices import VersionStatus
from cairn.learning.models import (
    Course,
    CourseProgress,
    CourseVersion,
    Enrollment,
    Lesson,
    PathItem,
)
from cairn.partners.choices import MembershipStatus
from cairn.partners.models import ProgramMembership


def _program_ids_of(user: Any) -> list[int]:
    return list(
        ProgramMembership.objects.filter(
            organization_id=user.organization_id, status=MembershipStatus.ACTIVE
        ).values_list("program_id", flat=True)
    )


def list_courses_for(user: Any) -> QuerySet[Course]:
    """Return the published courses a partner person may take."""
    # EXISTS rather than a join: a join on versions needs DISTINCT over every
    # course, which the database cannot stop early for one page of the catalog.
    is_published = CourseVersion.objects.filter(
        course_id=OuterRef("pk"), status=VersionStatus.PUBLISHED
    )
    return Course.objects.filter(
        Q(program__isnull=True) | Q(program_id__in=_program_ids_of(user)),
        Exists(is_published),
        is_archived=False,
    )


def search_catalog_for(user: Any, query: str = "") -> QuerySet[Course]:
    """Return the courses a partner person may take whose title or summary holds
    every word of the query, by title.
    """
    courses = list_courses_for(user)
    for word in query.split()[:8]:
        courses = courses.filter(Q(title__icontains=word) | Q(summary__icontains=word))
    return courses.order_by("title", "pk")


def access_course(user: Any, slug: str) -> Course:
    """Return the course if the person may take it; 404 otherwise."""
    course = list_courses_for(user).filter(slug=slug).first()
    if course is None:
        raise Http404("No such course.")
    return course


def access_lesson(progress: CourseProgress, pk: int) -> Lesson:
    """Return a lesson of the version the person is taking; 404 otherwise."""
    lesson = (
        Lesson.objects.filter(pk=pk, module__version_id=progress.version_id)
        .select_related("module")
        .first()
    )
    if lesson is None:
        raise Http404("No such lesson in this course.")
    return lesson


@dataclass
class LessonRow:
    lesson: Lesson
    is_done: bool


@dataclass
class ModuleRow:
    title: str
    lessons: list[LessonRow]


@dataclass
class CourseOutline:
    course: Course
    version: CourseVersion
    progress: CourseProgress | None
    modules: list[ModuleRow]
    done: int
    total: int
    minutes_left: int
    next_lesson: Lesson | None

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def course_outline_for(user: Any, course: Course) -> CourseOutline:
    """Return the course's outline with the person's progress, on the version they
    take (or the current published one if they have not started).
    """
    progress = (
        CourseProgress.objects.filter(user=user, course=course)
        .select_related("version")
        .first()
    )
    version = (
        progress.version
        if progress is not None
        else course.versions.get(status=VersionStatus.PUBLISHED)
    )
    done_ids = (
        set(progress.completions.values_list("lesson_id", flat=True))
        if progress is not None
        else set()
    )
    modules: list[ModuleRow] = []
    lessons: list[Lesson] = []
    for module in version.modules.prefetch_related("lessons"):
        rows = [
            LessonRow(lesson, lesson.pk in done_ids) for lesson in module.lessons.all()
        ]
        lessons.extend(row.lesson for row in rows)
        modules.append(ModuleRow(module.title, rows))
    remaining = [lesson for lesson in lessons if lesson.pk not in done_ids]
    resume = progress.last_lesson if progress is not None else None
    next_lesson = (
        resume
        if resume is not None and resume.pk not in done_ids and resume in lessons
        else (remaining[0] if remaining else None)
    )
    return CourseOutline(
        course=course,
        version=version,
        progress=progress,
        modules=modules,
        done=len(done_ids & {lesson.pk for lesson in lessons}),
        total=len(lessons),
        minutes_left=sum(lesson.duration_minutes for lesson in remaining),
        next_lesson=next_lesson,
    )


def next_lesson_after(progress: CourseProgress, lesson: Lesson) -> Lesson | None:
    """Return the lesson after `lesson` in the version, if any."""
    ordered = list(
        Lesson.objects.filter(module__version_id=progress.version_id).order_by(
            "module__position", "module_id", "position", "id"
        )
    )
    position = ordered.index(lesson) if lesson in ordered else -1
    return ordered[position + 1] if 0 <= position < len(ordered) - 1 else None


@dataclass
class PathCourseRow:
    item: PathItem
    progress: CourseProgress | None
    is_locked: bool

    @property
    def is_done(self) -> bool:
        return self.progress is not None and self.progress.completed_at is not None


@dataclass
class PathRow:
    enrollment: Enrollment
    courses: list[PathCourseRow] = field(default_factory=list)

    @property
    def required_done(self) -> int:
        return sum(1 for row in self.courses if row.item.is_required and row.is_done)

    @property
    def required_total(self) -> int:
        return sum(1 for row in self.courses if row.item.is_required)

    @property
    def percent(self) -> int:
        total = self.required_total
        return round(100 * self.required_done / total) if total else 100


# How many courses "My learning" suggests from the catalog; the catalog page lists
# them all, a page at a time.
SUGGESTED_COURSES = 6


@dataclass
class MyLearning:
    paths: list[PathRow]
    in_progress: list[CourseProgress]
    suggested: list[Course]
    catalog_count: int


def my_learning_for(user: Any) -> MyLearning:
    """Return a person's paths with their courses and progress, the courses they
    are taking, a few courses of the catalog they have not started and the size of
    the catalog, in a fixed number of queries.
    """
    enrollments = list(
        Enrollment.objects.filter(user=user)
        .select_related("path")
        .order_by("completed_at", "due_at", "enrolled_at")
    )
    items = list(
        PathItem.objects.filter(path_id__in=[e.path_id for e in enrollments])
        .select_related("course")
        .order_by("path_id", "position", "id")
    )
    progress_by_course = {
        progress.course_id: progress
        for progress in CourseProgress.objects.filter(user=user).select_related(
            "course", "last_lesson"
        )
    }
    by_path: dict[int, list[PathItem]] = {}
    for item in items:
        by_path.setdefault(item.path_id, []).append(item)
    paths = []
    for enrollment in enrollments:
        row = PathRow(enrollment)
        for item in by_path.get(enrollment.path_id, []):
            progress = progress_by_course.get(item.course_id)
            prerequisite = next(
                (
                    i
                    for i in by_path[enrollment.path_id]
                    if i.pk == item.prerequisite_id
                ),
                None,
            )
            prerequisite_progress = (
                progress_by_course.get(prerequisite.course_id) if prerequisite else None
            )
            is_locked = prerequisite is not None and (
                prerequisite_progress is None
                or prerequisite_progress.completed_at is None
            )
            row.courses.append(PathCourseRow(item, progress, is_locked))
        paths.append(row)
    in_progress = sorted(
        (p for p in progress_by_course.values() if p.completed_at is None),
        key=lambda p: p.started_at,
        reverse=True,
    )
    catalog = list_courses_for(user)
    # The newest courses first: what changed since the person last looked.
    suggested = list(
        catalog.exclude(pk__in=list(progress_by_course)).order_by("-created_at", "-pk")[
            :SUGGESTED_COURSES
        ]
    )
    return MyLearning(
        paths=paths,
        in_progress=in_progress,
        suggested=suggested,
        catalog_count=catalog.count(),
    )
