"""Reads of assessments, always for one actor: what a learner may take, their
attempts and results (with answer review and recommended lessons), the evaluation
queue, evidence, and the item analysis of an assessment's questions.
"""

import math
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from cairn.learning import policies_assessments as policies
from cairn.learning.choices import AnswerReview, AttemptStatus, VersionStatus
from cairn.learning.models import (
    Assessment,
    AssessmentAttempt,
    AttemptAnswer,
    AttemptEvidence,
    CourseProgress,
    CriterionScore,
    Lesson,
    Question,
)
from cairn.learning.selectors import list_courses_for
from cairn.learning.services.assessments import (
    PresentedQuestion,
    course_of,
    presented_questions,
)
from cairn.partners.models import PartnerOrganization

MAX_RECOMMENDATIONS = 5


def list_assessments_for(user: Any) -> QuerySet[Assessment]:
    """Return the active assessments a partner person may take: those of courses
    they may take, and those of no course.
    """
    courses = list_courses_for(user).values("pk")
    return Assessment.objects.filter(
        Q(course__isnull=True, module__isnull=True)
        | Q(course__in=courses)
        | Q(module__version__course__in=courses),
        is_active=True,
    ).select_related("course", "module__version__course")


def list_course_assessments_for(
    user: Any, course: Any, version: Any
) -> list[Assessment]:
    """Return the course's exams and the pre-assessments of the version's modules
    that the person may take.
    """
    return list(
        list_assessments_for(user)
        .filter(Q(course=course) | Q(module__version=version))
        .order_by("module__position", "module_id", "title")
    )


def access_assessment(user: Any, pk: int) -> Assessment:
    """Return an assessment the person may take; 404 otherwise."""
    assessment = list_assessments_for(user).filter(pk=pk).first()
    if assessment is None:
        raise Http404("No such assessment.")
    return assessment


def attempts_of(user: Any, assessment: Assessment) -> list[AssessmentAttempt]:
    """Return the person's attempts at an assessment, latest first."""
    return list(
        AssessmentAttempt.objects.filter(user=user, assessment=assessment).order_by(
            "-number"
        )
    )


def access_own_attempt(user: Any, pk: int) -> AssessmentAttempt:
    """Return the person's own attempt; 404 for anyone else's."""
    attempt = (
        AssessmentAttempt.objects.filter(pk=pk, user=user)
        .select_related("assessment__course", "assessment__module__version__course")
        .first()
    )
    if attempt is None:
        raise Http404("No such attempt.")
    return attempt


def list_attempts_to_evaluate_for(actor: Any) -> QuerySet[AssessmentAttempt]:
    """Return the practical attempts awaiting evaluation of the partners the
    evaluator looks after (every partner for vendor admins).
    """
    organizations = PartnerOrganization.objects.visible_to(actor).values("pk")
    return (
        AssessmentAttempt.objects.filter(
            status=AttemptStatus.AWAITING_EVALUATION,
            user__organization__in=organizations,
        )
        .select_related("assessment", "user__organization")
        .order_by("submitted_at", "id")
    )


def access_attempt_to_evaluate(actor: Any, pk: int) -> AssessmentAttempt:
    """Return a practical attempt the actor may evaluate; 404 otherwise."""
    attempt = (
        AssessmentAttempt.objects.filter(pk=pk, assessment__kind="practical")
        .select_related("assessment", "user__organization", "evaluator")
        .first()
    )
    if attempt is None or not policies.can_evaluate_attempt(actor, attempt):
        raise Http404("No such attempt.")
    return attempt


def access_evidence(actor: Any, pk: int) -> AttemptEvidence:
    """Return evidence the actor may download (the learner, their evaluators);
    404 otherwise.
    """
    evidence = (
        AttemptEvidence.objects.filter(pk=pk)
        .select_related("attempt__user__organization")
        .first()
    )
    if evidence is None or not policies.can_view_attempt(actor, evidence.attempt):
        raise Http404("No such file.")
    return evidence


@dataclass
class Recommendation:
    """A lesson recommended for a competency the learner is weak in."""

    lesson: Lesson
    course_slug: str
    competency: str


@dataclass
class CompetencyScore:
    """How a learner did on the questions of one competency."""

    competency: str
    earned: int
    possible: int

    @property
    def percent(self) -> int:
        return round(100 * self.earned / self.possible) if self.possible else 0


@dataclass
class AttemptResult:
    """An attempt's result page: the score, the review if the policy allows it,
    the competencies and the lessons to take next.
    """

    attempt: AssessmentAttempt
    shows_review: bool
    questions: list[PresentedQuestion]
    competencies: list[CompetencyScore]
    recommendations: list[Recommendation]
    criterion_scores: list[CriterionScore] = field(default_factory=list)


def _shows_review(attempt: AssessmentAttempt) -> bool:
    policy = attempt.assessment.answer_review
    if attempt.status != AttemptStatus.GRADED or policy == AnswerReview.NEVER:
        return False
    return policy == AnswerReview.AFTER_SUBMIT or bool(attempt.passed)


def competency_scores(questions: list[PresentedQuestion]) -> list[CompetencyScore]:
    """Return the points per competency of graded questions, weakest first."""
    totals: dict[str, CompetencyScore] = {}
    for shown in questions:
        tag = shown.question.competency
        if not tag:
            continue
        row = totals.setdefault(tag, CompetencyScore(tag, 0, 0))
        if shown.answer is not None:
            row.earned += shown.answer.points_awarded or 0
        row.possible += shown.question.points
    return sorted(
        totals.values(),
        key=lambda row: (
            row.earned / row.possible if row.possible else 1,
            row.competency,
        ),
    )


