"""Scoped querysets of the partners app: the organization-level rule of the access gate."""

from typing import Any, Self

from django.db.models import Q

from cairn.core import roles
from cairn.core.querysets import PartnerOwnedQuerySet, VisibleToQuerySet


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
