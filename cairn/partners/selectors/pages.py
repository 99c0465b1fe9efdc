"""What the console and portal pages show: overviews, details and next steps."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from cairn.core import selectors as core_selectors
from cairn.partners import policies
from cairn.partners.choices import MembershipStatus, PartnerType, Region
from cairn.partners.models import PartnerOrganization, Program, ProgramMembership, Tier
from cairn.partners.selectors.scoped import access_own_organization, list_programs_for

INACTIVE_AFTER = datetime.timedelta(days=60)
CONSOLE_LIST_LENGTH = 10
RECENT_ACTIVITY_LENGTH = 20


@dataclass(frozen=True)
class MembershipRow:
    """A membership with what the actor may do to it."""

    membership: ProgramMembership
    can_change: bool


@dataclass(frozen=True)
class OrganizationDetail:
    """What the vendor console shows of one organization."""

    organization: PartnerOrganization
    memberships: list[MembershipRow]
    users: list[Any]
    email_domains: list[str]
    activity: list[Any]
    can_update: bool
    can_add_membership: bool


def organization_detail_for(
    actor: Any, organization: PartnerOrganization
) -> OrganizationDetail:
    """Return an organization's profile, memberships, users and recent activity."""
    memberships = list(
        organization.memberships.select_related(
            "program", "tier", "channel_manager"
        ).order_by("program__name")
    )
    activity = core_selectors.list_activity_events_for(
        actor, organization_id=organization.pk
    )[:RECENT_ACTIVITY_LENGTH]
    return OrganizationDetail(
        organization=organization,
        memberships=[
            MembershipRow(m, policies.can_change_membership(actor, m))
            for m in memberships
        ],
        users=list(organization.users.order_by("full_name", "email")),
        email_domains=list(organization.email_domains.values_list("domain", flat=True)),
        activity=list(activity),
        can_update=policies.can_update_organization(actor, organization),
        can_add_membership=policies.can_add_membership(actor, organization),
    )


@dataclass(frozen=True)
class ProgramRow:
    """A program with the number of visible memberships in each status."""

    program: Program
    counts: dict[str, int]

    @property
    def total(self) -> int:
        """Count the memberships of every status."""
        return sum(self.counts.values())

    def count(self, status: str) -> int:
        """Count the memberships in one status."""
        return self.counts.get(status, 0)

    @property
    def ordered_counts(self) -> list[int]:
        """Count the memberships of each status, in the order of MembershipStatus."""
        return [self.counts.get(status, 0) for status in MembershipStatus]


def _status_counts_by_program(actor: Any) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        ProgramMembership.objects.visible_to(actor)
        .order_by()
        .values("program_id", "status")
        .annotate(total=Count("pk"))
    )
    for row in rows:
        counts[row["program_id"]][row["status"]] = row["total"]
    return counts


def program_rows_for(actor: Any) -> list[ProgramRow]:
    """Return the programs the actor may see, each with its membership counts."""
    counts = _status_counts_by_program(actor)
    return [
        ProgramRow(program, counts.get(program.pk, {}))
        for program in list_programs_for(actor)
    ]


@dataclass(frozen=True)
class TierRow:
    """A tier with its number of active members the actor may see."""

    tier: Tier
    active_members: int


@dataclass(frozen=True)
class ProgramDetail:
    """What the console shows of one program."""

    program: Program
    row: ProgramRow
    tiers: list[TierRow]
    managers: list[Any]
    partner_type_labels: list[str]
    can_update: bool


