"""Parsers of one CSV cell each: they return the value the services take or raise
CellError with a message a person can act on. Money is a Decimal, never a float.
"""

import datetime
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django_countries import countries

from cairn.deals.choices import ISO_4217_CODES
from cairn.deals.models import AMOUNT_DIGITS, AMOUNT_PLACES

Parser = Callable[[str], Any]
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DECIMAL = re.compile(r"[+-]?\d+(\.\d+)?")
TRUE_WORDS = frozenset({"yes", "true", "1", "open", "y"})
FALSE_WORDS = frozenset({"no", "false", "0", "closed", "n"})


class CellError(ValueError):
    """A cell's value cannot be used; the message says what to write instead."""


def text(max_length: int) -> Parser:
    """Return a parser of free text of at most `max_length` characters."""

    def parse(value: str) -> str:
        if len(value) > max_length:
            raise CellError(f"At most {max_length} characters (this has {len(value)}).")
        return value

    return parse


def country(value: str) -> str:
    """Return the ISO 3166 code of a country given by its code or English name."""
    code = countries.alpha2(value) or countries.by_name(value)
    if not code:
        raise CellError(
            f"“{value}” is not a country: write its ISO 3166 code (FR, DE, JP) or "
            "its English name."
        )
    return str(code)


def date(value: str) -> datetime.date:
    """Return an ISO date (YYYY-MM-DD)."""
    if _ISO_DATE.fullmatch(value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise CellError(f"{value} is not a day of the calendar.") from None
    raise CellError(
        f"“{value}” is not a date: write it as YYYY-MM-DD, for example 2026-06-30."
    )


def money(value: str) -> Decimal:
    """Return an amount of money: digits with at most two decimals after a dot."""
    if "," in value or " " in value or "'" in value:
        raise CellError(
            f"“{value}” is not an amount: use a dot for the decimals and no "
            "thousands separator, for example 48000.50."
        )
    if not _DECIMAL.fullmatch(value):
        raise CellError(f"“{value}” is not an amount, for example 48000.50.")
    try:
        amount = Decimal(value)
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        raise CellError(f"“{value}” is not an amount.") from None
    if amount < 0:
        raise CellError("An amount cannot be negative.")
    if -amount.as_tuple().exponent > AMOUNT_PLACES:  # type: ignore[operator]
        raise CellError(f"At most {AMOUNT_PLACES} decimals.")
    if amount >= Decimal(10) ** (AMOUNT_DIGITS - AMOUNT_PLACES):
        raise CellError("This amount is too large.")
    return amount.quantize(Decimal(1).scaleb(-AMOUNT_PLACES))


def coordinate(value: str) -> Decimal:
    """Return a latitude or longitude in decimal degrees."""
    if not _DECIMAL.fullmatch(value):
        raise CellError(f"“{value}” is not a number of degrees, for example 48.8566.")
    return Decimal(value)


def quantity(value: str) -> int:
    """Return a whole quantity of at least 1."""
    if not value.isdigit():
        raise CellError(f"“{value}” is not a whole number, for example 40.")
    number = int(value)
    if not 1 <= number <= 2_147_483_647:
        raise CellError("The quantity must be at least 1.")
    return number


def currency(value: str) -> str:
    """Return an ISO 4217 currency code."""
    code = value.upper()
    if code not in ISO_4217_CODES:
        raise CellError(
            f"“{value}” is not an ISO 4217 currency code, for example EUR or USD."
        )
    return code


def email(value: str) -> str:
    """Return an e-mail address."""
    try:
        validate_email(value)
    except ValidationError:
        raise CellError(f"“{value}” is not an e-mail address.") from None
    return value


def domain(value: str) -> str:
    """Return a web domain; a pasted address (https://www.acme.com/) is cut down."""
    cleaned = re.sub(r"^[a-z]+://", "", value.lower()).split("/", 1)[0]
    if " " in cleaned or "." not in cleaned:
        raise CellError(f"“{value}” is not a web domain, for example example.com.")
    return cleaned


def choice(choices: Any) -> Parser:
    """Return a parser of one of a TextChoices' values or labels, in any case."""
    accepted = {str(value).lower(): str(value) for value in choices.values}
    accepted |= {
        str(label).lower(): str(value)
        for value, label in choices.choices
        if str(label).lower() not in accepted
    }

    def parse(value: str) -> str:
        try:
            return accepted[value.lower()]
        except KeyError:
            raise CellError(
                f"“{value}” is not one of: {', '.join(choices.values)}."
            ) from None

    return parse


def boolean(value: str) -> bool:
    """Return yes or no (also true/false, 1/0, open/closed)."""
    word = value.lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(f"“{value}” is neither yes nor no.")


def reference(value: str) -> str:
    """Return a row's own reference (a CRM's opportunity id): printable, 100 at
    most.
    """
    if len(value) > 100 or not value.isprintable():
        raise CellError("At most 100 printable characters.")
    return value
