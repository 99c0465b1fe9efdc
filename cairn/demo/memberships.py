"""Generate the program memberships of the demo's partner organizations."""

import datetime
import random

from cairn.demo import blueprint
from cairn.demo.blueprint import weighted, weighted_key
from cairn.demo.context import GenerationContext, bulk_save
from cairn.demo.plan import PlannedOrganization
from cairn.partners.choices import MembershipStatus, OrganizationSize
from cairn.partners.models import ProgramMembership


def generate_memberships(
    context: GenerationContext, orgs: list[PlannedOrganization]
) -> int:
    """Enrol each organization in one or two programs, at a tier and a status."""
    rng = context.rng("memberships")
    specs = {spec.slug: spec for spec in blueprint.PROGRAMS}
    for index, org in enumerate(orgs):
        nature = blueprint.NATURES[org.nature]
        slugs = [weighted_key(rng, nature.first_programs)]
        if nature.second_chance and rng.random() < nature.second_chance:
            second = weighted_key(rng, nature.second_programs)
            if second not in slugs:
                slugs.append(second)
        for slug in slugs:
            spec = specs[slug]
            status = weighted_key(rng, blueprint.STATUSES)
            rank = 1 + weighted(rng, range(len(spec.tiers)), list(spec.tier_weights))
            if org.obj.size in {
                OrganizationSize.LARGE,
                OrganizationSize.ENTERPRISE,
            }:
                rank = min(len(spec.tiers), rank + (rng.random() < 0.4))
            org.memberships.append(
                _membership(context, rng, org, spec, status=status, rank=rank)
            )
        if index < 2:
            # Persona partner A: Gold reseller, also in Managed Services;
            # persona partner B: Silver reseller.
            specs_and_ranks = [(specs[blueprint.PERSONA_PROGRAM], 3 - index)]
            if index == 0:
                specs_and_ranks.append((specs["managed-services"], 2))
            org.memberships = [
                _membership(
                    context, rng, org, spec, status=MembershipStatus.ACTIVE, rank=rank
                )
                for spec, rank in specs_and_ranks
            ]
    memberships = [m for org in orgs for m in org.memberships]
    bulk_save(ProgramMembership, memberships)
    return len(memberships)


def _membership(
    context: GenerationContext,
    rng: random.Random,
    org: PlannedOrganization,
    spec: blueprint.ProgramSpec,
    *,
    status: str,
    rank: int,
) -> ProgramMembership:
    now = context.now
    if status == MembershipStatus.APPLIED:
        created_at = now - datetime.timedelta(days=rng.uniform(1, 60))
        changed_at = created_at
    else:
        created_at = min(
            org.obj.created_at + datetime.timedelta(days=rng.uniform(0, 60)),
            now - datetime.timedelta(days=30),
        )
        # Approval follows the application closely; suspensions and exits are
        # recent history.
        share = rng.uniform(0, 0.05) if status == MembershipStatus.ACTIVE else 0.9
        span = (now - created_at).total_seconds() * share
        changed_at = created_at + datetime.timedelta(
            seconds=span + rng.uniform(0, 86400)
        )
    manager = None
    if status != MembershipStatus.APPLIED and rng.random() < 0.85:
        manager = rng.choice(context.regional_managers[org.city.region])
    return ProgramMembership(
        organization=org.obj,
        program=context.programs[spec.slug],
        partner_type=(
            org.nature if org.nature in spec.partner_types else spec.partner_types[0]
        ),
        tier=(
            None
            if status == MembershipStatus.APPLIED
            else context.tiers[spec.slug][rank - 1]
        ),
        status=status,
        channel_manager=manager,
        status_changed_at=min(changed_at, now),
        created_at=created_at,
    )
