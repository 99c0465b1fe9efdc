"""The per-program registration form: which standard fields it shows and requires,
the vendor's custom fields, and the values partners give for them.

Validation lives here, not in a form, so that the portal, the API and the CSV
import refuse the same values with the same messages. Errors on a custom field are
keyed `custom_fields.<key>`; the portal puts them on the field's input and the API
points at `/custom_fields/<key>`.
"""

import datetime
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from cairn.core.audit import record_update, snapshot
from cairn.deals import policies
from cairn.deals.choices import CustomFieldType, FieldVisibility
from cairn.deals.models import (
    DealCustomField,
    DealProgramSettings,
    DealRegistration,
    DealTierProtection,
)
from cairn.deals.models_protection import CUSTOM_FIELD_KEY_PATTERN

MAX_CUSTOM_FIELDS = 30
MAX_CHOICES = 50
MAX_TEXT_LENGTH = 1000
MAX_NUMBER_DIGITS = 20
CUSTOM_PREFIX = "custom_fields."


@dataclass(frozen=True)
class FieldGroup:
    """Standard fields that the vendor shows, hides or requires together."""

    name: str
    label: str
    fields: tuple[str, ...]
    # A group with a default value (deal type, role) is always complete: it can be
    # shown or hidden, not required.
    can_require: bool = True


FIELD_GROUPS: tuple[FieldGroup, ...] = (
    FieldGroup("customer_domain", "Customer web domain", ("customer_domain",)),
    FieldGroup("address", "Address", ("street", "city", "postal_code")),
    FieldGroup("contact", "Contact", ("contact_name", "contact_email")),
    FieldGroup("notes", "Notes", ("notes",)),
    FieldGroup("deal_type", "Deal type", ("deal_type",), can_require=False),
    FieldGroup("partner_role", "Partner role", ("partner_role",), can_require=False),
)
GROUPS_BY_NAME = {group.name: group for group in FIELD_GROUPS}


@dataclass(frozen=True)
class FormConfiguration:
    """A program's registration form: visibility by group and the custom fields."""

    visibility: dict[str, str]
    custom_fields: list[DealCustomField] = field(default_factory=list)

    def hidden_fields(self) -> set[str]:
        """Name the standard fields the form leaves out."""
        return {
            name
            for group in FIELD_GROUPS
            if self.visibility[group.name] == FieldVisibility.HIDDEN
            for name in group.fields
        }

    def required_fields(self) -> set[str]:
        """Name the standard fields a submission needs."""
        return {
            name
            for group in FIELD_GROUPS
            if self.visibility[group.name] == FieldVisibility.REQUIRED
            for name in group.fields
        }


def visibility_of(form_fields: Mapping[str, Any] | None) -> dict[str, str]:
    """Return every group's visibility, optional where the program says nothing."""
    form_fields = form_fields or {}
    return {
        group.name: str(form_fields.get(group.name) or FieldVisibility.OPTIONAL)
        for group in FIELD_GROUPS
    }


def form_configuration(program: Any) -> FormConfiguration:
    """Return the program's registration form (the defaults if never configured)."""
    settings = DealProgramSettings.objects.filter(program=program).first()
    return FormConfiguration(
        visibility=visibility_of(settings.form_fields if settings else None),
        custom_fields=list(
            DealCustomField.objects.filter(program=program).order_by("order", "pk")
        ),
    )


# Values


def _clean_number(value: Any) -> str:
    if isinstance(value, bool):
        raise ValueError
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation as error:
        raise ValueError from error
    if not number.is_finite() or len(number.as_tuple().digits) > MAX_NUMBER_DIGITS:
        raise ValueError
    # Kept as a decimal string: exact, whatever the JSON parser does with numbers.
    return format(number, "f")


def _clean_date(value: Any) -> str:
    if isinstance(value, datetime.datetime):
        raise ValueError
    if isinstance(value, datetime.date):
        return value.isoformat()
    return datetime.date.fromisoformat(str(value).strip()).isoformat()


YES = frozenset({"true", "yes", "y", "1", "on"})
NO = frozenset({"false", "no", "n", "0", "off"})


def _clean_yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError


