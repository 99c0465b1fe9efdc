"""Scoped reads of deal registrations, their history and their conflicts.

Every function takes the actor. A partner's view of a conflict carries only its
partner-safe reasons; both sides are shown to the vendor's staff alone.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from cairn.core.access import NotFound, access_object
from cairn.deals import policies
from cairn.deals.choices import ConflictDecision
from cairn.deals.models import (
    DealConflict,
    DealRegistration,
    DealStatusChange,
    DirectOpportunity,
)

Policies = dict[str, Callable[[Any, Any], bool]]

REGISTRATION_POLICIES: Policies = {
    "update": policies.can_update_registration,
    "submit": policies.can_submit_registration,
    "review": policies.can_review_registration,
    "update_stage": policies.can_update_sales_stage,
}
CONFLICT_POLICIES: Policies = {
    "resolve": policies.can_resolve_conflict,
    "appeal": policies.can_appeal_conflict,
}


def access_registration(
    actor: Any, pk: Any, *, action: str = "view"
) -> DealRegistration:
    """Return the registration if the actor may see it and do `action` on it."""
    return access_object(  # type: ignore[no-any-return]
        DealRegistration.objects.select_related(
            "program", "organization", "registered_by"
        ),
        actor,
        pk,
        action=action,
        policies=REGISTRATION_POLICIES,
    )


def list_registrations_for(
    actor: Any, filters: Mapping[str, Any] | None = None
) -> QuerySet[DealRegistration]:
    """Return the registrations the actor may see that match the filters, newest
    first.

    Filters (all optional): status, sales_stage, program, organization, search
    (customer name or domain), overdue (pending past their review deadline).
    """
    filters = filters or {}
    registrations = DealRegistration.objects.visible_to(actor)
    for field in ("status", "sales_stage", "program", "organization"):
        if filters.get(field):
            registrations = registrations.filter(**{field: filters[field]})
    search = str(filters.get("search") or "").strip()
    if search:
        registrations = registrations.filter(
            Q(customer_name__icontains=search) | Q(customer_domain__icontains=search)
        )
    if filters.get("overdue"):
        from django.utils import timezone

        registrations = registrations.pending_review().filter(
            review_due_at__lte=timezone.now()
        )
    return registrations.select_related(
        "program", "organization", "registered_by"
    ).order_by("-created_at", "-pk")


@dataclass(frozen=True)
class HistoryStep:
    """One step of a registration's history as its partner sees it."""

    at: Any
    from_status: str
    to_status: str
    role_label: str
    reason: str


def history_for(actor: Any, registration_pk: Any) -> list[HistoryStep]:
    """Return the registration's status history, oldest first, with the role (not
    the person) that made each step.
    """
    registration = access_registration(actor, registration_pk)
    changes = DealStatusChange.objects.filter(registration=registration).order_by(
        "at", "pk"
    )
    return [
        HistoryStep(
            at=change.at,
            from_status=change.from_status,
            to_status=change.to_status,
            role_label=change.actor_role_label,
            reason=change.reason,
        )
        for change in changes
    ]


@dataclass(frozen=True)
class PartnerReason:
    """A reason code with its partner-safe message."""

    code: str
    message: str


@dataclass(frozen=True)
class PartnerConflictView:
    """A possible conflict as the partner sees it: reasons, nothing of the other."""

    pk: int
    is_earlier_claim: bool
    status: str
    score: float
    reasons: tuple[PartnerReason, ...]
    decision: str
    decision_label: str
    decision_reason: str
    appeal_note: str
    can_appeal: bool


def conflict_for_partner(actor: Any, registration: Any) -> list[PartnerConflictView]:
    """Return the possible conflicts of a registration the actor may see, as its
    partner sees them: the reason codes with their partner-safe messages and the
    decision, and nothing of the other party.

    A registration that was the earlier claim learns only that a later one matched;
    decisions and appeals belong to the later registration's partner.
    """
    pk = getattr(registration, "pk", registration)
    registration = access_registration(actor, pk)
    conflicts = DealConflict.objects.filter(
        Q(registration=registration) | Q(other_registration=registration)
    ).order_by("created_at", "pk")
    views = []
    for conflict in conflicts:
        is_later = conflict.registration_id == registration.pk
        views.append(
            PartnerConflictView(
                pk=conflict.pk,
                is_earlier_claim=not is_later,
                status=conflict.status,
                score=conflict.score,
                reasons=tuple(
                    PartnerReason(code=code, message=message)
                    for code, message in conflict.partner_reasons
                ),
                decision=conflict.decision if is_later else "",
                decision_label=(
                    ConflictDecision(conflict.decision).label
                    if is_later and conflict.decision
                    else ""
                ),
                decision_reason=conflict.decision_reason if is_later else "",
                appeal_note=conflict.appeal_note if is_later else "",
                can_appeal=is_later and policies.can_appeal_conflict(actor, conflict),
            )
        )
    return views


@dataclass(frozen=True)
class VendorConflictView:
    """Both sides of a conflict, side by side, with the reasons' vendor details."""

    conflict: DealConflict
    later: DealRegistration
    earlier_registration: DealRegistration | None
    earlier_direct: DirectOpportunity | None
    reasons: tuple[dict[str, str], ...]
    can_resolve: bool


def access_conflict(actor: Any, pk: Any, *, action: str = "view") -> DealConflict:
    """Return the conflict if the actor may see it and do `action` on it."""
    return access_object(  # type: ignore[no-any-return]
        DealConflict.objects.select_related("registration__program"),
        actor,
        pk,
        action=action,
        policies=CONFLICT_POLICIES,
    )


def conflict_for_vendor(actor: Any, pk: Any) -> VendorConflictView:
    """Return both sides of a conflict for the vendor's staff who may see its later
    registration; NotFound for everyone else.
    """
    if not policies.can_view_conflict_details(actor):
        raise NotFound
    conflict = access_conflict(actor, pk)
    if not policies.can_view_registration(actor, conflict.registration):
        raise NotFound
    # The other side is shown whatever the channel manager's own scope: deciding a
    # conflict needs both claims, and the view exists only for the vendor's staff.
    earlier = (
        DealRegistration.objects.select_related("organization", "program").get(
            pk=conflict.other_registration_id
        )
        if conflict.other_registration_id
        else None
    )
    direct = (
        DirectOpportunity.objects.get(pk=conflict.direct_opportunity_id)
        if conflict.direct_opportunity_id
        else None
    )
    return VendorConflictView(
        conflict=conflict,
        later=DealRegistration.objects.select_related("organization", "program").get(
            pk=conflict.registration_id
        ),
        earlier_registration=earlier,
        earlier_direct=direct,
        reasons=tuple(dict(reason) for reason in conflict.reasons),
        can_resolve=policies.can_resolve_conflict(actor, conflict),
    )


def list_open_conflicts_for(actor: Any) -> QuerySet[DealConflict]:
    """Return the open conflicts the vendor's staff member may decide, oldest first."""
    if not policies.can_view_conflict_details(actor):
        return DealConflict.objects.none()
    visible = DealRegistration.objects.visible_to(actor).values("pk")
    return (
        DealConflict.objects.open()
        .filter(registration__in=visible)
        .select_related("registration__organization", "registration__program")
        .order_by("created_at", "pk")
    )
