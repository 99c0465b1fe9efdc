"""Protection periods by tier, and the partner's requests for more protection time.

An approved registration is protected for its program's days, or for the days of
the registering organization's tier in that program when the vendor set them. While
it is protected, its partner may ask for an extension with a reason; a reviewer
grants the program's extension days (or another number up to the program's cap) or
declines with a reason. Both steps join the status history under the role that
took them.
"""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cairn.core.audit import record_write, snapshot
from cairn.core.models import AuditAction
from cairn.deals import policies
from cairn.deals.choices import ExtensionStatus, SalesStage
from cairn.deals.models import (
    DealExtensionRequest,
    DealRegistration,
    DealTierProtection,
)
from cairn.deals.services._common import (
    lock_registration,
    program_settings,
    record_history_note,
    require_reason,
)

MAX_REASON_LENGTH = 2000


def protection_days_for(registration: DealRegistration) -> int:
    """Return the protection days of the registering organization's tier in the
    registration's program at this moment, else the program's default.
    """
    from cairn.partners.models import ProgramMembership

    tier_id = (
        ProgramMembership.objects.filter(
            organization_id=registration.organization_id,
            program_id=registration.program_id,
        )
        .values_list("tier_id", flat=True)
        .first()
    )
    if tier_id is not None:
        override = DealTierProtection.objects.filter(tier_id=tier_id).first()
        if override is not None:
            return int(override.protection_days)
    return int(program_settings(registration.program).protection_days)


def extensions_remaining(registration: DealRegistration) -> int:
    """Return how many more extensions the registration's partner may request now:
    none while one is waiting for a decision.
    """
    requests = DealExtensionRequest.objects.filter(registration=registration)
    if requests.filter(status=ExtensionStatus.PENDING).exists():
        return 0
    limit = program_settings(registration.program).max_extensions
    return max(limit - requests.filter(status=ExtensionStatus.APPROVED).count(), 0)


def _lock_extension(extension: DealExtensionRequest) -> DealExtensionRequest:
    return (  # type: ignore[no-any-return]
        DealExtensionRequest.objects.select_for_update(of=("self",))
        .select_related("registration__program")
        .get(pk=extension.pk)
    )


def request_extension(
    registration: DealRegistration, *, actor: Any, reason: str
) -> DealExtensionRequest:
    """Ask for more protection time for a protected registration, with a reason.

    One request may be open at a time, and the program limits how many extensions
    a registration gets.
    """
    reason = require_reason(reason)[:MAX_REASON_LENGTH]
    with transaction.atomic():
        registration = lock_registration(registration)
        if not policies.can_request_extension(actor, registration):
            raise ValidationError({"reason": _why_no_extension(actor, registration)})
        try:
            with transaction.atomic():
                extension = DealExtensionRequest.objects.create(
                    registration=registration,
                    requested_by=actor,
                    requested_at=timezone.now(),
                    reason=reason,
                )
        except IntegrityError as error:
            raise ValidationError(
                {"reason": "An extension request is already waiting for a decision."}
            ) from error
        record_history_note(
            registration, actor=actor, reason=f"Extension requested: {reason}"
        )
        record_write(
            AuditAction.CREATE,
            extension,
            actor=actor,
            organization_id=registration.organization_id,
            after=snapshot(extension),
            verb="deal.extension_requested",
            data={
                "registration_id": registration.pk,
                "protection_expires_at": _iso(registration.protection_expires_at),
            },
        )
    return extension


def _why_no_extension(actor: Any, registration: DealRegistration) -> str:
    """Explain to the registering partner why no extension can be requested; refuse
    anyone else outright.
    """
    if not policies.acts_for_partner(actor, registration):
        raise PermissionDenied
    limit = program_settings(registration.program).max_extensions
    if not registration.is_protected:
        return "Only a registration whose protection is running can be extended."
    if registration.sales_stage in {SalesStage.WON, SalesStage.LOST}:
        return "A won or lost deal needs no more protection."
    if registration.extension_requests.filter(status=ExtensionStatus.PENDING).exists():
        return "An extension request is already waiting for a decision."
    if limit == 0:
        return "This program grants no extensions."
    return f"This registration already had the extensions it may get ({limit})."


def _iso(moment: datetime.datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def approve_extension(
    extension: DealExtensionRequest,
    *,
    actor: Any,
    days: int | None = None,
    reason: str = "",
) -> DealExtensionRequest:
    """Grant an extension: the protection ends `days` later (the program's extension
    days unless the reviewer chooses another number, up to the program's cap).
    """
    with transaction.atomic():
        extension = _lock_extension(extension)
        registration = lock_registration(extension.registration)
        extension.registration = registration
        if not policies.can_decide_extension(actor, extension):
            raise PermissionDenied
        settings = program_settings(registration.program)
        days = settings.extension_days if days is None else days
        if isinstance(days, bool) or not 1 <= days <= settings.max_extension_days:
            raise ValidationError(
                {"days": f"Grant between 1 and {settings.max_extension_days} days."}
            )
        if not registration.is_protected:
            raise ValidationError(
                {"days": "The protection has ended; it can no longer be extended."}
            )
        assert registration.protection_expires_at is not None
        before = snapshot(extension)
        extension.previous_expires_at = registration.protection_expires_at
        extension.status = ExtensionStatus.APPROVED
        extension.days_granted = days
        extension.decided_by = actor
        extension.decided_at = timezone.now()
        extension.decision_reason = reason.strip()[:MAX_REASON_LENGTH]
        extension.save()
        registration.protection_expires_at += datetime.timedelta(days=days)
        # A new end date deserves its own reminder.
        registration.protection_reminded_at = None
        registration.save(
            update_fields=[
                "protection_expires_at",
                "protection_reminded_at",
                "updated_at",
            ]
        )
        new_end = registration.protection_expires_at.date().isoformat()
        note = f"Extension approved: {days} more days, protected until {new_end}."
        if extension.decision_reason:
            note += f" {extension.decision_reason}"
        record_history_note(registration, actor=actor, reason=note)
        record_write(
            AuditAction.UPDATE,
            extension,
            actor=actor,
            organization_id=registration.organization_id,
            before=before,
            after=snapshot(extension),
            reason=extension.decision_reason,
            verb="deal.extension_approved",
            data={
                "registration_id": registration.pk,
                "days": days,
                "previous_expires_at": _iso(extension.previous_expires_at),
                "protection_expires_at": _iso(registration.protection_expires_at),
            },
        )
    return extension


def decline_extension(
    extension: DealExtensionRequest, *, actor: Any, reason: str
) -> DealExtensionRequest:
    """Decline an extension request, with the reason the partner will read."""
    reason = require_reason(reason)[:MAX_REASON_LENGTH]
    with transaction.atomic():
        extension = _lock_extension(extension)
        registration = lock_registration(extension.registration)
        extension.registration = registration
        if not policies.can_decide_extension(actor, extension):
            raise PermissionDenied
        before = snapshot(extension)
        extension.status = ExtensionStatus.DECLINED
        extension.decided_by = actor
        extension.decided_at = timezone.now()
        extension.decision_reason = reason
        extension.save()
        record_history_note(
            registration, actor=actor, reason=f"Extension declined: {reason}"
        )
        record_write(
            AuditAction.UPDATE,
            extension,
            actor=actor,
            organization_id=registration.organization_id,
            before=before,
            after=snapshot(extension),
            reason=reason,
            verb="deal.extension_declined",
            data={"registration_id": registration.pk},
        )
    return extension
