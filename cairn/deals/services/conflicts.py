"""Decisions on possible conflicts: a channel manager decides, the partner may appeal
once, and the decision may then change.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cairn.core.audit import record_audit, snapshot
from cairn.core.events import record_event
from cairn.core.models import AuditAction
from cairn.deals import policies
from cairn.deals.choices import (
    PENDING_STATUSES,
    ConflictDecision,
    ConflictStatus,
    RegistrationStatus,
)
from cairn.deals.models import DealConflict
from cairn.deals.services._common import (
    change_status,
    lock_registration,
    record_history_note,
    require_reason,
)
from cairn.deals.services.review import reopen_after_appeal


def _lock_conflict(conflict: DealConflict) -> DealConflict:
    return (  # type: ignore[no-any-return]
        DealConflict.objects.select_for_update(of=("self",))
        .select_related("registration__program")
        .get(pk=conflict.pk)
    )


def _record(
    conflict: DealConflict,
    *,
    actor: Any,
    before: dict[str, Any],
    verb: str,
    reason: str,
    data: dict[str, Any],
) -> None:
    # The audit entry holds both sides, so it belongs to no partner organization;
    # the event goes to the later registration's partner with partner-safe data only.
    record_audit(
        AuditAction.DECIDE,
        conflict,
        actor=actor,
        organization_id=None,
        before=before,
        after=snapshot(conflict),
        reason=reason,
    )
    record_event(
        verb,
        actor=actor,
        organization_id=conflict.registration.organization_id,
        target=conflict.registration,
        data={"conflict_id": conflict.pk, "codes": conflict.reason_codes, **data},
    )


def resolve_conflict(
    conflict: DealConflict, *, actor: Any, decision: str, reason: str
) -> DealConflict:
    """Decide an open conflict with a recorded reason.

    First come: the earlier claim keeps the deal and the later registration, if
    still pending, is rejected with the decision's reason. Split: both proceed.
    Rejected: the match is not a conflict; both proceed. A decision changed after an
    appeal takes a registration that the first decision rejected back into review.
    """
    if decision not in ConflictDecision.values:
        raise ValidationError({"decision": f"“{decision}” is not a decision."})
    reason = require_reason(reason)
    with transaction.atomic():
        conflict = _lock_conflict(conflict)
        if not policies.can_resolve_conflict(actor, conflict):
            raise PermissionDenied
        before = snapshot(conflict)
        previous_decision = conflict.decision
        conflict.status = ConflictStatus.RESOLVED
        conflict.decision = decision
        conflict.decision_reason = reason
        conflict.decided_by = actor
        conflict.decided_at = timezone.now()
        conflict.save()
        _record(
            conflict,
            actor=actor,
            before=before,
            verb="deal.conflict_resolved",
            reason=reason,
            data={"decision": decision},
        )
        registration = lock_registration(conflict.registration)
        record_history_note(
            registration,
            actor=actor,
            reason=(
                f"Possible conflict decided: {ConflictDecision(decision).label}. "
                f"{reason}"
            ),
        )
        if (
            decision == ConflictDecision.FIRST_COME
            # A direct deal added after the registration came second: first come
            # keeps the registration.
            and not conflict.direct_is_later
            and registration.status in PENDING_STATUSES
        ):
            registration.decided_at = timezone.now()
            change_status(
                registration,
                actor=actor,
                to_status=RegistrationStatus.REJECTED,
                reason=reason,
                verb="deal.rejected",
                data={"conflict_id": conflict.pk},
            )
        elif previous_decision:
            reopen_after_appeal(
                conflict, actor=actor, previous_decision=previous_decision
            )
    return conflict


def appeal_conflict(conflict: DealConflict, *, actor: Any, note: str) -> DealConflict:
    """Appeal a decided conflict, once, with a note: it opens again for a decision."""
    note = require_reason(note, field="appeal_note")
    with transaction.atomic():
        conflict = _lock_conflict(conflict)
        if not policies.can_appeal_conflict(actor, conflict):
            raise PermissionDenied
        before = snapshot(conflict)
        conflict.appeal_note = note
        conflict.appealed_at = timezone.now()
        conflict.status = ConflictStatus.OPEN
        conflict.save()
        _record(
            conflict,
            actor=actor,
            before=before,
            verb="deal.conflict_appealed",
            reason=note,
            data={"decision": conflict.decision},
        )
        record_history_note(
            lock_registration(conflict.registration),
            actor=actor,
            reason=f"Conflict decision appealed: {note}",
        )
    return conflict
