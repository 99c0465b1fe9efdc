"""A learner's SCORM run-time data: what the player posts when the package
commits or finishes, kept so that the package resumes, and mapped to Cairn's
progress.

The posted values are checked against the data model first; one bad value refuses
the whole post and nothing is stored. Then, in one transaction: the values are
merged into the learner's run-time data; the status is derived (SCORM 1.2's
mastery score, 2004's completion threshold and scaled passing score decide when
the package gives the measure); a newly passed or failed result records
`learning.passed` or `learning.failed` with the score; completed or passed
completes the lesson through `progress.complete_lesson`, so the lesson, course and
path completions and their statements follow as for any lesson. Time is added up
when a session finishes.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from cairn.core.events import record_event
from cairn.learning.choices import PackageStandard
from cairn.learning.models import CourseProgress, Lesson, PackageRuntime
from cairn.learning.packages.cmi import SESSION_ONLY, check_values
from cairn.learning.packages.times import (
    duration_seconds,
    format_duration,
    timespan_seconds,
)
from cairn.learning.services.progress import complete_lesson
from cairn.learning.statements import (
    LESSON_TYPE,
    course_iri,
    learning_event_data,
    lesson_iri,
)

SEVEN_PLACES = Decimal("0.0000001")


class RuntimeDataError(Exception):
    """Posted run-time values the data model refuses, each with its problem."""

    def __init__(self, problems: list[dict[str, str]]) -> None:
        super().__init__("Invalid run-time data.")
        self.problems = problems


@dataclass(frozen=True)
class RuntimeOutcome:
    """Where the learner stands after a commit."""

    completion_status: str
    success_status: str
    is_lesson_done: bool


def record_runtime(
    progress: CourseProgress,
    lesson: Lesson,
    *,
    values: Any,
    is_finish: bool,
    actor: Any,
) -> RuntimeOutcome:
    """Store a commit of the package's run-time data and record what it means
    for the learner's progress.
    """
    if actor != progress.user:
        raise PermissionDenied
    package = lesson.package
    if package is None or not package.is_scorm:
        raise RuntimeDataError(
            [{"field": "lesson", "detail": "does not play a SCORM package."}]
        )
    problems = check_values(package.standard, values)
    if problems:
        raise RuntimeDataError(problems)
    with transaction.atomic():
        runtime = locked_runtime(progress, lesson)
        was_success = runtime.success_status
        for name, value in values.items():
            if name not in SESSION_ONLY:
                runtime.cmi[name] = value
        exit_value = values.get("cmi.core.exit", values.get("cmi.exit"))
        if exit_value is not None:
            runtime.last_exit = exit_value
        if is_finish:
            runtime.session_count += 1
            runtime.total_seconds += _session_seconds(package.standard, values)
        _derive_status(runtime, package.standard, package.details)
        runtime.updated_at = timezone.now()
        runtime.save()
        if runtime.success_status != was_success and runtime.success_status in {
            "passed",
            "failed",
        }:
            record_result_event(progress, lesson, runtime, actor=actor)
        is_done = runtime.completion_status == "completed" or (
            runtime.success_status == "passed"
        )
        if is_done:
            complete_lesson(progress, lesson, actor=actor)
    return RuntimeOutcome(
        completion_status=runtime.completion_status,
        success_status=runtime.success_status,
        is_lesson_done=is_done or progress.completions.filter(lesson=lesson).exists(),
    )


def locked_runtime(progress: CourseProgress, lesson: Lesson) -> PackageRuntime:
    """Return the learner's run-time data of the lesson, locked (created if new)."""
    runtime = (
        PackageRuntime.objects.select_for_update()
        .filter(progress=progress, lesson=lesson)
        .first()
    )
    if runtime is not None:
        return runtime
    try:
        with transaction.atomic():
            return PackageRuntime.objects.create(progress=progress, lesson=lesson)
    except IntegrityError:
        # Two commits of a first session at once: the other created it.
        return PackageRuntime.objects.select_for_update().get(
            progress=progress, lesson=lesson
        )


def _session_seconds(standard: str, values: dict[str, str]) -> Decimal:
    if standard == PackageStandard.SCORM_12:
        value = values.get("cmi.core.session_time")
        return timespan_seconds(value) if value else Decimal(0)
    value = values.get("cmi.session_time")
    return duration_seconds(value) if value else Decimal(0)


