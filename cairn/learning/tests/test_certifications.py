"""Certifications: automatic awards, reminders, lapse, renewal by exam and by
credits, revocation and the certificate PDF, on a frozen clock.
"""

import datetime
import re
import zlib
from typing import Any

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from cairn.core.models import ActivityEvent, AuditEntry
from cairn.learning.choices import AwardStatus
from cairn.learning.models import CertificationAward, CertificationCredit
from cairn.learning.services import catalog
from cairn.learning.services.certifications import (
    add_months,
    certificate_pdf,
    create_certification,
    lapse_expired_awards,
    record_exam_passed,
    record_exam_result,
    remind_expiring_awards,
    revoke_award,
)
from cairn.learning.services.enrollment import enroll_in_path
from cairn.learning.services.progress import complete_lesson, open_course
from cairn.learning.tests.support import published_course
from cairn.lrs.consumers import statement_for
from conftest import Ecosystem

UTC = datetime.UTC
START = datetime.datetime(2026, 1, 15, 9, 0, tzinfo=UTC)


def _finish(user: Any, course: Any) -> None:
    progress = open_course(user, course)
    for lesson in [
        lesson
        for module in progress.version.modules.all()
        for lesson in module.lessons.all()
    ]:
        complete_lesson(progress, lesson, actor=user)


def _certification(**extra: Any) -> tuple[Any, Any]:
    course, _ = published_course("firewall-basics", lessons=1, title="Firewall basics")
    options: dict[str, Any] = {
        "courses": [course],
        "exam_key": "firewall-exam",
        "validity_months": 12,
    }
    options.update(extra)
    certification = create_certification(
        slug="firewall-associate", title="Firewall Associate", actor=None, **options
    )
    return certification, course


def _award(user: Any, **extra: Any) -> tuple[CertificationAward, Any]:
    _, course = _certification(**extra)
    with time_machine.travel(START, tick=False):
        _finish(user, course)
        record_exam_passed(user, "firewall-exam", START)
    return CertificationAward.objects.get(user=user), course


# Awards --------------------------------------------------------------------------


@time_machine.travel(START, tick=False)
def test_the_last_requirement_met_awards_the_certification_once(
    ecosystem: Ecosystem,
) -> None:
    rep = ecosystem.partner_a_rep
    certification, course = _certification()

    record_exam_passed(rep, "firewall-exam", START)
    assert not CertificationAward.objects.exists()
    _finish(rep, course)

    award = CertificationAward.objects.get()
    assert (award.user, award.certification) == (rep, certification)
    assert award.awarded_at == START
    assert award.expires_at == datetime.datetime(2027, 1, 15, 9, 0, tzinfo=UTC)
    assert award.status == AwardStatus.ACTIVE
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", award.verification_code)
    record_exam_passed(rep, "firewall-exam", START)
    assert CertificationAward.objects.count() == 1
    event = ActivityEvent.objects.get(verb="learning.certified")
    statement = statement_for(event)
    assert statement["verb"]["id"] == "https://w3id.org/xapi/adl/verbs/certified"
    assert statement["result"] == {"completion": True, "success": True}
    assert statement["object"]["id"].endswith(
        "/learning/certifications/firewall-associate"
    )


@time_machine.travel(START, tick=False)
def test_completing_a_required_path_awards_a_certification_without_exam(
    ecosystem: Ecosystem,
) -> None:
    rep = ecosystem.partner_a_rep
    course, _ = published_course(lessons=1)
    path = catalog.create_path(
        slug="sales", title="Sales", courses=[(course, True)], actor=None
    )
    create_certification(slug="seller", title="Seller", paths=[path], actor=None)
    enroll_in_path(rep, path, actor=None)

    _finish(rep, course)

    assert CertificationAward.objects.filter(user=rep).count() == 1


@time_machine.travel(START, tick=False)
def test_a_failed_exam_awards_nothing(ecosystem: Ecosystem) -> None:
    rep = ecosystem.partner_a_rep
    _, course = _certification()
    _finish(rep, course)

    record_exam_result(rep, "firewall-exam", passed=False, at=START)

    assert not CertificationAward.objects.exists()


def test_a_program_certification_is_only_for_the_program_partners(
    ecosystem: Ecosystem,
) -> None:
    _, course = _certification(program=ecosystem.other_program)
    with time_machine.travel(START, tick=False):
        _finish(ecosystem.partner_a_rep, course)
        record_exam_passed(ecosystem.partner_a_rep, "firewall-exam", START)

    assert not CertificationAward.objects.exists()


def test_a_certification_needs_a_requirement(ecosystem: Ecosystem) -> None:
    with pytest.raises(ValidationError):
        create_certification(slug="empty", title="Empty", actor=None)
    with pytest.raises(PermissionDenied):
        create_certification(
            slug="x", title="X", exam_key="x", actor=ecosystem.partner_a_admin
        )


