"""Certifications: authoring, automatic awards when the last requirement is met,
reminders before expiry, lapse, renewal (by exam or by continuing-education
credits), revocation and the certificate PDF.

Exams are named by a key: the assessments code reports each submitted exam through
`record_exam_result` (or `record_exam_passed`), and every certification whose
`exam_key` matches reads those results.
"""

import calendar
import datetime
import secrets
from collections.abc import Iterable, Mapping
from functools import partial
from typing import Any

import structlog
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from cairn.core.audit import record_update, snapshot
from cairn.core.events import record_event
from cairn.learning import policies
from cairn.learning.choices import AwardStatus
from cairn.learning.models import (
    Certification,
    CertificationAward,
    CertificationCredit,
    Course,
    CourseProgress,
    CreditCourse,
    Enrollment,
    ExamResult,
    LearningPath,
    TierCertificationRequirement,
)
from cairn.learning.statements import learning_event_data
from cairn.partners.choices import MembershipStatus
from cairn.partners.models import ProgramMembership, Tier

logger = structlog.get_logger(__name__)

# Reminders go out this many days before expiry, each once per validity period.
REMINDER_DAYS = (60, 30, 7)
# Re-examination renews an award from this many days before its expiry on.
RENEWAL_WINDOW_DAYS = REMINDER_DAYS[0]
LIVE_STATUSES = (AwardStatus.ACTIVE, AwardStatus.EXPIRING)
# Without ambiguous characters (0/O, 1/I/L), so a code read aloud is typed right.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def certification_iri(certification: Certification) -> str:
    """Return the xAPI activity id of a certification."""
    return f"{settings.SITE_URL}/learning/certifications/{certification.slug}"


def add_months(moment: datetime.datetime, months: int) -> datetime.datetime:
    """Return `moment` plus `months` calendar months, on the month's last day when
    the day does not exist (31 January + 1 month is 28 or 29 February).
    """
    month_index = moment.month - 1 + months
    year = moment.year + month_index // 12
    month = month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def new_verification_code() -> str:
    """Return a random verification code such as "K7PQ-2MXD-9RTA"."""
    letters = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return "-".join(letters[i : i + 4] for i in range(0, 12, 4))


# Authoring -----------------------------------------------------------------------


def create_certification(
    *,
    slug: str,
    title: str,
    actor: Any,
    description: str = "",
    program: Any = None,
    paths: Iterable[LearningPath] = (),
    courses: Iterable[Course] = (),
    exam_key: str = "",
    validity_months: int = 24,
    renewal_credits: int = 0,
    credit_courses: Mapping[Course, int] | None = None,
) -> Certification:
    """Create a certification with its requirements and the courses that give
    continuing-education credits. `actor` None is the system (demo data, tests).
    """
    if actor is not None and not policies.can_author_courses(actor):
        raise PermissionDenied
    paths, courses = list(paths), list(courses)
    errors: dict[str, str] = {}
    if not paths and not courses and not exam_key.strip():
        errors["exam_key"] = "A certification needs a path, a course or an exam."
    if validity_months < 1:
        errors["validity_months"] = "A certification is valid for at least a month."
    if any(credits < 1 for credits in (credit_courses or {}).values()):
        errors["credit_courses"] = "A credit course gives at least one credit."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        certification = Certification.objects.create(
            slug=slug,
            title=title,
            description=description,
            program=program,
            exam_key=exam_key.strip(),
            validity_months=validity_months,
            renewal_credits=renewal_credits,
        )
        certification.paths.set(paths)
        certification.courses.set(courses)
        CreditCourse.objects.bulk_create(
            CreditCourse(certification=certification, course=course, credits=credits)
            for course, credits in (credit_courses or {}).items()
        )
        record_event(
            "certification.created", actor=actor, target=certification, data={}
        )
    return certification


def require_certification_for_tier(
    tier: Tier, certification: Certification, *, minimum: int, actor: Any
) -> TierCertificationRequirement:
    """Say that every partner of `tier` needs `minimum` people certified."""
    if actor is not None and not policies.can_author_courses(actor):
        raise PermissionDenied
    if minimum < 1:
        raise ValidationError(
            {"minimum_certified_people": "A tier requires at least one person."}
        )
    requirement, _ = TierCertificationRequirement.objects.update_or_create(
        tier=tier,
        certification=certification,
        defaults={"minimum_certified_people": minimum},
    )
    return requirement