def recommended_lessons(
    attempt: AssessmentAttempt, scores: list[CompetencyScore]
) -> list[Recommendation]:
    """Return lessons of the assessment's course that teach the competencies the
    learner missed points in, weakest first, leaving out lessons already done.
    """
    weak = [row.competency for row in scores if row.earned < row.possible]
    course = course_of(attempt.assessment)
    if not weak or course is None:
        return []
    progress = (
        CourseProgress.objects.filter(user=attempt.user, course=course)
        .select_related("version")
        .first()
    )
    version = (
        progress.version
        if progress is not None
        else course.versions.filter(status=VersionStatus.PUBLISHED).first()
    )
    if version is None:
        return []
    done = (
        set(progress.completions.values_list("lesson_id", flat=True))
        if progress is not None
        else set()
    )
    lessons = Lesson.objects.filter(module__version=version).order_by(
        "module__position", "module_id", "position", "id"
    )
    found: list[tuple[int, int, Recommendation]] = []
    for order, lesson in enumerate(lessons):
        if lesson.pk in done:
            continue
        tags = set(lesson.competencies or [])
        rank = next((i for i, tag in enumerate(weak) if tag in tags), None)
        if rank is not None:
            found.append((rank, order, Recommendation(lesson, course.slug, weak[rank])))
    found.sort(key=lambda item: (item[0], item[1]))
    return [item[2] for item in found[:MAX_RECOMMENDATIONS]]


def attempt_result_for(attempt: AssessmentAttempt) -> AttemptResult:
    """Return what the result page of an attempt shows its learner."""
    questions = presented_questions(attempt) if attempt.question_ids else []
    graded = attempt.status == AttemptStatus.GRADED
    scores = competency_scores(questions) if graded else []
    return AttemptResult(
        attempt=attempt,
        shows_review=_shows_review(attempt),
        questions=questions,
        competencies=scores,
        recommendations=recommended_lessons(attempt, scores) if graded else [],
        criterion_scores=list(
            attempt.criterion_scores.select_related("criterion").order_by(
                "criterion__position", "criterion_id"
            )
        ),
    )


@dataclass
class ItemRow:
    """How one question performed: how often it was asked and answered right,
    and how well it separates strong attempts from weak ones.
    """

    question: Question
    asked: int
    correct: int
    discrimination: float | None

    @property
    def difficulty(self) -> float | None:
        """The share of correct answers (the item's p-value)."""
        return self.correct / self.asked if self.asked else None


@dataclass
class ItemAnalysis:
    """The item analysis of an assessment over its graded attempts."""

    assessment: Assessment
    attempts: int
    rows: list[ItemRow]


def point_biserial(scores: list[float], correct: list[bool]) -> float | None:
    """Return the point-biserial correlation of correctness with the score, or
    None when it is undefined (fewer than two attempts, everyone right or wrong,
    or every score equal).
    """
    count = len(scores)
    right = [score for score, ok in zip(scores, correct, strict=True) if ok]
    wrong = [score for score, ok in zip(scores, correct, strict=True) if not ok]
    if count < 2 or not right or not wrong:
        return None
    mean = sum(scores) / count
    deviation = math.sqrt(sum((score - mean) ** 2 for score in scores) / count)
    if deviation == 0:
        return None
    share = len(right) / count
    difference = sum(right) / len(right) - sum(wrong) / len(wrong)
    return difference / deviation * math.sqrt(share * (1 - share))


def item_analysis_for(actor: Any, assessment_pk: int) -> ItemAnalysis:
    """Return the item analysis of an assessment for vendor staff, in a fixed
    number of queries: per question, difficulty (share correct) and the
    point-biserial correlation of being right with the attempt's score.
    """
    if not policies.can_view_item_analysis(actor):
        raise Http404("No such assessment.")
    assessment = Assessment.objects.filter(pk=assessment_pk).first()
    if assessment is None:
        raise Http404("No such assessment.")
    attempts: dict[int, float] = {
        pk: float(score)
        for pk, score in AssessmentAttempt.objects.filter(
            assessment=assessment, status=AttemptStatus.GRADED, score__isnull=False
        ).values_list("pk", "score")
        if score is not None
    }
    by_question: dict[int, list[tuple[float, bool]]] = {}
    for attempt_id, question_id, is_correct in (
        AttemptAnswer.objects.filter(
            attempt_id__in=list(attempts), is_correct__isnull=False
        )
        .order_by("question_id", "attempt_id")
        .values_list("attempt_id", "question_id", "is_correct")
    ):
        by_question.setdefault(question_id, []).append(
            (attempts[attempt_id], bool(is_correct))
        )
    pool_ids = set(assessment.questions.values_list("pk", flat=True))
    questions = Question.objects.filter(pk__in=pool_ids | set(by_question)).order_by(
        "pk"
    )
    rows = []
    for question in questions:
        pairs = by_question.get(question.pk, [])
        rows.append(
            ItemRow(
                question=question,
                asked=len(pairs),
                correct=sum(1 for _, ok in pairs if ok),
                discrimination=point_biserial(
                    [score for score, _ in pairs], [ok for _, ok in pairs]
                ),
            )
        )
    return ItemAnalysis(assessment=assessment, attempts=len(attempts), rows=rows)
