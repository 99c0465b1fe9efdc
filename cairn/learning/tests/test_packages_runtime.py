"""The SCORM run-time endpoint: what a package commits is checked, stored and
mapped to Cairn's progress, its events and their statements.
"""

import json
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from cairn.core.models import ActivityEvent
from cairn.learning.models import CourseProgress, LessonCompletion, PackageRuntime
from cairn.learning.services.progress import open_course
from cairn.learning.tests.support_packages import (
    package_lesson,
    scorm12,
    scorm2004,
    stored_statement,
)
from cairn.lrs.models import Statement
from cairn.lrs.xapi.validate import validate_statement
from conftest import Ecosystem, client_for


def _learner(user: Any, course: Any) -> Client:
    """Return the learner's client, the course opened as the lesson page does."""
    open_course(user, course)
    return client_for(user)


def _post(client: Client, course: Any, lesson: Any, body: Any) -> Any:
    return client.post(
        reverse(
            "learning:package_runtime", kwargs={"slug": course.slug, "pk": lesson.pk}
        ),
        body if isinstance(body, str) else json.dumps(body),
        content_type="application/json",
    )


def _learning_verbs() -> list[str]:
    return list(
        ActivityEvent.objects.filter(verb__startswith="learning.")
        .order_by("id")
        .values_list("verb", flat=True)
    )


def test_a_commit_is_stored_without_completing_the_lesson(
    ecosystem: Ecosystem,
) -> None:
    course, lesson, _ = package_lesson()
    client = _learner(ecosystem.partner_a_rep, course)

    response = _post(
        client,
        course,
        lesson,
        {
            "values": {
                "cmi.core.lesson_location": "page-2",
                "cmi.core.lesson_status": "incomplete",
                "cmi.interactions.0.id": "q1",
                "cmi.interactions.0.result": "correct",
            },
            "finish": False,
        },
    )

    assert response.status_code == 200
    assert response.json() == {
        "completion_status": "incomplete",
        "success_status": "unknown",
        "lesson_done": False,
    }
    runtime = PackageRuntime.objects.get(lesson=lesson)
    assert runtime.cmi == {
        "cmi.core.lesson_location": "page-2",
        "cmi.core.lesson_status": "incomplete",
        "cmi.interactions.0.id": "q1",
        "cmi.interactions.0.result": "correct",
    }
    assert runtime.session_count == 0
    assert not LessonCompletion.objects.filter(lesson=lesson).exists()


def test_completed_at_finish_completes_the_lesson_and_the_course(
    ecosystem: Ecosystem, django_capture_on_commit_callbacks: Any
) -> None:
    course, lesson, _ = package_lesson()
    rep = ecosystem.partner_a_rep
    client = _learner(rep, course)

    with django_capture_on_commit_callbacks(execute=True):
        response = _post(
            client,
            course,
            lesson,
            {
                "values": {
                    "cmi.core.lesson_status": "completed",
                    "cmi.core.session_time": "0001:02:03.50",
                },
                "finish": True,
            },
        )

    assert response.json()["lesson_done"] is True
    progress = CourseProgress.objects.get(user=rep, course=course)
    assert progress.completed_at is not None
    assert LessonCompletion.objects.filter(progress=progress, lesson=lesson).exists()
    runtime = PackageRuntime.objects.get(lesson=lesson)
    assert (runtime.session_count, runtime.total_seconds) == (1, Decimal("3723.50"))
    # launched (the course), completed (the lesson), completed (the course)
    assert _learning_verbs() == [
        "learning.launched",
        "learning.completed",
        "learning.completed",
    ]
    # The launch was recorded before the commit's callbacks were captured.
    assert sorted(
        statement.payload["object"]["id"] for statement in Statement.objects.all()
    ) == sorted(
        [
            f"{settings.SITE_URL}/learning/courses/{course.slug}",
            f"{settings.SITE_URL}/learning/courses/{course.slug}/lessons/{lesson.pk}",
        ]
    )