def test_months_are_calendar_months() -> None:
    end_of_january = datetime.datetime(2027, 1, 31, tzinfo=UTC)
    assert add_months(end_of_january, 1) == datetime.datetime(2027, 2, 28, tzinfo=UTC)
    assert add_months(end_of_january, 13) == datetime.datetime(2028, 2, 29, tzinfo=UTC)


# Reminders and lapse -------------------------------------------------------------


def test_reminders_go_out_60_30_and_7_days_before_expiry_each_once(
    ecosystem: Ecosystem, django_capture_on_commit_callbacks: Any
) -> None:
    award, _ = _award(ecosystem.partner_a_rep)
    expiry = award.expires_at
    sent: list[int] = []

    for days_before in (61, 60, 59, 30, 29, 7, 6, 1):
        with (
            time_machine.travel(expiry - datetime.timedelta(days=days_before)),
            django_capture_on_commit_callbacks(execute=True),
        ):
            sent.append(remind_expiring_awards())

    assert sent == [0, 1, 0, 1, 0, 1, 0, 0]
    assert [message.subject for message in mail.outbox] == [
        "[Cairn] Your Firewall Associate certification expires in 60 days",
        "[Cairn] Your Firewall Associate certification expires in 30 days",
        "[Cairn] Your Firewall Associate certification expires in 7 days",
    ]
    assert mail.outbox[0].to == ["rex@alpha.example"]
    assert award.verification_code in mail.outbox[0].body
    award.refresh_from_db()
    assert award.status == AwardStatus.EXPIRING
    assert award.reminders_sent == [7, 30, 60]


