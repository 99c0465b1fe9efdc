"""Scoped reads the REST API needs beyond `selectors`: the vendor's view of a
registration's conflicts, the direct pipeline and idempotency-key lookups.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from cairn.core import roles
from cairn.deals import policies
from cairn.deals.models import DealConflict, DealRegistration, DirectOpportunity
from cairn.deals.selectors import VendorConflictView, access_registration


def vendor_conflicts_of(actor: Any, registration_pk: Any) -> list[VendorConflictView]:
    """Return both sides of every conflict of a registration, for the vendor's staff
    who may see it; an empty list for everyone else.
    """
    if not policies.can_view_conflict_details(actor):
        return []
    registration = access_registration(actor, registration_pk)
    conflicts = (
        DealConflict.objects.filter(
            Q(registration=registration) | Q(other_registration=registration)
        )
        .select_related(
            "registration__organization",
            "registration__program",
            "other_registration__organization",
            "other_registration__program",
            "direct_opportunity",
        )
        .order_by("created_at", "pk")
    )
    return [
        VendorConflictView(
            conflict=conflict,
            later=conflict.registration,
            earlier_registration=conflict.other_registration,
            earlier_direct=conflict.direct_opportunity,
            reasons=tuple(dict(reason) for reason in conflict.reasons),
            can_resolve=policies.can_resolve_conflict(actor, conflict),
        )
        for conflict in conflicts
    ]


def list_direct_opportunities_for(actor: Any) -> QuerySet[DirectOpportunity]:
    """Return the direct pipeline for the vendor's staff; nothing for anyone else."""
    return DirectOpportunity.objects.visible_to(actor).order_by("company_name", "pk")


def registration_with_idempotency_key(
    actor: Any, idempotency_key: str
) -> DealRegistration | None:
    """Return the registration the actor's organization created with this key.

    A key used by a colleague for a registration the actor may not see is refused
    rather than answered, so that the key reveals nothing.
    """
    organization_id = roles.organization_id_of(actor)
    if not idempotency_key or organization_id is None:
        return None
    existing = DealRegistration.objects.filter(
        organization_id=organization_id, idempotency_key=idempotency_key
    ).first()
    if existing is not None and not policies.can_view_registration(actor, existing):
        raise ValidationError(
            {"idempotency_key": "This key was used for another registration."}
        )
    return existing
