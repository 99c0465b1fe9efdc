"""Writes of the vendor's direct pipeline, which registrations are matched against."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from cairn.core.audit import record_update, record_write, snapshot
from cairn.core.models import AuditAction
from cairn.deals import policies
from cairn.deals.facts import facts_of_direct_opportunity
from cairn.deals.matching import blocking_keys
from cairn.deals.models import DirectOpportunity
from cairn.deals.services._common import check_keys
from cairn.deals.services.detection import lock_keys, replace_match_keys
from cairn.deals.services.direct_detection import record_registration_conflicts

DIRECT_FIELDS = frozenset(
    {
        "company_name",
        "domain",
        "country",
        "postal_code",
        "owner_name",
        "expected_close_date",
        "currency",
        "amount",
        "is_open",
        "opened_on",
        "closed_on",
        "outcome",
    }
)


def save_direct_opportunity(
    *, actor: Any, external_id: str, **fields: Any
) -> DirectOpportunity:
    """Create or update the direct opportunity with this external id, and its
    blocking keys; an open one is matched against the open registrations, so a
    registration submitted before it gets its possible conflict too.
    """
    check_keys(fields, DIRECT_FIELDS, "direct opportunity")
    with transaction.atomic():
        if not policies.can_manage_direct_pipeline(actor):
            raise PermissionDenied
        opportunity = (
            DirectOpportunity.objects.select_for_update()
            .filter(external_id=external_id)
            .first()
        )
        created = opportunity is None
        if opportunity is None:
            opportunity = DirectOpportunity(external_id=external_id)
        before = {} if created else snapshot(opportunity)
        if isinstance(fields.get("domain"), str):
            fields["domain"] = fields["domain"].strip().lower().removeprefix("www.")
        for field, value in fields.items():
            setattr(opportunity, field, value)
        opportunity.full_clean()
        keys = set(blocking_keys(facts_of_direct_opportunity(opportunity)))
        # The same key locks as submissions: a registration submitted meanwhile
        # sees this opportunity once it commits.
        lock_keys(keys)
        opportunity.save()
        replace_match_keys(keys, direct_opportunity=opportunity)
        if created:
            record_write(
                AuditAction.CREATE,
                opportunity,
                actor=actor,
                after=snapshot(opportunity),
                verb="deal.direct_opportunity_created",
                data={"external_id": external_id},
            )
        else:
            record_update(
                opportunity,
                actor=actor,
                before=before,
                after=snapshot(opportunity),
                verb="deal.direct_opportunity_updated",
                data={"external_id": external_id},
            )
        record_registration_conflicts(opportunity, actor=actor)
    return opportunity
