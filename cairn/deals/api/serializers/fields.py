"""Fields shared by the deal serializers: money, currency, custom fields, status."""

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cairn.deals.choices import RegistrationStatus
from cairn.deals.models import AMOUNT_DIGITS, AMOUNT_PLACES

MAX_LINES = 100
MAX_CUSTOM_FIELDS = 50
MAX_CUSTOM_VALUE_LENGTH = 1000
CURRENCY_HELP = "An ISO 4217 currency code, for example EUR."


class MoneyField(serializers.DecimalField):
    """A non-negative amount given as a decimal string (or an integer), never a
    float: a float has already lost the cents it was meant to carry.
    """

    default_error_messages = {
        "float": 'Give the amount as a decimal string such as "1200.50", '
        "not a floating-point number.",
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", AMOUNT_DIGITS)
        kwargs.setdefault("decimal_places", AMOUNT_PLACES)
        kwargs.setdefault("min_value", Decimal("0"))
        kwargs.setdefault("coerce_to_string", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Decimal:
        if isinstance(data, float | bool):
            self.fail("float")
        return super().to_internal_value(data)


class CurrencyField(serializers.RegexField):
    """An ISO 4217 currency code; the model checks that it is an active one."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", CURRENCY_HELP)
        super().__init__(r"^[A-Za-z]{3}$", max_length=3, min_length=3, **kwargs)


def _check_plain_text(value: Any, depth: int = 0) -> None:
    if depth > 3:
        raise serializers.ValidationError("Custom fields nest at most three deep.")
    if isinstance(value, str):
        if "\x00" in value or len(value) > MAX_CUSTOM_VALUE_LENGTH:
            raise serializers.ValidationError(
                f"Custom field values are text of at most {MAX_CUSTOM_VALUE_LENGTH} "
                "characters without NUL."
            )
    elif isinstance(value, dict):
        if len(value) > MAX_CUSTOM_FIELDS:
            raise serializers.ValidationError(
                f"Give at most {MAX_CUSTOM_FIELDS} custom fields."
            )
        for key, item in value.items():
            _check_plain_text(key, depth + 1)
            _check_plain_text(item, depth + 1)
    elif isinstance(value, list):
        if len(value) > MAX_CUSTOM_FIELDS:
            raise serializers.ValidationError(
                f"Give at most {MAX_CUSTOM_FIELDS} values in a list."
            )
        for item in value:
            _check_plain_text(item, depth + 1)


class CustomFieldsField(serializers.DictField):
    """The program's custom fields: a small JSON object of plain values."""

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        value = super().to_internal_value(data)
        _check_plain_text(value)
        return value


@extend_schema_field(
    {
        "type": "string",
        "enum": RegistrationStatus.values,
        "description": "\n".join(
            f"* `{value}` - {label}" for value, label in RegistrationStatus.choices
        ),
    },
    component_name="RegistrationStatusEnum",
)
class RegistrationStatusField(serializers.ChoiceField):
    """A registration's status, documented as its own named enum."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=RegistrationStatus.choices, **kwargs)
