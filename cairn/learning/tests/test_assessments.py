"""Assessments: grading of every kind of question, drawing, attempt limits and
cool-down, the server-side time limit, submitting once, events and statements."""

from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from cairn.core.models import ActivityEvent
from cairn.learning.choices import AttemptStatus, QuestionKind
from cairn.learning.models import AssessmentAttempt, AttemptAnswer, Question
from cairn.learning.services.assessments import (
    draw_questions,
    is_correct_response,
    iso_duration,
    presented_questions,
    save_answers,
    start_attempt,
    submit_attempt,
)
from cairn.learning.tests.support_assessments import (
    choice,
    matching,
    option,
    ordering,
    quiz,
    short_answer,
)
from cairn.lrs.consumers import store_learning_statement
from cairn.lrs.models import Statement
from conftest import Ecosystem

START = "2026-03-02 09:00:00+00:00"


def _grade(question: Question, response: Any) -> bool:
    return is_correct_response(question, list(question.options.all()), response)


def test_single_choice_and_true_false_need_the_one_correct_option(db: Any) -> None:
    single = choice("Which layer routes?", [("Network", True), ("Physical", False)])
    true_false = choice(
        "BGP is a routing protocol.",
        [("True", True), ("False", False)],
        kind=QuestionKind.TRUE_FALSE,
    )

    assert _grade(single, [option(single, "Network").pk]) is True
    assert _grade(single, [option(single, "Physical").pk]) is False
    assert _grade(true_false, [option(true_false, "True").pk]) is True
    assert _grade(true_false, [option(true_false, "False").pk]) is False
    assert _grade(single, None) is False


def test_multiple_choice_needs_exactly_the_correct_set(db: Any) -> None:
    question = choice(
        "Which are routing protocols?",
        [("OSPF", True), ("BGP", True), ("HTTP", False)],
        kind=QuestionKind.MULTIPLE,
    )
    ospf, bgp, http = (option(question, t).pk for t in ("OSPF", "BGP", "HTTP"))

    assert _grade(question, [bgp, ospf]) is True
    assert _grade(question, [ospf]) is False
    assert _grade(question, [ospf, bgp, http]) is False
    assert _grade(question, []) is False


def test_ordering_needs_every_item_in_its_place(db: Any) -> None:
    question = ordering("Order the handshake.", ["SYN", "SYN-ACK", "ACK"])
    syn, syn_ack, ack = (option(question, t).pk for t in ("SYN", "SYN-ACK", "ACK"))

    assert _grade(question, [syn, syn_ack, ack]) is True
    assert _grade(question, [syn_ack, syn, ack]) is False


def test_matching_needs_every_pair(db: Any) -> None:
    question = matching("Match the ports.", [("SSH", "22"), ("HTTPS", "443")])
    ssh, https = option(question, "SSH").pk, option(question, "HTTPS").pk

    assert _grade(question, {str(ssh): "22", str(https): "443"}) is True
    assert _grade(question, {str(ssh): "443", str(https): "22"}) is False
    assert _grade(question, {str(ssh): "22"}) is False


def test_short_answer_ignores_case_and_spacing_only(db: Any) -> None:
    question = short_answer("Name the protocol.", ["Border Gateway Protocol", "BGP"])

    assert _grade(question, "  border   gateway protocol ") is True
    assert _grade(question, "bgp") is True
    assert _grade(question, "BGP4") is False
    assert _grade(question, "Border-Gateway Protocol") is False


def test_a_scenario_leads_to_the_follow_up_of_the_chosen_option(
    ecosystem: Ecosystem,
) -> None:
    follow_up = choice("The link is down. Next?", [("Check cabling", True)])
    scenario = choice(
        "A customer reports an outage. First?",
        [("Ask for the topology", True), ("Reboot everything", False)],
        kind=QuestionKind.SCENARIO,
        points=2,
    )
    ask = option(scenario, "Ask for the topology")
    ask.follow_up = follow_up
    ask.save()
    rep = ecosystem.partner_a_rep
    attempt = start_attempt(quiz([scenario], passing_score=100), actor=rep)

    assert [p.question for p in presented_questions(attempt)] == [scenario]
    save_answers(
        attempt,
        {
            scenario.pk: [str(ask.pk)],
            follow_up.pk: [str(option(follow_up, "Check cabling").pk)],
        },
        actor=rep,
    )
    submitted = submit_attempt(attempt, actor=rep)

    assert [p.question for p in presented_questions(attempt)] == [scenario, follow_up]
    assert (submitted.points_earned, submitted.points_possible) == (3, 3)
    assert submitted.passed is True


