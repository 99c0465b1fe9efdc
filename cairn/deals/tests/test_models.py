from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cairn.deals.models import DealLine, DealRegistration, validate_currency
from cairn.deals.tests.factories import (
    DealRegistrationFactory,
    DirectOpportunityFactory,
)


def test_amounts_are_stored_and_read_as_decimals(ecosystem: Any) -> None:
    registration: Any = DealRegistrationFactory(
        registered_by=ecosystem.partner_a_rep,
        program=ecosystem.program,
        amount=Decimal("123456789012.34"),
        currency="JPY",
    )
    line = DealLine.objects.create(
        registration=registration,
        product_code="SKU",
        quantity=3,
        unit_amount=Decimal("0.10"),
    )

    registration.refresh_from_db()
    line.refresh_from_db()
    assert (registration.amount, registration.currency) == (
        Decimal("123456789012.34"),
        "JPY",
    )
    assert isinstance(registration.amount, Decimal)
    assert line.total == Decimal("0.30")


@pytest.mark.parametrize("code", ["EUR", "USD", "JPY", "CHF"])
def test_iso_currency_codes_are_valid(code: str) -> None:
    validate_currency(code)


@pytest.mark.parametrize("code", ["eur", "EURO", "XXX", "", "€"])
def test_other_currency_codes_are_refused(code: str) -> None:
    with pytest.raises(ValidationError):
        validate_currency(code)


def test_idempotency_key_is_unique_per_organization(ecosystem: Any) -> None:
    DealRegistrationFactory(
        registered_by=ecosystem.partner_a_rep,
        program=ecosystem.program,
        idempotency_key="k",
    )
    DealRegistrationFactory(
        registered_by=ecosystem.partner_b_rep,
        program=ecosystem.program,
        idempotency_key="k",
    )
    DealRegistrationFactory(
        registered_by=ecosystem.partner_a_rep, program=ecosystem.program
    )
    DealRegistrationFactory(
        registered_by=ecosystem.partner_a_rep, program=ecosystem.program
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        DealRegistrationFactory(
            registered_by=ecosystem.partner_a_second_rep,
            program=ecosystem.program,
            idempotency_key="k",
        )
    assert DealRegistration.objects.count() == 4


@pytest.mark.parametrize(
    "values",
    [
        {"amount": Decimal("-1")},
        {"latitude": Decimal("1.0")},
        {"sales_stage": "won", "status": "submitted"},
    ],
)
def test_database_constraints_hold(ecosystem: Any, values: dict[str, Any]) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        DealRegistrationFactory(
            registered_by=ecosystem.partner_a_rep, program=ecosystem.program, **values
        )


def test_direct_opportunity_external_id_is_unique(db: Any) -> None:
    DirectOpportunityFactory(external_id="SF-1")

    with pytest.raises(IntegrityError), transaction.atomic():
        DirectOpportunityFactory(external_id="SF-1")


def test_string_forms(ecosystem: Any) -> None:
    registration: Any = DealRegistrationFactory(
        registered_by=ecosystem.partner_a_rep,
        program=ecosystem.program,
        customer_name="Acme",
    )

    assert str(registration) == "Acme (Submitted)"
