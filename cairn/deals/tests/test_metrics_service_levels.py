"""Service levels: time to decision per program and approver, deadline compliance,
overdue registrations and escalations; the partners' view of the median.
"""

from typing import Any

import pytest
import time_machine

from cairn.core.access import NotFound
from cairn.deals import selectors_metrics, selectors_velocity, services
from cairn.deals.tests.factories import DealProgramSettingsFactory
from cairn.deals.tests.pipeline_support import approve, at, submit


def _scenario(ecosystem: Any) -> dict[str, Any]:
    """Six registrations with known decisions, as of Tuesday 31 March 2026 noon.

    1. Monday 2 March 09:00, approved by the channel manager at 14:00: 5 hours.
    2. Friday 6 March 10:00, rejected by the vendor admin on Monday 10:00: 24 weekday
       hours (the weekend does not count), within the Tuesday 10:00 deadline.
    3. Monday 9 March 09:00, more information requested on Thursday 09:00: 72 hours,
       past the Wednesday deadline; answered and approved later (not a first
       decision).
    4. Tuesday 17 March 09:00, still pending: escalated on Friday 20 March, overdue.
    5. Monday 2 February 09:00, approved at 10:00: before a 30-day period.
    6. Partner C (the other program) Monday 23 March 09:00, approved at 11:00: 2 hours.
    """
    rep, cm, admin = (
        ecosystem.partner_a_rep,
        ecosystem.channel_manager,
        ecosystem.vendor_admin,
    )
    first = submit(rep, ecosystem.program, 0, at(2))
    approve(first, cm, at(2, 14))
    second = submit(ecosystem.partner_b_rep, ecosystem.program, 1, at(6, 10))
    with time_machine.travel(at(9, 10), tick=False):
        services.reject_registration(second, actor=admin, reason="Not our market.")
    third = submit(rep, ecosystem.program, 2, at(9))
    with time_machine.travel(at(12), tick=False):
        services.request_more_information(third, actor=cm, reason="Which products?")
    with time_machine.travel(at(12, 15), tick=False):
        services.update_draft(third, actor=rep, notes="Enterprise seats.")
        services.submit_registration(third, actor=rep)
    approve(third, cm, at(13))
    fourth = submit(rep, ecosystem.program, 3, at(17))
    with time_machine.travel(at(20), tick=False):
        assert services.escalate_overdue_reviews() == 1
    fifth = submit(rep, ecosystem.program, 4, at(2, month=2))
    approve(fifth, cm, at(2, 10, month=2))
    sixth = submit(ecosystem.partner_c_admin, ecosystem.other_program, 5, at(23))
    approve(sixth, admin, at(23, 11))
    return {"pending": fourth}


def _row(row: Any) -> tuple[Any, ...]:
    return (
        row.label,
        row.decided,
        row.median_hours,
        row.p90_hours,
        row.within_deadline,
        row.overdue,
        row.escalations,
    )


NOW = at(31, 12)


def test_service_levels_per_program_and_approver_for_the_vendor_admin(
    ecosystem: Any,
) -> None:
    _scenario(ecosystem)

    figures = selectors_metrics.service_levels_for(
        ecosystem.vendor_admin, period_days=30, now=NOW
    )

    # Hours 2, 5, 24, 72: median 14.5, 90th percentile (nearest rank 4 of 4) 72.
    assert _row(figures.overall) == ("All programs", 4, 14.5, 72.0, 3, 1, 1)
    assert figures.overall.compliance == 0.75
    assert figures.overall.compliance_text == "75%"
    assert [_row(row) for row in figures.by_program] == [
        ("Referral", 1, 2.0, 2.0, 1, 0, 0),
        ("Resellers", 3, 24.0, 72.0, 2, 1, 1),
    ]
    assert [_row(row) for row in figures.by_approver] == [
        ("Casey Manager", 2, 38.5, 72.0, 1, None, None),
        ("Val Admin", 2, 13.0, 24.0, 2, None, None),
    ]


