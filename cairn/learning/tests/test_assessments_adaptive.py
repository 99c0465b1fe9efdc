"""Adaptive learning: testing out of a module, lessons recommended for the
weakest competencies, and the item analysis of an assessment's questions."""

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cairn.core.models import ActivityEvent
from cairn.learning.models import CourseProgress, Lesson, LessonCompletion, Question
from cairn.learning.selectors_assessments import (
    attempt_result_for,
    item_analysis_for,
    point_biserial,
)
from cairn.learning.services.assessments import start_attempt, submit_attempt
from cairn.learning.tests.support import published_course
from cairn.learning.tests.support_assessments import choice, quiz
from conftest import Ecosystem, client_for


def _right(question: Question) -> list[str]:
    return [str(question.options.get(is_correct=True).pk)]


def _wrong(question: Question) -> list[str]:
    return [str(question.options.get(is_correct=False).pk)]


def test_passing_a_pre_assessment_tests_out_of_the_module(ecosystem: Ecosystem) -> None:
    course, lessons = published_course(lessons=2)
    question = choice("Q?", [("Yes", True), ("No", False)])
    pre = quiz([question], module=lessons[0].module, passing_score=100)
    rep = ecosystem.partner_a_rep

    attempt = start_attempt(pre, actor=rep)
    submit_attempt(attempt, actor=rep, responses={question.pk: _right(question)})

    progress = CourseProgress.objects.get(user=rep, course=course)
    assert sorted(
        LessonCompletion.objects.filter(progress=progress).values_list(
            "lesson_id", flat=True
        )
    ) == sorted(lesson.pk for lesson in lessons)
    # The module was the whole course, so the course is complete too.
    assert progress.completed_at is not None
    completed = ActivityEvent.objects.filter(verb="learning.completed").count()
    assert completed == 3


def test_failing_a_pre_assessment_completes_nothing(ecosystem: Ecosystem) -> None:
    _, lessons = published_course(lessons=2)
    question = choice("Q?", [("Yes", True), ("No", False)])
    pre = quiz([question], module=lessons[0].module, passing_score=100)
    rep = ecosystem.partner_a_rep

    attempt = start_attempt(pre, actor=rep)
    submit_attempt(attempt, actor=rep, responses={question.pk: _wrong(question)})

    assert LessonCompletion.objects.count() == 0
    assert CourseProgress.objects.count() == 0


def test_recommendations_target_the_weakest_competencies(ecosystem: Ecosystem) -> None:
    course, lessons = published_course(lessons=4)
    tags = [["routing"], ["security"], ["routing", "security"], ["wireless"]]
    for lesson, competencies in zip(lessons, tags, strict=True):
        Lesson.objects.filter(pk=lesson.pk).update(competencies=competencies)
    routing = [
        choice(f"Routing {n}?", [("Yes", True), ("No", False)], competency="routing")
        for n in range(2)
    ]
    security = [
        choice(f"Sec {n}?", [("Yes", True), ("No", False)], competency="security")
        for n in range(2)
    ]
    wireless = choice("Wi-Fi?", [("Yes", True), ("No", False)], competency="wireless")
    exam = quiz([*routing, *security, wireless], course=course)
    rep = ecosystem.partner_a_rep

    attempt = start_attempt(exam, actor=rep)
    submitted = submit_attempt(
        attempt,
        actor=rep,
        responses={
            routing[0].pk: _wrong(routing[0]),
            routing[1].pk: _wrong(routing[1]),
            security[0].pk: _right(security[0]),
            security[1].pk: _wrong(security[1]),
            wireless.pk: _right(wireless),
        },
    )
    result = attempt_result_for(submitted)

    assert [(r.competency, r.earned, r.possible) for r in result.competencies] == [
        ("routing", 0, 2),
        ("security", 1, 2),
        ("wireless", 1, 1),
    ]
    assert [(r.lesson.title, r.competency) for r in result.recommendations] == [
        ("Lesson 1", "routing"),
        ("Lesson 3", "routing"),
        ("Lesson 2", "security"),
    ]


