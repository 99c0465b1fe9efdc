"""Invent the last 90 days of an ecosystem: its activity events and audit entries.

Each event that changed something has the audit entry a service would have written
with it, at the same moment and by the same actor.
"""

import datetime
import random
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from cairn.accounts.models import User
from cairn.core.models import ActivityEvent, AuditAction, AuditEntry
from cairn.core.roles import Role
from cairn.demo import blueprint, data
from cairn.demo.context import GenerationContext, bulk_save
from cairn.demo.plan import PlannedOrganization
from cairn.partners.choices import MembershipStatus
from cairn.partners.models import (
    PartnerOrganization,
    ProgramMembership,
    Tier,
)


def generate_history(
    context: GenerationContext, orgs: list[PlannedOrganization]
) -> tuple[int, int]:
    """Save the history of the organizations; return (events, audit entries)."""
    writer = HistoryWriter(
        rng=context.rng("history"),
        now=context.now,
        names=context.names,
        tiers=context.tiers,
        program_managers=context.program_managers,
        vendor_admins=context.vendor_admins,
    )
    for org in orgs:
        writer.add(org)
    # Saved in time order, so that ids follow time as they would in production.
    writer.events.sort(key=lambda event: event.occurred_at)
    writer.entries.sort(key=lambda entry: entry.occurred_at)
    bulk_save(ActivityEvent, writer.events)
    bulk_save(AuditEntry, writer.entries)
    return len(writer.events), len(writer.entries)


