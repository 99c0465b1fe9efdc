"""The deal-metrics API: service levels, velocity, the vendor's time to decision and
the pipeline board's totals; and the direct pipeline's dates and outcome.
"""

from decimal import Decimal
from typing import Any

import time_machine
from django.test import Client

from cairn.deals.models import DirectOpportunity
from cairn.deals.tests.pipeline_support import approve, at, move, submit

JSON = "application/json"
URL = "/api/v1/deal-metrics/"
NOW = at(31, 12)


def _decided(ecosystem: Any) -> list[Any]:
    """Five decisions of partner B after 1 to 5 hours; the first one won."""
    registrations = []
    for number in range(5):
        registration = submit(
            ecosystem.partner_b_rep,
            ecosystem.program,
            number,
            at(23),
            amount=Decimal("1000.00") * (number + 1),
        )
        approve(registration, ecosystem.channel_manager, at(23, 10 + number))
        registrations.append(registration)
    move(registrations[0], ecosystem.partner_b_rep, "won", at(27))
    return registrations


def test_service_levels_for_the_vendor(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    _decided(ecosystem)

    with time_machine.travel(NOW, tick=False):
        response = clients["channel_manager"].get(
            f"{URL}service-levels/", {"period": "30"}
        )

    assert response.status_code == 200
    body = response.json()
    assert body["period_days"] == 30
    assert body["overall"] == {
        "name": "All programs",
        "decided": 5,
        "median_hours": 3.0,
        "p90_hours": 5.0,
        "within_deadline": 5,
        "compliance": 1.0,
        "overdue": 0,
        "escalations": 0,
    }
    assert [row["name"] for row in body["approvers"]] == ["Casey Manager"]


def test_a_period_outside_the_choices_is_a_problem(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    response = clients["vendor_admin"].get(f"{URL}velocity/", {"period": "7"})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


def test_velocity_and_revenue_for_the_vendor(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    _decided(ecosystem)

    with time_machine.travel(NOW, tick=False):
        response = clients["vendor_admin"].get(f"{URL}velocity/", {"period": "30"})

    body = response.json()
    assert body["partner_involved"] == {
        "name": "Partner-involved",
        "closed": 1,
        "won": 1,
        "lost": 0,
        "win_rate": 1.0,
        "average_days": 4.0,
        "median_days": 4.0,
        "won_amounts": [{"currency": "EUR", "amount": "1000.00"}],
    }
    assert body["partner_sourced"] == {
        "deals": 1,
        "won_amounts": [{"currency": "EUR", "amount": "1000.00"}],
    }
    assert body["partner_influenced"] == {"deals": 0, "won_amounts": []}
    assert body["direct"] is None


def test_partners_read_the_median_without_who_decided(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    _decided(ecosystem)

    with time_machine.travel(NOW, tick=False):
        times = clients["partner_a_rep"].get(f"{URL}decision-times/")
        refused = clients["partner_a_rep"].get(f"{URL}service-levels/")

    assert times.json() == [
        {
            "program": ecosystem.program.pk,
            "program_name": "Resellers",
            "decided": 5,
            "median_hours": 3.0,
        }
    ]
    assert refused.status_code == 403


def test_pipeline_totals_per_stage_and_currency_in_the_actor_scope(
    ecosystem: Any, clients: dict[str, Client], django_assert_max_num_queries: Any
) -> None:
    _decided(ecosystem)
    submit(ecosystem.partner_a_rep, ecosystem.program, 6, at(24), currency="USD")

    with django_assert_max_num_queries(4):
        own = clients["partner_b_rep"].get(f"{URL}pipeline/")
    other = clients["partner_a_rep"].get(f"{URL}pipeline/")
    bad = clients["partner_a_rep"].get(
        f"{URL}pipeline/", {"close_from": "2026-12-01", "close_to": "2026-01-01"}
    )

    assert [(c["key"], c["count"], c["totals"]) for c in own.json()] == [
        ("review", 0, []),
        ("qualified", 4, [{"currency": "EUR", "amount": "14000.00"}]),
        ("proposal", 0, []),
        ("won", 1, [{"currency": "EUR", "amount": "1000.00"}]),
        ("lost", 0, []),
    ]
    assert other.json()[0]["totals"] == [{"currency": "USD", "amount": "1000.00"}]
    assert bad.status_code == 400


def test_direct_opportunities_carry_their_dates_and_outcome(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    client = clients["vendor_admin"]
    base = {"external_id": "SF-9", "company_name": "Direct AG", "country": "DE"}

    created = client.post(
        "/api/v1/direct-opportunities/",
        {
            **base,
            "opened_on": "2026-01-05",
            "closed_on": "2026-03-10",
            "outcome": "won",
        },
        content_type=JSON,
    )
    backwards = client.patch(
        "/api/v1/direct-opportunities/SF-9/",
        {"closed_on": "2026-01-01"},
        content_type=JSON,
    )

    assert created.status_code == 201
    assert (
        created.json()["opened_on"],
        created.json()["closed_on"],
        created.json()["outcome"],
    ) == ("2026-01-05", "2026-03-10", "won")
    assert backwards.status_code == 400
    assert str(DirectOpportunity.objects.get().closed_on) == "2026-03-10"
