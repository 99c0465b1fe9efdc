"""Single objects and lists of programs, tiers, organizations and memberships,
scoped to the actor.
"""

from collections.abc import Callable, Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from cairn.core import roles
from cairn.core.access import access_object
from cairn.partners import policies
from cairn.partners.models import PartnerOrganization, Program, ProgramMembership, Tier


def _add_membership_policy(actor: Any, organization: Any) -> bool:
    return policies.can_add_membership(actor, organization)


Policies = dict[str, Callable[[Any, Any], bool]]

ORGANIZATION_POLICIES: Policies = {
    "update": policies.can_update_organization,
    "add_membership": _add_membership_policy,
}
PROGRAM_POLICIES: Policies = {"update": policies.can_update_program}
TIER_POLICIES: Policies = {"update": policies.can_update_tier}
MEMBERSHIP_POLICIES: Policies = {"change": policies.can_change_membership}


# Single objects


def access_organization(
    actor: Any, pk: Any, *, action: str = "view"
) -> PartnerOrganization:
    """Return the organization if the actor may see it and do `action` on it."""
    return access_object(  # type: ignore[no-any-return]
        PartnerOrganization.objects.all(),
        actor,
        pk,
        action=action,
        policies=ORGANIZATION_POLICIES,
    )


def access_program(actor: Any, pk: Any, *, action: str = "view") -> Program:
    """Return the program if the actor may see it and do `action` on it."""
    return access_object(  # type: ignore[no-any-return]
        Program.objects.all(), actor, pk, action=action, policies=PROGRAM_POLICIES
    )


def access_tier(actor: Any, pk: Any, *, action: str = "view") -> Tier:
    """Return the tier if the actor may see its program and do `action` on it."""
    return access_object(  # type: ignore[no-any-return]
        Tier.objects.select_related("program"),
        actor,
        pk,
        action=action,
        policies=TIER_POLICIES,
    )


def access_membership(
    actor: Any, pk: Any, *, action: str = "view"
) -> ProgramMembership:
    """Return the membership if the actor may see its organization and do `action`."""
    return access_object(  # type: ignore[no-any-return]
        ProgramMembership.objects.select_related(
            "organization", "program", "tier", "channel_manager"
        ),
        actor,
        pk,
        action=action,
        policies=MEMBERSHIP_POLICIES,
    )


def access_own_organization(actor: Any, *, action: str = "view") -> PartnerOrganization:
    """Return the partner user's own organization if they may do `action` on it."""
    return access_organization(actor, roles.organization_id_of(actor), action=action)


# Lists


def list_organizations_for(
    actor: Any, filters: Mapping[str, Any] | None = None
) -> QuerySet[PartnerOrganization]:
    """Return the organizations the actor may see that match the filters, sorted, with
    their memberships (program and tier) fetched in a constant number of queries.

    Filters (all optional): search, program, tier, status, partner_type, country,
    region, specialization, sort (a key of ORGANIZATION_SORTS).
    """
    filters = filters or {}
    organizations = PartnerOrganization.objects.visible_to(actor).matching(filters)
    return organizations.sorted_by(filters.get("sort") or "name").with_list_relations()


def list_organization_profiles_for(actor: Any) -> QuerySet[PartnerOrganization]:
    """Return the organizations the actor may see with every related list of their
    profile (memberships, specializations, industries, email domains) prefetched.
    """
    return list_organizations_for(actor).prefetch_related(
        "specializations", "industries", "email_domains"
    )


def list_programs_for(actor: Any) -> QuerySet[Program]:
    """Return the programs the actor may see, with their tiers."""
    return Program.objects.visible_to(actor).prefetch_related("tiers")


def list_tiers_for(actor: Any) -> QuerySet[Tier]:
    """Return the tiers of the programs the actor may see, in program and rank order."""
    return (
        Tier.objects.visible_to(actor)
        .select_related("program")
        .order_by("program__name", "rank", "pk")
    )


def list_memberships_for(actor: Any) -> QuerySet[ProgramMembership]:
    """Return the memberships of the organizations the actor may see."""
    return (
        ProgramMembership.objects.visible_to(actor)
        .select_related("organization", "program", "tier", "channel_manager")
        .order_by("organization__name", "program__name", "pk")
    )


def list_countries_for(actor: Any) -> list[str]:
    """Return the codes of the countries of the organizations the actor may see."""
    return sorted(
        PartnerOrganization.objects.visible_to(actor)
        .order_by()
        .values_list("country", flat=True)
        .distinct()
    )


def channel_manager_choices() -> QuerySet[Any]:
    """Return the active users who may manage programs and partners."""
    users: QuerySet[Any] = (
        get_user_model()
        .objects.filter(role=roles.Role.CHANNEL_MANAGER, is_active=True)
        .order_by("full_name", "email")
    )
    return users


def programs_to_add_for(actor: Any, organization: PartnerOrganization) -> list[Program]:
    """Return the programs the actor may add this organization to (and it is not in)."""
    joined = organization.memberships.values("program_id")
    candidates = Program.objects.visible_to(actor).exclude(pk__in=joined)
    return [
        program
        for program in candidates.prefetch_related("managers")
        if policies.can_add_membership(actor, organization, program)
    ]


def organization_joinable_by_email_domain(domain: str) -> PartnerOrganization | None:
    """Return the organization that owns `domain` and lets its people join by it.

    A system lookup for the sign-up flow, not scoped to an actor: the person asking
    belongs to no organization yet, and only proof of the address (a verified email)
    lets them in.
    """
    domain = domain.strip().lower()
    if not domain:
        return None
    return (
        PartnerOrganization.objects.filter(
            allows_domain_join=True, email_domains__domain=domain
        )
        .order_by("pk")
        .first()
    )
