"""Helpers shared by the services of deal registration."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from cairn.core.audit import record_write, snapshot
from cairn.core.models import AuditAction
from cairn.deals import policies
from cairn.deals.choices import STATUS_TRANSITIONS, RegistrationStatus
from cairn.deals.models import DealProgramSettings, DealRegistration, DealStatusChange

SATURDAY = 5


def check_keys(given: Iterable[str], allowed: Iterable[str], what: str) -> None:
    """Refuse a change of fields a service does not change (a programming error)."""
    unknown = set(given) - set(allowed)
    if unknown:
        raise TypeError(f"{what} has no fields {sorted(unknown)}")


def require_reason(reason: str, field: str = "reason") -> str:
    """Return the stripped reason, or refuse an empty one."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({field: "Give a reason."})
    return reason


def program_settings(program: Any) -> DealProgramSettings:
    """Return the program's deal rules, the defaults if none were configured."""
    settings = DealProgramSettings.objects.filter(program=program).first()
    return settings or DealProgramSettings(program=program)


def add_business_days(start: datetime.datetime, days: int) -> datetime.datetime:
    """Return the moment `days` working days (Monday to Friday) after `start`.

    Public holidays are not known to Cairn; a program that needs them sets more days.
    """
    moment = start
    remaining = days
    while remaining > 0:
        moment += datetime.timedelta(days=1)
        if moment.weekday() < SATURDAY:
            remaining -= 1
    return moment


def lock_registration(registration: DealRegistration) -> DealRegistration:
    """Reload the registration with its row locked until the transaction ends."""
    return (  # type: ignore[no-any-return]
        DealRegistration.objects.select_for_update(of=("self",))
        .select_related("program", "organization")
        .get(pk=registration.pk)
    )


def change_status(
    registration: DealRegistration,
    *,
    actor: Any,
    to_status: str,
    reason: str = "",
    verb: str,
    data: dict[str, Any] | None = None,
) -> DealStatusChange:
    """Move a locked registration to `to_status`, save it, and record the step in
    its history, the audit log and the activity stream.
    """
    from_status = registration.status
    if to_status not in STATUS_TRANSITIONS.get(from_status, frozenset()):
        raise ValidationError(
            {
                "status": (
                    f"A registration cannot go from "
                    f"{RegistrationStatus(from_status).label} to "
                    f"{RegistrationStatus(to_status).label}."
                )
            }
        )
    before = snapshot(registration)
    registration.status = to_status
    registration.save()
    change = DealStatusChange.objects.create(
        registration=registration,
        from_status=from_status,
        to_status=to_status,
        at=timezone.now(),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_role_label=policies.role_label(actor),
        reason=reason,
    )
    record_write(
        AuditAction.UPDATE,
        registration,
        actor=actor,
        organization_id=registration.organization_id,
        before=before,
        after=snapshot(registration),
        reason=reason,
        verb=verb,
        data={"from": from_status, "to": to_status, **(data or {})},
    )
    return change


def record_history_note(
    registration: DealRegistration, *, actor: Any, reason: str
) -> DealStatusChange:
    """Record a step of the history that keeps the status (an escalation)."""
    return DealStatusChange.objects.create(
        registration=registration,
        from_status=registration.status,
        to_status=registration.status,
        at=timezone.now(),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_role_label=policies.role_label(actor),
        reason=reason,
    )
