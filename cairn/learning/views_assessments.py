"""Assessment pages: a learner starts, answers, submits and reads the result of
an attempt (plain forms, no JavaScript needed); evaluators grade practical
attempts and vendor staff read the item analysis in the console.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cairn.core.portal import paginate, policy_required
from cairn.learning import policies_assessments as policies
from cairn.learning import selectors_assessments as selectors
from cairn.learning.choices import AssessmentKind, AttemptStatus, QuestionKind
from cairn.learning.models import AssessmentAttempt
from cairn.learning.services import assessments as services


class EvidenceForm(forms.Form):
    """A file handed in for a practical assessment."""

    file = forms.FileField(
        label="Evidence file",
        help_text="PDF, PNG, JPEG, or a Word, Excel or PowerPoint file; 10 MB at most.",
    )


def _responses_from(request: HttpRequest, attempt: AssessmentAttempt) -> dict[int, Any]:
    """Read the answers of the page's questions from the posted form."""
    data = request.POST
    responses: dict[int, Any] = {}
    for shown in services.presented_questions(attempt):
        question = shown.question
        name = f"q{question.pk}"
        kind = question.kind
        if kind == QuestionKind.MULTIPLE:
            if f"{name}_shown" in data:
                responses[question.pk] = data.getlist(name)
        elif kind in (QuestionKind.ORDERING, QuestionKind.MATCHING):
            values = {
                option.pk: data.get(f"{name}_o{option.pk}", "")
                for option in shown.options
            }
            if not any(values.values()):
                continue
            if kind == QuestionKind.MATCHING:
                responses[question.pk] = values
                continue
            try:
                places = {pk: int(value) for pk, value in values.items()}
            except ValueError:
                responses[question.pk] = []
                continue
            distinct = len(set(places.values())) == len(places)
            responses[question.pk] = (
                sorted(places, key=lambda pk: places[pk]) if distinct else []
            )
        elif kind == QuestionKind.SHORT_ANSWER:
            if data.get(name, "").strip():
                responses[question.pk] = data[name]
        elif name in data:
            responses[question.pk] = [data[name]]
    return responses


