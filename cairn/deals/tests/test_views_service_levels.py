"""The service-level and velocity pages of the console, and the vendor's time to
decision shown to partners on their deal list and registration detail.
"""

from typing import Any

import time_machine
from django.test import Client
from django.urls import reverse

from cairn.deals.tests.pipeline_support import approve, at, move, submit

NOW = at(31, 12)


def _decided(ecosystem: Any, count: int) -> list[Any]:
    """Decide `count` registrations of partner B, the n-th after n + 1 hours."""
    registrations = []
    for number in range(count):
        registration = submit(
            ecosystem.partner_b_rep, ecosystem.program, number, at(23)
        )
        approve(registration, ecosystem.channel_manager, at(23, 10 + number))
        registrations.append(registration)
    return registrations


def test_the_service_level_page_shows_the_period_figures(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    _decided(ecosystem, 3)

    with time_machine.travel(NOW, tick=False):
        response = clients["channel_manager"].get(
            reverse("deals:service_levels"), {"period": "30"}
        )

    figures = response.context["figures"]
    assert (figures.period_days, figures.overall.decided) == (30, 3)
    assert (figures.overall.median_hours, figures.overall.p90_hours) == (2.0, 3.0)
    content = response.content.decode()
    assert "2.0 hours" in content
    assert "Casey Manager" in content
    assert "100%" in content


def test_a_bad_period_falls_back_to_ninety_days(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    response = clients["vendor_admin"].get(
        reverse("deals:service_levels"), {"period": "7"}
    )

    assert response.status_code == 200
    assert response.context["figures"].period_days == 90


def test_the_service_level_page_reads_a_bounded_number_of_queries(
    ecosystem: Any, clients: dict[str, Client], django_assert_max_num_queries: Any
) -> None:
    _decided(ecosystem, 8)

    with time_machine.travel(NOW, tick=False), django_assert_max_num_queries(6):
        response = clients["vendor_admin"].get(reverse("deals:service_levels"))

    assert response.context["figures"].overall.decided == 8


def test_the_velocity_page_shows_stages_and_revenue(
    ecosystem: Any, clients: dict[str, Client], django_assert_max_num_queries: Any
) -> None:
    won = _decided(ecosystem, 1)[0]
    move(won, ecosystem.partner_b_rep, "won", at(26))

    with time_machine.travel(NOW, tick=False), django_assert_max_num_queries(6):
        response = clients["vendor_admin"].get(reverse("deals:velocity"))

    figures = response.context["figures"]
    assert figures.sourced == [("EUR", won.amount)]
    content = response.content.decode()
    assert "1,000.00 EUR" in content
    assert "nothing to compare with yet" in content


def test_partners_see_the_vendor_median_but_never_who_decided(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    _decided(ecosystem, 5)
    own = submit(ecosystem.partner_a_rep, ecosystem.program, 6, at(30))

    with time_machine.travel(NOW, tick=False):
        listed = clients["partner_a_rep"].get(reverse("deals:registration_list"))
        detail = clients["partner_a_rep"].get(
            reverse("deals:registration_detail", args=[own.pk])
        )

    # Partner B's decisions took 1 to 5 hours: the median is 3.
    for response in (listed, detail):
        content = response.content.decode()
        assert "3.0 hours" in content
        assert "Casey Manager" not in content
    assert detail.context["decision_time"].program_name == "Resellers"


def test_partners_see_no_figure_below_five_decisions(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    _decided(ecosystem, 4)

    with time_machine.travel(NOW, tick=False):
        response = clients["partner_a_admin"].get(reverse("deals:registration_list"))

    content = response.content.decode()
    assert "not enough decisions yet" in content
    assert "2.5 hours" not in content
