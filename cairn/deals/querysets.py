"""Scoped querysets of deal registration."""

from typing import Any, Self

from django.db.models import Q

from cairn.core import roles
from cairn.core.querysets import PartnerOwnedQuerySet, VisibleToQuerySet
from cairn.deals.choices import OPEN_STATUSES, PENDING_STATUSES


class DealRegistrationQuerySet(PartnerOwnedQuerySet):
    """Deal registrations, scoped to the actor; a partner rep sees their own."""

    def rep_scope(self, actor: Any) -> Self:
        """Narrow a partner rep to the registrations they registered."""
        return self.filter(registered_by=actor)

    def open(self) -> Self:
        """Keep registrations that claim their customer (submitted to approved)."""
        return self.filter(status__in=OPEN_STATUSES)

    def pending_review(self) -> Self:
        """Keep registrations a reviewer still has to decide."""
        return self.filter(status__in=PENDING_STATUSES)


class DealChildQuerySet(VisibleToQuerySet):
    """Rows of one registration (lines, status changes), visible with it."""

    def visible_to(self, actor: Any) -> Self:
        from cairn.deals.models import DealRegistration

        visible = DealRegistration.objects.visible_to(actor).values("pk")
        return self.filter(registration__in=visible)


class DealConflictQuerySet(VisibleToQuerySet):
    """Conflicts, visible to whoever sees either registration of the pair.

    Seeing a conflict is not seeing its other side: partner views go through
    `selectors.conflict_for_partner`, which shows only partner-safe reasons.
    """

    def visible_to(self, actor: Any) -> Self:
        from cairn.deals.models import DealRegistration

        if roles.is_vendor_admin(actor):
            return self.all()
        visible = DealRegistration.objects.visible_to(actor).values("pk")
        return self.filter(
            Q(registration__in=visible) | Q(other_registration__in=visible)
        )

    def open(self) -> Self:
        """Keep conflicts still waiting for a decision."""
        from cairn.deals.choices import ConflictStatus

        return self.filter(status=ConflictStatus.OPEN)


class DirectOpportunityQuerySet(VisibleToQuerySet):
    """The vendor's direct pipeline: the vendor's staff only."""

    def visible_to(self, actor: Any) -> Self:
        if roles.is_vendor_staff(actor):
            return self.all()
        return self.none()