def test_a_scenario_branch_not_taken_is_not_scored(ecosystem: Ecosystem) -> None:
    follow_up = choice("The link is down. Next?", [("Check cabling", True)])
    scenario = choice(
        "First?",
        [("Ask", True), ("Reboot", False)],
        kind=QuestionKind.SCENARIO,
    )
    ask = option(scenario, "Ask")
    ask.follow_up = follow_up
    ask.save()
    rep = ecosystem.partner_a_rep
    attempt = start_attempt(quiz([scenario]), actor=rep)

    submitted = submit_attempt(
        attempt,
        actor=rep,
        responses={
            scenario.pk: [str(option(scenario, "Reboot").pk)],
            follow_up.pk: [str(option(follow_up, "Check cabling").pk)],
        },
    )

    assert (submitted.points_earned, submitted.points_possible) == (0, 1)
    assert list(AttemptAnswer.objects.values_list("question_id", flat=True)) == [
        scenario.pk
    ]


def test_a_quiz_is_scored_over_every_drawn_question(ecosystem: Ecosystem) -> None:
    first = choice("One?", [("Yes", True), ("No", False)], points=3)
    second = short_answer("Two?", ["two"])
    third = choice("Three?", [("Yes", True), ("No", False)])
    rep = ecosystem.partner_a_rep
    attempt = start_attempt(quiz([first, second, third], passing_score=75), actor=rep)

    submitted = submit_attempt(
        attempt,
        actor=rep,
        responses={first.pk: [str(option(first, "Yes").pk)], second.pk: "TWO"},
    )

    assert submitted.status == AttemptStatus.GRADED
    assert (submitted.points_earned, submitted.points_possible) == (4, 5)
    assert submitted.score == Decimal("80.00")
    assert submitted.passed is True
    unanswered = AttemptAnswer.objects.get(attempt=attempt, question=third)
    assert (unanswered.response, unanswered.is_correct, unanswered.points_awarded) == (
        None,
        False,
        0,
    )