def test_a_missed_run_sends_only_the_latest_reminder_due(
    ecosystem: Ecosystem, django_capture_on_commit_callbacks: Any
) -> None:
    award, _ = _award(ecosystem.partner_a_rep)

    with (
        time_machine.travel(award.expires_at - datetime.timedelta(days=20)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert remind_expiring_awards() == 1
        assert remind_expiring_awards() == 0

    assert len(mail.outbox) == 1
    assert "30 days" in mail.outbox[0].subject


def test_an_award_past_expiry_lapses_with_an_expired_statement(
    ecosystem: Ecosystem,
) -> None:
    award, _ = _award(ecosystem.partner_a_rep)

    with time_machine.travel(award.expires_at - datetime.timedelta(seconds=1)):
        assert lapse_expired_awards() == 0
    with time_machine.travel(award.expires_at):
        assert lapse_expired_awards() == 1
        assert lapse_expired_awards() == 0

    award.refresh_from_db()
    assert award.status == AwardStatus.LAPSED
    statement = statement_for(ActivityEvent.objects.get(verb="learning.expired"))
    assert statement["verb"]["id"] == "https://w3id.org/xapi/adl/verbs/expired"


# Renewal -------------------------------------------------------------------------


def test_passing_the_exam_again_renews_only_once_the_window_opens(
    ecosystem: Ecosystem,
) -> None:
    rep = ecosystem.partner_a_rep
    award, _ = _award(rep)
    first_expiry = award.expires_at

    too_early = first_expiry - datetime.timedelta(days=61)
    record_exam_passed(rep, "firewall-exam", too_early)
    award.refresh_from_db()
    assert (award.renewal_count, award.expires_at) == (0, first_expiry)

    in_window = first_expiry - datetime.timedelta(days=45)
    with time_machine.travel(in_window, tick=False):
        remind_expiring_awards()
        record_exam_passed(rep, "firewall-exam", in_window)

    award.refresh_from_db()
    assert award.renewal_count == 1
    assert award.status == AwardStatus.ACTIVE
    # An early renewal loses no time: the new period follows the old one.
    assert award.expires_at == datetime.datetime(2028, 1, 15, 9, 0, tzinfo=UTC)
    assert award.reminders_sent == []
    assert ActivityEvent.objects.filter(verb="learning.certified").count() == 2


def test_a_lapsed_award_renews_from_the_day_of_the_exam(ecosystem: Ecosystem) -> None:
    rep = ecosystem.partner_a_rep
    award, _ = _award(rep)
    later = award.expires_at + datetime.timedelta(days=10)
    with time_machine.travel(later, tick=False):
        lapse_expired_awards()
        record_exam_passed(rep, "firewall-exam", later)

    award.refresh_from_db()
    assert award.status == AwardStatus.ACTIVE
    assert award.expires_at == add_months(later, 12)


def test_credits_from_courses_completed_after_the_award_renew_it(
    ecosystem: Ecosystem,
) -> None:
    rep = ecosystem.partner_a_rep
    before, _ = published_course("before", lessons=1, title="Before")
    newer, _ = published_course("newer", lessons=1, title="Newer")
    newest, _ = published_course("newest", lessons=1, title="Newest")
    with time_machine.travel(START - datetime.timedelta(days=1), tick=False):
        _finish(rep, before)
    award, _ = _award(
        rep, renewal_credits=5, credit_courses={before: 3, newer: 3, newest: 2}
    )

    halfway = START + datetime.timedelta(days=100)
    with time_machine.travel(halfway, tick=False):
        _finish(rep, newer)
    award.refresh_from_db()
    assert (award.credits_earned, award.renewal_count) == (3, 0)

    with time_machine.travel(halfway + datetime.timedelta(days=1), tick=False):
        _finish(rep, newest)

    award.refresh_from_db()
    assert award.renewal_count == 1
    assert award.credits_earned == 0
    assert award.expires_at == datetime.datetime(2028, 1, 15, 9, 0, tzinfo=UTC)
    assert sorted(CertificationCredit.objects.values_list("credits", flat=True)) == [
        2,
        3,
    ]
    assert (
        ActivityEvent.objects.get(verb="certification.renewed").data["by"] == "credits"
    )


# Revocation ----------------------------------------------------------------------


def _audit_of(award: CertificationAward) -> dict[str, Any]:
    return {
        "target_type": ContentType.objects.get_for_model(award),
        "target_id": str(award.pk),
    }


def test_a_vendor_admin_revokes_with_a_reason_in_the_audit_log(
    ecosystem: Ecosystem,
) -> None:
    award, _ = _award(ecosystem.partner_a_rep)

    with pytest.raises(ValidationError):
        revoke_award(award, reason="  ", actor=ecosystem.vendor_admin)
    revoke_award(award, reason="Exam fraud.", actor=ecosystem.vendor_admin)

    award.refresh_from_db()
    assert award.status == AwardStatus.REVOKED
    assert award.revoked_reason == "Exam fraud."
    assert award.revoked_by == ecosystem.vendor_admin
    entry = AuditEntry.objects.get(**_audit_of(award))
    assert entry.reason == "Exam fraud."
    assert entry.after["status"] == "revoked"
    assert entry.actor == ecosystem.vendor_admin
    # A revoked award is neither renewed nor lapsed.
    record_exam_passed(ecosystem.partner_a_rep, "firewall-exam", award.expires_at)
    with time_machine.travel(award.expires_at + datetime.timedelta(days=1)):
        assert lapse_expired_awards() == 0
    award.refresh_from_db()
    assert (award.status, award.renewal_count) == (AwardStatus.REVOKED, 0)


@pytest.mark.parametrize("persona", ["channel_manager", "partner_a_admin"])
def test_only_vendor_admins_revoke(ecosystem: Ecosystem, persona: str) -> None:
    award, _ = _award(ecosystem.partner_a_rep)

    with pytest.raises(PermissionDenied):
        revoke_award(award, reason="No.", actor=getattr(ecosystem, persona))

    award.refresh_from_db()
    assert award.status == AwardStatus.ACTIVE
    assert not AuditEntry.objects.filter(**_audit_of(award)).exists()


# Certificate ---------------------------------------------------------------------


def pdf_text(document: bytes) -> str:
    """Return the text of a PDF's content streams, inflated."""
    chunks = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", document, re.S):
        try:
            chunks.append(zlib.decompress(stream).decode("latin-1"))
        except zlib.error:
            chunks.append(stream.decode("latin-1"))
    return "\n".join(chunks)


def test_the_certificate_is_a_pdf_with_the_name_and_the_code(
    ecosystem: Ecosystem,
) -> None:
    award, _ = _award(ecosystem.partner_a_rep)

    document = certificate_pdf(award)

    assert document.startswith(b"%PDF")
    text = pdf_text(document)
    assert "Rex Rep" in text
    assert award.verification_code in text
    assert "Firewall Associate" in text
    assert f"/learning/verify/?code={award.verification_code}" in text


def test_passing_the_required_assessment_awards_the_certification(
    ecosystem: Ecosystem,
) -> None:
    from cairn.learning.services.assessments import start_attempt, submit_attempt
    from cairn.learning.tests.support_assessments import choice, option, quiz

    question = choice("Which port does HTTPS use?", [("443", True), ("80", False)])
    exam = quiz([question], title="Firewall exam", passing_score=100)
    rep = ecosystem.partner_a_rep
    _, course = _certification(exam_key=exam.exam_key)
    _finish(rep, course)
    attempt = start_attempt(exam, actor=rep)

    submit_attempt(
        attempt, actor=rep, responses={question.pk: [str(option(question, "443").pk)]}
    )

    award = CertificationAward.objects.get(user=rep)
    assert award.certification.exam_key == f"assessment-{exam.pk}"
