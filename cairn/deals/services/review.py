"""The review workflow: start, ask for information, approve, reject; then the sales
stage of an approved deal, the review deadline and the protection period.
"""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cairn.core.audit import record_update, snapshot
from cairn.core.events import record_event
from cairn.deals import policies
from cairn.deals.choices import (
    PENDING_STATUSES,
    STAGE_TRANSITIONS,
    ConflictDecision,
    ConflictStatus,
    RegistrationStatus,
    SalesStage,
)
from cairn.deals.models import DealConflict, DealRegistration, DealStageChange
from cairn.deals.services._common import (
    change_status,
    lock_registration,
    program_settings,
    record_history_note,
    require_reason,
)
from cairn.deals.services.extensions import extensions_remaining, protection_days_for

AUTO_APPROVAL_REASON = "The review deadline passed: approved automatically."
ESCALATION_REASON = "The review deadline passed: escalated to the second approver."
EXPIRY_REASON = "The protection period ended."
REMINDER_DAYS = 14


def _reviewable(registration: DealRegistration, actor: Any) -> DealRegistration:
    registration = lock_registration(registration)
    if not policies.can_review_registration(actor, registration):
        raise PermissionDenied
    return registration


def start_review(registration: DealRegistration, *, actor: Any) -> DealRegistration:
    """Take a submitted registration into review."""
    with transaction.atomic():
        registration = _reviewable(registration, actor)
        change_status(
            registration,
            actor=actor,
            to_status=RegistrationStatus.UNDER_REVIEW,
            verb="deal.review_started",
        )
    return registration


def request_more_information(
    registration: DealRegistration, *, actor: Any, reason: str
) -> DealRegistration:
    """Send a registration back to its partner with a question; the partner answers
    by editing and submitting it again.
    """
    reason = require_reason(reason)
    with transaction.atomic():
        registration = _reviewable(registration, actor)
        change_status(
            registration,
            actor=actor,
            to_status=RegistrationStatus.MORE_INFO_REQUESTED,
            reason=reason,
            verb="deal.more_information_requested",
        )
    return registration


def _check_no_open_conflict(registration: DealRegistration) -> None:
    if DealConflict.objects.filter(
        registration=registration, status=ConflictStatus.OPEN
    ).exists():
        raise ValidationError(
            {"status": "Decide the registration's possible conflicts first."}
        )


def _approve(registration: DealRegistration, *, actor: Any, reason: str) -> None:
    now = timezone.now()
    days = protection_days_for(registration)
    registration.decided_at = now
    registration.protection_expires_at = now + datetime.timedelta(days=days)
    change_status(
        registration,
        actor=actor,
        to_status=RegistrationStatus.APPROVED,
        reason=reason,
        verb="deal.approved",
        data={
            "protection_expires_at": registration.protection_expires_at.isoformat(),
            "protection_days": days,
            "amount": str(registration.amount),
            "currency": registration.currency,
        },
    )


def approve_registration(
    registration: DealRegistration, *, actor: Any, reason: str = ""
) -> DealRegistration:
    """Approve a pending registration: its protection period starts now and lasts
    the protection days of the partner's tier in the program, else the program's.

    A registration with an open possible conflict waits for the conflict's decision.
    """
    with transaction.atomic():
        registration = _reviewable(registration, actor)
        _check_no_open_conflict(registration)
        _approve(registration, actor=actor, reason=reason.strip())
    return registration


def reject_registration(
    registration: DealRegistration, *, actor: Any, reason: str
) -> DealRegistration:
    """Reject a pending registration, with the reason its partner will read."""
    reason = require_reason(reason)
    with transaction.atomic():
        registration = _reviewable(registration, actor)
        registration.decided_at = timezone.now()
        change_status(
            registration,
            actor=actor,
            to_status=RegistrationStatus.REJECTED,
            reason=reason,
            verb="deal.rejected",
        )
    return registration


def update_sales_stage(
    registration: DealRegistration, *, actor: Any, stage: str, lost_reason: str = ""
) -> DealRegistration:
    """Move an approved deal through qualified and proposal to won or lost.

    A won deal emits `deal.won` with its amount and currency, for tiers and
    incentives.
    """
    if stage not in SalesStage.values:
        raise ValidationError({"sales_stage": f"“{stage}” is not a sales stage."})
    with transaction.atomic():
        registration = lock_registration(registration)
        if not policies.can_update_sales_stage(actor, registration):
            raise PermissionDenied
        if stage not in STAGE_TRANSITIONS[registration.sales_stage]:
            raise ValidationError(
                {"sales_stage": f"A deal cannot move to {SalesStage(stage).label} now."}
            )
        before = snapshot(registration)
        old_stage = registration.sales_stage
        registration.sales_stage = stage
        registration.lost_reason = (
            lost_reason.strip() if stage == SalesStage.LOST else ""
        )
        registration.full_clean()
        registration.save()
        DealStageChange.objects.create(
            registration=registration,
            from_stage=old_stage,
            to_stage=stage,
            at=timezone.now(),
            actor_role_label=policies.role_label(actor),
        )
        data = {"from": old_stage, "to": stage, "program": registration.program.name}
        record_update(
            registration,
            actor=actor,
            organization_id=registration.organization_id,
            before=before,
            after=snapshot(registration),
            verb="deal.stage_changed",
            data=data,
        )
        if stage == SalesStage.WON:
            record_event(
                "deal.won",
                actor=actor,
                organization_id=registration.organization_id,
                target=registration,
                data={
                    "program_id": registration.program_id,
                    "amount": str(registration.amount),
                    "currency": registration.currency,
                    "deal_type": registration.deal_type,
                    "partner_role": registration.partner_role,
                },
            )
    return registration