TYPE_ERRORS = {
    CustomFieldType.TEXT: f"Enter text of at most {MAX_TEXT_LENGTH} characters.",
    CustomFieldType.NUMBER: "Enter a number such as 12 or 12.5.",
    CustomFieldType.DATE: "Enter a date as YYYY-MM-DD.",
    CustomFieldType.CHOICE: "Choose one of: {choices}.",
    CustomFieldType.YES_NO: "Answer yes or no (true or false).",
}


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _clean_value(definition: DealCustomField, value: Any) -> Any:
    kind = definition.field_type
    if kind == CustomFieldType.TEXT:
        if not isinstance(value, str | int | Decimal) or isinstance(value, bool):
            raise ValueError
        text = str(value).strip()
        if len(text) > MAX_TEXT_LENGTH or "\x00" in text:
            raise ValueError
        return text
    if kind == CustomFieldType.NUMBER:
        return _clean_number(value)
    if kind == CustomFieldType.DATE:
        return _clean_date(value)
    if kind == CustomFieldType.CHOICE:
        text = str(value).strip()
        if text not in definition.choices:
            raise ValueError
        return text
    return _clean_yes_no(value)


def clean_custom_fields(program: Any, values: Any) -> dict[str, Any]:
    """Return the custom field values checked against the program's definitions.

    Empty values are left out; an unknown key, or a value of the wrong type, is
    refused with an error on `custom_fields.<key>`. Required fields are checked at
    submission, not here: a draft may be incomplete.
    """
    if values is None:
        return {}
    if not isinstance(values, Mapping):
        raise ValidationError(
            {"custom_fields": "Give the custom fields as an object of key and value."}
        )
    definitions = {
        definition.key: definition
        for definition in DealCustomField.objects.filter(program=program)
    }
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for key, value in values.items():
        definition = definitions.get(str(key))
        if definition is None:
            errors[f"{CUSTOM_PREFIX}{key}"] = "This program has no such custom field."
            continue
        if _is_empty(value):
            continue
        try:
            cleaned[definition.key] = _clean_value(definition, value)
        except (ValueError, TypeError):
            errors[f"{CUSTOM_PREFIX}{key}"] = TYPE_ERRORS[
                CustomFieldType(definition.field_type)
            ].format(choices=", ".join(definition.choices))
    if errors:
        raise ValidationError(errors)
    return cleaned


def missing_for_submission(registration: DealRegistration) -> dict[str, str]:
    """Return the fields the program requires that the registration leaves empty."""
    configuration = form_configuration(registration.program)
    missing = {
        name: "This program requires it to submit a registration."
        for name in sorted(configuration.required_fields())
        if not getattr(registration, name)
    }
    values = registration.custom_fields or {}
    for definition in configuration.custom_fields:
        if definition.is_required and _is_empty(values.get(definition.key)):
            missing[f"{CUSTOM_PREFIX}{definition.key}"] = (
                "This program requires it to submit a registration."
            )
    return missing


# Configuration

SETTINGS_FIELDS = frozenset(
    {
        "protection_days",
        "review_business_days",
        "auto_approve_on_breach",
        "second_approver",
        "extension_days",
        "max_extension_days",
        "max_extensions",
    }
)


