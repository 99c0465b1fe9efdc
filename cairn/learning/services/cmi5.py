"""cmi5 lessons: launching the lesson's assignable unit (AU) and deriving the
learner's progress from what it reports to Cairn's LRS.

A launch (cmi5 section 8) gives the AU Cairn's xAPI endpoint, a one-time fetch
URL, the learner as an account Agent, the course attempt's registration and an
activity id Cairn generates for the AU in this lesson (cmi5 forbids the
publisher's own id there; it goes to the context's grouping). Before the AU
starts, the LRS writes `LMS.LaunchData` and the `launched` statement is stored
(the learning event's consumer then finds it stored and adds nothing).

Progress: the AU's completed, passed and failed statements are read back from the
LRS and weighed by the AU's moveOn; a new pass or fail records `learning.passed`
or `learning.failed` on the lesson with the score, and meeting moveOn completes
the lesson through `progress.complete_lesson`.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from cairn.core.events import record_event
from cairn.learning.choices import PackageStandard
from cairn.learning.models import CourseProgress, Lesson, PackageRuntime
from cairn.learning.services.package_runtime import (
    RuntimeOutcome,
    locked_runtime,
    record_result_event,
)
from cairn.learning.services.progress import complete_lesson
from cairn.learning.statements import course_iri, learning_event_data, lesson_iri
from cairn.lrs.selectors_launches import au_results_for
from cairn.lrs.services.launches import start_launch
from cairn.lrs.services.learning_statements import store_learning_statement

CMI5_CATEGORY = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
EXTENSION = "https://w3id.org/xapi/cmi5/context/extensions/"
MOVE_ON: dict[str, Callable[[bool, bool], bool]] = {
    "Completed": lambda completed, passed: completed,
    "Passed": lambda completed, passed: passed,
    "CompletedAndPassed": lambda completed, passed: completed and passed,
    "CompletedOrPassed": lambda completed, passed: completed or passed,
    "NotApplicable": lambda completed, passed: True,
}


@dataclass(frozen=True)
class LaunchAddresses:
    """The absolute addresses a launch hands the AU, which the request knows."""

    au_url: str
    endpoint: str
    fetch_url: Callable[[str], str]
    return_url: str


def assignable_unit(lesson: Lesson) -> dict[str, Any]:
    """Return the AU a cmi5 lesson plays: the first of its package."""
    package = lesson.package
    if package is None or package.standard != PackageStandard.CMI5:
        raise ValidationError("This lesson does not play a cmi5 package.")
    unit: dict[str, Any] = package.details["aus"][0]
    return unit


def au_activity_id(lesson: Lesson, course: Any) -> str:
    """Return the activity id Cairn gives the AU of `lesson` (the same at every
    launch of the lesson).
    """
    return f"{lesson_iri(lesson, course)}/au"


def learner_agent(user: Any) -> dict[str, Any]:
    """Return the learner as cmi5 requires: an Agent with an account."""
    return {
        "objectType": "Agent",
        "name": user.display_name,
        "account": {"homePage": settings.SITE_URL, "name": str(user.pk)},
    }


def launch_au(
    progress: CourseProgress,
    lesson: Lesson,
    *,
    actor: Any,
    addresses: LaunchAddresses,
) -> str:
    """Launch the lesson's AU for its learner; return the address to open."""
    if actor != progress.user:
        raise PermissionDenied
    unit = assignable_unit(lesson)
    course = progress.course
    agent = learner_agent(actor)
    activity_id = au_activity_id(lesson, course)
    mastery = Decimal(unit["mastery_score"]) if unit["mastery_score"] else None
    launch_data: dict[str, Any] = {
        "contextTemplate": {
            "contextActivities": {
                "grouping": [{"objectType": "Activity", "id": unit["activity_id"]}]
            },
            "extensions": {},
        },
        "launchMode": "Normal",
        "launchMethod": unit["launch_method"],
        "moveOn": unit["move_on"],
        "returnURL": addresses.return_url,
    }
    extensions: dict[str, Any] = {
        EXTENSION + "launchmode": "Normal",
        EXTENSION + "launchurl": addresses.au_url,
        EXTENSION + "moveon": unit["move_on"],
    }
    if mastery is not None:
        launch_data["masteryScore"] = float(mastery)
        extensions[EXTENSION + "masteryscore"] = float(mastery)
    if unit["launch_parameters"]:
        launch_data["launchParameters"] = unit["launch_parameters"]
        extensions[EXTENSION + "launchparameters"] = unit["launch_parameters"]
    if unit["entitlement_key"]:
        launch_data["entitlementKey"] = {"courseStructure": unit["entitlement_key"]}
    with transaction.atomic():
        launch = start_launch(
            actor=agent,
            registration=progress.registration,
            activity_id=activity_id,
            launch_data=launch_data,
            mastery_score=mastery,
        )
        extensions[EXTENSION + "sessionid"] = str(launch.session.session_id)
        data = learning_event_data(
            learner=actor,
            activity_id=activity_id,
            activity_name=unit["title"] or lesson.title,
            activity_type="",
            registration=progress.registration,
            parent_id=course_iri(course),
            parent_name=course.title,
        )
        data |= {
            "actor": agent,
            "grouping": [unit["activity_id"]],
            "category": [CMI5_CATEGORY],
            "context_extensions": extensions,
        }
        event = record_event(
            "learning.launched",
            actor=actor,
            organization_id=actor.organization_id,
            target=progress,
            data=data,
        )
        # cmi5: the launch is in the LRS before the AU starts.
        store_learning_statement(event)
        if unit["move_on"] == "NotApplicable":
            complete_lesson(progress, lesson, actor=actor)
    query = urlencode(
        {
            "endpoint": addresses.endpoint,
            "fetch": addresses.fetch_url(launch.fetch_token),
            "actor": json.dumps(agent, separators=(",", ":")),
            "registration": str(progress.registration),
            "activityId": activity_id,
        }
    )
    separator = "&" if "?" in addresses.au_url else "?"
    return f"{addresses.au_url}{separator}{query}"


