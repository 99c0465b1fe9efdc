"""Review service levels and the vendor's time to decision, read for the actor
(deal velocity and partner revenue are in selectors_velocity).

Counts and sums are aggregated in the database. Weekday-hour durations and
percentiles are computed in Python over one row per decided registration of the
period (a few columns each), because SQLite has no percentile function and neither
database knows business days; the number of queries does not grow with the rows.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils import timezone

from cairn.core.access import NotFound
from cairn.deals import metrics, policies
from cairn.deals.choices import (
    PENDING_STATUSES,
    RegistrationStatus,
)
from cairn.deals.models import (
    DealRegistration,
    DealStatusChange,
)
from cairn.deals.services._common import add_business_days
from cairn.partners import selectors as partner_selectors

PERIODS = (30, 90, 365)
DEFAULT_PERIOD = 90
# Partners see the median of the last 90 days, once it rests on enough decisions to
# say something and to say nothing about any one registration.
PARTNER_WINDOW_DAYS = 90
PARTNER_MIN_DECISIONS = 5
# Shown on every deal list: the median of a program's latest decisions of the window
# keeps the page's cost bounded however busy the program is.
PARTNER_SAMPLE = 1000
DEFAULT_REVIEW_DAYS = 2
# The first of these steps after submission is the vendor's decision.
DECISION_STATUSES = (
    RegistrationStatus.APPROVED,
    RegistrationStatus.REJECTED,
    RegistrationStatus.MORE_INFO_REQUESTED,
)
P90 = 0.9
AUTOMATIC = "Automatic rule"


def period_start(period_days: int, now: datetime.datetime) -> datetime.datetime:
    """Return the start of the period of `period_days` that ends now."""
    return now - datetime.timedelta(days=period_days)


def first_decisions(registrations: QuerySet[Any]) -> QuerySet[Any]:
    """Return the first decision step of each registration, as history rows."""
    earlier = DealStatusChange.objects.filter(
        registration=OuterRef("registration"), to_status__in=DECISION_STATUSES
    ).filter(Q(at__lt=OuterRef("at")) | Q(at=OuterRef("at"), pk__lt=OuterRef("pk")))
    return DealStatusChange.objects.filter(
        to_status__in=DECISION_STATUSES,
        registration__in=registrations.values("pk"),
        registration__submitted_at__isnull=False,
    ).filter(~Exists(earlier))


# Service levels


@dataclass
class ServiceLevelRow:
    """The service-level figures of one program, one approver or all."""

    label: str
    hours: list[float] = field(default_factory=list)
    within_deadline: int = 0
    overdue: int | None = None
    escalations: int | None = None

    @property
    def decided(self) -> int:
        """Return how many registrations were decided."""
        return len(self.hours)

    @property
    def median_hours(self) -> float | None:
        """Return the median time to decision in weekday hours."""
        return metrics.median(self.hours)

    @property
    def p90_hours(self) -> float | None:
        """Return the 90th percentile (nearest rank) in weekday hours."""
        return metrics.percentile(self.hours, P90)

    @property
    def compliance(self) -> float | None:
        """Return the share decided within the review deadline (0 to 1)."""
        return self.within_deadline / self.decided if self.decided else None

    @property
    def median_text(self) -> str:
        """Say the median for people."""
        return metrics.describe_hours(self.median_hours)

    @property
    def compliance_text(self) -> str:
        """Say the compliance as a percentage."""
        return metrics.describe_share(self.compliance)

    @property
    def p90_text(self) -> str:
        """Say the 90th percentile for people."""
        return metrics.describe_hours(self.p90_hours)

    def add(self, hours: float, *, is_within: bool) -> None:
        """Count one decided registration."""
        self.hours.append(hours)
        self.within_deadline += int(is_within)


@dataclass(frozen=True)
class ServiceLevels:
    """The vendor's review service levels over a period."""

    period_days: int
    since: datetime.datetime
    until: datetime.datetime
    overall: ServiceLevelRow
    by_program: list[ServiceLevelRow]
    by_approver: list[ServiceLevelRow]


