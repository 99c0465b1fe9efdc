"""Reads of package lessons: who may see a package's files, and the run-time data
a SCORM player starts a session with.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import Http404

from cairn.learning.choices import LessonKind, PackageStandard, VersionStatus
from cairn.learning.models import (
    Course,
    CourseProgress,
    LearningPackage,
    Lesson,
    PackageRuntime,
)
from cairn.learning.packages.times import format_duration, format_timespan
from cairn.learning.selectors import access_course


@dataclass(frozen=True)
class PackageLesson:
    """A package lesson a person may see, with their progress in its course."""

    course: Course
    lesson: Lesson
    package: LearningPackage
    progress: CourseProgress | None


def access_package_lesson(user: Any, slug: str, pk: int) -> PackageLesson:
    """Return the package lesson `pk` of the course if the person may see it: a
    lesson of the version they take, or of the published version if they have not
    started the course; 404 otherwise.
    """
    course = access_course(user, slug)
    progress = (
        CourseProgress.objects.filter(user=user, course=course)
        .select_related("version")
        .first()
    )
    lessons = Lesson.objects.filter(
        pk=pk, kind=LessonKind.PACKAGE, package__isnull=False
    ).select_related("package", "module")
    if progress is not None:
        lessons = lessons.filter(module__version_id=progress.version_id)
    else:
        lessons = lessons.filter(
            module__version__course=course,
            module__version__status=VersionStatus.PUBLISHED,
        )
    lesson = lessons.first()
    if lesson is None or lesson.package is None:
        raise Http404("No such package lesson in this course.")
    return PackageLesson(course, lesson, lesson.package, progress)


def player_values(
    user: Any, progress: CourseProgress, lesson: Lesson
) -> dict[str, str]:
    """Return the data model values a SCORM package reads when a session starts:
    the learner, what they stored before (so the package resumes), and the
    package's own settings.
    """
    package = lesson.package
    assert package is not None
    runtime = PackageRuntime.objects.filter(progress=progress, lesson=lesson).first()
    stored = dict(runtime.cmi) if runtime is not None else {}
    if runtime is None:
        entry = "ab-initio"
    elif runtime.last_exit in {"suspend", "logout"}:
        entry = "resume"
    else:
        entry = ""
    total = runtime.total_seconds if runtime is not None else Decimal(0)
    details = package.details
    if package.standard == PackageStandard.SCORM_12:
        return {
            "cmi.core._children": (
                "student_id,student_name,lesson_location,credit,lesson_status,"
                "entry,score,total_time,lesson_mode,exit,session_time"
            ),
            "cmi.core.score._children": "raw,min,max",
            "cmi.objectives._children": "id,score,status",
            "cmi.objectives.n.score._children": "raw,min,max",
            "cmi.student_data._children": (
                "mastery_score,max_time_allowed,time_limit_action"
            ),
            "cmi.student_preference._children": "audio,language,speed,text",
            "cmi.interactions._children": (
                "id,objectives,time,type,correct_responses,weighting,"
                "student_response,result,latency"
            ),
            "cmi.core.student_id": str(user.pk),
            "cmi.core.student_name": user.display_name,
            "cmi.core.credit": "credit",
            "cmi.core.lesson_mode": "normal",
            "cmi.core.entry": entry,
            "cmi.core.total_time": format_timespan(total),
            "cmi.core.lesson_status": "not attempted",
            "cmi.core.lesson_location": "",
            "cmi.core.score.raw": "",
            "cmi.core.score.min": "",
            "cmi.core.score.max": "",
            "cmi.suspend_data": "",
            "cmi.comments": "",
            "cmi.comments_from_lms": "",
            "cmi.launch_data": details.get("data_from_lms", ""),
            "cmi.student_data.mastery_score": details.get("mastery_score", ""),
            "cmi.student_data.max_time_allowed": details.get("max_time_allowed", ""),
            "cmi.student_data.time_limit_action": details.get("time_limit_action", ""),
            **stored,
        }
    values = {
        "cmi._version": "1.0",
        "cmi.score._children": "scaled,raw,min,max",
        "cmi.learner_preference._children": (
            "audio_level,language,delivery_speed,audio_captioning"
        ),
        "cmi.comments_from_learner._children": "comment,location,timestamp",
        "cmi.comments_from_lms._children": "comment,location,timestamp",
        "cmi.comments_from_lms._count": "0",
        "cmi.interactions._children": (
            "id,type,objectives,timestamp,correct_responses,weighting,"
            "learner_response,result,latency,description"
        ),
        "cmi.objectives._children": (
            "id,score,success_status,completion_status,progress_measure,description"
        ),
        "cmi.objectives.n.score._children": "scaled,raw,min,max",
        "cmi.learner_id": str(user.pk),
        "cmi.learner_name": user.display_name,
        "cmi.credit": "credit",
        "cmi.mode": "normal",
        "cmi.entry": entry,
        "cmi.total_time": format_duration(total),
        "cmi.completion_status": "unknown",
        "cmi.success_status": "unknown",
        "cmi.launch_data": details.get("data_from_lms", ""),
        "cmi.completion_threshold": details.get("completion_threshold", ""),
        "cmi.scaled_passing_score": details.get("scaled_passing_score", ""),
        "cmi.time_limit_action": details.get("time_limit_action", "")
        or "continue,no message",
        "cmi.learner_preference.audio_level": "1",
        "cmi.learner_preference.language": "",
        "cmi.learner_preference.delivery_speed": "1",
        "cmi.learner_preference.audio_captioning": "0",
        **stored,
    }
    # SCORM 2004 answers "not initialized" for an element without a value.
    return {
        name: value for name, value in values.items() if value != "" or name in stored
    }