def test_recommendations_leave_out_lessons_already_done(
    ecosystem: Ecosystem,
) -> None:
    course, lessons = published_course(lessons=2)
    Lesson.objects.filter(pk__in=[lesson.pk for lesson in lessons]).update(
        competencies=["routing"]
    )
    question = choice("Q?", [("Yes", True), ("No", False)], competency="routing")
    rep = ecosystem.partner_a_rep
    browser = client_for(rep)
    browser.post(reverse("learning:lesson_complete", args=[course.slug, lessons[0].pk]))
    attempt = start_attempt(quiz([question], course=course), actor=rep)

    submitted = submit_attempt(
        attempt, actor=rep, responses={question.pk: _wrong(question)}
    )

    assert [r.lesson for r in attempt_result_for(submitted).recommendations] == [
        lessons[1]
    ]


def _take(user: Any, questions: list[Question], rights: list[bool], exam: Any) -> None:
    attempt = start_attempt(exam, actor=user)
    submit_attempt(
        attempt,
        actor=user,
        responses={
            q.pk: (_right(q) if ok else _wrong(q))
            for q, ok in zip(questions, rights, strict=True)
        },
    )


PROMPTS = ["A?", "B?", "C?", "D?"]


def test_item_analysis_gives_difficulty_and_point_biserial(
    ecosystem: Ecosystem,
) -> None:
    a = choice("A?", [("Yes", True), ("No", False)])
    b = choice("B?", [("Yes", True), ("No", False)])
    c = choice("C?", [("Yes", True), ("No", False)], points=2)
    never_asked = choice("D?", [("Yes", True), ("No", False)])
    exam = quiz([a, b, c])
    # Four learners: scores 100, 75, 50 and 0 percent.
    for user, rights in (
        (ecosystem.partner_a_rep, [True, True, True]),
        (ecosystem.partner_a_second_rep, [True, False, True]),
        (ecosystem.partner_a_admin, [True, True, False]),
        (ecosystem.partner_b_rep, [False, False, False]),
    ):
        _take(user, [a, b, c], rights, exam)
    # Added to the pool later: in the analysis, never asked yet.
    exam.questions.add(never_asked)

    analysis = item_analysis_for(ecosystem.channel_manager, exam.pk)

    assert analysis.attempts == 4
    rows = {row.question.prompt: row for row in analysis.rows}
    assert [(p, rows[p].asked, rows[p].correct) for p in PROMPTS] == [
        ("A?", 4, 3),
        ("B?", 4, 2),
        ("C?", 4, 2),
        ("D?", 0, 0),
    ]
    assert [rows[p].difficulty for p in PROMPTS] == [
        0.75,
        0.5,
        0.5,
        None,
    ]
    # Scores 100, 75, 50, 0: mean 56.25, population deviation √1367.1875.
    assert rows["A?"].discrimination == pytest.approx(0.8783100656536799)
    assert rows["B?"].discrimination == pytest.approx(0.50709255283711)
    assert rows["C?"].discrimination == pytest.approx(0.8451542547285166)
    assert rows["D?"].discrimination is None


def test_point_biserial_is_undefined_without_spread() -> None:
    assert point_biserial([50.0, 50.0], [True, False]) is None
    assert point_biserial([10.0, 90.0], [True, True]) is None
    assert point_biserial([10.0], [False]) is None
    assert point_biserial([0.0, 100.0], [False, True]) == pytest.approx(1.0)


def test_the_analysis_page_reads_a_fixed_number_of_queries(
    ecosystem: Ecosystem,
) -> None:
    questions = [choice(f"Q{n}?", [("Yes", True), ("No", False)]) for n in range(3)]
    exam = quiz(questions)
    browser = client_for(ecosystem.vendor_admin)
    url = reverse("learning:assessment_analysis", args=[exam.pk])
    _take(ecosystem.partner_a_rep, questions, [True, False, True], exam)
    with CaptureQueriesContext(connection) as few:
        first = browser.get(url)
    for user in (
        ecosystem.partner_a_second_rep,
        ecosystem.partner_a_admin,
        ecosystem.partner_b_rep,
    ):
        _take(user, questions, [True, True, False], exam)
    extra = [choice(f"E{n}?", [("Yes", True)]) for n in range(3)]
    exam.questions.add(*extra)

    with CaptureQueriesContext(connection) as many:
        page = browser.get(url)

    assert first.status_code == page.status_code == 200
    assert len(many) == len(few)
    body = page.content.decode()
    assert "Over 4 graded attempts" in body
    assert "E2?" in body