def _number(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value)).quantize(SEVEN_PLACES)
    except InvalidOperation:
        return None


def _derive_status(
    runtime: PackageRuntime, standard: str, details: dict[str, Any]
) -> None:
    cmi = runtime.cmi
    if standard == PackageStandard.SCORM_12:
        raw = _number(cmi.get("cmi.core.score.raw"))
        mastery = _number(details.get("mastery_score"))
        status = cmi.get("cmi.core.lesson_status", "not attempted")
        if mastery is not None and raw is not None:
            # SCORM 1.2: with a mastery score, the LMS decides passed or failed.
            status = "passed" if raw >= mastery else "failed"
            cmi["cmi.core.lesson_status"] = status
        runtime.completion_status = (
            "completed"
            if status in {"passed", "completed"}
            else "not attempted"
            if status == "not attempted"
            else "incomplete"
        )
        runtime.success_status = status if status in {"passed", "failed"} else "unknown"
        runtime.score_raw = raw
        runtime.score_min = _number(cmi.get("cmi.core.score.min"))
        runtime.score_max = _number(cmi.get("cmi.core.score.max"))
        runtime.score_scaled = _scaled_12(raw, runtime.score_min, runtime.score_max)
        return
    completion = cmi.get("cmi.completion_status", "unknown")
    threshold = _number(details.get("completion_threshold"))
    measure = _number(cmi.get("cmi.progress_measure"))
    if threshold is not None and measure is not None:
        completion = "completed" if measure >= threshold else "incomplete"
    success = cmi.get("cmi.success_status", "unknown")
    passing = _number(details.get("scaled_passing_score"))
    scaled = _number(cmi.get("cmi.score.scaled"))
    if passing is not None and scaled is not None:
        success = "passed" if scaled >= passing else "failed"
    runtime.completion_status = completion
    runtime.success_status = success
    runtime.score_scaled = scaled
    runtime.score_raw = _number(cmi.get("cmi.score.raw"))
    runtime.score_min = _number(cmi.get("cmi.score.min"))
    runtime.score_max = _number(cmi.get("cmi.score.max"))


def _scaled_12(
    raw: Decimal | None, low: Decimal | None, high: Decimal | None
) -> Decimal | None:
    if raw is None:
        return None
    if low is not None and high is not None and high > low:
        scaled = max(Decimal(-1), min(Decimal(1), (raw - low) / (high - low)))
    else:
        scaled = min(Decimal(1), raw / 100)
    return scaled.quantize(SEVEN_PLACES)


def record_result_event(
    progress: CourseProgress, lesson: Lesson, runtime: PackageRuntime, *, actor: Any
) -> None:
    """Record `learning.passed` or `learning.failed` on the lesson, with the score."""
    passed = runtime.success_status == "passed"
    course = progress.course
    result: dict[str, Any] = {
        "success": passed,
        "completion": runtime.completion_status == "completed",
    }
    score = _xapi_score(runtime)
    if score:
        result["score"] = score
    if runtime.total_seconds:
        result["duration"] = format_duration(runtime.total_seconds)
    record_event(
        "learning.passed" if passed else "learning.failed",
        actor=actor,
        organization_id=actor.organization_id,
        target=runtime,
        data=learning_event_data(
            learner=actor,
            activity_id=lesson_iri(lesson, course),
            activity_name=lesson.title,
            activity_type=LESSON_TYPE,
            registration=progress.registration,
            parent_id=course_iri(course),
            parent_name=course.title,
            result=result,
        ),
    )


def _xapi_score(runtime: PackageRuntime) -> dict[str, float]:
    """Return the score as xAPI accepts it: raw only within min and max."""
    score: dict[str, float] = {}
    if runtime.score_scaled is not None:
        score["scaled"] = round(float(runtime.score_scaled), 4)
    low, high, raw = runtime.score_min, runtime.score_max, runtime.score_raw
    if low is not None and high is not None and low > high:
        low = high = None
    if (
        raw is not None
        and (low is None or raw >= low)
        and (high is None or raw <= high)
    ):
        score["raw"] = float(raw)
        if low is not None:
            score["min"] = float(low)
        if high is not None:
            score["max"] = float(high)
    return score