# Requirements and awards ---------------------------------------------------------


def may_earn(user: Any, certification: Certification) -> bool:
    """Say whether the person may earn the certification: it is published and, if
    it belongs to a program, their organization is an active member of it.
    """
    if not certification.is_published or not policies.can_take_courses(user):
        return False
    if certification.program_id is None:
        return True
    return ProgramMembership.objects.filter(
        organization_id=user.organization_id,
        program_id=certification.program_id,
        status=MembershipStatus.ACTIVE,
    ).exists()


def requirements_met(user: Any, certification: Certification) -> bool:
    """Say whether the person completed every path and course of the certification
    and passed its exam.
    """
    path_ids = set(certification.paths.values_list("pk", flat=True))
    completed_paths = Enrollment.objects.filter(
        user=user, path_id__in=path_ids, completed_at__isnull=False
    ).count()
    if completed_paths < len(path_ids):
        return False
    course_ids = set(certification.courses.values_list("pk", flat=True))
    completed_courses = CourseProgress.objects.filter(
        user=user, course_id__in=course_ids, completed_at__isnull=False
    ).count()
    if completed_courses < len(course_ids):
        return False
    return not certification.exam_key or has_passed_exam(user, certification.exam_key)


def has_passed_exam(user: Any, exam_key: str) -> bool:
    """Say whether the person ever passed the exam."""
    return ExamResult.objects.filter(user=user, exam_key=exam_key, passed=True).exists()


def _record_certified(award: CertificationAward, *, renewal: bool) -> None:
    user = award.user
    certification = award.certification
    data = learning_event_data(
        learner=user,
        activity_id=certification_iri(certification),
        activity_name=certification.title,
        activity_type="",
        result={"completion": True, "success": True},
    )
    data.update(
        {
            "verification_code": award.verification_code,
            "expires_at": award.expires_at.isoformat(),
            "renewal": renewal,
        }
    )
    record_event(
        "learning.certified",
        actor=user,
        organization_id=user.organization_id,
        target=award,
        data=data,
    )


def award_certification(
    user: Any, certification: Certification, *, at: datetime.datetime
) -> CertificationAward | None:
    """Award the certification (once) to a person who meets its requirements;
    return the new award, or None if they already hold it or may not earn it.
    """
    if not may_earn(user, certification) or not requirements_met(user, certification):
        return None
    if CertificationAward.objects.filter(
        user=user, certification=certification
    ).exists():
        return None
    try:
        with transaction.atomic():
            award = CertificationAward.objects.create(
                user=user,
                certification=certification,
                awarded_at=at,
                period_started_at=at,
                expires_at=add_months(at, certification.validity_months),
                verification_code=new_verification_code(),
            )
            _record_certified(award, renewal=False)
    except IntegrityError:
        # Awarded meanwhile by a concurrent completion.
        return None
    return award


def _certifications_to_check(user: Any, filters: Q) -> QuerySet[Certification]:
    held = CertificationAward.objects.filter(user=user).values("certification_id")
    return (
        Certification.objects.filter(filters, is_published=True)
        .exclude(pk__in=held)
        .distinct()
    )


def course_completed(progress: CourseProgress, *, at: datetime.datetime) -> None:
    """React to a completed course: credit the person's live awards for which the
    course counts, then award every certification whose last requirement this
    completion (of the course, or of a path it finished) met.
    """
    user = progress.user
    course = progress.course
    for credit_course in CreditCourse.objects.filter(course=course).select_related(
        "certification"
    ):
        award = CertificationAward.objects.filter(
            user=user,
            certification=credit_course.certification,
            status__in=LIVE_STATUSES,
            period_started_at__lt=at,
        ).first()
        if award is not None:
            _add_credits(award, course=course, credits=credit_course.credits, at=at)
    candidates = _certifications_to_check(
        user, Q(courses=course) | Q(paths__items__course=course)
    )
    for certification in candidates:
        award_certification(user, certification, at=at)


def _add_credits(
    award: CertificationAward, *, course: Course, credits: int, at: datetime.datetime
) -> None:
    with transaction.atomic():
        _, created = CertificationCredit.objects.get_or_create(
            award=award, course=course, defaults={"credits": credits, "earned_at": at}
        )
        if not created:
            return
        award.credits_earned += credits
        award.save(update_fields=["credits_earned"])
        record_event(
            "certification.credited",
            actor=award.user,
            organization_id=award.user.organization_id,
            target=award,
            data={"course_id": course.pk, "credits": credits},
        )
        needed = award.certification.renewal_credits
        if needed and award.credits_earned >= needed:
            renew_award(award, at=at, by="credits")


