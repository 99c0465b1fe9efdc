"""Assessment pages, without JavaScript: start, answer, save, submit, result
with the review the assessment allows; the remaining time; isolation."""

import re

import time_machine
from django.urls import reverse

from cairn.learning.choices import AnswerReview, AttemptStatus, QuestionKind
from cairn.learning.models import AssessmentAttempt, AttemptAnswer
from cairn.learning.tests.support import published_course
from cairn.learning.tests.support_assessments import (
    choice,
    matching,
    option,
    ordering,
    quiz,
    short_answer,
)
from conftest import Ecosystem, client_for


def test_a_learner_takes_a_quiz_with_plain_forms(ecosystem: Ecosystem) -> None:
    single = choice("Which layer routes?", [("Network", True), ("Link", False)])
    several = choice(
        "Routing protocols?",
        [("OSPF", True), ("BGP", True), ("HTTP", False)],
        kind=QuestionKind.MULTIPLE,
    )
    order = ordering("Order the handshake.", ["SYN", "SYN-ACK", "ACK"])
    pairs = matching("Match the ports.", [("SSH", "22"), ("HTTPS", "443")])
    typed = short_answer("Name the exterior protocol.", ["BGP"])
    exam = quiz(
        [single, several, order, pairs, typed],
        passing_score=80,
        answer_review=AnswerReview.AFTER_SUBMIT,
    )
    browser = client_for(ecosystem.partner_a_rep)

    detail = browser.get(reverse("learning:assessment_detail", args=[exam.pk]))
    started = browser.post(reverse("learning:assessment_start", args=[exam.pk]))
    attempt = AssessmentAttempt.objects.get()
    page = browser.get(started["Location"])
    form = {
        f"q{single.pk}": option(single, "Network").pk,
        f"q{several.pk}_shown": "1",
        f"q{several.pk}": [option(several, "OSPF").pk, option(several, "BGP").pk],
        f"q{order.pk}_o{option(order, 'SYN').pk}": "1",
        f"q{order.pk}_o{option(order, 'SYN-ACK').pk}": "2",
        f"q{order.pk}_o{option(order, 'ACK').pk}": "3",
        f"q{pairs.pk}_o{option(pairs, 'SSH').pk}": "22",
        f"q{pairs.pk}_o{option(pairs, 'HTTPS').pk}": "22",
        f"q{typed.pk}": " bgp ",
    }
    saved = browser.post(started["Location"], form)
    resumed = browser.get(started["Location"]).content.decode()
    submitted = browser.post(
        reverse("learning:attempt_submit", args=[attempt.pk]), form
    )
    result = browser.get(submitted["Location"]).content.decode()

    assert "5 questions." in detail.content.decode()
    assert started["Location"] == reverse("learning:attempt_detail", args=[attempt.pk])
    assert page.status_code == 200
    assert f'name="q{single.pk}"' in page.content.decode()
    assert saved["Location"] == started["Location"]
    assert AttemptAnswer.objects.count() == 5
    assert 'value="bgp"' in resumed
    assert submitted["Location"] == reverse(
        "learning:attempt_result", args=[attempt.pk]
    )
    attempt.refresh_from_db()
    assert (attempt.status, attempt.points_earned, attempt.passed) == (
        AttemptStatus.GRADED,
        4,
        True,
    )
    assert "Score <strong>80.00%</strong>" in result
    assert "Review" in result
    assert "yours: 22; right: 443" in result


def test_an_invalid_answer_is_shown_next_to_its_question(ecosystem: Ecosystem) -> None:
    order = ordering("Order the handshake.", ["SYN", "SYN-ACK", "ACK"])
    exam = quiz([order])
    browser = client_for(ecosystem.partner_a_rep)
    browser.post(reverse("learning:assessment_start", args=[exam.pk]))
    attempt = AssessmentAttempt.objects.get()

    response = browser.post(
        reverse("learning:attempt_submit", args=[attempt.pk]),
        {f"q{order.pk}_o{o.pk}": "1" for o in order.options.all()},
    )

    assert response.status_code == 400
    assert "Give every item a different place." in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.IN_PROGRESS


