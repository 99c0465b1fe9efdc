"""Scoped querysets of the partners app: the organization rule of the access gate."""

from collections.abc import Mapping
from typing import Any, Self

from django.db.models import F, Prefetch, Q

from cairn.core import roles
from cairn.core.querysets import PartnerOwnedQuerySet, VisibleToQuerySet

# Sort keys of organization lists, each with a unique tie-breaker so that pages are
# stable; organizations never active sort after every active one.
ORGANIZATION_SORTS: dict[str, tuple[Any, ...]] = {
    "name": ("name", "pk"),
    "-name": ("-name", "-pk"),
    "country": ("country", "name", "pk"),
    "-country": ("-country", "name", "pk"),
    "last_active": (F("last_active_at").asc(nulls_first=True), "name", "pk"),
    "-last_active": (F("last_active_at").desc(nulls_last=True), "name", "pk"),
}


class PartnerOrganizationQuerySet(VisibleToQuerySet):
    """Partner organizations, scoped to the actor."""

    def visible_to(self, actor: Any) -> Self:
        """Vendor admins see all; channel managers the partners of their programs and
        those assigned to them; partner users their own organization.
        """
        role = roles.role_of(actor)
        if role == roles.Role.VENDOR_ADMIN:
            return self.all()
        if role == roles.Role.CHANNEL_MANAGER:
            from cairn.partners.models import ProgramMembership

            managed = ProgramMembership.objects.filter(
                Q(program__managers=actor) | Q(channel_manager=actor)
            ).values("organization_id")
            return self.filter(pk__in=managed)
        if role in roles.PARTNER_ROLES and roles.organization_id_of(actor):
            return self.filter(pk=roles.organization_id_of(actor))
        return self.none()

    def search(self, text: str) -> Self:
        """Match organizations by name, legal name, city or email domain."""
        text = text.strip()
        if not text:
            return self
        from cairn.partners.models import OrganizationEmailDomain

        domains = OrganizationEmailDomain.objects.filter(domain__icontains=text)
        return self.filter(
            Q(name__icontains=text)
            | Q(legal_name__icontains=text)
            | Q(city__icontains=text)
            | Q(pk__in=domains.values("organization_id"))
        )

    def with_membership(
        self,
        *,
        program: Any = None,
        tier: Any = None,
        status: str = "",
        partner_type: str = "",
    ) -> Self:
        """Keep organizations with one membership that meets every given condition.

        The conditions apply to the same membership: "active in Resellers" does not
        match an organization active elsewhere and applied to Resellers.
        """
        conditions = {
            key: value
            for key, value in {
                "program": program,
                "tier": tier,
                "status": status,
                "partner_type": partner_type,
            }.items()
            if value
        }
        if not conditions:
            return self
        from cairn.partners.models import ProgramMembership

        matching = ProgramMembership.objects.filter(**conditions)
        return self.filter(pk__in=matching.values("organization_id"))

    def matching(self, filters: Mapping[str, Any]) -> Self:
        """Apply the filters of organization lists: search, program, tier, status,
        partner_type, country, region and specialization (a slug or an instance).
        """
        organizations = self
        if filters.get("search"):
            organizations = organizations.search(filters["search"])
        organizations = organizations.with_membership(
            program=filters.get("program"),
            tier=filters.get("tier"),
            status=filters.get("status") or "",
            partner_type=filters.get("partner_type") or "",
        )
        if filters.get("country"):
            organizations = organizations.filter(country=filters["country"])
        if filters.get("region"):
            organizations = organizations.filter(region=filters["region"])
        specialization = filters.get("specialization")
        if isinstance(specialization, str) and specialization:
            organizations = organizations.filter(specializations__slug=specialization)
        elif specialization:
            organizations = organizations.filter(specializations=specialization)
        return organizations

    def sorted_by(self, key: str) -> Self:
        """Order by one of ORGANIZATION_SORTS, by name when the key is unknown."""
        return self.order_by(*ORGANIZATION_SORTS.get(key, ORGANIZATION_SORTS["name"]))

    def with_list_relations(self) -> Self:
        """Fetch what a list row shows (memberships with program and tier) in a
        constant number of queries.
        """
        from cairn.partners.models import ProgramMembership

        return self.prefetch_related(
            Prefetch(
                "memberships",
                queryset=ProgramMembership.objects.select_related("program", "tier"),
            )
        )


class ProgramQuerySet(VisibleToQuerySet):
    """Programs, scoped to the actor."""

    def visible_to(self, actor: Any) -> Self:
        """Vendor staff see every program; partner users the programs they belong to
        and those open to applications.
        """
        role = roles.role_of(actor)
        if role in roles.VENDOR_ROLES:
            return self.all()
        if role in roles.PARTNER_ROLES and roles.organization_id_of(actor):
            return self.filter(
                Q(is_open_for_applications=True)
                | Q(memberships__organization_id=roles.organization_id_of(actor))
            ).distinct()
        return self.none()


class ProgramMembershipQuerySet(PartnerOwnedQuerySet):
    """Memberships of organizations in programs, scoped through their organization."""


class TierQuerySet(VisibleToQuerySet):
    """Tiers are visible with their program."""

    def visible_to(self, actor: Any) -> Self:
        from cairn.partners.models import Program

        return self.filter(program__in=Program.objects.visible_to(actor).values("pk"))