def record_exam_result(
    user: Any, exam_key: str, *, passed: bool, at: datetime.datetime
) -> ExamResult:
    """Record a submitted exam. A pass awards the certifications it completes and
    renews the person's awards of this exam whose renewal window is open (from 60
    days before expiry, and after a lapse).

    The assessments code calls this for every submitted exam attempt.
    """
    with transaction.atomic():
        result = ExamResult.objects.create(
            user=user, exam_key=exam_key, passed=passed, submitted_at=at
        )
        if not passed:
            return result
        renewable = CertificationAward.objects.filter(
            user=user, certification__exam_key=exam_key
        ).filter(
            Q(status__in=(AwardStatus.EXPIRING, AwardStatus.LAPSED))
            | Q(
                status=AwardStatus.ACTIVE,
                expires_at__lte=at + datetime.timedelta(days=RENEWAL_WINDOW_DAYS),
            )
        )
        for award in renewable.select_related("certification", "user"):
            renew_award(award, at=at, by="exam")
        for certification in _certifications_to_check(user, Q(exam_key=exam_key)):
            award_certification(user, certification, at=at)
    return result


def record_exam_passed(user: Any, exam_key: str, at: datetime.datetime) -> ExamResult:
    """Record a passed exam (see `record_exam_result`)."""
    return record_exam_result(user, exam_key, passed=True, at=at)


def renew_award(
    award: CertificationAward, *, at: datetime.datetime, by: str
) -> CertificationAward:
    """Start a new validity period: from the current expiry for a live award (an
    early renewal loses no time), from now for a lapsed one. `by` says how:
    "exam" or "credits".
    """
    if award.status == AwardStatus.REVOKED:
        raise ValidationError("A revoked certification cannot be renewed.")
    months = award.certification.validity_months
    start = award.expires_at if award.status in LIVE_STATUSES else at
    with transaction.atomic():
        award.expires_at = add_months(start, months)
        award.period_started_at = at
        award.status = AwardStatus.ACTIVE
        award.renewal_count += 1
        award.credits_earned = 0
        award.reminders_sent = []
        award.save(
            update_fields=[
                "expires_at",
                "period_started_at",
                "status",
                "renewal_count",
                "credits_earned",
                "reminders_sent",
            ]
        )
        _record_certified(award, renewal=True)
        record_event(
            "certification.renewed",
            actor=award.user,
            organization_id=award.user.organization_id,
            target=award,
            data={"by": by, "expires_at": award.expires_at.isoformat()},
        )
    return award


# Expiry --------------------------------------------------------------------------


def remind_expiring_awards(*, now: datetime.datetime | None = None) -> int:
    """Email the holders of live awards 60, 30 and 7 days before expiry, each
    reminder once per period (a missed run sends only the latest one due); mark
    the awards expiring. Return how many reminders went out.
    """
    now = now or timezone.now()
    due = CertificationAward.objects.filter(
        status__in=LIVE_STATUSES,
        expires_at__gt=now,
        expires_at__lte=now + datetime.timedelta(days=REMINDER_DAYS[0]),
    )
    sent = 0
    for pk in due.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            award = (
                CertificationAward.objects.select_for_update()
                .select_related("certification", "user")
                .get(pk=pk)
            )
            left = award.expires_at - now
            reached = [d for d in REMINDER_DAYS if left <= datetime.timedelta(days=d)]
            days = min(reached)
            award.status = AwardStatus.EXPIRING
            if days in award.reminders_sent:
                award.save(update_fields=["status"])
                continue
            award.reminders_sent = sorted(set(award.reminders_sent) | set(reached))
            award.save(update_fields=["status", "reminders_sent"])
            record_event(
                "certification.expiring",
                actor=None,
                organization_id=award.user.organization_id,
                target=award,
                data={"days": days, "expires_at": award.expires_at.isoformat()},
            )
            transaction.on_commit(partial(_send_reminder, award, days))
            sent += 1
    return sent


