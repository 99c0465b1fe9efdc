"""Reads of certifications and of the learning reports: a learner's
certifications, a partner admin's team, the vendor console's rates, certification
density and skill gaps per tier. Every figure is computed by the database
(aggregation), in a number of queries that does not grow with the data.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cairn.core import roles
from cairn.learning.choices import AwardStatus, JobFunction
from cairn.learning.models import (
    Certification,
    CertificationAward,
    CourseProgress,
    Enrollment,
    ExamResult,
    PathItem,
    TierCertificationRequirement,
)
from cairn.learning.services.certifications import (
    LIVE_STATUSES,
    RENEWAL_WINDOW_DAYS,
)
from cairn.partners.choices import MembershipStatus, Region
from cairn.partners.models import (
    PartnerOrganization,
    Program,
    ProgramMembership,
    Tier,
)

# "Expiring soon" on the team report: the reminder window.
EXPIRING_SOON = datetime.timedelta(days=RENEWAL_WINDOW_DAYS)


# A learner's certifications ------------------------------------------------------


@dataclass
class RequirementRow:
    label: str
    is_done: bool


@dataclass
class CertificationRow:
    certification: Certification
    award: CertificationAward | None
    requirements: list[RequirementRow]
    credit_courses: list[tuple[str, str, int]]  # (course slug, title, credits)

    @property
    def can_renew_by_exam(self) -> bool:
        """Say whether passing the exam again now renews the award."""
        award = self.award
        if award is None or not self.certification.exam_key:
            return False
        if award.status in (AwardStatus.EXPIRING, AwardStatus.LAPSED):
            return True
        return award.status == AwardStatus.ACTIVE and (
            award.expires_at <= timezone.now() + EXPIRING_SOON
        )


def _program_ids_of(user: Any) -> list[int]:
    return list(
        ProgramMembership.objects.filter(
            organization_id=user.organization_id, status=MembershipStatus.ACTIVE
        ).values_list("program_id", flat=True)
    )


def my_certifications_for(user: Any) -> list[CertificationRow]:
    """Return the certifications a person holds or may earn, with what each
    requires and whether they did it, in a fixed number of queries.
    """
    awards = {
        award.certification_id: award
        for award in CertificationAward.objects.filter(user=user)
    }
    certifications = (
        Certification.objects.filter(
            Q(pk__in=list(awards))
            | Q(is_published=True)
            & (Q(program__isnull=True) | Q(program_id__in=_program_ids_of(user)))
        )
        .prefetch_related("paths", "courses", "credit_courses__course")
        .order_by("title")
    )
    done_paths = set(
        Enrollment.objects.filter(user=user, completed_at__isnull=False).values_list(
            "path_id", flat=True
        )
    )
    done_courses = set(
        CourseProgress.objects.filter(
            user=user, completed_at__isnull=False
        ).values_list("course_id", flat=True)
    )
    passed = set(
        ExamResult.objects.filter(user=user, passed=True).values_list(
            "exam_key", flat=True
        )
    )
    rows = []
    for certification in certifications:
        requirements = [
            RequirementRow(f"Learning path: {path.title}", path.pk in done_paths)
            for path in certification.paths.all()
        ] + [
            RequirementRow(f"Course: {course.title}", course.pk in done_courses)
            for course in certification.courses.all()
        ]
        if certification.exam_key:
            requirements.append(
                RequirementRow("Pass the exam", certification.exam_key in passed)
            )
        rows.append(
            CertificationRow(
                certification=certification,
                award=awards.get(certification.pk),
                requirements=requirements,
                credit_courses=[
                    (credit.course.slug, credit.course.title, credit.credits)
                    for credit in certification.credit_courses.all()
                ],
            )
        )
    # Held certifications first, then those to earn.
    rows.sort(key=lambda row: row.award is None)
    return rows


def access_own_award(user: Any, pk: int) -> CertificationAward:
    """Return the person's own award (not revoked); 404 for anyone else's."""
    award = (
        CertificationAward.objects.filter(pk=pk, user=user)
        .exclude(status=AwardStatus.REVOKED)
        .select_related("certification", "user")
        .first()
    )
    if award is None:
        raise Http404("No such certification.")
    return award


# A partner admin's team ----------------------------------------------------------


@dataclass
class TeamEnrollmentRow:
    enrollment: Enrollment
    required_done: int
    required_total: int

    @property
    def is_overdue(self) -> bool:
        """Say whether the due date passed before the path was completed."""
        enrollment = self.enrollment
        return (
            enrollment.completed_at is None
            and enrollment.due_at is not None
            and enrollment.due_at < timezone.now()
        )


@dataclass
class TeamMemberRow:
    user: Any
    enrollments: list[TeamEnrollmentRow] = field(default_factory=list)
    awards: list[CertificationAward] = field(default_factory=list)


@dataclass
class TeamLearning:
    members: list[TeamMemberRow]
    overdue: list[TeamEnrollmentRow]
    expiring: list[CertificationAward]


def team_learning_for(actor: Any) -> TeamLearning:
    """Return the learning of the actor's organization: each person's paths and
    progress, what is overdue, certifications and those expiring soon.
    """
    organization_id = roles.organization_id_of(actor)
    if organization_id is None:
        return TeamLearning(members=[], overdue=[], expiring=[])
    from cairn.accounts.models import User

    people = list(
        User.objects.filter(organization_id=organization_id, is_active=True).order_by(
            "full_name", "email"
        )
    )
    enrollments = list(
        Enrollment.objects.filter(user__in=people)
        .select_related("path")
        .order_by("completed_at", "due_at", "pk")
    )
    required: dict[int, set[int]] = {}
    for item in PathItem.objects.filter(
        path_id__in={e.path_id for e in enrollments}, is_required=True
    ):
        required.setdefault(item.path_id, set()).add(item.course_id)
    done: dict[int, set[int]] = {}
    for user_id, course_id in CourseProgress.objects.filter(
        user__in=people, completed_at__isnull=False
    ).values_list("user_id", "course_id"):
        done.setdefault(user_id, set()).add(course_id)
    awards = list(
        CertificationAward.objects.filter(user__in=people)
        .select_related("certification")
        .order_by("expires_at")
    )
    members = {person.pk: TeamMemberRow(person) for person in people}
    overdue = []
    for enrollment in enrollments:
        courses = required.get(enrollment.path_id, set())
        row = TeamEnrollmentRow(
            enrollment,
            required_done=len(courses & done.get(enrollment.user_id, set())),
            required_total=len(courses),
        )
        members[enrollment.user_id].enrollments.append(row)
        if row.is_overdue:
            overdue.append(row)
    soon = timezone.now() + EXPIRING_SOON
    for award in awards:
        members[award.user_id].awards.append(award)
    expiring = [
        award
        for award in awards
        if award.status in LIVE_STATUSES and award.expires_at <= soon
    ]
    return TeamLearning(
        members=list(members.values()), overdue=overdue, expiring=expiring
    )


# The vendor console --------------------------------------------------------------


def _programs_of(actor: Any) -> QuerySet[Program]:
    """Return the programs whose partners the actor reports on: every program for
    vendor admins, their own for channel managers, none for anyone else.
    """
    if roles.is_vendor_admin(actor):
        return Program.objects.all()
    if roles.is_channel_manager(actor):
        return Program.objects.filter(managers=actor)
    return Program.objects.none()


def _organizations_of(actor: Any) -> QuerySet[PartnerOrganization]:
    """Return the partners the actor reports on: active members of their programs."""
    if roles.is_vendor_admin(actor):
        return PartnerOrganization.objects.all()
    return PartnerOrganization.objects.filter(
        pk__in=ProgramMembership.objects.filter(
            program__in=_programs_of(actor), status=MembershipStatus.ACTIVE
        ).values("organization_id")
    )


@dataclass(frozen=True)
class RateRow:
    label: str
    total: int
    passed: int

    @property
    def percent(self) -> int:
        return round(100 * self.passed / self.total) if self.total else 0


GROUPINGS = ("program", "tier", "region")


def _grouped(
    queryset: QuerySet[Any], actor: Any, *, user_path: str, by: str, done: Q
) -> list[RateRow]:
    """Count rows of `queryset` (enrollments or exam results) per program, tier or
    region of the person's organization, and how many of them meet `done`.
    """
    organization = f"{user_path}__organization"
    membership = f"{organization}__memberships"
    if by == "region":
        rows = (
            queryset.filter(**{f"{organization}__in": _organizations_of(actor)})
            .values(label=F(f"{organization}__region"))
            .annotate(total=Count("pk"), passed=Count("pk", filter=done))
            .order_by("label")
        )
        labels = dict(Region.choices)
        return [
            RateRow(labels.get(row["label"], row["label"]), row["total"], row["passed"])
            for row in rows
        ]
    if by not in ("program", "tier"):
        raise ValueError(f"Unknown grouping: {by}")
    # One filter() call: the membership conditions hold for the same membership
    # that the values() below group by.
    conditions: dict[str, Any] = {
        f"{membership}__status": MembershipStatus.ACTIVE,
        f"{membership}__program__in": _programs_of(actor),
    }
    keys = [f"{membership}__program__name"]
    if by == "tier":
        conditions[f"{membership}__tier__isnull"] = False
        keys.append(f"{membership}__tier__name")
    scoped = queryset.filter(**conditions)
    grouped = (
        scoped.values(*keys)
        .annotate(total=Count("pk"), passed=Count("pk", filter=done))
        .order_by(*keys)
    )
    return [
        RateRow(" — ".join(row[key] for key in keys), row["total"], row["passed"])
        for row in grouped
    ]


def completion_rates_for(actor: Any, *, by: str) -> list[RateRow]:
    """Return path enrollments and completions per program, tier or region."""
    return _grouped(
        Enrollment.objects.all(),
        actor,
        user_path="user",
        by=by,
        done=Q(completed_at__isnull=False),
    )


def pass_rates_for(actor: Any, *, by: str) -> list[RateRow]:
    """Return exam attempts and passes per program, tier or region."""
    return _grouped(
        ExamResult.objects.all(), actor, user_path="user", by=by, done=Q(passed=True)
    )


@dataclass
class DensityRow:
    organization_id: int
    organization_name: str
    staff: int = 0
    certified: int = 0
    # Job function label → (staff, certified).
    by_function: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def percent(self) -> int:
        return round(100 * self.certified / self.staff) if self.staff else 0


def certification_density_for(actor: Any) -> list[DensityRow]:
    """Return, per partner, how many of its active people hold a live
    certification, overall and per job function (one aggregate query).
    """
    from cairn.accounts.models import User

    certified_people = CertificationAward.objects.filter(
        status__in=LIVE_STATUSES
    ).values("user_id")
    counts = (
        User.objects.filter(
            organization__in=_organizations_of(actor),
            is_active=True,
            role__in=list(roles.PARTNER_ROLES),
        )
        .values("organization_id", "organization__name", "job_function")
        .annotate(
            staff=Count("pk"), certified=Count("pk", filter=Q(pk__in=certified_people))
        )
        .order_by("organization__name", "organization_id", "job_function")
    )
    labels = dict(JobFunction.choices)
    rows: dict[int, DensityRow] = {}
    for count in counts:
        row = rows.setdefault(
            count["organization_id"],
            DensityRow(count["organization_id"], count["organization__name"]),
        )
        row.staff += count["staff"]
        row.certified += count["certified"]
        label = labels.get(count["job_function"], "Unspecified")
        row.by_function[label] = (count["staff"], count["certified"])
    return list(rows.values())


@dataclass(frozen=True)
class PartnerGap:
    organization_id: int
    organization_name: str
    certified_people: int
    missing_people: int


@dataclass(frozen=True)
class RequirementGaps:
    """One certification a tier requires, and its partners short of it."""

    certification_id: int
    certification_slug: str
    certification_title: str
    minimum_certified_people: int
    partners: list[PartnerGap]


def skill_gaps_for_tier(tier: Tier) -> list[RequirementGaps]:
    """Return each certification `tier` requires with the active partners of the
    tier that have fewer live certified people than the minimum (in three
    queries). The tier rules read this list; it is not scoped to an actor.
    """
    requirements = list(
        TierCertificationRequirement.objects.filter(tier=tier)
        .select_related("certification")
        .order_by("certification__title")
    )
    members = list(
        ProgramMembership.objects.filter(tier=tier, status=MembershipStatus.ACTIVE)
        .select_related("organization")
        .order_by("organization__name", "organization_id")
    )
    if not requirements or not members:
        return [
            RequirementGaps(
                r.certification_id,
                r.certification.slug,
                r.certification.title,
                r.minimum_certified_people,
                [],
            )
            for r in requirements
        ]
    counts = {
        (row["user__organization_id"], row["certification_id"]): row["people"]
        for row in CertificationAward.objects.filter(
            status__in=LIVE_STATUSES,
            certification_id__in=[r.certification_id for r in requirements],
            user__organization_id__in=[m.organization_id for m in members],
            user__is_active=True,
        )
        .values("user__organization_id", "certification_id")
        .annotate(people=Count("user_id", distinct=True))
    }
    gaps = []
    for requirement in requirements:
        partners = []
        for membership in members:
            have = counts.get(
                (membership.organization_id, requirement.certification_id), 0
            )
            if have < requirement.minimum_certified_people:
                partners.append(
                    PartnerGap(
                        membership.organization_id,
                        membership.organization.name,
                        have,
                        requirement.minimum_certified_people - have,
                    )
                )
        gaps.append(
            RequirementGaps(
                requirement.certification_id,
                requirement.certification.slug,
                requirement.certification.title,
                requirement.minimum_certified_people,
                partners,
            )
        )
    return gaps


def skill_gaps_for(actor: Any) -> list[tuple[Tier, list[RequirementGaps]]]:
    """Return the skill gaps of every tier (of the actor's programs) that
    requires certifications.
    """
    tiers = (
        Tier.objects.filter(program__in=_programs_of(actor))
        .filter(
            pk__in=TierCertificationRequirement.objects.values("tier_id"),
        )
        .select_related("program")
        .order_by("program__name", "rank")
    )
    return [(tier, skill_gaps_for_tier(tier)) for tier in tiers]


def list_awards_for(actor: Any) -> QuerySet[CertificationAward]:
    """Return the awards of the people of the partners the actor reports on."""
    return (
        CertificationAward.objects.filter(
            user__organization__in=_organizations_of(actor)
        )
        .select_related("certification", "user", "user__organization")
        .order_by("-awarded_at", "-pk")
    )


def access_award_for_vendor(actor: Any, pk: int) -> CertificationAward:
    """Return an award of a partner the actor reports on; 404 otherwise."""
    award = list_awards_for(actor).filter(pk=pk).first()
    if award is None:
        raise Http404("No such certification award.")
    return award


def verify_award(code: str) -> CertificationAward | None:
    """Return the award with this verification code, for anyone holding the code
    (an employer, a customer); None if no award has it.
    """
    code = code.strip().upper()
    if not code:
        return None
    return (
        CertificationAward.objects.filter(verification_code=code)
        .select_related("certification", "user", "user__organization")
        .first()
    )
