"""The documented columns of each import, and the parsing of one row into the
values the services take, with a message for each bad cell.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from cairn.deals.choices import DealType, PartnerRole
from cairn.deals.imports import cells
from cairn.deals.imports.reader import Row

# Where a problem of a whole row (not of one cell) is reported.
ROW = ""


@dataclass(frozen=True)
class Column:
    """One column of an import file: its name, parser and documentation."""

    name: str
    parse: cells.Parser
    description: str
    example: str = ""
    required: bool = False


REGISTRATION_COLUMNS: tuple[Column, ...] = (
    Column(
        "reference",
        cells.reference,
        "Your own id of the deal, such as your CRM's opportunity id. A row whose "
        "reference was imported before is not registered twice.",
        "CRM-0042",
    ),
    Column("customer_name", cells.text(200), "The customer company.", "Acme SAS", True),
    Column("customer_domain", cells.domain, "Its web domain.", "acme.example"),
    Column(
        "country",
        cells.country,
        "ISO 3166 code (FR) or English name (France).",
        "FR",
        True,
    ),
    Column("street", cells.text(200), "Street address.", "12 Rue de la Paix"),
    Column("city", cells.text(100), "City.", "Paris"),
    Column("postal_code", cells.text(20), "Postal code.", "75002"),
    Column("latitude", cells.coordinate, "Decimal degrees, with longitude.", ""),
    Column("longitude", cells.coordinate, "Decimal degrees, with latitude.", ""),
    Column("contact_name", cells.text(200), "The customer's contact.", "Claire Roy"),
    Column(
        "contact_email", cells.email, "The contact's e-mail.", "claire@acme.example"
    ),
    Column(
        "expected_close_date",
        cells.date,
        "YYYY-MM-DD.",
        "2026-06-30",
        True,
    ),
    Column(
        "deal_type",
        cells.choice(DealType),
        "new, renewal or upsell (new when empty).",
        "new",
    ),
    Column(
        "partner_role",
        cells.choice(PartnerRole),
        "resell, referral or influence (resell when empty).",
        "resell",
    ),
    Column("currency", cells.currency, "ISO 4217 code.", "EUR", True),
    Column(
        "amount",
        cells.money,
        "The deal's total, such as 48000.50. Empty: quantity times unit_amount.",
        "48000.00",
    ),
    Column("product_code", cells.text(64), "One product line: its code.", "CAIRN-ENT"),
    Column("quantity", cells.quantity, "The line's quantity (1 when empty).", "40"),
    Column("unit_amount", cells.money, "The line's unit amount.", "1200.00"),
    Column("notes", cells.text(5000), "Notes for the reviewer.", ""),
)

DIRECT_COLUMNS: tuple[Column, ...] = (
    Column(
        "external_id",
        cells.text(100),
        "The opportunity's id in your CRM: a row with a known id updates it.",
        "SF-0006Q00001",
        True,
    ),
    Column("company_name", cells.text(200), "The customer company.", "Acme SAS", True),
    Column("domain", cells.domain, "Its web domain.", "acme.example"),
    Column(
        "country",
        cells.country,
        "ISO 3166 code (FR) or English name (France).",
        "FR",
        True,
    ),
    Column("postal_code", cells.text(20), "Postal code.", "75002"),
    Column("owner_name", cells.text(200), "The vendor's sales owner.", "Jo Seller"),
    Column("expected_close_date", cells.date, "YYYY-MM-DD.", "2026-09-30"),
    Column("currency", cells.currency, "ISO 4217 code (EUR when empty).", "EUR"),
    Column("amount", cells.money, "The opportunity's amount.", "90000.00"),
    Column(
        "is_open",
        cells.boolean,
        "yes or no: a closed opportunity claims nothing (yes when empty).",
        "yes",
    ),
)


def names(columns: tuple[Column, ...]) -> list[str]:
    """Return the columns' names, in the documented order."""
    return [column.name for column in columns]


def required(columns: tuple[Column, ...]) -> list[str]:
    """Return the names of the columns a file must have."""
    return [column.name for column in columns if column.required]


def parse_cells(
    row: Row, columns: tuple[Column, ...]
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Parse a row's cells: the values of its non-empty cells, and one (column,
    message) per bad or missing cell.
    """
    values: dict[str, Any] = {}
    issues: list[tuple[str, str]] = []
    if "__extra__" in row.cells:
        issues.append((ROW, row.cells["__extra__"]))
    for column in columns:
        raw = (row.cells.get(column.name) or "").strip()
        if not raw:
            if column.required:
                issues.append((column.name, "Required."))
            continue
        try:
            values[column.name] = column.parse(raw)
        except cells.CellError as error:
            issues.append((column.name, str(error)))
    return values, issues


def registration_arguments(
    values: dict[str, Any], issues: list[tuple[str, str]]
) -> tuple[dict[str, Any], list[dict[str, Any]] | None, str]:
    """Split a registration row's values into the service's fields, its one product
    line (or None) and its reference; a line's problems are added to `issues`.

    Without an amount, the deal's amount is the line's quantity times unit amount.
    """
    fields = dict(values)
    key = fields.pop("reference", "")
    product_code = fields.pop("product_code", None)
    line_quantity = fields.pop("quantity", None)
    unit_amount = fields.pop("unit_amount", None)
    line = None
    if product_code is not None:
        if unit_amount is None and not _has_issue(issues, "unit_amount"):
            issues.append(("unit_amount", "Give the unit amount of the product line."))
        line = {
            "product_code": product_code,
            "quantity": line_quantity or 1,
            "unit_amount": unit_amount if unit_amount is not None else Decimal(0),
        }
        if "amount" not in fields and not _has_issue(issues, "amount"):
            fields["amount"] = line["unit_amount"] * line["quantity"]
    elif line_quantity is not None or unit_amount is not None:
        issues.append(
            (
                "product_code",
                "Give the product code of the line, or leave quantity and "
                "unit_amount empty.",
            )
        )
    if "amount" not in fields and line is None and not _has_issue(issues, "amount"):
        issues.append(
            ("amount", "Give the deal's amount, or a product line with its amount.")
        )
    return fields, [line] if line is not None else None, key


def _has_issue(issues: list[tuple[str, str]], column: str) -> bool:
    return any(name == column for name, _ in issues)