def program_detail_for(actor: Any, program: Program) -> ProgramDetail:
    """Return a program with its tiers, managers and membership counts."""
    visible = ProgramMembership.objects.visible_to(actor).filter(program=program)
    by_status = dict(
        visible.order_by().values_list("status").annotate(total=Count("pk"))
    )
    by_tier = dict(
        visible.filter(status=MembershipStatus.ACTIVE)
        .order_by()
        .values_list("tier_id")
        .annotate(total=Count("pk"))
    )
    return ProgramDetail(
        program=program,
        row=ProgramRow(program, by_status),
        tiers=[
            TierRow(tier, by_tier.get(tier.pk, 0))
            for tier in program.tiers.order_by("rank")
        ],
        managers=list(program.managers.order_by("full_name", "email")),
        partner_type_labels=[
            PartnerType(value).label
            for value in program.partner_types
            if value in PartnerType.values
        ],
        can_update=policies.can_update_program(actor, program),
    )


@dataclass(frozen=True)
class LabelledCount:
    """A count with the label of what it counts."""

    value: str
    label: str
    count: int


@dataclass(frozen=True)
class ConsoleOverview:
    """The figures of the ecosystem that the actor may see."""

    partner_count: int
    status_counts: list[LabelledCount]
    programs: list[ProgramRow]
    tiers: list[dict[str, Any]]
    regions: list[LabelledCount]
    applications: list[ProgramMembership]
    application_count: int
    recently_active: list[PartnerOrganization]
    inactive: list[PartnerOrganization]
    inactive_count: int
    inactive_since: datetime.datetime


def console_overview_for(actor: Any) -> ConsoleOverview:
    """Count the partners the actor may see by status, program, tier and region, and
    list new applications, recently active partners and those inactive for 60 days.

    The number of queries does not depend on the number of partners.
    """
    organizations = PartnerOrganization.objects.visible_to(actor)
    memberships = ProgramMembership.objects.visible_to(actor)
    programs = program_rows_for(actor)
    status_totals: dict[str, int] = defaultdict(int)
    for program_row in programs:
        for status, total in program_row.counts.items():
            status_totals[status] += total
    tiers = list(
        memberships.filter(status=MembershipStatus.ACTIVE, tier__isnull=False)
        .order_by("tier__program__name", "tier__rank")
        .values("tier_id", "tier__name", "tier__rank", "tier__program__name")
        .annotate(total=Count("pk"))
    )
    region_totals = dict(
        organizations.order_by().values_list("region").annotate(total=Count("pk"))
    )
    inactive_since = timezone.now() - INACTIVE_AFTER
    inactive = organizations.filter(
        Q(last_active_at__lt=inactive_since) | Q(last_active_at__isnull=True)
    )
    applied = memberships.filter(status=MembershipStatus.APPLIED)
    return ConsoleOverview(
        partner_count=organizations.count(),
        status_counts=[
            LabelledCount(status.value, status.label, status_totals.get(status, 0))
            for status in MembershipStatus
        ],
        programs=programs,
        tiers=tiers,
        regions=[
            LabelledCount(region.value, region.label, region_totals.get(region, 0))
            for region in Region
        ],
        applications=list(
            applied.select_related("organization", "program").order_by(
                "-created_at", "-pk"
            )[:CONSOLE_LIST_LENGTH]
        ),
        application_count=status_totals.get(MembershipStatus.APPLIED, 0),
        recently_active=list(
            organizations.filter(last_active_at__isnull=False).order_by(
                "-last_active_at", "pk"
            )[:CONSOLE_LIST_LENGTH]
        ),
        inactive=list(inactive.sorted_by("last_active")[:CONSOLE_LIST_LENGTH]),
        inactive_count=inactive.count(),
        inactive_since=inactive_since,
    )


@dataclass(frozen=True)
class NextStep:
    """One thing a partner user should do, or wait for, next."""

    title: str
    detail: str = ""
    url_name: str = ""
    state: str = "todo"  # todo, waiting or done


@dataclass(frozen=True)
class Contact:
    """A channel manager a partner user may contact, with the programs concerned."""

    name: str
    email: str
    programs: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PartnerHome:
    """What a partner user's home page shows."""

    organization: PartnerOrganization
    steps: list[NextStep]
    memberships: list[ProgramMembership]
    contacts: list[Contact]
    activity: list[Any]