def _clean_visibility(form_fields: Mapping[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    cleaned: dict[str, str] = {}
    for name, value in form_fields.items():
        group = GROUPS_BY_NAME.get(name)
        if group is None:
            errors["form_fields"] = f"There is no standard field group “{name}”."
            continue
        if value not in FieldVisibility.values or (
            value == FieldVisibility.REQUIRED and not group.can_require
        ):
            errors[f"form_fields.{name}"] = f"{group.label} can be hidden or shown" + (
                ", or required." if group.can_require else ", not required."
            )
            continue
        cleaned[name] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


def _clean_choices(raw: Any) -> list[str]:
    if raw is None:
        return []
    if isinstance(raw, str):
        raw = raw.splitlines()
    choices: list[str] = []
    for item in raw:
        text = str(item).strip()
        if text and text not in choices:
            choices.append(text[:100])
    return choices


def _build_custom_fields(
    program: Any, definitions: Iterable[Mapping[str, Any]]
) -> list[DealCustomField]:
    built: list[DealCustomField] = []
    errors: dict[str, str] = {}
    seen: set[str] = set()
    for number, values in enumerate(definitions, start=1):
        where = f"custom_field_definitions.{number - 1}"
        key = str(values.get("key") or "").strip()
        if not re.fullmatch(CUSTOM_FIELD_KEY_PATTERN, key):
            errors[where] = (
                f"Field {number}: the key uses lower-case letters, digits and "
                "underscores, starting with a letter (at most 40)."
            )
            continue
        if key in seen:
            errors[where] = f"Field {number}: the key “{key}” is used twice."
            continue
        seen.add(key)
        definition = DealCustomField(
            program=program,
            key=key,
            label=str(values.get("label") or "").strip(),
            field_type=values.get("field_type") or CustomFieldType.TEXT,
            is_required=bool(values.get("is_required")),
            choices=_clean_choices(values.get("choices")),
            help_text=str(values.get("help_text") or "").strip(),
            order=values.get("order") or number,
        )
        if definition.field_type == CustomFieldType.CHOICE:
            if not definition.choices or len(definition.choices) > MAX_CHOICES:
                errors[where] = (
                    f"Field {number}: give between 1 and {MAX_CHOICES} choices."
                )
                continue
        else:
            definition.choices = []
        try:
            definition.full_clean(exclude=["program"], validate_unique=False)
        except ValidationError as error:
            errors[where] = f"Field {number}: " + " ".join(
                f"{name}: {' '.join(messages)}"
                for name, messages in error.message_dict.items()
            )
            continue
        built.append(definition)
    if len(built) > MAX_CUSTOM_FIELDS:
        errors["custom_field_definitions"] = (
            f"A program has at most {MAX_CUSTOM_FIELDS} custom fields."
        )
    if errors:
        raise ValidationError(errors)
    return built


def _clean_tier_protection(
    program: Any, days_by_tier: Mapping[Any, Any]
) -> dict[int, int | None]:
    from cairn.partners.models import Tier

    tiers = {tier.pk: tier for tier in Tier.objects.filter(program=program)}
    cleaned: dict[int, int | None] = {}
    for tier_pk, days in days_by_tier.items():
        tier = tiers.get(int(tier_pk)) if str(tier_pk).isdigit() else None
        if tier is None:
            raise ValidationError(
                {"tier_protection": "This tier belongs to another program."}
            )
        if days in (None, ""):
            cleaned[tier.pk] = None
            continue
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 730:
            raise ValidationError(
                {f"tier_protection.{tier.pk}": "Give between 1 and 730 days."}
            )
        cleaned[tier.pk] = days
    return cleaned


def _configuration_snapshot(
    settings: DealProgramSettings, program: Any
) -> dict[str, Any]:
    return {
        **snapshot(settings),
        "custom_fields": [
            snapshot(
                definition,
                fields=[
                    "key",
                    "label",
                    "field_type",
                    "is_required",
                    "choices",
                    "help_text",
                    "order",
                ],
            )
            for definition in DealCustomField.objects.filter(program=program).order_by(
                "order", "pk"
            )
        ],
        "tier_protection": {
            str(row.tier_id): row.protection_days
            for row in DealTierProtection.objects.filter(tier__program=program)
        },
    }


def update_deal_settings(
    program: Any,
    *,
    actor: Any,
    form_fields: Mapping[str, Any] | None = None,
    custom_fields: Iterable[Mapping[str, Any]] | None = None,
    tier_protection: Mapping[Any, Any] | None = None,
    **changes: Any,
) -> DealProgramSettings:
    """Change a program's rules of engagement and registration form.

    `custom_fields`, when given, replaces every custom field definition (values
    already given on registrations are kept); `tier_protection` maps a tier of the
    program to its protection days, None to use the program's default.
    """
    unknown = set(changes) - SETTINGS_FIELDS
    if unknown:
        raise TypeError(f"deal settings have no fields {sorted(unknown)}")
    with transaction.atomic():
        if not policies.can_configure_deal_rules(actor, program):
            raise PermissionDenied
        settings, _ = DealProgramSettings.objects.select_for_update().get_or_create(
            program=program
        )
        before = _configuration_snapshot(settings, program)
        for name, value in changes.items():
            setattr(settings, name, value)
        if form_fields is not None:
            settings.form_fields = _clean_visibility(form_fields)
        settings.full_clean(exclude=["program"])
        definitions = (
            _build_custom_fields(program, custom_fields)
            if custom_fields is not None
            else None
        )
        tiers = _clean_tier_protection(program, tier_protection or {})
        settings.save()
        if definitions is not None:
            DealCustomField.objects.filter(program=program).delete()
            DealCustomField.objects.bulk_create(definitions)
        for tier_pk, days in tiers.items():
            if days is None:
                DealTierProtection.objects.filter(tier_id=tier_pk).delete()
            else:
                DealTierProtection.objects.update_or_create(
                    tier_id=tier_pk, defaults={"protection_days": days}
                )
        record_update(
            settings,
            actor=actor,
            before=before,
            after=_configuration_snapshot(settings, program),
            verb="deal.settings_changed",
            data={"program": program.name},
        )
    return settings