def test_a_score_past_the_mastery_score_passes_with_a_statement(
    ecosystem: Ecosystem, django_capture_on_commit_callbacks: Any
) -> None:
    course, lesson, _ = package_lesson(
        scorm12(item_extra="<adlcp:masteryscore>80</adlcp:masteryscore>")
    )
    client = _learner(ecosystem.partner_a_rep, course)

    with django_capture_on_commit_callbacks(execute=True):
        response = _post(
            client,
            course,
            lesson,
            {
                "values": {
                    "cmi.core.lesson_status": "completed",
                    "cmi.core.score.raw": "85",
                    "cmi.core.score.min": "0",
                    "cmi.core.score.max": "100",
                    "cmi.core.session_time": "00:10:00",
                },
                "finish": True,
            },
        )

    assert response.json() == {
        "completion_status": "completed",
        "success_status": "passed",
        "lesson_done": True,
    }
    assert PackageRuntime.objects.get(lesson=lesson).cmi["cmi.core.lesson_status"] == (
        "passed"
    )
    passed = stored_statement("http://adlnet.gov/expapi/verbs/passed")
    validate_statement(passed, version="2.0.0")
    assert passed["object"]["id"].endswith(f"/lessons/{lesson.pk}")
    assert passed["result"] == {
        "success": True,
        "completion": True,
        "score": {"scaled": 0.85, "raw": 85.0, "min": 0.0, "max": 100.0},
        "duration": "PT10M",
    }


def test_a_failed_result_records_failed_once_and_leaves_the_lesson_open(
    ecosystem: Ecosystem, django_capture_on_commit_callbacks: Any
) -> None:
    course, lesson, _ = package_lesson()
    client = _learner(ecosystem.partner_a_rep, course)
    body = {
        "values": {"cmi.core.lesson_status": "failed", "cmi.core.score.raw": "40"},
        "finish": False,
    }

    with django_capture_on_commit_callbacks(execute=True):
        first = _post(client, course, lesson, body)
        second = _post(client, course, lesson, body)

    assert (
        first.json()
        == second.json()
        == {
            "completion_status": "incomplete",
            "success_status": "failed",
            "lesson_done": False,
        }
    )
    assert _learning_verbs() == ["learning.launched", "learning.failed"]
    failed = stored_statement("http://adlnet.gov/expapi/verbs/failed")
    assert failed["result"] == {
        "success": False,
        "completion": False,
        "score": {"scaled": 0.4, "raw": 40.0},
    }
    assert not LessonCompletion.objects.filter(lesson=lesson).exists()


def test_scorm_2004_thresholds_decide_completion_and_success(
    ecosystem: Ecosystem,
) -> None:
    course, lesson, _ = package_lesson(
        scorm2004(
            item_extra='<adlcp:completionThreshold minProgressMeasure="0.8"/>'
            "<imsss:sequencing><imsss:objectives>"
            '<imsss:primaryObjective satisfiedByMeasure="true">'
            "<imsss:minNormalizedMeasure>0.7</imsss:minNormalizedMeasure>"
            "</imsss:primaryObjective></imsss:objectives></imsss:sequencing>"
        )
    )
    client = _learner(ecosystem.partner_a_rep, course)

    partial = _post(
        client,
        course,
        lesson,
        {
            "values": {
                "cmi.completion_status": "completed",
                "cmi.progress_measure": "0.5",
                "cmi.score.scaled": "0.9",
            },
            "finish": False,
        },
    )
    finished = _post(
        client,
        course,
        lesson,
        {
            "values": {"cmi.progress_measure": "0.85", "cmi.session_time": "PT1M5S"},
            "finish": True,
        },
    )

    # The package said completed, but its progress fell short of the threshold;
    # its scaled score passes at 0.7.
    assert partial.json() == {
        "completion_status": "incomplete",
        "success_status": "passed",
        "lesson_done": True,
    }
    assert finished.json()["completion_status"] == "completed"
    runtime = PackageRuntime.objects.get(lesson=lesson)
    assert (runtime.score_scaled, runtime.total_seconds) == (
        Decimal("0.9000000"),
        Decimal("65.00"),
    )


