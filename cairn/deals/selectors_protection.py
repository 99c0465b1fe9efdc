"""Scoped reads of attachments, extension requests, custom field values and the
programs' deal settings, always given the actor.
"""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone

from cairn.core.access import NotFound, access_object
from cairn.deals import policies
from cairn.deals.choices import (
    CustomFieldType,
    ExtensionStatus,
    RegistrationStatus,
    SalesStage,
)
from cairn.deals.models import (
    DealAttachment,
    DealExtensionRequest,
    DealProgramSettings,
    DealRegistration,
    DealTierProtection,
)
from cairn.deals.services.extensions import extensions_remaining
from cairn.deals.services.fields import FormConfiguration, form_configuration
from cairn.partners import selectors as partner_selectors


def access_attachment(actor: Any, pk: Any, *, action: str = "view") -> DealAttachment:
    """Return the attachment if the actor may see its registration (and do
    `action`); NotFound otherwise, exactly as for a missing one.
    """
    return access_object(  # type: ignore[no-any-return]
        DealAttachment.objects.select_related(
            "registration__program", "registration__organization"
        ),
        actor,
        pk,
        action=action,
        policies={"delete": policies.can_delete_attachment},
    )


def attachments_of(registration: DealRegistration) -> list[DealAttachment]:
    """Return the files of a registration already accessed by the actor."""
    return list(
        DealAttachment.objects.filter(registration=registration).order_by(
            "uploaded_at", "pk"
        )
    )


def access_extension(
    actor: Any, pk: Any, *, action: str = "view"
) -> DealExtensionRequest:
    """Return the extension request if the actor may see its registration."""
    return access_object(  # type: ignore[no-any-return]
        DealExtensionRequest.objects.select_related(
            "registration__program", "registration__organization"
        ),
        actor,
        pk,
        action=action,
        policies={"decide": policies.can_decide_extension},
    )


def extensions_of(registration: DealRegistration) -> list[DealExtensionRequest]:
    """Return the extension requests of a registration already accessed, oldest
    first.
    """
    return list(
        DealExtensionRequest.objects.filter(registration=registration).order_by(
            "requested_at", "pk"
        )
    )


def extension_of(registration: DealRegistration, pk: Any) -> DealExtensionRequest:
    """Return one extension request of an accessed registration, or NotFound."""
    extension = (
        DealExtensionRequest.objects.filter(registration=registration, pk=pk)
        .select_related("registration__program")
        .first()
    )
    if extension is None:
        raise NotFound
    return extension  # type: ignore[no-any-return]


def attachment_of(registration: DealRegistration, pk: Any) -> DealAttachment:
    """Return one file of an accessed registration, or NotFound."""
    attachment = (
        DealAttachment.objects.filter(registration=registration, pk=pk)
        .select_related("registration__program")
        .first()
    )
    if attachment is None:
        raise NotFound
    return attachment  # type: ignore[no-any-return]


def list_pending_extensions_for(actor: Any) -> QuerySet[DealExtensionRequest]:
    """Return the extension requests waiting for a decision that the actor may see,
    oldest first (the review queue's second list).
    """
    return (
        DealExtensionRequest.objects.visible_to(actor)
        # A request whose protection has ended (or was won or lost meanwhile)
        # needs no decision any more.
        .filter(
            status=ExtensionStatus.PENDING,
            registration__status=RegistrationStatus.APPROVED,
            registration__protection_expires_at__gt=timezone.now(),
        )
        .exclude(registration__sales_stage__in=[SalesStage.WON, SalesStage.LOST])
        .select_related("registration__program", "registration__organization")
        .order_by("requested_at", "pk")
    )


def extensions_remaining_of(registration: DealRegistration) -> int:
    """Return how many extensions the registration's partner may still request."""
    return extensions_remaining(registration)


@dataclass(frozen=True)
class CustomFieldRow:
    """A custom field value as the detail pages show it."""

    key: str
    label: str
    value: str


def _display(field_type: str, value: Any) -> str:
    if field_type == CustomFieldType.YES_NO or isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def custom_field_rows(registration: DealRegistration) -> list[CustomFieldRow]:
    """Return the registration's custom field values in the program's order; values
    of fields the vendor removed since are shown under their key.
    """
    values = dict(registration.custom_fields or {})
    rows = []
    for definition in form_configuration(registration.program).custom_fields:
        if definition.key in values:
            rows.append(
                CustomFieldRow(
                    definition.key,
                    definition.label,
                    _display(definition.field_type, values.pop(definition.key)),
                )
            )
    rows.extend(
        CustomFieldRow(str(key), str(key), _display("", value))
        for key, value in sorted(values.items())
    )
    return rows


def registration_form_configuration(program: Any) -> FormConfiguration:
    """Return a program's registration form (visible to whoever may register in it
    or see its registrations).
    """
    return form_configuration(program)


# Program settings


def list_programs_with_settings_for(actor: Any) -> list[Any]:
    """Return the programs whose deal settings the actor may read, by name."""
    return [
        program
        for program in partner_selectors.list_programs_for(actor).order_by("name")
        if policies.can_view_deal_settings(actor, program)
    ]


@dataclass(frozen=True)
class ProgramDealSettings:
    """A program's deal rules, form and per-tier protection, for the console."""

    program: Any
    settings: DealProgramSettings
    configuration: FormConfiguration
    tiers: list[tuple[Any, int | None]]
    can_edit: bool


def access_program_settings(actor: Any, program_pk: Any) -> ProgramDealSettings:
    """Return a program's deal settings for an actor who may read them.

    A program the actor cannot see is not found; channel managers of another
    program may not read its settings.
    """
    program = partner_selectors.access_program(actor, program_pk)
    if not policies.can_view_deal_settings(actor, program):
        raise PermissionDenied
    settings = DealProgramSettings.objects.filter(program=program).first()
    overrides = {
        row.tier_id: row.protection_days
        for row in DealTierProtection.objects.filter(tier__program=program)
    }
    return ProgramDealSettings(
        program=program,
        settings=settings or DealProgramSettings(program=program),
        configuration=form_configuration(program),
        tiers=[
            (tier, overrides.get(tier.pk))
            for tier in program.tiers.order_by("rank", "pk")
        ],
        can_edit=policies.can_configure_deal_rules(actor, program),
    )
