"""Writes of programs and their ordered tiers."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify

from cairn.core.audit import record_update, record_write, snapshot
from cairn.core.models import AuditAction
from cairn.partners import policies
from cairn.partners.choices import PartnerType
from cairn.partners.models import Program, Tier
from cairn.partners.services._common import check_keys

PROGRAM_FIELDS = frozenset(
    {"name", "slug", "description", "partner_types", "is_open_for_applications"}
)
TIER_FIELDS = frozenset({"name", "rank", "description"})


def _unique_slug(name: str) -> str:
    base = slugify(name)[:110] or "program"
    slug, number = base, 1
    while Program.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def _check_managers(managers: Iterable[Any]) -> list[Any]:
    managers = list(managers)
    if any(not policies.can_be_channel_manager(user) for user in managers):
        raise ValidationError(
            {"managers": "Program managers are the vendor's channel managers."}
        )
    return managers


def _program_state(program: Program) -> dict[str, Any]:
    fields = [field.name for field in Program._meta.concrete_fields]
    return snapshot(program, [*fields, "managers"])


def create_program(
    *,
    actor: Any,
    name: str,
    partner_types: Iterable[str] = (),
    description: str = "",
    is_open_for_applications: bool = True,
    managers: Iterable[Any] = (),
    slug: str = "",
) -> Program:
    """Add a partner program, with the partner types it accepts and its managers."""
    with transaction.atomic():
        if not policies.can_manage_programs(actor):
            raise PermissionDenied
        program = Program(
            name=name.strip(),
            slug=slug or _unique_slug(name),
            description=description,
            partner_types=sorted(set(partner_types)),
            is_open_for_applications=is_open_for_applications,
        )
        program.full_clean()
        program.save()
        program.managers.set(_check_managers(managers))
        record_write(
            AuditAction.CREATE,
            program,
            actor=actor,
            after=_program_state(program),
            verb="program.created",
            data={"name": program.name},
        )
    return program


def update_program(program: Program, *, actor: Any, **changes: Any) -> Program:
    """Change a program; a partner type still used by a membership stays accepted."""
    check_keys(changes, PROGRAM_FIELDS | {"managers"}, "program")
    with transaction.atomic():
        program = Program.objects.select_for_update(of=("self",)).get(pk=program.pk)
        if not policies.can_update_program(actor, program):
            raise PermissionDenied
        before = _program_state(program)
        for key, given in changes.items():
            value = given
            if key == "partner_types":
                value = sorted(set(given))
                _check_partner_types_in_use(program, value)
            elif key == "name":
                value = given.strip()
            if key != "managers":
                setattr(program, key, value)
        program.full_clean()
        program.save()
        if "managers" in changes:
            program.managers.set(_check_managers(changes["managers"]))
        record_update(
            program,
            actor=actor,
            before=before,
            after=_program_state(program),
            verb="program.updated",
        )
    return program


def _check_partner_types_in_use(program: Program, partner_types: list[str]) -> None:
    if not partner_types:
        return  # an empty list accepts every type
    in_use = set(
        program.memberships.exclude(partner_type__in=partner_types)
        .values_list("partner_type", flat=True)
        .distinct()
    )
    if in_use:
        labels = ", ".join(sorted(PartnerType(value).label for value in in_use))
        raise ValidationError(
            {"partner_types": f"Members of this program are still of type {labels}."}
        )


def _check_tier_unique(tier: Tier) -> None:
    siblings = Tier.objects.filter(program_id=tier.program_id).exclude(pk=tier.pk)
    errors = {}
    if siblings.filter(rank=tier.rank).exists():
        errors["rank"] = f"Another tier of this program has rank {tier.rank}."
    if siblings.filter(name__iexact=tier.name).exists():
        errors["name"] = "Another tier of this program has this name."
    if errors:
        raise ValidationError(errors)


def create_tier(
    program: Program, *, actor: Any, name: str, rank: int, description: str = ""
) -> Tier:
    """Add a tier to a program; a higher rank is a higher tier."""
    with transaction.atomic():
        if not policies.can_update_program(actor, program):
            raise PermissionDenied
        tier = Tier(
            program=program, name=name.strip(), rank=rank, description=description
        )
        _check_tier_unique(tier)
        tier.full_clean()
        tier.save()
        record_write(
            AuditAction.CREATE,
            tier,
            actor=actor,
            after=snapshot(tier),
            verb="tier.created",
            data={"program": program.name, "name": tier.name, "rank": tier.rank},
        )
    return tier


def update_tier(tier: Tier, *, actor: Any, **changes: Any) -> Tier:
    """Rename, re-rank or describe a tier."""
    check_keys(changes, TIER_FIELDS, "tier")
    with transaction.atomic():
        tier = (
            Tier.objects.select_for_update(of=("self",))
            .select_related("program")
            .get(pk=tier.pk)
        )
        if not policies.can_update_tier(actor, tier):
            raise PermissionDenied
        before = snapshot(tier)
        for key, value in changes.items():
            setattr(tier, key, value.strip() if key == "name" else value)
        _check_tier_unique(tier)
        tier.full_clean()
        tier.save()
        record_update(
            tier,
            actor=actor,
            before=before,
            after=snapshot(tier),
            verb="tier.updated",
            data={"program": tier.program.name},
        )
    return tier