def test_submitting_costs_the_same_queries_for_three_answers_or_twelve(
    ecosystem: Ecosystem,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rep = ecosystem.partner_a_rep
    counts = []
    for size in (3, 12):
        questions = [choice(f"Q{size}-{n}?", [("Yes", True)]) for n in range(size)]
        attempt = start_attempt(quiz(questions), actor=rep)
        responses = {q.pk: [str(option(q, "Yes").pk)] for q in questions}
        with CaptureQueriesContext(connection) as captured:
            submitted = submit_attempt(attempt, actor=rep, responses=responses)
        assert submitted.points_earned == size
        counts.append(len(captured))

    # The questions' options are read with the questions: a batch, not a query each.
    assert counts[1] - counts[0] <= 2
    assert AttemptAnswer.objects.filter(is_correct=True).count() == 15


def test_an_invalid_answer_is_reported_and_the_valid_ones_kept(
    ecosystem: Ecosystem,
) -> None:
    first = choice("One?", [("Yes", True), ("No", False)])
    other = choice("Elsewhere?", [("Yes", True)])
    second = ordering("Order.", ["a", "b"])
    rep = ecosystem.partner_a_rep
    attempt = start_attempt(quiz([first, second]), actor=rep)

    with pytest.raises(ValidationError) as error:
        save_answers(
            attempt,
            {
                first.pk: [str(option(first, "Yes").pk)],
                second.pk: [str(option(other, "Yes").pk)],
            },
            actor=rep,
        )

    assert error.value.message_dict == {
        f"q{second.pk}": ["Give every item a different place."]
    }
    assert list(AttemptAnswer.objects.values_list("question_id", flat=True)) == [
        first.pk
    ]


def test_the_draw_is_a_seeded_random_subset(ecosystem: Ecosystem) -> None:
    questions = [choice(f"Q{n}?", [("Yes", True)]) for n in range(6)]
    assessment = quiz(questions, questions_per_attempt=4)

    attempt = start_attempt(assessment, actor=ecosystem.partner_a_rep)

    assert len(attempt.question_ids) == 4
    assert len(set(attempt.question_ids)) == 4
    assert set(attempt.question_ids) <= {q.pk for q in questions}
    assert draw_questions(assessment, attempt.seed) == attempt.question_ids


def test_starting_again_resumes_the_attempt_in_progress(ecosystem: Ecosystem) -> None:
    assessment = quiz([choice("Q?", [("Yes", True)])])
    rep = ecosystem.partner_a_rep

    first = start_attempt(assessment, actor=rep)
    again = start_attempt(assessment, actor=rep)

    assert again.pk == first.pk
    assert AssessmentAttempt.objects.count() == 1


def test_the_attempt_limit_holds(ecosystem: Ecosystem) -> None:
    question = choice("Q?", [("Yes", True), ("No", False)])
    assessment = quiz([question], max_attempts=2)
    rep = ecosystem.partner_a_rep
    for _ in range(2):
        submit_attempt(start_attempt(assessment, actor=rep), actor=rep)

    with pytest.raises(ValidationError) as error:
        start_attempt(assessment, actor=rep)

    assert error.value.messages == ["No attempts left at this assessment (2 at most)."]
    assert AssessmentAttempt.objects.count() == 2


def test_a_failed_attempt_starts_the_cool_down(ecosystem: Ecosystem) -> None:
    question = choice("Q?", [("Yes", True), ("No", False)])
    assessment = quiz([question], cooldown_minutes=30)
    rep = ecosystem.partner_a_rep
    with time_machine.travel(START, tick=False):
        submit_attempt(start_attempt(assessment, actor=rep), actor=rep)
    with (
        time_machine.travel("2026-03-02 09:29:59+00:00", tick=False),
        pytest.raises(ValidationError) as error,
    ):
        start_attempt(assessment, actor=rep)
    assert error.value.messages == ["You may try again after 02 Mar 2026 09:30."]
    assert AssessmentAttempt.objects.count() == 1

    with time_machine.travel("2026-03-02 09:30:00+00:00", tick=False):
        second = start_attempt(assessment, actor=rep)

    assert second.number == 2


def test_answers_after_the_deadline_are_refused(ecosystem: Ecosystem) -> None:
    question = choice("Q?", [("Yes", True), ("No", False)])
    rep = ecosystem.partner_a_rep
    with time_machine.travel(START, tick=False):
        attempt = start_attempt(quiz([question], time_limit_minutes=20), actor=rep)
    assert str(attempt.deadline_at) == "2026-03-02 09:20:00+00:00"

    with (
        time_machine.travel("2026-03-02 09:20:01+00:00", tick=False),
        pytest.raises(ValidationError) as error,
    ):
        save_answers(
            attempt, {question.pk: [str(option(question, "Yes").pk)]}, actor=rep
        )

    assert error.value.messages == ["The time is up: answers are no longer accepted."]
    assert AttemptAnswer.objects.count() == 0


def test_an_expired_attempt_is_scored_with_the_answers_saved_in_time(
    ecosystem: Ecosystem,
) -> None:
    first = choice("One?", [("Yes", True), ("No", False)])
    second = choice("Two?", [("Yes", True), ("No", False)])
    rep = ecosystem.partner_a_rep
    with time_machine.travel(START, tick=False):
        attempt = start_attempt(
            quiz([first, second], time_limit_minutes=20, passing_score=50), actor=rep
        )
    with time_machine.travel("2026-03-02 09:19:00+00:00", tick=False):
        save_answers(attempt, {first.pk: [str(option(first, "Yes").pk)]}, actor=rep)

    with time_machine.travel("2026-03-02 09:45:00+00:00", tick=False):
        submitted = submit_attempt(
            attempt,
            actor=rep,
            responses=None,
        )
        # A late submission with answers is refused outright ...
        with pytest.raises(ValidationError):
            save_answers(
                attempt, {second.pk: [str(option(second, "Yes").pk)]}, actor=rep
            )

    assert submitted.status == AttemptStatus.GRADED
    assert (submitted.points_earned, submitted.points_possible) == (1, 2)
    assert submitted.passed is True
    event = ActivityEvent.objects.get(verb="learning.passed")
    # ... and the time counted stops at the deadline.
    assert event.data["result"]["duration"] == "PT20M"


def test_an_attempt_open_past_its_deadline_is_closed_when_seen(
    ecosystem: Ecosystem,
) -> None:
    question = choice("Q?", [("Yes", True), ("No", False)])
    assessment = quiz([question], time_limit_minutes=10)
    rep = ecosystem.partner_a_rep
    with time_machine.travel(START, tick=False):
        first = start_attempt(assessment, actor=rep)

    with time_machine.travel("2026-03-02 10:00:00+00:00", tick=False):
        second = start_attempt(assessment, actor=rep)

    first.refresh_from_db()
    assert (first.status, first.closed_by_deadline, first.passed) == (
        AttemptStatus.GRADED,
        True,
        False,
    )
    assert second.number == 2


def test_a_double_submit_counts_once(ecosystem: Ecosystem) -> None:
    question = choice("Q?", [("Yes", True), ("No", False)])
    rep = ecosystem.partner_a_rep
    attempt = start_attempt(quiz([question]), actor=rep)
    stale = AssessmentAttempt.objects.get(pk=attempt.pk)
    answer = {question.pk: [str(option(question, "Yes").pk)]}

    first = submit_attempt(attempt, actor=rep, responses=answer)
    # The second request loaded the attempt before the first one submitted it.
    second = submit_attempt(stale, actor=rep)

    assert first.submitted_at == second.submitted_at
    assert ActivityEvent.objects.filter(verb="learning.passed").count() == 1
    assert ActivityEvent.objects.filter(verb="learning.failed").count() == 0
    assert AttemptAnswer.objects.count() == 1


def test_only_the_learner_answers_their_attempt(ecosystem: Ecosystem) -> None:
    question = choice("Q?", [("Yes", True), ("No", False)])
    attempt = start_attempt(quiz([question]), actor=ecosystem.partner_a_rep)

    with pytest.raises(PermissionDenied):
        save_answers(
            attempt,
            {question.pk: [str(option(question, "Yes").pk)]},
            actor=ecosystem.partner_a_second_rep,
        )
    with pytest.raises(PermissionDenied):
        submit_attempt(attempt, actor=ecosystem.partner_a_admin)

    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.IN_PROGRESS
    assert AttemptAnswer.objects.count() == 0


def test_vendor_staff_do_not_take_assessments(ecosystem: Ecosystem) -> None:
    assessment = quiz([choice("Q?", [("Yes", True)])])

    with pytest.raises(PermissionDenied):
        start_attempt(assessment, actor=ecosystem.channel_manager)

    assert AssessmentAttempt.objects.count() == 0


def test_the_result_becomes_an_xapi_statement_with_score_and_duration(
    ecosystem: Ecosystem, settings: Any
) -> None:
    settings.SITE_URL = "https://cairn.example"
    first = choice("One?", [("Yes", True), ("No", False)], points=3)
    second = choice("Two?", [("Yes", True), ("No", False)])
    rep = ecosystem.partner_a_rep
    with time_machine.travel(START, tick=False):
        attempt = start_attempt(quiz([first, second], passing_score=80), actor=rep)
    with time_machine.travel("2026-03-02 10:02:03+00:00", tick=False):
        submit_attempt(
            attempt, actor=rep, responses={first.pk: [str(option(first, "Yes").pk)]}
        )

    for event in ActivityEvent.objects.filter(verb__startswith="learning."):
        store_learning_statement(event)

    [statement] = [
        s
        for s in Statement.objects.all()
        if s.payload["verb"]["id"] == "http://adlnet.gov/expapi/verbs/failed"
    ]
    assert statement.payload["object"]["id"] == (
        f"https://cairn.example/learning/assessments/{attempt.assessment_id}"
    )
    assert statement.payload["result"] == {
        "score": {"scaled": 0.75, "raw": 3, "min": 0, "max": 4},
        "success": False,
        "completion": True,
        "duration": "PT1H2M3S",
    }


def test_iso_durations() -> None:
    assert [iso_duration(s) for s in (0, 59, 60, 3600, 3723.9)] == [
        "PT0S",
        "PT59S",
        "PT1M",
        "PT1H",
        "PT1H2M3S",
    ]


def test_a_deadline_is_not_set_for_an_untimed_assessment(ecosystem: Ecosystem) -> None:
    attempt = start_attempt(
        quiz([choice("Q?", [("Yes", True)])]), actor=ecosystem.partner_a_rep
    )

    assert attempt.deadline_at is None
