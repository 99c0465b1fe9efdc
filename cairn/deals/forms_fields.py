"""The program-specific part of the registration form: hidden and required
standard fields, and one input per custom field (named `cf_<key>`).

A required field is marked, not enforced by the form: a draft may be incomplete,
and the submission service refuses what is missing with an error on the input.
"""

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from cairn.deals.choices import CustomFieldType
from cairn.deals.models import DealCustomField
from cairn.deals.services.fields import (
    CUSTOM_PREFIX,
    MAX_TEXT_LENGTH,
    FormConfiguration,
)

FIELD_PREFIX = "cf_"
REQUIRED_NOTE = "Required to submit."
YES_NO_CHOICES = [("", "—"), ("yes", "Yes"), ("no", "No")]


def _help(definition: DealCustomField) -> str:
    notes = [definition.help_text] if definition.help_text else []
    if definition.is_required:
        notes.append(REQUIRED_NOTE)
    return " ".join(notes)


def custom_form_field(definition: DealCustomField) -> forms.Field:
    """Return the input of one custom field."""
    options: dict[str, Any] = {
        "label": definition.label,
        "required": False,
        "help_text": _help(definition),
    }
    kind = definition.field_type
    if kind == CustomFieldType.NUMBER:
        return forms.DecimalField(max_digits=20, decimal_places=6, **options)
    if kind == CustomFieldType.DATE:
        return forms.DateField(
            widget=forms.DateInput(attrs={"type": "date"}), **options
        )
    if kind == CustomFieldType.CHOICE:
        return forms.ChoiceField(
            choices=[("", "—"), *((choice, choice) for choice in definition.choices)],
            **options,
        )
    if kind == CustomFieldType.YES_NO:
        return forms.ChoiceField(choices=YES_NO_CHOICES, **options)
    return forms.CharField(max_length=MAX_TEXT_LENGTH, **options)


def configure_registration_form(
    form: forms.Form, configuration: FormConfiguration
) -> None:
    """Hide, mark and add the fields of the program's registration form."""
    for name in configuration.hidden_fields():
        form.fields.pop(name, None)
    for name in configuration.required_fields():
        if name in form.fields:
            field = form.fields[name]
            field.help_text = " ".join(
                filter(None, [str(field.help_text), REQUIRED_NOTE])
            )
    for definition in configuration.custom_fields:
        form.fields[f"{FIELD_PREFIX}{definition.key}"] = custom_form_field(definition)


def custom_initial(values: dict[str, Any] | None) -> dict[str, Any]:
    """Return a registration's custom field values as the inputs' initial data."""
    initial: dict[str, Any] = {}
    for key, value in (values or {}).items():
        shown = ("yes" if value else "no") if isinstance(value, bool) else value
        initial[f"{FIELD_PREFIX}{key}"] = shown
    return initial


def custom_values(form: forms.Form, configuration: FormConfiguration) -> dict[str, Any]:
    """Return the filled-in custom fields of a valid form, by key."""
    values: dict[str, Any] = {}
    for definition in configuration.custom_fields:
        value = form.cleaned_data.get(f"{FIELD_PREFIX}{definition.key}")
        if value in (None, ""):
            continue
        if isinstance(value, Decimal):
            value = format(value.normalize(), "f")
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        elif definition.field_type == CustomFieldType.YES_NO:
            value = value == "yes"
        values[definition.key] = value
    return values


def with_form_field_names(error: ValidationError) -> ValidationError:
    """Rename a service's `custom_fields.<key>` errors to the inputs' names."""
    if not hasattr(error, "error_dict"):
        return error
    renamed: dict[str, list[str]] = {}
    for name, messages in error.message_dict.items():
        target = name
        if name.startswith(CUSTOM_PREFIX):
            target = f"{FIELD_PREFIX}{name.removeprefix(CUSTOM_PREFIX)}"
        elif name == "custom_fields":
            target = NON_FIELD_ERRORS
        renamed.setdefault(target, []).extend(messages)
    return ValidationError(renamed)
