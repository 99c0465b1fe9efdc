"""Practical assessments: evidence checked by content and stored under a random
name, downloads only for the learner and their evaluators, rubric grading by
vendor admins and the learner's channel managers."""

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cairn.core.models import ActivityEvent
from cairn.learning.choices import AttemptStatus
from cairn.learning.models import (
    AssessmentAttempt,
    AttemptEvidence,
    CriterionScore,
    evidence_storage,
)
from cairn.learning.selectors_assessments import list_attempts_to_evaluate_for
from cairn.learning.services.assessments import (
    MAX_EVIDENCE_BYTES,
    add_evidence,
    evaluate_attempt,
    start_attempt,
    submit_attempt,
)
from cairn.learning.tests.support_assessments import (
    JPEG,
    PDF,
    PNG,
    ooxml,
    practical,
    upload,
)
from conftest import Ecosystem, client_for


def _stored_files() -> set[str]:
    # The in-memory storage of the tests outlives a test: compare before and after.
    storage = evidence_storage()
    if not storage.exists("learning/evidence"):
        return set()
    return set(storage.listdir("learning/evidence")[1])


def _submitted(user: Any, assessment: Any | None = None) -> AssessmentAttempt:
    assessment = assessment or practical([("Design", 10), ("Documentation", 5)])
    attempt = start_attempt(assessment, actor=user)
    add_evidence(attempt, upload("design.pdf", PDF), actor=user)
    return submit_attempt(attempt, actor=user)


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("report.pdf", PDF, "application/pdf"),
        ("diagram.png", PNG, "image/png"),
        ("photo.jpg", JPEG, "image/jpeg"),
        (
            "plan.docx",
            ooxml("word/"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "budget.xlsx",
            ooxml("xl/"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ],
)
def test_accepted_evidence_is_typed_by_content_and_stored_under_a_random_name(
    ecosystem: Ecosystem, name: str, content: bytes, content_type: str
) -> None:
    rep = ecosystem.partner_a_rep
    attempt = start_attempt(practical([("Design", 10)]), actor=rep)
    before = _stored_files()

    evidence = add_evidence(attempt, upload(name, content), actor=rep)

    assert (evidence.original_name, evidence.content_type, evidence.size) == (
        name,
        content_type,
        len(content),
    )
    stored = str(evidence.file.name)
    assert stored.startswith("learning/evidence/")
    assert len(stored.removeprefix("learning/evidence/")) == 32
    assert name.split(".", maxsplit=1)[0] not in stored
    with evidence.file.open("rb") as stored_file:
        assert stored_file.read() == content
    assert _stored_files() - before == {stored.removeprefix("learning/evidence/")}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "report.pdf",
            b"<html><script>alert(1)</script></html>",
            "Upload a PDF, PNG, JPEG, or a Word, Excel or PowerPoint file.",
        ),
        (
            "tools.zip",
            b"PK\x03\x04not really a zip",
            "Upload a PDF, PNG, JPEG, or a Word, Excel or PowerPoint file.",
        ),
        ("empty.pdf", b"", "The file is empty."),
        (
            "huge.pdf",
            b"%PDF-" + b"0" * MAX_EVIDENCE_BYTES,
            "The file is larger than 10 MB.",
        ),
    ],
)
def test_refused_evidence_leaves_nothing_behind(
    ecosystem: Ecosystem, name: str, content: bytes, message: str
) -> None:
    rep = ecosystem.partner_a_rep
    attempt = start_attempt(practical([("Design", 10)]), actor=rep)
    before = _stored_files()

    with pytest.raises(ValidationError) as error:
        add_evidence(attempt, upload(name, content), actor=rep)

    assert error.value.message_dict == {"file": [message]}
    assert AttemptEvidence.objects.count() == 0
    assert _stored_files() == before


def test_a_plain_zip_archive_is_not_an_office_document(ecosystem: Ecosystem) -> None:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.exe", "MZ")
    rep = ecosystem.partner_a_rep
    attempt = start_attempt(practical([("Design", 10)]), actor=rep)

    with pytest.raises(ValidationError):
        add_evidence(attempt, upload("tools.docx", buffer.getvalue()), actor=rep)

    assert AttemptEvidence.objects.count() == 0


