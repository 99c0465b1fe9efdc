"""Writes of program memberships: adding an organization, status, tier, manager."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cairn.core.audit import changed_keys, record_audit, record_write, snapshot
from cairn.core.events import record_event
from cairn.core.models import AuditAction
from cairn.partners import policies
from cairn.partners.choices import MEMBERSHIP_TRANSITIONS, MembershipStatus
from cairn.partners.models import PartnerOrganization, Program, ProgramMembership, Tier
from cairn.partners.services._common import check_keys

MEMBERSHIP_CHANGES = frozenset({"status", "tier", "channel_manager", "partner_type"})


def _check_channel_manager(user: Any) -> None:
    if user is not None and not policies.can_be_channel_manager(user):
        raise ValidationError(
            {"channel_manager": "Choose one of the vendor's channel managers."}
        )


def add_membership(
    organization: PartnerOrganization,
    *,
    actor: Any,
    program: Program,
    partner_type: str,
    tier: Tier | None = None,
    status: str = MembershipStatus.APPLIED,
    channel_manager: Any = None,
) -> ProgramMembership:
    """Add an organization to a program, as an applicant or an active partner."""
    with transaction.atomic():
        if not policies.can_add_membership(actor, organization, program):
            raise PermissionDenied
        if ProgramMembership.objects.filter(
            organization=organization, program=program
        ).exists():
            raise ValidationError(
                {"program": "This organization is already in this program."}
            )
        if status not in {MembershipStatus.APPLIED, MembershipStatus.ACTIVE}:
            raise ValidationError(
                {"status": "A new membership is either applied or active."}
            )
        _check_channel_manager(channel_manager)
        membership = ProgramMembership(
            organization=organization,
            program=program,
            partner_type=partner_type,
            tier=tier,
            status=status,
            channel_manager=channel_manager,
            status_changed_at=timezone.now(),
        )
        membership.full_clean()
        membership.save()
        record_write(
            AuditAction.CREATE,
            membership,
            actor=actor,
            organization_id=organization.pk,
            after=snapshot(membership),
            verb="membership.created",
            data={
                "program": program.name,
                "status": status,
                "tier": tier.name if tier else None,
            },
        )
    return membership


def _check_transition(current: str, new: str) -> None:
    if new not in MembershipStatus.values:
        raise ValidationError({"status": f"“{new}” is not a membership status."})
    if new not in MEMBERSHIP_TRANSITIONS.get(current, frozenset()):
        raise ValidationError(
            {
                "status": (
                    f"A membership cannot go from {MembershipStatus(current).label} "
                    f"to {MembershipStatus(new).label}."
                )
            }
        )


def change_membership(
    membership: ProgramMembership, *, actor: Any, **changes: Any
) -> ProgramMembership:
    """Change a membership's status, tier, partner type or channel manager.

    Status changes follow MEMBERSHIP_TRANSITIONS; the tier must belong to the
    membership's program and the partner type must be one the program accepts.
    """
    check_keys(changes, MEMBERSHIP_CHANGES, "membership")
    with transaction.atomic():
        membership = (
            ProgramMembership.objects.select_for_update(of=("self",))
            .select_related("program", "tier")
            .get(pk=membership.pk)
        )
        if not policies.can_change_membership(actor, membership):
            raise PermissionDenied
        before = snapshot(membership)
        old_status, old_tier = membership.status, membership.tier
        if "status" in changes and changes["status"] != membership.status:
            _check_transition(membership.status, changes["status"])
            membership.status = changes["status"]
            membership.status_changed_at = timezone.now()
        if "tier" in changes:
            membership.tier = changes["tier"]
        if "partner_type" in changes:
            membership.partner_type = changes["partner_type"]
        if "channel_manager" in changes:
            _check_channel_manager(changes["channel_manager"])
            membership.channel_manager = changes["channel_manager"]
        membership.full_clean()
        membership.save()
        after = snapshot(membership)
        changed = changed_keys(before, after)
        if not changed:
            return membership
        record_audit(
            AuditAction.UPDATE,
            membership,
            actor=actor,
            organization_id=membership.organization_id,
            before=before,
            after=after,
        )
        _record_membership_events(membership, actor, old_status, old_tier, changed)
    return membership


def _record_membership_events(
    membership: ProgramMembership,
    actor: Any,
    old_status: str,
    old_tier: Tier | None,
    changed: list[str],
) -> None:
    common = {
        "actor": actor,
        "organization_id": membership.organization_id,
        "target": membership,
    }
    if membership.status != old_status:
        record_event(
            "membership.status_changed",
            data={
                "program": membership.program.name,
                "from": old_status,
                "to": membership.status,
            },
            **common,
        )
    if membership.tier != old_tier:
        record_event(
            "membership.tier_changed",
            data={
                "program": membership.program.name,
                "from": old_tier.name if old_tier else None,
                "to": membership.tier.name if membership.tier else None,
            },
            **common,
        )
    others = [
        key for key in changed if key not in {"status", "status_changed_at", "tier"}
    ]
    if others:
        record_event("membership.updated", data={"fields": others}, **common)
