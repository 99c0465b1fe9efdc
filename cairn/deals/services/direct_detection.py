"""Conflict detection when the vendor's direct pipeline changes.

A registration submitted after a direct opportunity is matched against it at
submission (`detection.detect_conflicts`). This module covers the other order: a
direct opportunity created, reopened or changed (by the API's upsert or by an
import) after registrations of the same customer were submitted is matched against
every open registration, and a pair not yet recorded becomes a possible conflict.

Such a conflict is stored like every direct-pipeline conflict (the registration,
and the direct opportunity as the other claim) with `direct_is_later` set: here the
registration is the earlier claim, so a "first come" decision keeps it. Partners see
it as any conflict: "possible conflict" and the reason codes, never the direct deal.
"""

from typing import Any

from cairn.core.audit import record_write, snapshot
from cairn.core.models import AuditAction
from cairn.deals.choices import OPEN_STATUSES
from cairn.deals.facts import facts_of_direct_opportunity, facts_of_registration
from cairn.deals.matching import blocking_keys, compare, is_conflict
from cairn.deals.models import (
    DealConflict,
    DealMatchKey,
    DealRegistration,
    DirectOpportunity,
)
from cairn.deals.services.detection import reason_as_json


def detect_registration_conflicts(
    opportunity: DirectOpportunity,
) -> list[DealConflict]:
    """Return (unsaved) the conflicts of the open registrations that share a blocking
    key with this open direct opportunity; pairs already recorded are not repeated.

    The caller holds the opportunity's key locks (see `lock_keys`), so a
    registration submitted meanwhile either committed before (and is found here) or
    waits and finds the opportunity itself.
    """
    if not opportunity.is_open:
        return []
    facts = facts_of_direct_opportunity(opportunity)
    keys = set(blocking_keys(facts))
    paired = DealConflict.objects.filter(direct_opportunity=opportunity).values(
        "registration_id"
    )
    candidates = (
        DealRegistration.objects.filter(
            status__in=OPEN_STATUSES,
            pk__in=DealMatchKey.objects.filter(
                key__in=keys, registration__isnull=False
            ).values("registration_id"),
        )
        .exclude(pk__in=paired)
        .prefetch_related("lines")
        .order_by("submitted_at", "pk")
    )
    conflicts = []
    for registration in candidates:
        # The registration's facts first, as at its submission: the same reasons
        # and scores whichever of the two came first.
        match = compare(facts_of_registration(registration), facts)
        if match is not None and is_conflict(match):
            conflicts.append(
                DealConflict(
                    registration=registration,
                    direct_opportunity=opportunity,
                    direct_is_later=True,
                    score=float(match.score),
                    reasons=[reason_as_json(reason) for reason in match.reasons]
                    + [
                        reason_as_json(reason, is_counter=True)
                        for reason in getattr(match, "counter_reasons", ())
                    ],
                )
            )
    return conflicts


def record_registration_conflicts(
    opportunity: DirectOpportunity, *, actor: Any
) -> list[DealConflict]:
    """Save and audit the conflicts a changed direct opportunity has with open
    registrations; return them.
    """
    conflicts = detect_registration_conflicts(opportunity)
    for conflict in conflicts:
        conflict.save()
        # As at submission: no organization, since the entry names both sides.
        record_write(
            AuditAction.CREATE,
            conflict,
            actor=actor,
            organization_id=None,
            after=snapshot(conflict),
            verb="deal.conflict_detected",
            data={
                "score": conflict.score,
                "codes": conflict.reason_codes,
                "direct_is_later": True,
            },
        )
    return conflicts
