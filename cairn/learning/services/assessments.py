"""Assessments: starting an attempt (limits, cool-down, a seeded random draw),
saving answers before the deadline, submitting once, grading every kind of
question, practical evidence and its evaluation with a rubric, and testing out of
a module.

Time limits are enforced here, not in the browser: an answer saved after the
deadline is refused, and an attempt still open at its deadline is scored with the
answers saved before it (`close_expired_attempt`), marked `closed_by_deadline`.
"""

import io
import random
import re
import secrets
import zipfile
from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from cairn.core.audit import record_audit
from cairn.core.events import record_event
from cairn.core.models import AuditAction
from cairn.learning import policies_assessments as policies
from cairn.learning.choices import AssessmentKind, AttemptStatus, QuestionKind
from cairn.learning.models import (
    Assessment,
    AssessmentAttempt,
    AttemptAnswer,
    AttemptEvidence,
    Course,
    CourseProgress,
    CriterionScore,
    Question,
    QuestionOption,
)
from cairn.learning.services import progress as progress_services
from cairn.learning.services.certifications import record_exam_result
from cairn.learning.statements import course_iri, learning_event_data

ASSESSMENT_TYPE = "http://adlnet.gov/expapi/activities/assessment"
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
MAX_EVIDENCE_FILES = 10
MAX_SHORT_ANSWER = 500
# Scenario follow-ups may themselves branch; a cycle authored by mistake must not
# loop forever.
MAX_SCENARIO_DEPTH = 5
SIGNATURES = {
    b"%PDF-": "application/pdf",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
}
OOXML_TYPES = {
    "word/": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    ),
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    ),
}


def assessment_iri(assessment: Assessment) -> str:
    """Return the xAPI activity id of an assessment."""
    return f"{settings.SITE_URL}/learning/assessments/{assessment.pk}"


def course_of(assessment: Assessment) -> Course | None:
    """Return the course an assessment belongs to (its own, or its module's)."""
    if assessment.course_id is not None:
        return assessment.course
    if assessment.module_id is not None:
        return assessment.module.version.course  # type: ignore[union-attr]
    return None


# Starting ------------------------------------------------------------------------


def start_attempt(assessment: Assessment, *, actor: Any) -> AssessmentAttempt:
    """Start an attempt, or return the one in progress.

    Refused once the attempts are used up, during the cool-down after a failed
    attempt, and while a practical attempt awaits its evaluation. The questions are
    a random subset of the pool drawn with a seed kept on the attempt.
    """
    if not policies.can_take_assessments(actor):
        raise PermissionDenied
    if not assessment.is_active:
        raise ValidationError("This assessment is closed.")
    previous = list(
        AssessmentAttempt.objects.filter(user=actor, assessment=assessment).order_by(
            "-number"
        )
    )
    # The attempt in progress is resumed, never counted against the limit: read in
    # the same query as the others, so one started meanwhile by a simultaneous
    # request is resumed too.
    for open_attempt in previous:
        if (
            open_attempt.status == AttemptStatus.IN_PROGRESS
            and close_expired_attempt(open_attempt) is None
        ):
            return open_attempt
    if assessment.max_attempts is not None and len(previous) >= assessment.max_attempts:
        raise ValidationError(
            f"No attempts left at this assessment ({assessment.max_attempts} at most)."
        )
    if any(a.status == AttemptStatus.AWAITING_EVALUATION for a in previous):
        raise ValidationError("Your last attempt is waiting for its evaluation.")
    now = timezone.now()
    last = previous[0] if previous else None
    if (
        last is not None
        and last.passed is False
        and assessment.cooldown_minutes
        and last.submitted_at is not None
    ):
        ready_at = last.submitted_at + timedelta(minutes=assessment.cooldown_minutes)
        if now < ready_at:
            raise ValidationError(
                "You may try again after "
                f"{timezone.localtime(ready_at):%d %b %Y %H:%M}."
            )
    seed = secrets.randbits(62)
    question_ids: list[int] = []
    if assessment.kind == AssessmentKind.QUIZ:
        question_ids = draw_questions(assessment, seed)
        if not question_ids:
            raise ValidationError("This assessment has no questions yet.")
    deadline = (
        now + timedelta(minutes=assessment.time_limit_minutes)
        if assessment.time_limit_minutes
        else None
    )
    try:
        with transaction.atomic():
            attempt = AssessmentAttempt.objects.create(
                user=actor,
                assessment=assessment,
                number=(last.number if last else 0) + 1,
                seed=seed,
                question_ids=question_ids,
                started_at=now,
                deadline_at=deadline,
            )
            record_event(
                "learning.launched",
                actor=actor,
                organization_id=actor.organization_id,
                target=attempt,
                data=_event_data(attempt),
            )
    except IntegrityError as error:
        # Started twice at once: the other request took this attempt number.
        raise ValidationError("An attempt was just started; open it again.") from error
    return attempt