def sync_cmi5_progress(progress: CourseProgress, lesson: Lesson) -> RuntimeOutcome:
    """Read what the lesson's AU reported for the learner and record what it
    means: a new pass or fail, and the lesson's completion once moveOn is met.
    """
    unit = assignable_unit(lesson)
    learner = progress.user
    results = au_results_for(
        registration=progress.registration,
        activity_id=au_activity_id(lesson, progress.course),
        actor=learner_agent(learner),
    )
    passed = results.passed is not None
    completion = "completed" if results.completed else "incomplete"
    success = "passed" if passed else "failed" if results.failed else "unknown"
    is_satisfied = MOVE_ON[unit["move_on"]](results.completed, passed)
    stored = PackageRuntime.objects.filter(progress=progress, lesson=lesson).first()
    unchanged = (
        stored.completion_status == completion and stored.success_status == success
        if stored is not None
        else not (results.completed or passed or results.failed)
    )
    is_done = progress.completions.filter(lesson=lesson).exists()
    if unchanged and (is_done or not is_satisfied):
        return RuntimeOutcome(completion, success, is_lesson_done=is_done)
    with transaction.atomic():
        runtime = locked_runtime(progress, lesson)
        was_success = runtime.success_status
        runtime.completion_status = completion
        runtime.success_status = success
        _take_score(runtime, (results.passed or results.failed or {}).get("score"))
        runtime.save()
        if success != was_success and success in {"passed", "failed"}:
            record_result_event(progress, lesson, runtime, actor=learner)
        if is_satisfied:
            complete_lesson(progress, lesson, actor=learner)
    return RuntimeOutcome(completion, success, is_lesson_done=is_satisfied or is_done)


def _take_score(runtime: PackageRuntime, score: Any) -> None:
    if not isinstance(score, dict):
        return
    for name in ("scaled", "raw", "min", "max"):
        value = score.get(name)
        try:
            number = Decimal(str(value)).quantize(Decimal("0.0000001"))
        except (InvalidOperation, ValueError):
            number = None
        setattr(runtime, f"score_{name}", number if value is not None else None)