def test_the_page_shows_the_time_left_and_refuses_late_answers(
    ecosystem: Ecosystem,
) -> None:
    question = choice("Q?", [("Yes", True), ("No", False)])
    exam = quiz([question], time_limit_minutes=30)
    browser = client_for(ecosystem.partner_a_rep)
    with time_machine.travel("2026-03-02 09:00:00+00:00", tick=False):
        browser.post(reverse("learning:assessment_start", args=[exam.pk]))
    attempt = AssessmentAttempt.objects.get()
    url = reverse("learning:attempt_detail", args=[attempt.pk])

    with time_machine.travel("2026-03-02 09:12:00+00:00", tick=False):
        page = browser.get(url).content.decode()
    with time_machine.travel("2026-03-02 09:31:00+00:00", tick=False):
        late = browser.post(
            reverse("learning:attempt_submit", args=[attempt.pk]),
            {f"q{question.pk}": option(question, "Yes").pk},
        )

    assert "18 minutes left" in page
    assert late["Location"] == reverse("learning:attempt_result", args=[attempt.pk])
    attempt.refresh_from_db()
    assert (attempt.closed_by_deadline, attempt.points_earned) == (True, 0)
    assert AttemptAnswer.objects.get().response is None


def test_the_review_follows_the_assessment_policy(ecosystem: Ecosystem) -> None:
    question = choice("Which layer routes?", [("Network", True), ("Link", False)])
    question.explanation = "Routers work at layer 3."
    question.save()
    never = quiz([question], answer_review=AnswerReview.NEVER, title="Never")
    after_passing = quiz(
        [question], answer_review=AnswerReview.AFTER_PASSING, title="Pass"
    )
    browser = client_for(ecosystem.partner_a_rep)
    pages = []
    for exam, answer in ((never, "Network"), (after_passing, "Link")):
        browser.post(reverse("learning:assessment_start", args=[exam.pk]))
        attempt = AssessmentAttempt.objects.get(assessment=exam)
        response = browser.post(
            reverse("learning:attempt_submit", args=[attempt.pk]),
            {f"q{question.pk}": option(question, answer).pk},
        )
        pages.append(browser.get(response["Location"]).content.decode())

    assert "Routers work at layer 3." not in pages[0]
    assert "Routers work at layer 3." not in pages[1]
    assert "The answers are shown once you pass." in pages[1]


def test_another_partner_cannot_see_or_answer_an_attempt(ecosystem: Ecosystem) -> None:
    question = choice("Q?", [("Yes", True), ("No", False)])
    exam = quiz([question])
    client_for(ecosystem.partner_a_rep).post(
        reverse("learning:assessment_start", args=[exam.pk])
    )
    attempt = AssessmentAttempt.objects.get()
    intruder = client_for(ecosystem.partner_b_rep)

    answers = [
        intruder.get(reverse("learning:attempt_detail", args=[attempt.pk])),
        intruder.post(
            reverse("learning:attempt_detail", args=[attempt.pk]),
            {f"q{question.pk}": option(question, "Yes").pk},
        ),
        intruder.post(reverse("learning:attempt_submit", args=[attempt.pk])),
        intruder.get(reverse("learning:attempt_result", args=[attempt.pk])),
    ]

    assert [response.status_code for response in answers] == [404, 404, 404, 404]
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.IN_PROGRESS
    assert AttemptAnswer.objects.count() == 0


def test_a_refused_start_says_why(ecosystem: Ecosystem) -> None:
    question = choice("Q?", [("Yes", True), ("No", False)])
    exam = quiz([question], max_attempts=1)
    browser = client_for(ecosystem.partner_a_rep)
    browser.post(reverse("learning:assessment_start", args=[exam.pk]))
    attempt = AssessmentAttempt.objects.get()
    browser.post(reverse("learning:attempt_submit", args=[attempt.pk]))

    again = browser.post(
        reverse("learning:assessment_start", args=[exam.pk]), follow=True
    )

    assert "No attempts left at this assessment (1 at most)." in again.content.decode()
    assert AssessmentAttempt.objects.count() == 1
    assert re.search(r"#1</a>", again.content.decode())


def test_the_course_page_links_its_exam_and_pre_assessments(
    ecosystem: Ecosystem,
) -> None:
    course, lessons = published_course()
    question = choice("Q?", [("Yes", True)])
    exam = quiz([question], course=course, title="Final exam")
    pre = quiz([question], module=lessons[0].module, title="Basics check")
    closed = quiz([question], course=course, title="Old exam", is_active=False)

    page = client_for(ecosystem.partner_a_rep).get(
        reverse("learning:course_detail", args=[course.slug])
    )

    body = page.content.decode()
    assert reverse("learning:assessment_detail", args=[exam.pk]) in body
    assert reverse("learning:assessment_detail", args=[pre.pk]) in body
    assert "Pass this to test out of it" in body
    assert reverse("learning:assessment_detail", args=[closed.pk]) not in body