def draw_questions(assessment: Assessment, seed: int) -> list[int]:
    """Draw the attempt's questions: a subset of the pool in a random order, the
    same for the same seed.
    """
    pool = sorted(assessment.questions.values_list("id", flat=True))
    size = assessment.questions_per_attempt or len(pool)
    # A reproducible draw from a stored seed; the seed itself comes from secrets.
    return random.Random(seed).sample(pool, min(size, len(pool)))  # noqa: S311


# Questions of an attempt -----------------------------------------------------------


@dataclass
class OptionRow:
    """An option as shown: chosen or not, its place, the key matched to it."""

    option: QuestionOption
    is_chosen: bool
    place: int | None
    matched: str


@dataclass
class PresentedQuestion:
    """A question as asked in an attempt, with its options and the saved answer."""

    question: Question
    options: list[QuestionOption]
    answer: AttemptAnswer | None
    is_follow_up: bool = False
    error: str = ""

    @property
    def match_keys(self) -> list[str]:
        """Return the distinct match keys to choose from, in a stable order."""
        return sorted({option.match_key for option in self.options})

    @property
    def places(self) -> list[int]:
        """Return the places an ordering item may take: 1 to the item count."""
        return list(range(1, len(self.options) + 1))

    @property
    def text_answer(self) -> str:
        """Return the saved short answer, or an empty string."""
        response = self.answer.response if self.answer is not None else None
        return response if isinstance(response, str) else ""

    @property
    def rows(self) -> list[OptionRow]:
        """Return the options with what the saved answer says of each."""
        response = self.answer.response if self.answer is not None else None
        rows = []
        for option in self.options:
            chosen = isinstance(response, list) and option.pk in response
            place = (
                response.index(option.pk) + 1
                if self.question.kind == QuestionKind.ORDERING
                and isinstance(response, list)
                and option.pk in response
                else None
            )
            matched = (
                str(response.get(str(option.pk), ""))
                if isinstance(response, dict)
                else ""
            )
            rows.append(OptionRow(option, chosen, place, matched))
        return rows


def _load_questions(ids: set[int], into: dict[int, Question]) -> None:
    missing = ids - set(into)
    if missing:
        for question in Question.objects.filter(pk__in=missing).prefetch_related(
            "options"
        ):
            into[question.pk] = question


def presented_questions(attempt: AssessmentAttempt) -> list[PresentedQuestion]:
    """Return the attempt's questions in order: the drawn ones, each scenario
    followed by the follow-up its chosen option leads to.
    """
    answers = {answer.question_id: answer for answer in attempt.answers.all()}
    questions: dict[int, Question] = {}
    _load_questions(set(attempt.question_ids), questions)
    presented: list[PresentedQuestion] = []
    seen: set[int] = set()

    def visit(question_id: int, depth: int, is_follow_up: bool) -> None:
        question = questions.get(question_id)
        if question is None or question_id in seen:
            return
        seen.add(question_id)
        options = list(question.options.all())
        if question.kind == QuestionKind.ORDERING:
            # Shown in the order authored, the items would give the answer away.
            random.Random(attempt.seed + question_id).shuffle(options)  # noqa: S311
        answer = answers.get(question_id)
        presented.append(PresentedQuestion(question, options, answer, is_follow_up))
        if question.kind != QuestionKind.SCENARIO or depth >= MAX_SCENARIO_DEPTH:
            return
        chosen = answer.response if answer is not None else None
        follow_up = next(
            (
                option.follow_up_id
                for option in options
                if isinstance(chosen, list) and option.pk in chosen
            ),
            None,
        )
        if follow_up is not None:
            _load_questions({follow_up}, questions)
            visit(follow_up, depth + 1, True)

    for question_id in attempt.question_ids:
        visit(question_id, 0, False)
    return presented