def test_a_practical_attempt_needs_evidence_to_be_submitted(
    ecosystem: Ecosystem,
) -> None:
    rep = ecosystem.partner_a_rep
    attempt = start_attempt(practical([("Design", 10)]), actor=rep)

    with pytest.raises(ValidationError) as error:
        submit_attempt(attempt, actor=rep)

    assert error.value.messages == ["Upload your evidence before submitting."]
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.IN_PROGRESS


def test_the_evaluator_grades_each_criterion_and_the_result_is_recorded(
    ecosystem: Ecosystem,
) -> None:
    attempt = _submitted(ecosystem.partner_a_rep)
    design, documentation = attempt.assessment.criteria.all()
    assert attempt.status == AttemptStatus.AWAITING_EVALUATION

    evaluate_attempt(
        attempt,
        actor=ecosystem.channel_manager,
        scores={design.pk: 7, documentation.pk: 2},
        comments={design.pk: "Solid addressing plan."},
        comment="Good work.",
    )

    attempt.refresh_from_db()
    assert (attempt.status, attempt.score, attempt.passed) == (
        AttemptStatus.GRADED,
        Decimal("60.00"),
        True,
    )
    assert attempt.evaluator == ecosystem.channel_manager
    assert list(
        CriterionScore.objects.order_by("criterion__position").values_list(
            "points", "comment"
        )
    ) == [(7, "Solid addressing plan."), (2, "")]
    event = ActivityEvent.objects.get(verb="learning.passed")
    assert event.data["result"]["score"] == {
        "scaled": 0.6,
        "raw": 9,
        "min": 0,
        "max": 15,
    }
    assert event.data["learner_email"] == ecosystem.partner_a_rep.email


def test_a_low_rubric_score_fails(ecosystem: Ecosystem) -> None:
    attempt = _submitted(ecosystem.partner_a_rep)
    design, documentation = attempt.assessment.criteria.all()

    evaluate_attempt(
        attempt,
        actor=ecosystem.vendor_admin,
        scores={design.pk: 5, documentation.pk: 3},
    )

    attempt.refresh_from_db()
    assert (attempt.score, attempt.passed) == (Decimal("53.33"), False)
    assert ActivityEvent.objects.filter(verb="learning.failed").count() == 1


def test_rubric_points_must_be_within_each_criterion(ecosystem: Ecosystem) -> None:
    attempt = _submitted(ecosystem.partner_a_rep)
    design, documentation = attempt.assessment.criteria.all()

    with pytest.raises(ValidationError) as error:
        evaluate_attempt(
            attempt,
            actor=ecosystem.vendor_admin,
            scores={design.pk: 11},
        )

    assert error.value.message_dict == {
        f"criterion_{design.pk}": ["Give 0 to 10 points."],
        f"criterion_{documentation.pk}": ["Give 0 to 5 points."],
    }
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.AWAITING_EVALUATION
    assert CriterionScore.objects.count() == 0


def test_an_attempt_is_graded_once(ecosystem: Ecosystem) -> None:
    attempt = _submitted(ecosystem.partner_a_rep)
    design, documentation = attempt.assessment.criteria.all()
    scores = {design.pk: 10, documentation.pk: 5}
    evaluate_attempt(attempt, actor=ecosystem.vendor_admin, scores=scores)

    with pytest.raises(ValidationError):
        evaluate_attempt(attempt, actor=ecosystem.channel_manager, scores=scores)

    assert CriterionScore.objects.count() == 2
    assert ActivityEvent.objects.filter(verb="learning.passed").count() == 1


@pytest.mark.parametrize(
    "evaluator", ["partner_a_admin", "partner_a_second_rep", "partner_a_rep"]
)
def test_partner_people_do_not_evaluate(ecosystem: Ecosystem, evaluator: str) -> None:
    attempt = _submitted(ecosystem.partner_a_rep)
    design, documentation = attempt.assessment.criteria.all()

    with pytest.raises(PermissionDenied):
        evaluate_attempt(
            attempt,
            actor=getattr(ecosystem, evaluator),
            scores={design.pk: 10, documentation.pk: 5},
        )

    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.AWAITING_EVALUATION