@pytest.mark.parametrize(
    ("values", "problem"),
    [
        (
            {"cmi.core.colour": "red"},
            {"field": "cmi.core.colour", "detail": "is not an element."},
        ),
        (
            {"cmi.core.student_id": "someone-else"},
            {"field": "cmi.core.student_id", "detail": "is read-only."},
        ),
        (
            {"cmi.core.lesson_status": "done"},
            {"field": "cmi.core.lesson_status", "detail": "is not an allowed value."},
        ),
        (
            {"cmi.suspend_data": "x" * 4097},
            {"field": "cmi.suspend_data", "detail": "is longer than 4096 characters."},
        ),
        (
            {"cmi.core.score.raw": "101"},
            {"field": "cmi.core.score.raw", "detail": "is more than 100."},
        ),
        (
            {"cmi.core.score.raw": "1e2"},
            {"field": "cmi.core.score.raw", "detail": "is not a number."},
        ),
        (
            {"cmi.core.session_time": "5 minutes"},
            {"field": "cmi.core.session_time", "detail": "is not in the right format."},
        ),
        (
            {"cmi.interactions.250.id": "q"},
            {
                "field": "cmi.interactions.250.id",
                "detail": "has an index past what a learner's data may hold.",
            },
        ),
        (
            {"cmi.core.lesson_location": 7},
            {"field": "cmi.core.lesson_location", "detail": "must be a string."},
        ),
    ],
)
def test_invalid_run_time_data_is_refused_whole_and_nothing_is_stored(
    values: dict[str, Any], problem: dict[str, str], ecosystem: Ecosystem
) -> None:
    course, lesson, _ = package_lesson()
    client = _learner(ecosystem.partner_a_rep, course)
    events = ActivityEvent.objects.count()

    response = _post(
        client,
        course,
        lesson,
        {"values": {"cmi.core.lesson_status": "completed", **values}, "finish": True},
    )

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["detail"] == (
        "The run-time data has invalid elements; nothing was stored."
    )
    assert body["errors"] == [problem]
    assert not PackageRuntime.objects.exists()
    assert not LessonCompletion.objects.exists()
    assert ActivityEvent.objects.count() == events


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ("{not json", "The body is not JSON."),
        ('["values"]', "Send an object with `values` and a boolean `finish`."),
        (
            '{"values": {}, "finish": "yes"}',
            "Send an object with `values` and a boolean `finish`.",
        ),
    ],
)
def test_a_malformed_post_is_a_problem(
    body: str, detail: str, ecosystem: Ecosystem
) -> None:
    course, lesson, _ = package_lesson()

    response = _post(_learner(ecosystem.partner_a_rep, course), course, lesson, body)

    assert (response.status_code, response.json()["detail"]) == (400, detail)
    assert not PackageRuntime.objects.exists()


def test_scorm_2004_data_is_checked_against_its_own_model(
    ecosystem: Ecosystem,
) -> None:
    course, lesson, _ = package_lesson(scorm2004())

    response = _post(
        _learner(ecosystem.partner_a_rep, course),
        course,
        lesson,
        {
            "values": {
                "cmi.core.lesson_status": "completed",
                "cmi.score.scaled": "1.5",
                "cmi.session_time": "PT",
            },
            "finish": True,
        },
    )

    assert response.json()["errors"] == [
        {"field": "cmi.core.lesson_status", "detail": "is not an element."},
        {"field": "cmi.score.scaled", "detail": "is more than 1."},
        {"field": "cmi.session_time", "detail": "is not in the right format."},
    ]


def test_the_runtime_needs_the_csrf_token(ecosystem: Ecosystem) -> None:
    course, lesson, _ = package_lesson()
    open_course(ecosystem.partner_a_rep, course)
    client = Client(enforce_csrf_checks=True)
    client.force_login(ecosystem.partner_a_rep)

    response = _post(
        client,
        course,
        lesson,
        {"values": {"cmi.core.lesson_status": "completed"}, "finish": True},
    )

    assert response.status_code == 403
    assert not PackageRuntime.objects.exists()


def test_a_partner_cannot_post_to_another_programs_package(
    ecosystem: Ecosystem,
) -> None:
    course, lesson, _ = package_lesson(program=ecosystem.other_program)

    response = _post(
        client_for(ecosystem.partner_a_rep),
        course,
        lesson,
        {"values": {"cmi.core.lesson_status": "completed"}, "finish": True},
    )

    assert response.status_code == 404
    assert not PackageRuntime.objects.exists()
    assert not CourseProgress.objects.exists()


def test_the_runtime_is_refused_before_the_lesson_is_opened(
    ecosystem: Ecosystem,
) -> None:
    course, lesson, _ = package_lesson()

    response = _post(
        client_for(ecosystem.partner_a_rep),
        course,
        lesson,
        {"values": {"cmi.core.lesson_status": "completed"}, "finish": True},
    )

    assert response.status_code == 404
    assert not PackageRuntime.objects.exists()
