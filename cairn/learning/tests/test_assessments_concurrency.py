"""Two submissions of one attempt, and two starts, at the same moment, on real
threads with their own database connections (committed transactions).

On PostgreSQL the requests overlap and the row lock taken by the conditional update
orders them; on SQLite the database runs one write transaction at a time. On both,
the attempt is graded once and one result event is recorded.
"""

import threading
import time
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from cairn.core.models import ActivityEvent
from cairn.learning.models import AssessmentAttempt, AttemptAnswer
from cairn.learning.services import assessments
from cairn.learning.tests.support_assessments import choice, option, quiz

pytestmark = pytest.mark.django_db(transaction=True)


def _run_together(*calls: Any) -> list[Any]:
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Any) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as error:
            results[index] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(index, call))
        for index, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_two_simultaneous_submissions_count_once(
    ecosystem: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    question = choice("Q?", [("Yes", True), ("No", False)])
    rep = ecosystem.partner_a_rep
    attempt = assessments.start_attempt(quiz([question]), actor=rep)
    assessments.save_answers(
        attempt, {question.pk: [str(option(question, "Yes").pk)]}, actor=rep
    )
    original = assessments._grade_quiz

    def slow_grade(graded: AssessmentAttempt) -> tuple[int, int]:
        # Hold the claimed row while grading, so that the other submission arrives
        # while this one has not committed.
        time.sleep(0.3)
        return original(graded)

    monkeypatch.setattr(assessments, "_grade_quiz", slow_grade)
    # Each request loaded the attempt while it was still in progress.
    copies = [AssessmentAttempt.objects.get(pk=attempt.pk) for _ in range(2)]

    results = _run_together(
        *(lambda c=c: assessments.submit_attempt(c, actor=rep) for c in copies)
    )

    assert not [r for r in results if isinstance(r, Exception)], results
    assert results[0].submitted_at == results[1].submitted_at
    assert ActivityEvent.objects.filter(verb="learning.passed").count() == 1
    assert AttemptAnswer.objects.filter(is_correct=True).count() == 1
    attempt.refresh_from_db()
    assert (attempt.points_earned, attempt.points_possible) == (1, 1)


def test_two_simultaneous_starts_make_one_attempt(ecosystem: Any) -> None:
    exam = quiz([choice("Q?", [("Yes", True)])], max_attempts=1)
    rep = ecosystem.partner_a_rep

    results = _run_together(
        lambda: assessments.start_attempt(exam, actor=rep),
        lambda: assessments.start_attempt(exam, actor=rep),
    )

    assert AssessmentAttempt.objects.count() == 1
    attempt = AssessmentAttempt.objects.get()
    # The slower start either resumed the same attempt or was told to open it again.
    for result in results:
        assert (
            isinstance(result, ValidationError)
            and result.messages == ["An attempt was just started; open it again."]
        ) or result.pk == attempt.pk