def service_levels_for(
    actor: Any,
    *,
    period_days: int = DEFAULT_PERIOD,
    now: datetime.datetime | None = None,
) -> ServiceLevels:
    """Return the time to decision, deadline compliance, overdue registrations and
    escalations of the registrations in the vendor staff member's scope.

    Time to decision runs from a registration's first submission to its first
    decision (approved, rejected or more information requested), in weekday hours;
    the period holds the registrations first decided in it. Compliance compares the
    first decision with the deadline of the first submission: the program's review
    business days after it. Overdue counts pending registrations past their deadline
    now; escalations count the escalation steps of the period.
    """
    if not policies.can_view_service_levels(actor):
        raise NotFound
    now = now or timezone.now()
    since = period_start(period_days, now)
    visible = DealRegistration.objects.visible_to(actor)
    decisions = (
        first_decisions(visible)
        .filter(at__gt=since, at__lte=now)
        .values(
            "at",
            "actor_id",
            "actor__full_name",
            "actor__email",
            "registration__submitted_at",
            "registration__program_id",
            "registration__program__name",
            "registration__program__deal_settings__review_business_days",
        )
        .order_by("registration__program__name", "at", "pk")
    )
    overall = ServiceLevelRow(label="All programs", overdue=0, escalations=0)
    programs: dict[int, ServiceLevelRow] = {}
    approvers: dict[int | None, ServiceLevelRow] = {}
    for row in decisions:
        submitted = row["registration__submitted_at"]
        days = (
            row["registration__program__deal_settings__review_business_days"]
            or DEFAULT_REVIEW_DAYS
        )
        is_within = row["at"] <= add_business_days(submitted, days)
        hours = metrics.weekday_hours(submitted, row["at"])
        overall.add(hours, is_within=is_within)
        program = programs.setdefault(
            row["registration__program_id"],
            ServiceLevelRow(
                label=row["registration__program__name"], overdue=0, escalations=0
            ),
        )
        program.add(hours, is_within=is_within)
        approver = approvers.setdefault(
            row["actor_id"],
            ServiceLevelRow(
                label=(row["actor__full_name"] or row["actor__email"])
                if row["actor_id"]
                else AUTOMATIC
            ),
        )
        approver.add(hours, is_within=is_within)
    _count_into(
        programs,
        overall,
        "overdue",
        visible.filter(status__in=PENDING_STATUSES, review_due_at__lte=now)
        .values("program_id", program_name=F("program__name"))
        .annotate(count=Count("pk")),
    )
    _count_into(
        programs,
        overall,
        "escalations",
        DealStatusChange.objects.filter(
            registration__in=visible.values("pk"),
            from_status=F("to_status"),
            at__gt=since,
            at__lte=now,
        )
        .values(
            program_id=F("registration__program_id"),
            program_name=F("registration__program__name"),
        )
        .annotate(count=Count("pk")),
    )
    return ServiceLevels(
        period_days=period_days,
        since=since,
        until=now,
        overall=overall,
        by_program=sorted(programs.values(), key=lambda row: row.label),
        by_approver=sorted(
            approvers.values(), key=lambda row: (row.label == AUTOMATIC, row.label)
        ),
    )


def _count_into(
    programs: dict[int, ServiceLevelRow],
    overall: ServiceLevelRow,
    attribute: str,
    counts: Iterable[dict[str, Any]],
) -> None:
    for row in counts:
        program = programs.setdefault(
            row["program_id"],
            ServiceLevelRow(label=row["program_name"], overdue=0, escalations=0),
        )
        setattr(program, attribute, getattr(program, attribute) + row["count"])
        setattr(overall, attribute, getattr(overall, attribute) + row["count"])


@dataclass(frozen=True)
class ProgramDecisionTime:
    """The vendor's measured time to decision in one program, as partners see it."""

    program_id: int
    program_name: str
    decided: int
    median_hours: float | None

    @property
    def is_measured(self) -> bool:
        """Say whether enough registrations were decided to show the median."""
        return self.decided >= PARTNER_MIN_DECISIONS

    @property
    def median_text(self) -> str:
        """Say the median for people."""
        return metrics.describe_hours(self.median_hours if self.is_measured else None)


def decision_times_for(
    actor: Any,
    *,
    program_ids: Iterable[int] | None = None,
    now: datetime.datetime | None = None,
) -> list[ProgramDecisionTime]:
    """Return the vendor's median time to decision over the last 90 days in each
    program of the actor's partners' memberships (or in the given ones among them).

    The median is measured over every partner's registrations of the program (the
    latest 1,000 first decisions of the window at most), since it describes the
    vendor; nothing says who decided, and below five decisions no figure is given.
    """
    now = now or timezone.now()
    member_of = partner_selectors.list_memberships_for(actor).values("program_id")
    programs = partner_selectors.list_programs_for(actor).filter(pk__in=member_of)
    if program_ids is not None:
        programs = programs.filter(pk__in=list(program_ids))
    names = dict(programs.order_by("name", "pk").values_list("pk", "name"))
    hours: dict[int, list[float]] = defaultdict(list)
    decisions = (
        first_decisions(DealRegistration.objects.filter(program_id__in=list(names)))
        .filter(at__gt=period_start(PARTNER_WINDOW_DAYS, now), at__lte=now)
        .annotate(
            recency=Window(
                RowNumber(),
                partition_by=[F("registration__program_id")],
                order_by=[F("at").desc(), F("pk").desc()],
            )
        )
        .filter(recency__lte=PARTNER_SAMPLE)
        .values_list("registration__program_id", "registration__submitted_at", "at")
    )
    for program_id, submitted, decided in decisions:
        hours[program_id].append(metrics.weekday_hours(submitted, decided))
    return [
        ProgramDecisionTime(
            program_id=pk,
            program_name=name,
            decided=len(hours[pk]),
            median_hours=metrics.median(hours[pk]),
        )
        for pk, name in names.items()
    ]
