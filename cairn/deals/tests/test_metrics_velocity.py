"""Deal velocity from the status and stage history, partner-involved against direct
sales cycles, and partner-sourced against partner-influenced won revenue.
"""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from cairn.deals import selectors_velocity, services
from cairn.deals.models import DealStageChange, DirectOpportunity
from cairn.deals.tests.factories import DirectOpportunityFactory
from cairn.deals.tests.pipeline_support import approve, at, move, submit

NOW = at(31, 12)


def _won_and_lost(ecosystem: Any) -> None:
    """Four closed deals and one open, all submitted Monday 2 March 09:00.

    V1 resell 48,000 EUR: approved 4 March, qualified 6, proposal 14, won 24.
    V2 influence 10,000 USD: approved 3 March, won 13 from no stage.
    V3 referral 2,000 EUR: approved 5 March, proposal 10, lost 20.
    V4 referral 2,000.50 EUR: approved 5 March, won 25.
    V5 resell: approved 5 March, qualified 6, still open.
    """
    rep, cm = ecosystem.partner_a_rep, ecosystem.channel_manager
    program = ecosystem.program
    v1 = submit(rep, program, 0, at(2), amount=Decimal("48000.00"))
    approve(v1, cm, at(4))
    move(v1, rep, "qualified", at(6))
    move(v1, rep, "proposal", at(14))
    move(v1, rep, "won", at(24))
    v2 = submit(
        rep,
        program,
        1,
        at(2),
        amount=Decimal("10000.00"),
        currency="USD",
        partner_role="influence",
    )
    approve(v2, cm, at(3))
    move(v2, cm, "won", at(13))
    v3 = submit(
        rep, program, 2, at(2), amount=Decimal("2000.00"), partner_role="referral"
    )
    approve(v3, cm, at(5))
    move(v3, rep, "proposal", at(10))
    move(v3, rep, "lost", at(20), lost_reason="Budget cut.")
    v4 = submit(
        rep, program, 3, at(2), amount=Decimal("2000.50"), partner_role="referral"
    )
    approve(v4, cm, at(5))
    move(v4, rep, "won", at(25))
    v5 = submit(rep, program, 4, at(2))
    approve(v5, cm, at(5))
    move(v5, rep, "qualified", at(6))


def _phases(figures: Any) -> list[tuple[Any, ...]]:
    return [
        (phase.key, phase.deals, phase.average_days, phase.median_days)
        for phase in figures.phases
    ]


def test_a_stage_move_is_kept_in_the_stage_history(ecosystem: Any) -> None:
    registration = submit(ecosystem.partner_a_rep, ecosystem.program, 0, at(2))
    approve(registration, ecosystem.channel_manager, at(3))

    move(registration, ecosystem.partner_a_rep, "proposal", at(4))

    step = DealStageChange.objects.get(registration=registration)
    assert (step.from_stage, step.to_stage, step.at, step.actor_role_label) == (
        "",
        "proposal",
        at(4),
        "Partner rep",
    )


def test_days_per_stage_and_the_partner_sales_cycle(ecosystem: Any) -> None:
    _won_and_lost(ecosystem)

    figures = selectors_velocity.velocity_for(
        ecosystem.vendor_admin, period_days=30, now=NOW
    )

    assert _phases(figures) == [
        # Submitted to approved: 2, 1, 3 and 3 days.
        ("review", 4, 2.25, 2.5),
        # Approved (or qualified) until the next stage: 10, 10, 5 and 20 days.
        ("qualified", 4, 11.25, 10.0),
        # Proposal until closed: 10 and 10 days.
        ("proposal", 2, 10.0, 10.0),
    ]
    partner = figures.partner
    assert (partner.won, partner.lost, partner.win_rate) == (3, 1, 0.75)
    # Submitted to closed: 22, 11, 18 and 23 days.
    assert (partner.average_days, partner.median_days) == (18.5, 20.0)
    assert partner.won_totals == [
        ("EUR", Decimal("50000.50")),
        ("USD", Decimal("10000.00")),
    ]


def test_sourced_and_influenced_revenue_per_currency(ecosystem: Any) -> None:
    _won_and_lost(ecosystem)

    figures = selectors_velocity.velocity_for(
        ecosystem.vendor_admin, period_days=30, now=NOW
    )

    # Resell and referral are sourced; the lost referral deal counts nowhere.
    assert (figures.sourced, figures.sourced_deals) == (
        [("EUR", Decimal("50000.50"))],
        2,
    )
    assert (figures.influenced, figures.influenced_deals) == (
        [("USD", Decimal("10000.00"))],
        1,
    )