# Answering -------------------------------------------------------------------------


def _clean_response(question: Question, options: list[QuestionOption], raw: Any) -> Any:
    """Return the response in its stored shape, or raise ValidationError."""
    option_ids = {option.pk for option in options}
    kind = question.kind
    if kind in (QuestionKind.SINGLE, QuestionKind.TRUE_FALSE, QuestionKind.SCENARIO):
        chosen = [int(value) for value in raw] if isinstance(raw, list) else []
        if len(chosen) != 1 or chosen[0] not in option_ids:
            raise ValidationError("Choose one of the options.")
        return chosen
    if kind == QuestionKind.MULTIPLE:
        chosen = sorted({int(value) for value in raw}) if isinstance(raw, list) else []
        if not set(chosen) <= option_ids:
            raise ValidationError("Choose among the options.")
        return chosen
    if kind == QuestionKind.ORDERING:
        if not isinstance(raw, list) or sorted(int(v) for v in raw) != sorted(
            option_ids
        ):
            raise ValidationError("Give every item a different place.")
        return [int(value) for value in raw]
    if kind == QuestionKind.MATCHING:
        keys = {option.match_key for option in options}
        if (
            not isinstance(raw, dict)
            or {int(k) for k in raw} != option_ids
            or not set(raw.values()) <= keys
        ):
            raise ValidationError("Match every item.")
        return {str(int(k)): str(v) for k, v in raw.items()}
    text = str(raw or "").strip()
    if not text or len(text) > MAX_SHORT_ANSWER:
        raise ValidationError(
            f"Type an answer of at most {MAX_SHORT_ANSWER} characters."
        )
    return text


def save_answers(
    attempt: AssessmentAttempt, responses: dict[int, Any], *, actor: Any
) -> None:
    """Save the learner's answers (question id → raw response) of an attempt in
    progress, before its deadline. Questions left out keep their saved answer.

    Each answer stands on its own, like a paper form: the valid ones are saved and
    the invalid ones reported (ValidationError keyed `q<question id>`), so a
    learner never loses a page of answers to one slip.
    """
    if actor.pk != attempt.user_id:
        raise PermissionDenied
    now = timezone.now()
    if attempt.status != AttemptStatus.IN_PROGRESS:
        raise ValidationError("This attempt is already submitted.")
    if attempt.deadline_at is not None and now > attempt.deadline_at:
        raise ValidationError("The time is up: answers are no longer accepted.")
    errors: dict[str, list[str]] = {}
    cleaned: dict[int, Any] = {}
    with transaction.atomic():
        # Saving a scenario answer may bring in its follow-up; a second pass lets
        # a follow-up answered on the same page be saved too.
        for _ in range(MAX_SCENARIO_DEPTH + 1):
            presented = {p.question.pk: p for p in presented_questions(attempt)}
            pending = {
                qid: raw
                for qid, raw in responses.items()
                if qid in presented and qid not in cleaned and f"q{qid}" not in errors
            }
            batch: list[AttemptAnswer] = []
            for question_id, raw in pending.items():
                shown = presented[question_id]
                try:
                    cleaned[question_id] = _clean_response(
                        shown.question, shown.options, raw
                    )
                except (ValidationError, TypeError, ValueError) as error:
                    message = (
                        error.messages[0]
                        if isinstance(error, ValidationError)
                        else "This answer is not valid."
                    )
                    errors[f"q{question_id}"] = [message]
                    continue
                batch.append(
                    AttemptAnswer(
                        attempt=attempt,
                        question_id=question_id,
                        response=cleaned[question_id],
                        answered_at=now,
                    )
                )
            # One statement for the page: a new answer is inserted, a changed one
            # replaces the saved one (the unique attempt-question pair).
            AttemptAnswer.objects.bulk_create(
                batch,
                update_conflicts=True,
                unique_fields=["attempt", "question"],
                update_fields=["response", "answered_at"],
            )
            answered_scenario = any(
                presented[answer.question_id].question.kind == QuestionKind.SCENARIO
                for answer in batch
            )
            if not answered_scenario:
                break  # no follow-up can have appeared
    if errors:
        raise ValidationError(errors)