def test_a_longer_period_takes_in_older_decisions(ecosystem: Any) -> None:
    _scenario(ecosystem)

    figures = selectors_metrics.service_levels_for(
        ecosystem.vendor_admin, period_days=90, now=NOW
    )

    # Hours 1, 2, 5, 24, 72: the median is the third; 90th percentile the fifth.
    assert _row(figures.overall) == ("All programs", 5, 5.0, 72.0, 4, 1, 1)
    assert figures.overall.median_text == "5.0 hours"
    assert figures.overall.p90_text == "3.0 business days"


def test_a_channel_manager_measures_only_their_partners(ecosystem: Any) -> None:
    _scenario(ecosystem)

    figures = selectors_metrics.service_levels_for(
        ecosystem.channel_manager, period_days=30, now=NOW
    )

    assert _row(figures.overall) == ("All programs", 3, 24.0, 72.0, 2, 1, 1)
    assert [row.label for row in figures.by_program] == ["Resellers"]
    assert [row.label for row in figures.by_approver] == [
        "Casey Manager",
        "Val Admin",
    ]


def test_an_automatic_approval_is_its_own_approver(ecosystem: Any) -> None:
    DealProgramSettingsFactory(program=ecosystem.program, auto_approve_on_breach=True)
    submit(ecosystem.partner_a_rep, ecosystem.program, 0, at(2))
    with time_machine.travel(at(4, 10), tick=False):
        services.escalate_overdue_reviews()

    figures = selectors_metrics.service_levels_for(
        ecosystem.vendor_admin, period_days=30, now=NOW
    )

    # Approved on Wednesday 10:00, one hour past the Wednesday 09:00 deadline.
    assert [_row(row) for row in figures.by_approver] == [
        ("Automatic rule", 1, 49.0, 49.0, 0, None, None),
    ]


def test_partners_are_refused_the_vendor_figures(ecosystem: Any) -> None:
    with pytest.raises(NotFound):
        selectors_metrics.service_levels_for(ecosystem.partner_a_admin, now=NOW)
    with pytest.raises(NotFound):
        selectors_velocity.velocity_for(ecosystem.partner_a_admin, now=NOW)


def test_partners_see_the_program_median_once_five_decisions_were_made(
    ecosystem: Any,
) -> None:
    _scenario(ecosystem)

    before = selectors_metrics.decision_times_for(ecosystem.partner_a_rep, now=NOW)
    # A seventh decision, three hours after its submission, makes five in 90 days.
    seventh = submit(ecosystem.partner_b_rep, ecosystem.program, 6, at(30))
    approve(seventh, ecosystem.channel_manager, at(30, 12))
    after = selectors_metrics.decision_times_for(ecosystem.partner_a_rep, now=NOW)

    assert [(t.program_name, t.decided, t.is_measured) for t in before] == [
        ("Resellers", 4, False)
    ]
    assert before[0].median_text == "—"
    # Hours 1, 3, 5, 24, 72 of every partner's registrations: the median is 5.
    assert [(t.program_name, t.decided, t.median_hours) for t in after] == [
        ("Resellers", 5, 5.0)
    ]
    assert after[0].median_text == "5.0 hours"


def test_service_levels_read_a_bounded_number_of_queries(
    ecosystem: Any, django_assert_max_num_queries: Any
) -> None:
    _scenario(ecosystem)
    for number in range(6, 12):
        registration = submit(
            ecosystem.partner_a_rep, ecosystem.program, number, at(24)
        )
        approve(registration, ecosystem.channel_manager, at(24, 10 + number))

    with django_assert_max_num_queries(3):
        figures = selectors_metrics.service_levels_for(
            ecosystem.vendor_admin, period_days=30, now=NOW
        )

    assert figures.overall.decided == 10


def test_the_partner_median_reads_the_latest_decisions_only(
    ecosystem: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(selectors_metrics, "PARTNER_SAMPLE", 3)
    monkeypatch.setattr(selectors_metrics, "PARTNER_MIN_DECISIONS", 1)
    for number in range(5):
        registration = submit(
            ecosystem.partner_b_rep, ecosystem.program, number, at(23)
        )
        approve(registration, ecosystem.channel_manager, at(23, 10 + number))

    times = selectors_metrics.decision_times_for(ecosystem.partner_a_rep, now=NOW)

    # The latest three decisions took 3, 4 and 5 hours.
    assert [(t.decided, t.median_hours) for t in times] == [(3, 4.0)]
