"""Helpers of the pipeline, velocity and service-level tests: deals with a real
history, made by the services at frozen moments.
"""

import datetime
from decimal import Decimal
from typing import Any

import time_machine

from cairn.deals import services
from cairn.deals.models import DealRegistration

UTC = datetime.UTC
# Distinct companies, domains and places: none of them conflicts with another.
COMPANIES = (
    ("Nordwind Logistik GmbH", "nordwind.example", "DE", "20095"),
    ("Kestrel Foods Ltd", "kestrel-foods.example", "GB", "EC1A 1BB"),
    ("Orchid Pharma SpA", "orchid-pharma.example", "IT", "20121"),
    ("Basalt Mining Pty", "basalt-mining.example", "AU", "6000"),
    ("Quill Publishing Inc", "quill-publishing.example", "US", "10001"),
    ("Tundra Energy AS", "tundra-energy.example", "NO", "0150"),
    ("Marlin Shipping BV", "marlin-shipping.example", "NL", "1011"),
    ("Juniper Textiles SL", "juniper-textiles.example", "ES", "28001"),
    ("Cobalt Robotics KK", "cobalt-robotics.example", "JP", "100-0005"),
    ("Saffron Hotels SA", "saffron-hotels.example", "FR", "75001"),
    ("Granite Insurance AG", "granite-insurance.example", "CH", "8001"),
    ("Lumen Optics Oy", "lumen-optics.example", "FI", "00100"),
)


def at(day: int, hour: int = 9, month: int = 3) -> datetime.datetime:
    """Return a moment of 2026 in UTC (March by default)."""
    return datetime.datetime(2026, month, day, hour, tzinfo=UTC)


def customer(number: int, **overrides: Any) -> dict[str, Any]:
    """Return the registration fields of the numbered company."""
    name, domain, country, postal_code = COMPANIES[number]
    return {
        "customer_name": name,
        "customer_domain": domain,
        "country": country,
        "postal_code": postal_code,
        "contact_email": f"buyer@{domain}",
        "expected_close_date": datetime.date(2026, 6, 30),
        "currency": "EUR",
        "amount": Decimal("1000.00"),
        **overrides,
    }


def submit(
    actor: Any, program: Any, number: int, when: datetime.datetime, **overrides: Any
) -> DealRegistration:
    """Register and submit the numbered company's deal at `when`."""
    with time_machine.travel(when, tick=False):
        return services.register_deal(
            actor=actor, program=program, **customer(number, **overrides)
        )


def approve(
    registration: DealRegistration, actor: Any, when: datetime.datetime
) -> DealRegistration:
    """Approve the registration at `when`."""
    with time_machine.travel(when, tick=False):
        return services.approve_registration(registration, actor=actor)


def move(
    registration: DealRegistration,
    actor: Any,
    stage: str,
    when: datetime.datetime,
    lost_reason: str = "",
) -> DealRegistration:
    """Move the approved deal to `stage` at `when`."""
    with time_machine.travel(when, tick=False):
        return services.update_sales_stage(
            registration, actor=actor, stage=stage, lost_reason=lost_reason
        )
