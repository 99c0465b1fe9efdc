"""Scoped reads of the portal pages of deal registration, given the actor."""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from cairn.core.access import NotFound
from cairn.deals import policies, selectors
from cairn.deals.choices import PENDING_STATUSES, ConflictStatus, RegistrationStatus
from cairn.deals.models import DealConflict, DealLine, DealRegistration
from cairn.partners import selectors as partner_selectors
from cairn.partners.choices import MembershipStatus


def programs_to_register_in(actor: Any) -> QuerySet[Any]:
    """Return the programs the actor's organization is an active member of."""
    program_ids = (
        partner_selectors.list_memberships_for(actor)
        .filter(status=MembershipStatus.ACTIVE)
        .values("program_id")
    )
    return (
        partner_selectors.list_programs_for(actor)
        .filter(pk__in=program_ids)
        .order_by("name", "pk")
    )


def programs_to_filter_by(actor: Any) -> QuerySet[Any]:
    """Return the programs the actor may see, by name, for list filters."""
    return partner_selectors.list_programs_for(actor).order_by("name", "pk")


def list_review_queue_for(
    actor: Any, filters: Mapping[str, Any] | None = None
) -> QuerySet[DealRegistration]:
    """Return the pending registrations the actor may see, earliest deadline first,
    each with its number of open conflicts.
    """
    registrations = selectors.list_registrations_for(actor, filters)
    return (
        registrations.filter(status__in=PENDING_STATUSES)
        .annotate(
            open_conflict_count=Count(
                "conflicts", filter=Q(conflicts__status=ConflictStatus.OPEN)
            )
        )
        .order_by(F("review_due_at").asc(nulls_last=True), "pk")
    )


def lines_of(registration: DealRegistration) -> list[DealLine]:
    """Return the product lines of a registration already accessed by the actor."""
    return list(DealLine.objects.filter(registration=registration).order_by("pk"))


def time_to_decision(
    registration: DealRegistration, *, now: datetime.datetime | None = None
) -> datetime.timedelta | None:
    """Return how long the vendor took to decide, or has taken so far; None before
    submission.
    """
    if registration.submitted_at is None:
        return None
    end = registration.decided_at or now or timezone.now()
    return max(end - registration.submitted_at, datetime.timedelta(0))


def vendor_conflicts_for(
    actor: Any, registration: DealRegistration
) -> list[selectors.VendorConflictView]:
    """Return both sides of every conflict of a registration (as the later or the
    earlier claim) that the vendor's staff member may see, oldest first.
    """
    if not policies.can_view_conflict_details(actor):
        raise NotFound
    conflict_ids = (
        DealConflict.objects.visible_to(actor)
        .filter(Q(registration=registration) | Q(other_registration=registration))
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
    )
    views = []
    for pk in conflict_ids:
        try:
            views.append(selectors.conflict_for_vendor(actor, pk))
        except NotFound:
            # The later claim is outside the actor's scope: another manager decides.
            continue
    return views


def registration_with_key(actor: Any, idempotency_key: str) -> DealRegistration | None:
    """Return the actor's registration saved with this idempotency key, if any."""
    if not idempotency_key:
        return None
    return (
        DealRegistration.objects.visible_to(actor)
        .filter(idempotency_key=idempotency_key)
        .first()
    )


@dataclass(frozen=True)
class HistoryRow:
    """One step of a registration's history with its statuses' labels."""

    step: selectors.HistoryStep
    from_label: str
    to_label: str

    @property
    def is_note(self) -> bool:
        """Say whether the step kept the status (an escalation)."""
        return self.step.from_status == self.step.to_status


def history_rows_for(actor: Any, registration_pk: Any) -> list[HistoryRow]:
    """Return the registration's status history, oldest first, with labels."""
    labels = dict(RegistrationStatus.choices)
    return [
        HistoryRow(
            step=step,
            from_label=labels.get(step.from_status, ""),
            to_label=labels.get(step.to_status, step.to_status),
        )
        for step in selectors.history_for(actor, registration_pk)
    ]


def describe_duration(duration: datetime.timedelta | None) -> str:
    """Say a duration in days and hours, such as "2 days 3 hours"."""
    if duration is None:
        return ""
    hours = int(duration.total_seconds() // 3600)
    days, hours = divmod(hours, 24)
    parts = []
    if days:
        parts.append(f"{days} day{'s' if days != 1 else ''}")
    if hours or not days:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    return " ".join(parts)