def test_a_shorter_period_leaves_out_earlier_closes(ecosystem: Any) -> None:
    _won_and_lost(ecosystem)

    # From 21 March noon: only V1 (24 March) and V4 (25 March) closed.
    figures = selectors_velocity.velocity_for(
        ecosystem.vendor_admin, period_days=10, now=NOW
    )

    assert (figures.partner.won, figures.partner.lost) == (2, 0)
    assert figures.sourced == [("EUR", Decimal("50000.50"))]
    assert figures.influenced == []


def test_a_channel_manager_counts_only_their_partners_deals(ecosystem: Any) -> None:
    _won_and_lost(ecosystem)
    other = submit(
        ecosystem.partner_c_admin,
        ecosystem.other_program,
        5,
        at(2),
        amount=Decimal("99000.00"),
    )
    approve(other, ecosystem.vendor_admin, at(3))
    move(other, ecosystem.partner_c_admin, "won", at(20))

    managed = selectors_velocity.velocity_for(
        ecosystem.channel_manager, period_days=30, now=NOW
    )
    everything = selectors_velocity.velocity_for(
        ecosystem.vendor_admin, period_days=30, now=NOW
    )

    assert managed.sourced == [("EUR", Decimal("50000.50"))]
    assert everything.sourced == [("EUR", Decimal("149000.50"))]


def test_direct_cycle_compares_with_the_partners(ecosystem: Any) -> None:
    _won_and_lost(ecosystem)
    DirectOpportunityFactory(
        opened_on=datetime.date(2026, 1, 5),
        closed_on=datetime.date(2026, 3, 10),
        outcome="won",
        amount=Decimal("30000.00"),
        is_open=False,
    )
    DirectOpportunityFactory(
        opened_on=datetime.date(2026, 2, 1),
        closed_on=datetime.date(2026, 3, 20),
        outcome="lost",
        is_open=False,
    )
    # Closed before the period, and still open: neither counts.
    DirectOpportunityFactory(
        opened_on=datetime.date(2025, 12, 1),
        closed_on=datetime.date(2026, 2, 1),
        outcome="won",
    )
    DirectOpportunityFactory(opened_on=datetime.date(2026, 3, 1))

    figures = selectors_velocity.velocity_for(
        ecosystem.vendor_admin, period_days=30, now=NOW
    )

    direct = figures.direct
    assert direct is not None
    # 64 and 47 days from opened to closed.
    assert (direct.won, direct.lost, direct.average_days, direct.median_days) == (
        1,
        1,
        55.5,
        55.5,
    )
    assert direct.won_totals == [("EUR", Decimal("30000.00"))]


def test_without_closed_direct_data_there_is_no_comparison(ecosystem: Any) -> None:
    _won_and_lost(ecosystem)
    DirectOpportunityFactory(opened_on=datetime.date(2026, 3, 1))

    figures = selectors_velocity.velocity_for(
        ecosystem.vendor_admin, period_days=30, now=NOW
    )

    assert figures.direct is None


def test_a_direct_opportunity_cannot_close_before_it_opened(ecosystem: Any) -> None:
    with pytest.raises(ValidationError):
        services.save_direct_opportunity(
            actor=ecosystem.vendor_admin,
            external_id="SF-1",
            company_name="Backwards GmbH",
            country="DE",
            opened_on=datetime.date(2026, 3, 10),
            closed_on=datetime.date(2026, 3, 1),
            outcome="won",
        )

    assert not DirectOpportunity.objects.exists()


def test_velocity_reads_a_bounded_number_of_queries(
    ecosystem: Any, django_assert_max_num_queries: Any
) -> None:
    _won_and_lost(ecosystem)
    DirectOpportunityFactory(
        opened_on=datetime.date(2026, 3, 1),
        closed_on=datetime.date(2026, 3, 20),
        outcome="won",
    )

    with django_assert_max_num_queries(3):
        figures = selectors_velocity.velocity_for(
            ecosystem.vendor_admin, period_days=30, now=NOW
        )

    assert figures.partner.closed == 4