# Grading ---------------------------------------------------------------------------


def _normalize(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def is_correct_response(
    question: Question, options: list[QuestionOption], response: Any
) -> bool:
    """Grade one response exactly, all or nothing, by the question's kind."""
    if response is None:
        return False
    kind = question.kind
    if kind in (
        QuestionKind.SINGLE,
        QuestionKind.TRUE_FALSE,
        QuestionKind.SCENARIO,
        QuestionKind.MULTIPLE,
    ):
        correct = {option.pk for option in options if option.is_correct}
        return bool(correct) and set(response) == correct
    if kind == QuestionKind.ORDERING:
        expected = [
            option.pk for option in sorted(options, key=lambda o: (o.position, o.pk))
        ]
        return list(response) == expected
    if kind == QuestionKind.MATCHING:
        return all(
            response.get(str(option.pk)) == option.match_key for option in options
        )
    accepted = {_normalize(str(answer)) for answer in question.accepted_answers}
    return _normalize(str(response)) in accepted


def _percent(earned: int, possible: int) -> Decimal:
    if not possible:
        return Decimal("0.00")
    return (Decimal(100 * earned) / Decimal(possible)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def _grade_quiz(attempt: AssessmentAttempt) -> tuple[int, int]:
    """Grade every presented question (unanswered ones score nothing) and return
    the points earned and possible.
    """
    earned = possible = 0
    graded: list[AttemptAnswer] = []
    unanswered: list[AttemptAnswer] = []
    for shown in presented_questions(attempt):
        answer = shown.answer
        correct = answer is not None and is_correct_response(
            shown.question, shown.options, answer.response
        )
        points = shown.question.points if correct else 0
        if answer is None:
            unanswered.append(
                AttemptAnswer(
                    attempt=attempt,
                    question=shown.question,
                    response=None,
                    is_correct=False,
                    points_awarded=0,
                )
            )
        else:
            answer.is_correct, answer.points_awarded = correct, points
            graded.append(answer)
        earned += points
        possible += shown.question.points
    AttemptAnswer.objects.bulk_update(graded, ["is_correct", "points_awarded"])
    AttemptAnswer.objects.bulk_create(unanswered)
    return earned, possible


def submit_attempt(
    attempt: AssessmentAttempt,
    *,
    actor: Any,
    responses: dict[int, Any] | None = None,
) -> AssessmentAttempt:
    """Submit an attempt, saving `responses` first, and return it graded (a quiz)
    or awaiting evaluation (a practical assessment).

    Submitting counts once: a second submission, even at the same moment, finds
    the attempt claimed and changes nothing.
    """
    if actor.pk != attempt.user_id:
        raise PermissionDenied
    if responses:
        save_answers(attempt, responses, actor=actor)
    return _submit(attempt, closed_by_deadline=False)


def close_expired_attempt(attempt: AssessmentAttempt) -> AssessmentAttempt | None:
    """Score an attempt whose time ran out with the answers saved before its
    deadline; return it, or None if it is not expired.
    """
    if (
        attempt.status != AttemptStatus.IN_PROGRESS
        or attempt.deadline_at is None
        or timezone.now() <= attempt.deadline_at
    ):
        return None
    return _submit(attempt, closed_by_deadline=True)


def _submit(
    attempt: AssessmentAttempt, *, closed_by_deadline: bool
) -> AssessmentAttempt:
    assessment = attempt.assessment
    is_practical = assessment.kind == AssessmentKind.PRACTICAL
    has_evidence = attempt.evidence.exists()
    if is_practical and not has_evidence and not closed_by_deadline:
        raise ValidationError("Upload your evidence before submitting.")
    now = timezone.now()
    with transaction.atomic():
        # The conditional update is the guard: of two submissions, one updates the
        # row and the other, blocked on its lock until the first commits, finds it
        # no longer in progress.
        claimed = AssessmentAttempt.objects.filter(
            pk=attempt.pk, status=AttemptStatus.IN_PROGRESS
        ).update(
            status=AttemptStatus.AWAITING_EVALUATION,
            submitted_at=now,
            closed_by_deadline=closed_by_deadline,
        )
        if not claimed:
            return AssessmentAttempt.objects.get(pk=attempt.pk)
        attempt.refresh_from_db()
        if is_practical and has_evidence:
            record_audit(
                AuditAction.UPDATE,
                attempt,
                actor=attempt.user,
                organization_id=attempt.user.organization_id,
                before={"status": AttemptStatus.IN_PROGRESS},
                after={"status": AttemptStatus.AWAITING_EVALUATION},
            )
            return attempt
        earned, possible = _grade_quiz(attempt) if not is_practical else (0, 0)
        _finish(attempt, earned=earned, possible=possible, actor=attempt.user)
    return attempt


def _finish(
    attempt: AssessmentAttempt, *, earned: int, possible: int, actor: Any
) -> None:
    """Record the score, the pass or fail event, and test out of the module."""
    assessment = attempt.assessment
    score = _percent(earned, possible)
    passed = possible > 0 and score >= assessment.passing_score
    AssessmentAttempt.objects.filter(pk=attempt.pk).update(
        status=AttemptStatus.GRADED,
        points_earned=earned,
        points_possible=possible,
        score=score,
        passed=passed,
    )
    attempt.refresh_from_db()
    learner = attempt.user
    submitted = attempt.submitted_at or timezone.now()
    ended = (
        min(submitted, attempt.deadline_at)
        if attempt.deadline_at is not None
        else submitted
    )
    result = {
        "score": {
            "scaled": float(score / 100),
            "raw": earned,
            "min": 0,
            "max": possible,
        },
        "success": passed,
        "completion": True,
        "duration": iso_duration((ended - attempt.started_at).total_seconds()),
    }
    record_event(
        "learning.passed" if passed else "learning.failed",
        actor=actor,
        organization_id=learner.organization_id,
        target=attempt,
        data=_event_data(attempt, result=result),
    )
    # Certifications that require this exam hear of every graded attempt.
    record_exam_result(learner, assessment.exam_key, passed=passed, at=submitted)
    if passed and assessment.module_id is not None:
        _test_out(attempt)


def iso_duration(seconds: float) -> str:
    """Return a duration in ISO 8601, as xAPI wants it: PT1H2M3S."""
    whole = max(int(seconds), 0)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    parts = (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    if secs or not parts:
        parts += f"{secs}S"
    return f"PT{parts}"


def _event_data(
    attempt: AssessmentAttempt, result: dict[str, Any] | None = None
) -> dict[str, Any]:
    assessment = attempt.assessment
    course = course_of(assessment)
    registration = (
        CourseProgress.objects.filter(user=attempt.user, course=course)
        .values_list("registration", flat=True)
        .first()
        if course is not None
        else None
    )
    return learning_event_data(
        learner=attempt.user,
        activity_id=assessment_iri(assessment),
        activity_name=assessment.title,
        activity_type=ASSESSMENT_TYPE,
        registration=registration,
        parent_id=course_iri(course) if course is not None else "",
        parent_name=course.title if course is not None else "",
        result=result,
    )


def _test_out(attempt: AssessmentAttempt) -> None:
    """Complete the module's lessons for a learner who passed its pre-assessment,
    on the course version they take (a module of another version is left alone).
    """
    module = attempt.assessment.module
    assert module is not None
    course = module.version.course
    try:
        progress = progress_services.open_course(attempt.user, course)
    except ValidationError:
        return
    if progress.version_id != module.version_id:
        return
    for lesson in module.lessons.all():
        progress_services.complete_lesson(progress, lesson, actor=attempt.user)


# Practical assessments -------------------------------------------------------------


def sniff_evidence_type(head: bytes, upload: UploadedFile[Any]) -> str | None:
    """Return the content type of an evidence file by its content, or None for a
    type not accepted: PDF, PNG, JPEG, and Word, Excel or PowerPoint documents.
    """
    for magic, content_type in SIGNATURES.items():
        if head.startswith(magic):
            return content_type
    if not head.startswith(b"PK\x03\x04"):
        return None
    upload.seek(0)
    try:
        with zipfile.ZipFile(io.BytesIO(upload.read())) as archive:
            names = archive.namelist()
    except zipfile.BadZipFile:
        return None
    # A ZIP is accepted only as an Office Open XML document, never as an archive.
    if "[Content_Types].xml" not in names:
        return None
    return next(
        (
            content_type
            for prefix, content_type in OOXML_TYPES.items()
            if any(name.startswith(prefix) for name in names)
        ),
        None,
    )


def add_evidence(
    attempt: AssessmentAttempt, upload: UploadedFile[Any], *, actor: Any
) -> AttemptEvidence:
    """Keep a file the learner hands in for a practical attempt in progress.

    The type is read from the content, not the name; the file is stored under a
    random name and served only through an access-checked page.
    """
    if actor.pk != attempt.user_id:
        raise PermissionDenied
    if attempt.assessment.kind != AssessmentKind.PRACTICAL:
        raise ValidationError("This assessment takes no files.")
    if attempt.status != AttemptStatus.IN_PROGRESS:
        raise ValidationError("This attempt is already submitted.")
    if attempt.deadline_at is not None and timezone.now() > attempt.deadline_at:
        raise ValidationError("The time is up: files are no longer accepted.")
    size = upload.size or 0
    if size == 0:
        raise ValidationError({"file": ["The file is empty."]})
    if size > MAX_EVIDENCE_BYTES:
        raise ValidationError({"file": ["The file is larger than 10 MB."]})
    if attempt.evidence.count() >= MAX_EVIDENCE_FILES:
        raise ValidationError({"file": [f"At most {MAX_EVIDENCE_FILES} files."]})
    upload.seek(0)
    head = upload.read(8)
    content_type = sniff_evidence_type(head, upload)
    if content_type is None:
        raise ValidationError(
            {"file": ["Upload a PDF, PNG, JPEG, or a Word, Excel or PowerPoint file."]}
        )
    upload.seek(0)
    with transaction.atomic():
        evidence = AttemptEvidence(
            attempt=attempt,
            original_name=(upload.name or "evidence")[-255:],
            content_type=content_type,
            size=size,
        )
        evidence.file.save("evidence", upload, save=False)
        evidence.save()
        record_audit(
            AuditAction.CREATE,
            evidence,
            actor=actor,
            organization_id=actor.organization_id,
            after={"name": evidence.original_name, "size": size},
        )
    return evidence


def evaluate_attempt(
    attempt: AssessmentAttempt,
    *,
    actor: Any,
    scores: dict[int, int],
    comments: dict[int, str] | None = None,
    comment: str = "",
) -> AssessmentAttempt:
    """Grade a practical attempt: points for every rubric criterion (0 to its
    maximum), comments, then the pass or fail event. Graded once.
    """
    if not policies.can_evaluate_attempt(actor, attempt):
        raise PermissionDenied
    comments = comments or {}
    criteria = list(attempt.assessment.criteria.all())
    errors: dict[str, list[str]] = {}
    for criterion in criteria:
        points = scores.get(criterion.pk)
        if points is None or not 0 <= points <= criterion.max_points:
            errors[f"criterion_{criterion.pk}"] = [
                f"Give 0 to {criterion.max_points} points."
            ]
    if not criteria:
        errors["__all__"] = ["This assessment has no rubric."]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        claimed = AssessmentAttempt.objects.filter(
            pk=attempt.pk, status=AttemptStatus.AWAITING_EVALUATION
        ).update(
            evaluator=actor,
            evaluated_at=timezone.now(),
            evaluator_comment=comment,
            status=AttemptStatus.GRADED,
        )
        if not claimed:
            raise ValidationError("This attempt is not waiting for an evaluation.")
        CriterionScore.objects.bulk_create(
            CriterionScore(
                attempt=attempt,
                criterion=criterion,
                points=scores[criterion.pk],
                comment=comments.get(criterion.pk, ""),
            )
            for criterion in criteria
        )
        earned = sum(scores[criterion.pk] for criterion in criteria)
        possible = sum(criterion.max_points for criterion in criteria)
        attempt.refresh_from_db()
        _finish(attempt, earned=earned, possible=possible, actor=actor)
        record_audit(
            AuditAction.DECIDE,
            attempt,
            actor=actor,
            organization_id=attempt.user.organization_id,
            after={
                "score": str(attempt.score),
                "passed": attempt.passed,
                "comment": comment,
            },
        )
    return attempt