def escalate_overdue_reviews(*, now: datetime.datetime | None = None) -> int:
    """Act on pending registrations past their review deadline; return how many.

    Programs that approve on breach approve them (unless a possible conflict is
    open: a conflict is never settled by the clock); the others escalate them once
    to the program's second approver.
    """
    now = now or timezone.now()
    overdue = DealRegistration.objects.pending_review().filter(
        review_due_at__lte=now, escalated_at__isnull=True
    )
    handled = 0
    for pk in overdue.values_list("pk", flat=True).order_by("review_due_at", "pk"):
        with transaction.atomic():
            registration = lock_registration(DealRegistration(pk=pk))
            if (
                registration.escalated_at is not None
                or registration.status not in PENDING_STATUSES
            ):
                continue  # decided or escalated meanwhile
            _escalate_one(registration, now=now)
            handled += 1
    return handled


def _escalate_one(registration: DealRegistration, *, now: datetime.datetime) -> None:
    settings = program_settings(registration.program)
    has_open_conflict = DealConflict.objects.filter(
        registration=registration, status=ConflictStatus.OPEN
    ).exists()
    if (
        settings.auto_approve_on_breach
        and not has_open_conflict
        and registration.status != RegistrationStatus.MORE_INFO_REQUESTED
    ):
        _approve(registration, actor=None, reason=AUTO_APPROVAL_REASON)
        return
    before = snapshot(registration)
    registration.escalated_at = now
    registration.save(update_fields=["escalated_at", "updated_at"])
    record_history_note(registration, actor=None, reason=ESCALATION_REASON)
    record_update(
        registration,
        actor=None,
        organization_id=registration.organization_id,
        before=before,
        after=snapshot(registration),
        verb="deal.review_escalated",
        data={"second_approver_id": settings.second_approver_id},
        reason=ESCALATION_REASON,
    )


def remind_expiring_protection(
    *, now: datetime.datetime | None = None, days: int = REMINDER_DAYS
) -> int:
    """Announce, once, the protections that end within `days`; return how many."""
    now = now or timezone.now()
    expiring = DealRegistration.objects.filter(
        status=RegistrationStatus.APPROVED,
        protection_expires_at__gt=now,
        protection_expires_at__lte=now + datetime.timedelta(days=days),
        protection_reminded_at__isnull=True,
    ).exclude(sales_stage__in=[SalesStage.WON, SalesStage.LOST])
    reminded = 0
    for pk in expiring.values_list("pk", flat=True).order_by("pk"):
        with transaction.atomic():
            registration = lock_registration(DealRegistration(pk=pk))
            if registration.protection_reminded_at is not None:
                continue
            registration.protection_reminded_at = now
            registration.save(update_fields=["protection_reminded_at", "updated_at"])
            assert registration.protection_expires_at is not None
            remaining = extensions_remaining(registration)
            ends = registration.protection_expires_at.date().isoformat()
            record_history_note(
                registration,
                actor=None,
                reason=(
                    f"Reminder: protection ends on {ends}."
                    + (" An extension can be requested." if remaining > 0 else "")
                ),
            )
            record_event(
                "deal.protection_expiring",
                actor=None,
                organization_id=registration.organization_id,
                target=registration,
                data={
                    "protection_expires_at": (
                        registration.protection_expires_at.isoformat()
                    ),
                    "registered_by_id": registration.registered_by_id,
                    # The reminder tells the partner whether to ask for more time.
                    "can_request_extension": remaining > 0,
                    "extensions_remaining": remaining,
                },
            )
            reminded += 1
    return reminded


def expire_protection(*, now: datetime.datetime | None = None) -> int:
    """End the protection of approved deals whose period is over and that are
    neither won nor lost; return how many expired.
    """
    now = now or timezone.now()
    ended = DealRegistration.objects.filter(
        status=RegistrationStatus.APPROVED, protection_expires_at__lte=now
    ).exclude(sales_stage__in=[SalesStage.WON, SalesStage.LOST])
    expired = 0
    for pk in ended.values_list("pk", flat=True).order_by("pk"):
        with transaction.atomic():
            registration = lock_registration(DealRegistration(pk=pk))
            if registration.status != RegistrationStatus.APPROVED:
                continue
            change_status(
                registration,
                actor=None,
                to_status=RegistrationStatus.EXPIRED,
                reason=EXPIRY_REASON,
                verb="deal.protection_expired",
            )
            expired += 1
    return expired


def reopen_after_appeal(
    conflict: DealConflict, *, actor: Any, previous_decision: str
) -> None:
    """Take a registration rejected by a first-come decision back into review when
    the decision is changed after an appeal.
    """
    registration = lock_registration(conflict.registration)
    if (
        previous_decision == ConflictDecision.FIRST_COME
        and conflict.decision != ConflictDecision.FIRST_COME
        and registration.status == RegistrationStatus.REJECTED
    ):
        registration.decided_at = None
        change_status(
            registration,
            actor=actor,
            to_status=RegistrationStatus.UNDER_REVIEW,
            reason=conflict.decision_reason,
            verb="deal.reopened",
        )