def test_a_channel_manager_evaluates_only_the_partners_they_manage(
    ecosystem: Ecosystem,
) -> None:
    assessment = practical([("Design", 10)])
    managed = _submitted(ecosystem.partner_a_rep, assessment)
    elsewhere = _submitted(ecosystem.partner_c_admin, assessment)
    [design] = assessment.criteria.all()

    with pytest.raises(PermissionDenied):
        evaluate_attempt(
            elsewhere, actor=ecosystem.channel_manager, scores={design.pk: 10}
        )

    assert list(list_attempts_to_evaluate_for(ecosystem.channel_manager)) == [managed]
    assert set(list_attempts_to_evaluate_for(ecosystem.vendor_admin)) == {
        managed,
        elsewhere,
    }
    elsewhere.refresh_from_db()
    assert elsewhere.status == AttemptStatus.AWAITING_EVALUATION
    page = client_for(ecosystem.channel_manager).get(
        reverse("learning:evaluation_detail", args=[elsewhere.pk])
    )
    assert page.status_code == 404


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("partner_a_rep", 200),
        ("vendor_admin", 200),
        ("channel_manager", 200),
        ("partner_a_second_rep", 404),
        ("partner_a_admin", 404),
        ("partner_b_rep", 404),
    ],
)
def test_evidence_is_served_only_to_the_learner_and_evaluators(
    ecosystem: Ecosystem, persona: str, status: int
) -> None:
    attempt = _submitted(ecosystem.partner_a_rep)
    evidence = attempt.evidence.get()

    response = client_for(getattr(ecosystem, persona)).get(
        reverse("learning:evidence_download", args=[evidence.pk])
    )

    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="design.pdf"'
        assert response["X-Content-Type-Options"] == "nosniff"


def test_evaluators_grade_through_the_console(ecosystem: Ecosystem) -> None:
    attempt = _submitted(ecosystem.partner_a_rep)
    design, documentation = attempt.assessment.criteria.all()
    browser = client_for(ecosystem.channel_manager)
    url = reverse("learning:evaluation_detail", args=[attempt.pk])

    queue = browser.get(reverse("learning:evaluation_queue")).content.decode()
    bad = browser.post(url, {f"criterion_{design.pk}": "12"})
    good = browser.post(
        url,
        {
            f"criterion_{design.pk}": "10",
            f"criterion_{documentation.pk}": "4",
            f"comment_{design.pk}": "Clear.",
            "comment": "Well done.",
        },
    )

    assert url in queue
    assert bad.status_code == 400
    assert "Give 0 to 10 points." in bad.content.decode()
    assert good.status_code == 302
    attempt.refresh_from_db()
    assert (attempt.score, attempt.passed, attempt.evaluator_comment) == (
        Decimal("93.33"),
        True,
        "Well done.",
    )
    result = client_for(ecosystem.partner_a_rep).get(
        reverse("learning:attempt_result", args=[attempt.pk])
    )
    assert "Clear." in result.content.decode()
    assert "10 / 10" in result.content.decode()


def test_learners_upload_evidence_through_the_page(ecosystem: Ecosystem) -> None:
    rep = ecosystem.partner_a_rep
    attempt = start_attempt(practical([("Design", 10)]), actor=rep)
    browser = client_for(rep)
    url = reverse("learning:evidence_upload", args=[attempt.pk])

    refused = browser.post(url, {"file": upload("fake.png", b"GIF89a")})
    accepted = browser.post(url, {"file": upload("diagram.png", PNG)})
    submitted = browser.post(reverse("learning:attempt_submit", args=[attempt.pk]))

    assert refused.status_code == 400
    assert "Upload a PDF, PNG, JPEG" in refused.content.decode()
    assert accepted.status_code == 302
    assert submitted["Location"] == reverse(
        "learning:attempt_result", args=[attempt.pk]
    )
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.AWAITING_EVALUATION
    other = client_for(ecosystem.partner_b_rep).post(
        url, {"file": upload("x.png", PNG)}
    )
    assert other.status_code == 404
    assert AttemptEvidence.objects.count() == 1
