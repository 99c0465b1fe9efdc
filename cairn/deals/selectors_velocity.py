"""Deal velocity and partner-sourced against partner-influenced revenue, read for
the vendor's staff from the status and stage history and the direct pipeline.

Durations and medians are computed in Python over one row per deal closed in the
period; the number of queries does not grow with the rows.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from cairn.core.access import NotFound
from cairn.deals import metrics, policies
from cairn.deals.choices import (
    DirectOutcome,
    PartnerRole,
    RegistrationStatus,
    SalesStage,
)
from cairn.deals.models import (
    DealRegistration,
    DealStageChange,
    DealStatusChange,
    DirectOpportunity,
)
from cairn.deals.selectors_metrics import DEFAULT_PERIOD, period_start

SOURCED_ROLES = frozenset({PartnerRole.RESELL, PartnerRole.REFERRAL})
CLOSED_STAGES = (SalesStage.WON, SalesStage.LOST)
# Velocity phases, in the order of the board's columns.
PHASES = (
    ("review", "Submitted to approved"),
    (SalesStage.QUALIFIED.value, "Approved or qualified"),
    (SalesStage.PROPOSAL.value, "Proposal"),
)

Money = list[tuple[str, Decimal]]


@dataclass
class PhaseFigures:
    """The days deals spent in one phase of the pipeline."""

    key: str
    label: str
    days: list[float] = field(default_factory=list)

    @property
    def deals(self) -> int:
        """Return how many deals passed through the phase."""
        return len(self.days)

    @property
    def average_days(self) -> float | None:
        """Return the mean days in the phase."""
        return metrics.mean(self.days)

    @property
    def median_days(self) -> float | None:
        """Return the median days in the phase."""
        return metrics.median(self.days)

    @property
    def average_text(self) -> str:
        """Say the mean for people."""
        return metrics.describe_days(self.average_days)

    @property
    def median_text(self) -> str:
        """Say the median for people."""
        return metrics.describe_days(self.median_days)


@dataclass
class CycleFigures:
    """Closed deals of one motion (partner-involved or direct) and their cycle."""

    label: str
    won: int = 0
    lost: int = 0
    cycle_days: list[float] = field(default_factory=list)
    won_amounts: dict[str, Decimal] = field(default_factory=dict)

    @property
    def closed(self) -> int:
        """Return how many deals were won or lost."""
        return self.won + self.lost

    @property
    def win_rate(self) -> float | None:
        """Return the share of closed deals that were won (0 to 1)."""
        return self.won / self.closed if self.closed else None

    @property
    def average_days(self) -> float | None:
        """Return the mean sales cycle in calendar days."""
        return metrics.mean(self.cycle_days)

    @property
    def median_days(self) -> float | None:
        """Return the median sales cycle in calendar days."""
        return metrics.median(self.cycle_days)

    @property
    def average_text(self) -> str:
        """Say the mean cycle for people."""
        return metrics.describe_days(self.average_days)

    @property
    def median_text(self) -> str:
        """Say the median cycle for people."""
        return metrics.describe_days(self.median_days)

    @property
    def win_rate_text(self) -> str:
        """Say the win rate as a percentage."""
        return metrics.describe_share(self.win_rate)

    @property
    def won_totals(self) -> Money:
        """Return the won amounts, one per currency, by currency code."""
        return sorted(self.won_amounts.items())


@dataclass(frozen=True)
class Velocity:
    """Deal velocity and partner revenue over a period."""

    period_days: int
    since: datetime.datetime
    until: datetime.datetime
    phases: list[PhaseFigures]
    partner: CycleFigures
    direct: CycleFigures | None
    sourced: Money
    influenced: Money
    sourced_deals: int
    influenced_deals: int


def _add_money(totals: dict[str, Decimal], currency: str, amount: Decimal) -> None:
    totals[currency] = totals.get(currency, Decimal("0")) + amount


def velocity_for(
    actor: Any,
    *,
    period_days: int = DEFAULT_PERIOD,
    now: datetime.datetime | None = None,
) -> Velocity:
    """Return the days per phase and the sales cycle of the deals won or lost in
    the period that the vendor staff member may see, the direct pipeline's cycle
    for comparison, and the won amounts sourced and influenced by partners.

    Phases come from the status and stage history: submitted to approved; approved
    (or qualified) to proposal or close; proposal to close. A deal that returns to a
    phase adds its time there again.
    """
    if not policies.can_view_service_levels(actor):
        raise NotFound
    now = now or timezone.now()
    since = period_start(period_days, now)
    visible = DealRegistration.objects.visible_to(actor)
    approved_at = (
        DealStatusChange.objects.filter(
            registration=OuterRef("registration"),
            to_status=RegistrationStatus.APPROVED,
        )
        .order_by("at", "pk")
        .values("at")[:1]
    )
    closes = DealStageChange.objects.filter(
        registration__in=visible.values("pk"),
        to_stage__in=CLOSED_STAGES,
        at__gt=since,
        at__lte=now,
    )
    closed = list(
        closes.annotate(approved_at=Subquery(approved_at)).values(
            "registration_id",
            "to_stage",
            "at",
            "approved_at",
            "registration__submitted_at",
            "registration__partner_role",
            "registration__currency",
            "registration__amount",
        )
    )
    moves: dict[int, list[tuple[datetime.datetime, str]]] = defaultdict(list)
    for registration_id, at, to_stage in (
        DealStageChange.objects.filter(
            registration_id__in=closes.values("registration_id")
        )
        .order_by("registration_id", "at", "pk")
        .values_list("registration_id", "at", "to_stage")
    ):
        moves[registration_id].append((at, to_stage))
    phases = {key: PhaseFigures(key=key, label=label) for key, label in PHASES}
    partner = CycleFigures(label="Partner-involved")
    sourced: dict[str, Decimal] = {}
    influenced: dict[str, Decimal] = {}
    sourced_deals = influenced_deals = 0
    for row in closed:
        _add_phases(phases, row, moves[row["registration_id"]])
        submitted = row["registration__submitted_at"]
        if submitted is not None:
            partner.cycle_days.append(metrics.days_between(submitted, row["at"]))
        if row["to_stage"] != SalesStage.WON:
            partner.lost += 1
            continue
        partner.won += 1
        currency, amount = row["registration__currency"], row["registration__amount"]
        _add_money(partner.won_amounts, currency, amount)
        if row["registration__partner_role"] in SOURCED_ROLES:
            _add_money(sourced, currency, amount)
            sourced_deals += 1
        else:
            _add_money(influenced, currency, amount)
            influenced_deals += 1
    return Velocity(
        period_days=period_days,
        since=since,
        until=now,
        phases=list(phases.values()),
        partner=partner,
        direct=_direct_cycle(actor, since=since, now=now),
        sourced=sorted(sourced.items()),
        influenced=sorted(influenced.items()),
        sourced_deals=sourced_deals,
        influenced_deals=influenced_deals,
    )


def _add_phases(
    phases: dict[str, PhaseFigures],
    row: dict[str, Any],
    moves: list[tuple[datetime.datetime, str]],
) -> None:
    submitted, approved = row["registration__submitted_at"], row["approved_at"]
    if submitted is not None and approved is not None:
        phases["review"].days.append(metrics.days_between(submitted, approved))
    # An approved deal without a stage yet is counted as qualified, as on the board.
    current, entered = SalesStage.QUALIFIED.value, approved
    spent: dict[str, float] = defaultdict(float)
    for at, to_stage in moves:
        if entered is not None and current in phases:
            spent[current] += metrics.days_between(entered, at)
        current, entered = to_stage, at
        if to_stage in CLOSED_STAGES:
            break
    for key, days in spent.items():
        phases[key].days.append(days)


def _direct_cycle(
    actor: Any, *, since: datetime.datetime, now: datetime.datetime
) -> CycleFigures | None:
    """Return the direct opportunities closed in the period, or None when the
    direct pipeline has no closed opportunity with its dates at all.
    """
    direct = DirectOpportunity.objects.visible_to(actor).filter(
        ~Q(outcome=""), opened_on__isnull=False, closed_on__isnull=False
    )
    rows = list(
        direct.filter(
            closed_on__gt=since.date(), closed_on__lte=now.date()
        ).values_list("opened_on", "closed_on", "outcome", "currency", "amount")
    )
    if not rows and not direct.exists():
        return None
    figures = CycleFigures(label="Direct")
    for opened_on, closed_on, outcome, currency, amount in rows:
        figures.cycle_days.append(float((closed_on - opened_on).days))
        if outcome == DirectOutcome.WON:
            figures.won += 1
            _add_money(figures.won_amounts, currency, amount)
        else:
            figures.lost += 1
    return figures