def _send_reminder(award: CertificationAward, days: int) -> None:
    certification = award.certification
    context = {
        "award": award,
        "certification": certification,
        "days": days,
        "learner_name": award.user.display_name,
        "renewal_credits": certification.renewal_credits,
        "certifications_url": f"{settings.SITE_URL}/learning/certifications/",
        "vendor_name": settings.VENDOR_NAME,
    }
    subject = " ".join(
        render_to_string(
            "learning/email/certification_reminder_subject.txt", context
        ).split()
    )
    body = render_to_string(
        "learning/email/certification_reminder_message.txt", context
    )
    try:
        send_mail(
            getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "") + subject,
            body,
            None,
            [award.user.email],
        )
    except OSError:
        # The reminder is recorded; a mail outage must not fail the whole run.
        logger.exception("certification_reminder_failed", award_id=award.pk)


def lapse_expired_awards(*, now: datetime.datetime | None = None) -> int:
    """Mark live awards past their expiry lapsed (the "expired" statement);
    return how many lapsed.
    """
    now = now or timezone.now()
    lapsed = 0
    expired = CertificationAward.objects.filter(
        status__in=LIVE_STATUSES, expires_at__lte=now
    )
    for pk in expired.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            award = (
                CertificationAward.objects.select_for_update()
                .select_related("certification", "user")
                .get(pk=pk)
            )
            if award.status not in LIVE_STATUSES or award.expires_at > now:
                continue
            award.status = AwardStatus.LAPSED
            award.save(update_fields=["status"])
            user = award.user
            record_event(
                "learning.expired",
                actor=None,
                organization_id=user.organization_id,
                target=award,
                data=learning_event_data(
                    learner=user,
                    activity_id=certification_iri(award.certification),
                    activity_name=award.certification.title,
                    activity_type="",
                ),
            )
            lapsed += 1
    return lapsed


# Revocation ----------------------------------------------------------------------


def revoke_award(
    award: CertificationAward, *, reason: str, actor: Any
) -> CertificationAward:
    """Revoke a person's certification, with the reason, in the audit log."""
    if not policies.can_revoke_certifications(actor):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the certification is revoked."})
    with transaction.atomic():
        award = CertificationAward.objects.select_for_update().get(pk=award.pk)
        if award.status == AwardStatus.REVOKED:
            raise ValidationError("This certification is already revoked.")
        before = snapshot(award)
        award.status = AwardStatus.REVOKED
        award.revoked_at = timezone.now()
        award.revoked_reason = reason
        award.revoked_by = actor
        award.save(
            update_fields=["status", "revoked_at", "revoked_reason", "revoked_by"]
        )
        record_update(
            award,
            actor=actor,
            verb="certification.revoked",
            organization_id=award.user.organization_id,
            before=before,
            after=snapshot(award),
            data={"reason": reason},
            reason=reason,
        )
    return award


# Certificate ---------------------------------------------------------------------


def _latin1(text: str) -> str:
    # The PDF's built-in fonts cover Latin-1; other characters print as "?".
    return text.encode("latin-1", "replace").decode("latin-1")


def certificate_pdf(award: CertificationAward) -> bytes:
    """Return the award's certificate as a one-page landscape A4 PDF."""
    from fpdf import FPDF

    certification = award.certification
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_title(_latin1(f"{certification.title} — {award.user.display_name}"))
    pdf.set_creator("Cairn")
    pdf.add_page()
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, 277, 190)
    pdf.set_y(35)
    pdf.set_font("Helvetica", size=14)
    pdf.cell(
        0, 10, _latin1(settings.VENDOR_NAME), align="C", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_font("Helvetica", style="B", size=30)
    pdf.cell(0, 18, "Certificate", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=14)
    pdf.cell(0, 12, "This certifies that", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", style="B", size=24)
    pdf.cell(
        0,
        16,
        _latin1(award.user.display_name),
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("Helvetica", size=14)
    pdf.cell(0, 12, "holds the certification", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", style="B", size=20)
    pdf.cell(
        0, 14, _latin1(certification.title), align="C", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_font("Helvetica", size=12)
    pdf.ln(6)
    dates = (
        f"Awarded {award.awarded_at:%d %B %Y} - valid until {award.expires_at:%d %B %Y}"
    )
    pdf.cell(0, 8, dates, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(
        0,
        8,
        f"Verification code: {award.verification_code}",
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("Helvetica", size=10)
    pdf.cell(
        0,
        8,
        _latin1(f"Check it at {verification_url(award)}"),
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())


def verification_url(award: CertificationAward) -> str:
    """Return the public address where anyone checks the award by its code."""
    return f"{settings.SITE_URL}/learning/verify/?code={award.verification_code}"
