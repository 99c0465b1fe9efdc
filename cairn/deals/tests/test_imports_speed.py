"""Why a registration may be validated without querying its check constraints:
every check constraint's rule is also a field validator or a clean() rule, so
full_clean(validate_constraints=False) refuses every row the constraints refuse.
"""

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db.models import CheckConstraint

from cairn.deals.choices import RegistrationStatus, SalesStage
from cairn.deals.models import DealLine, DealRegistration

# One row breaking each check constraint of the two models, by constraint name.
VIOLATIONS: dict[str, tuple[type[Any], dict[str, Any]]] = {
    "deal_amount_not_negative": (DealRegistration, {"amount": Decimal("-1.00")}),
    "deal_coordinates_both_or_neither": (
        DealRegistration,
        {"latitude": Decimal("48.8")},
    ),
    "deal_stage_only_after_approval": (
        DealRegistration,
        {"status": RegistrationStatus.SUBMITTED, "sales_stage": SalesStage.WON},
    ),
    "deal_line_quantity_positive": (DealLine, {"quantity": 0}),
    "deal_line_amount_not_negative": (DealLine, {"unit_amount": Decimal("-1.00")}),
}


def _valid(model: type[Any], ecosystem: Any) -> Any:
    if model is DealLine:
        return DealLine(product_code="X", quantity=1, unit_amount=Decimal("1.00"))
    return DealRegistration(
        organization=ecosystem.partner_a,
        registered_by=ecosystem.partner_a_rep,
        program=ecosystem.program,
        customer_name="Acme",
        country="FR",
        currency="EUR",
        amount=Decimal("1.00"),
    )


def test_every_check_constraint_is_named_here() -> None:
    names = {
        constraint.name
        for model in (DealRegistration, DealLine)
        for constraint in model._meta.constraints
        if isinstance(constraint, CheckConstraint)
    }

    assert names == set(VIOLATIONS)


@pytest.mark.parametrize("name", sorted(VIOLATIONS))
def test_each_check_constraint_is_also_a_python_rule(name: str, ecosystem: Any) -> None:
    model, values = VIOLATIONS[name]
    row = _valid(model, ecosystem)
    row.full_clean(exclude=["registration"], validate_constraints=False)
    for field, value in values.items():
        setattr(row, field, value)

    with pytest.raises(ValidationError):
        row.full_clean(exclude=["registration"], validate_constraints=False)
