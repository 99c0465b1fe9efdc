"""Generate the reference data of the demo: specializations, industries, programs."""

from typing import TypeVar

from django.db import models
from django.utils.text import slugify

from cairn.demo import blueprint, data
from cairn.demo.context import GenerationContext
from cairn.partners.models import Industry, Program, Specialization, Tier

M = TypeVar("M", bound=models.Model)


def generate_reference_data(context: GenerationContext) -> int:
    """Create the specializations, industries, programs and tiers that are missing."""
    context.specializations = _named_rows(Specialization, "specializations")
    context.industries = _named_rows(Industry, "industries")
    _programs(context)
    return len(context.specializations) + len(context.industries)


def _named_rows(model: type[M], vocabulary_key: str) -> list[M]:
    names = data.vocabulary()[vocabulary_key]
    manager = model._default_manager
    existing = set(manager.filter(name__in=names).values_list("name", flat=True))
    manager.bulk_create(
        [model(name=name, slug=slugify(name)) for name in names if name not in existing]
    )
    return list(manager.filter(name__in=names).order_by("name"))


def _programs(context: GenerationContext) -> None:
    for spec in blueprint.PROGRAMS:
        program, _ = Program.objects.get_or_create(
            slug=spec.slug,
            defaults={
                "name": spec.name,
                "description": spec.description,
                "partner_types": list(spec.partner_types),
            },
        )
        context.programs[spec.slug] = program
        context.tiers[spec.slug] = [
            Tier.objects.get_or_create(
                program=program, name=name, defaults={"rank": rank}
            )[0]
            for rank, name in enumerate(spec.tiers, start=1)
        ]