@dataclass
class HistoryWriter:
    """Build the events and audit entries of planned organizations, unsaved."""

    rng: random.Random
    now: datetime.datetime
    names: data.NamePools
    tiers: dict[str, list[Tier]]
    program_managers: dict[str, User]
    vendor_admins: list[User]
    events: list[ActivityEvent] = field(default_factory=list)
    entries: list[AuditEntry] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.types: dict[type[models.Model], ContentType] = {
            model: ContentType.objects.get_for_model(model)
            for model in (PartnerOrganization, ProgramMembership, User)
        }

    def add(self, org: PlannedOrganization) -> None:
        """Add the history of one organization."""
        horizon = self.now - datetime.timedelta(days=blueprint.ACTIVITY_DAYS)
        for moment, verb, actor in org.plan:
            self._partner_action(org, moment=moment, verb=verb, actor=actor)
        for membership in org.memberships:
            changed_at = membership.status_changed_at
            if changed_at is not None and changed_at > horizon:
                self._decision(org, membership, moment=changed_at)

    def _partner_action(
        self,
        org: PlannedOrganization,
        *,
        moment: datetime.datetime,
        verb: str,
        actor: User,
    ) -> None:
        target: models.Model | None = actor
        details: dict[str, Any] = {}
        audit: tuple[str, dict[str, Any], dict[str, Any]] | None = None
        if verb == "invitation.sent":
            target = None
            given, family = self.names.person(self.rng, org.country.name_sources)
            local = blueprint.local_part(given, family, org.email_style, set())
            details = {"email": f"{local}@{org.domain}", "role": Role.PARTNER_REP}
        elif verb == "invitation.accepted":
            details = {"role": actor.role}
            audit = (AuditAction.CREATE, {}, {"email": actor.email, "role": actor.role})
        elif verb == "organization.updated":
            target = org.obj
            before, after = self._profile_change(org)
            details = {"fields": sorted(after)}
            audit = (AuditAction.UPDATE, before, after)
        elif verb == "api_token.created":
            target = None
            details = {"name": self.rng.choice(["CRM sync", "BI export", "Scripts"])}
        elif verb == "membership.tier_changed":
            membership = self.rng.choice(
                [m for m in org.memberships if m.tier and m.tier.rank > 1]
            )
            tier = membership.tier
            assert tier is not None  # chosen among tiered memberships
            lower = self.tiers[membership.program.slug][tier.rank - 2]
            # A vendor decision, recorded on the partner's timeline.
            actor = membership.channel_manager or self._manager_of(membership)
            target = membership
            details = {"from": lower.name, "to": tier.name}
            audit = (AuditAction.UPDATE, {"tier": lower.pk}, {"tier": tier.pk})
        self._record(org, moment=moment, actor=actor, verb=verb, target=target,
                     details=details, audit=audit)  # fmt: skip

    def _decision(
        self,
        org: PlannedOrganization,
        membership: ProgramMembership,
        *,
        moment: datetime.datetime,
    ) -> None:
        if membership.status == MembershipStatus.APPLIED:
            self._record(
                org,
                moment=moment,
                actor=next(u for u in org.users if u.role == Role.PARTNER_ADMIN),
                verb="membership.applied",
                target=membership,
                details={"program": membership.program.name},
                audit=(
                    AuditAction.CREATE,
                    {},
                    {"program": membership.program.pk, "status": membership.status},
                ),
            )
            return
        before = (
            MembershipStatus.APPLIED
            if membership.status == MembershipStatus.ACTIVE
            else MembershipStatus.ACTIVE
        )
        self._record(
            org,
            moment=moment,
            actor=self._manager_of(membership),
            verb="membership.status_changed",
            target=membership,
            details={"from": before, "to": membership.status},
            audit=(
                AuditAction.DECIDE,
                {"status": before},
                {"status": membership.status},
            ),
        )

    def _manager_of(self, membership: ProgramMembership) -> User:
        return self.program_managers.get(membership.program.slug) or self.rng.choice(
            self.vendor_admins
        )

    def _profile_change(
        self, org: PlannedOrganization
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        obj = org.obj
        field_name = self.rng.choice(
            ["size", "languages", "street", "allows_domain_join"]
        )
        sizes = list(blueprint.SIZES)
        before: Any
        if field_name == "size" and obj.size != sizes[0]:
            before = sizes[sizes.index(obj.size) - 1]
        elif field_name == "languages" and len(obj.languages) > 1:
            before = obj.languages[:-1]
        elif field_name == "street" and len(org.city.streets) > 1:
            before = f"{self.rng.randint(1, 99)} {org.city.streets[-1]}"
        else:
            field_name = "allows_domain_join"
            before = not obj.allows_domain_join
        return {field_name: before}, {field_name: getattr(obj, field_name)}

    def _record(
        self,
        org: PlannedOrganization,
        *,
        moment: datetime.datetime,
        actor: User,
        verb: str,
        target: models.Model | None,
        details: dict[str, Any],
        audit: tuple[str, dict[str, Any], dict[str, Any]] | None,
    ) -> None:
        target_type = self.types[type(target)] if target is not None else None
        target_id = str(target.pk) if target is not None else ""
        target_repr = str(target)[:200] if target is not None else ""
        self.events.append(
            ActivityEvent(
                occurred_at=moment,
                actor=actor,
                organization_id=org.obj.pk,
                verb=verb,
                target_type=target_type,
                target_id=target_id,
                target_repr=target_repr,
                data=details,
            )
        )
        if audit is None or target_type is None:
            return
        action, before, after = audit
        is_api = self.rng.random() < 0.15
        network = self.rng.choice(["192.0.2", "198.51.100", "203.0.113"])
        self.entries.append(
            AuditEntry(
                occurred_at=moment,
                actor=actor,
                actor_repr=actor.email,
                organization_id=org.obj.pk,
                action=action,
                target_type=target_type,
                target_id=target_id,
                target_repr=target_repr,
                before=before,
                after=after,
                ip_address=f"{network}.{self.rng.randint(1, 254)}",
                user_agent=(
                    "cairn-cli/1.0"
                    if is_api
                    else self.rng.choice(blueprint.USER_AGENTS)
                ),
                request_id=f"{self.rng.getrandbits(128):032x}",
                origin="api" if is_api else "web",
            )
        )
