"""Helpers shared by the test modules of deal registration."""

import datetime
from decimal import Decimal
from typing import Any

from cairn.deals import services

# A Monday, so that business days are easy to count.
MONDAY = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)

ACME: dict[str, Any] = {
    "customer_name": "Acme Corporation",
    "customer_domain": "acme-industries.com",
    "country": "FR",
    "street": "12 Rue de la Paix",
    "city": "Paris",
    "postal_code": "75002",
    "contact_name": "Claire Dubois",
    "contact_email": "claire.dubois@acme-industries.com",
    "expected_close_date": datetime.date(2026, 6, 30),
    "currency": "EUR",
    "amount": Decimal("48000.00"),
}
ACME_AGAIN: dict[str, Any] = {
    **ACME,
    "customer_name": "ACME Corp.",
    "contact_name": "Luc Martin",
    "contact_email": "luc.martin@acme-industries.com",
    "amount": Decimal("51000.00"),
}
UNRELATED: dict[str, Any] = {
    **ACME,
    "customer_name": "Zephyr Logistics",
    "customer_domain": "zephyr-logistics.jp",
    "country": "JP",
    "street": "1-1 Marunouchi",
    "city": "Tokyo",
    "postal_code": "100-0005",
    "contact_name": "Aiko Tanaka",
    "contact_email": "aiko@zephyr-logistics.jp",
}
LINES: list[dict[str, Any]] = [
    {"product_code": "CAIRN-ENT", "quantity": 40, "unit_amount": Decimal("1200.00")},
]


def register(ecosystem: Any, actor: Any, values: dict[str, Any] | None = None, **kw):
    """Register and submit a deal in the ecosystem's program."""
    fields = {**(values or ACME), **kw}
    lines = fields.pop("lines", LINES)
    return services.register_deal(
        actor=actor, program=ecosystem.program, lines=lines, **fields
    )