def _attempt_page(
    request: HttpRequest,
    attempt: AssessmentAttempt,
    *,
    errors: dict[str, list[str]] | None = None,
    evidence_form: EvidenceForm | None = None,
    status: int = 200,
) -> HttpResponse:
    remaining = (
        max(int((attempt.deadline_at - timezone.now()).total_seconds() // 60), 0)
        if attempt.deadline_at is not None
        else None
    )
    questions = services.presented_questions(attempt)
    for shown in questions:
        shown.error = " ".join((errors or {}).get(f"q{shown.question.pk}", []))
    context = {
        "attempt": attempt,
        "assessment": attempt.assessment,
        "questions": questions,
        "errors": errors or {},
        "minutes_left": remaining,
        "is_practical": attempt.assessment.kind == AssessmentKind.PRACTICAL,
        "evidence": list(attempt.evidence.all()),
        "evidence_form": evidence_form or EvidenceForm(),
        "nav": "learning",
    }
    return render(request, "learning/assessment_attempt.html", context, status=status)


@policy_required(policies.can_take_assessments)
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show an assessment's rules and the person's attempts, with a start button."""
    assessment = selectors.access_assessment(request.user, pk)
    attempts = selectors.attempts_of(request.user, assessment)
    for attempt in attempts:
        services.close_expired_attempt(attempt)
    context = {
        "assessment": assessment,
        "attempts": selectors.attempts_of(request.user, assessment),
        "question_count": (
            assessment.questions_per_attempt or assessment.questions.count()
        ),
        "nav": "learning",
    }
    return render(request, "learning/assessment_detail.html", context)


@policy_required(policies.can_take_assessments)
@require_POST
def assessment_start(request: HttpRequest, pk: int) -> HttpResponse:
    """Start (or resume) an attempt."""
    assessment = selectors.access_assessment(request.user, pk)
    try:
        attempt = services.start_attempt(assessment, actor=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("learning:assessment_detail", pk=pk)
    return redirect("learning:attempt_detail", pk=attempt.pk)


@policy_required(policies.can_take_assessments)
def attempt_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the attempt's questions; a POST saves the answers given so far."""
    attempt = selectors.access_own_attempt(request.user, pk)
    if services.close_expired_attempt(attempt) is not None:
        messages.warning(request, "The time is up; your saved answers were scored.")
        return redirect("learning:attempt_result", pk=pk)
    if attempt.status != AttemptStatus.IN_PROGRESS:
        return redirect("learning:attempt_result", pk=pk)
    if request.method == "POST":
        try:
            services.save_answers(
                attempt, _responses_from(request, attempt), actor=request.user
            )
        except ValidationError as error:
            return _attempt_page(
                request, attempt, errors=_field_errors(error), status=400
            )
        messages.success(request, "Your answers are saved.")
        return redirect("learning:attempt_detail", pk=pk)
    return _attempt_page(request, attempt)


def _field_errors(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return dict(error.message_dict)
    return {"__all__": error.messages}


@policy_required(policies.can_take_assessments)
@require_POST
def attempt_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the posted answers and submit the attempt."""
    attempt = selectors.access_own_attempt(request.user, pk)
    if services.close_expired_attempt(attempt) is not None:
        messages.warning(
            request, "The time was up: only the answers saved before it count."
        )
        return redirect("learning:attempt_result", pk=pk)
    if attempt.status == AttemptStatus.IN_PROGRESS:
        try:
            services.submit_attempt(
                attempt,
                actor=request.user,
                responses=_responses_from(request, attempt),
            )
        except ValidationError as error:
            return _attempt_page(
                request, attempt, errors=_field_errors(error), status=400
            )
    return redirect("learning:attempt_result", pk=pk)


@policy_required(policies.can_take_assessments)
def attempt_result(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the score, the review the assessment allows and lessons to take next."""
    attempt = selectors.access_own_attempt(request.user, pk)
    services.close_expired_attempt(attempt)
    attempt.refresh_from_db()
    if attempt.status == AttemptStatus.IN_PROGRESS:
        return redirect("learning:attempt_detail", pk=pk)
    context = {"result": selectors.attempt_result_for(attempt), "nav": "learning"}
    return render(request, "learning/assessment_result.html", context)


@policy_required(policies.can_take_assessments)
@require_POST
def evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Keep a file handed in for a practical attempt."""
    attempt = selectors.access_own_attempt(request.user, pk)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_evidence(
                attempt, form.cleaned_data["file"], actor=request.user
            )
        except ValidationError as error:
            for field, field_messages in _field_errors(error).items():
                for message in field_messages:
                    form.add_error(field if field == "file" else None, message)
        else:
            messages.success(request, "Your file is uploaded.")
            return redirect("learning:attempt_detail", pk=pk)
    return _attempt_page(request, attempt, evidence_form=form, status=400)


@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """Send an evidence file to its learner or an evaluator of the attempt."""
    evidence = selectors.access_evidence(request.user, pk)
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# Console ---------------------------------------------------------------------------


@policy_required(policies.can_use_evaluation_console)
def evaluation_queue(request: HttpRequest) -> HttpResponse:
    """List the practical attempts waiting for the evaluator, oldest first."""
    attempts = selectors.list_attempts_to_evaluate_for(request.user)
    context = {**paginate(request, attempts), "nav": "learning"}
    return render(request, "learning/assessment_evaluation_queue.html", context)


@policy_required(policies.can_use_evaluation_console)
def evaluation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a practical attempt's evidence and, while it waits, the rubric to
    score; a POST grades it.
    """
    attempt = selectors.access_attempt_to_evaluate(request.user, pk)
    criteria = list(attempt.assessment.criteria.all())
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        scores: dict[int, int] = {}
        for criterion in criteria:
            raw = request.POST.get(f"criterion_{criterion.pk}", "").strip()
            if raw.isdigit():
                scores[criterion.pk] = int(raw)
        try:
            services.evaluate_attempt(
                attempt,
                actor=request.user,
                scores=scores,
                comments={
                    criterion.pk: request.POST.get(f"comment_{criterion.pk}", "")[:2000]
                    for criterion in criteria
                },
                comment=request.POST.get("comment", "")[:5000],
            )
        except ValidationError as error:
            errors = _field_errors(error)
        else:
            messages.success(request, "The attempt is graded.")
            return redirect("learning:evaluation_queue")
    for criterion in criteria:
        # Shown next to its field; the template cannot look a key up by variable.
        criterion.error = " ".join(errors.get(f"criterion_{criterion.pk}", []))  # type: ignore[attr-defined]
    context = {
        "attempt": attempt,
        "criteria": criteria,
        "general_errors": errors.get("__all__", []),
        "evidence": list(attempt.evidence.all()),
        "scores": list(
            attempt.criterion_scores.select_related("criterion").order_by(
                "criterion__position", "criterion_id"
            )
        ),
        "nav": "learning",
    }
    return render(
        request,
        "learning/assessment_evaluation.html",
        context,
        status=400 if errors else 200,
    )


@policy_required(policies.can_view_item_analysis)
def assessment_analysis(request: HttpRequest, pk: int) -> HttpResponse:
    """Show each question's difficulty and discrimination."""
    analysis = selectors.item_analysis_for(request.user, pk)
    return render(
        request,
        "learning/assessment_analysis.html",
        {"analysis": analysis, "nav": "learning"},
    )