def missing_profile_fields(organization: PartnerOrganization) -> list[str]:
    """Name the parts of the organization's profile that are still empty."""
    missing = []
    if not organization.website:
        missing.append("website")
    if not (organization.street and organization.city and organization.postal_code):
        missing.append("address")
    if organization.latitude is None or organization.longitude is None:
        missing.append("map coordinates")
    if not organization.specializations.exists():
        missing.append("specializations")
    if not organization.industries.exists():
        missing.append("industries")
    return missing


def _membership_step(membership: ProgramMembership) -> NextStep:
    program = membership.program.name
    tier = f"{membership.tier.name} partner" if membership.tier else "partner"
    if membership.status == MembershipStatus.APPLIED:
        return NextStep(
            f"Your application to {program} is awaiting approval",
            "Your channel manager reviews it; you will be told when it is decided.",
            state="waiting",
        )
    if membership.status == MembershipStatus.ACTIVE:
        return NextStep(
            f"{program}: {tier}",
            f"Partner type: {membership.get_partner_type_display()}.",
            state="done",
        )
    if membership.status == MembershipStatus.SUSPENDED:
        return NextStep(
            f"Your membership of {program} is suspended",
            "Contact your channel manager to restore it.",
        )
    return NextStep(f"Your membership of {program} has ended", state="done")


def _contacts(memberships: list[ProgramMembership]) -> list[Contact]:
    by_user: dict[int, tuple[Any, list[str]]] = {}
    for membership in memberships:
        if membership.status == MembershipStatus.ENDED:
            continue
        managers = (
            [membership.channel_manager]
            if membership.channel_manager
            else list(membership.program.managers.all())
        )
        for manager in managers:
            if not manager.is_active:
                continue
            by_user.setdefault(manager.pk, (manager, []))[1].append(
                membership.program.name
            )
    return [
        Contact(user.display_name, user.email, programs)
        for user, programs in sorted(
            by_user.values(), key=lambda item: item[0].display_name
        )
    ]


def partner_home_for(actor: Any) -> PartnerHome:
    """Return the actor's next steps, programs, contacts and their organization's
    recent activity.

    Profile and team steps are shown to those who can take them (partner admins).
    """
    organization = access_own_organization(actor)
    memberships = list(
        organization.memberships.select_related("program", "tier", "channel_manager")
        .prefetch_related("program__managers")
        .order_by("program__name")
    )
    steps: list[NextStep] = []
    if policies.can_update_organization(actor, organization):
        missing = missing_profile_fields(organization)
        if missing:
            steps.append(
                NextStep(
                    "Complete your organization profile",
                    "Missing: " + ", ".join(missing) + ". Partners with a complete "
                    "profile are found by customers and matched to leads.",
                    url_name="partners:my_organization_update",
                )
            )
    if (
        policies.can_invite_colleagues(actor, organization)
        and organization.users.filter(is_active=True).count() <= 1
    ):
        steps.append(
            NextStep(
                "Invite your colleagues",
                "You are the only user of your organization.",
                url_name="accounts:team",
            )
        )
    steps.extend(_membership_step(membership) for membership in memberships)
    if not memberships:
        steps.append(
            NextStep(
                "Join a partner program",
                "Your organization is in no program yet; ask your vendor contact.",
                state="waiting",
            )
        )
    activity = core_selectors.list_activity_events_for(
        actor, organization_id=organization.pk
    )[:CONSOLE_LIST_LENGTH]
    return PartnerHome(
        organization=organization,
        steps=steps,
        memberships=memberships,
        contacts=_contacts(memberships),
        activity=list(activity),
    )


def my_organization_for(actor: Any) -> OrganizationDetail:
    """Return the actor's own organization as its profile page shows it."""
    organization = access_own_organization(actor)
    return organization_detail_for(actor, organization)
