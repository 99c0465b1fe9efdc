"""The pipeline pages: board and list for partners and vendor staff, the CSV export
and its scope, moving a deal's stage from the board; the service-level and velocity
pages and the partners' view of the vendor's time to decision.
"""

import csv
import io
from decimal import Decimal
from typing import Any

import time_machine
from django.test import Client
from django.urls import reverse

from cairn.deals.models import DealRegistration, DealStageChange
from cairn.deals.tests.factories import DealRegistrationFactory
from cairn.deals.tests.pipeline_support import approve, at, move, submit

NOW = at(31, 12)


def _pipeline(ecosystem: Any) -> dict[str, DealRegistration]:
    """Deals in every column for partner A's rep, one for their colleague, one of
    partner B and one of partner C (in the program the channel manager does not
    manage).
    """
    rep, cm = ecosystem.partner_a_rep, ecosystem.channel_manager
    program = ecosystem.program
    deals = {
        "pending": submit(rep, program, 0, at(2), amount=Decimal("1000.00")),
        "pending_usd": submit(
            rep, program, 1, at(2), amount=Decimal("500.00"), currency="USD"
        ),
        "approved": approve(
            submit(rep, program, 2, at(2), amount=Decimal("2000.00")), cm, at(3)
        ),
        "proposal": approve(
            submit(rep, program, 3, at(2), amount=Decimal("3000.00")), cm, at(3)
        ),
        "won": approve(
            submit(rep, program, 4, at(2), amount=Decimal("4000.00")), cm, at(3)
        ),
        "lost": approve(
            submit(rep, program, 5, at(2), amount=Decimal("100.00")), cm, at(3)
        ),
        "colleague": submit(
            ecosystem.partner_a_second_rep, program, 6, at(2), amount=Decimal("700")
        ),
        "partner_b": submit(
            ecosystem.partner_b_rep, program, 7, at(2), amount=Decimal("9999.00")
        ),
        "partner_c": approve(
            submit(ecosystem.partner_c_admin, ecosystem.other_program, 8, at(2)),
            ecosystem.vendor_admin,
            at(3),
        ),
    }
    move(deals["proposal"], rep, "proposal", at(4))
    move(deals["won"], rep, "won", at(4))
    move(deals["lost"], rep, "lost", at(4), lost_reason="Went with a competitor.")
    return deals


def _board(response: Any) -> list[tuple[str, int, list[tuple[str, Decimal]]]]:
    return [
        (column.key, column.count, column.totals)
        for column in response.context["columns"]
    ]


def _names(response: Any) -> list[str]:
    return sorted(
        card.registration.customer_name
        for column in response.context["columns"]
        for card in column.cards
    )


def _export(client: Client, url: str, query: str = "") -> list[list[str]]:
    response = client.get(reverse(url) + query)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    content = response.getvalue().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content)))


def test_a_rep_board_shows_their_deals_by_stage_with_sums_per_currency(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    _pipeline(ecosystem)

    response = clients["partner_a_rep"].get(reverse("deals:pipeline"))

    assert response.status_code == 200
    assert _board(response) == [
        ("review", 2, [("EUR", Decimal("1000.00")), ("USD", Decimal("500.00"))]),
        ("qualified", 1, [("EUR", Decimal("2000.00"))]),
        ("proposal", 1, [("EUR", Decimal("3000.00"))]),
        ("won", 1, [("EUR", Decimal("4000.00"))]),
        ("lost", 1, [("EUR", Decimal("100.00"))]),
    ]
    assert _names(response) == [
        "Basalt Mining Pty",
        "Kestrel Foods Ltd",
        "Nordwind Logistik GmbH",
        "Orchid Pharma SpA",
        "Quill Publishing Inc",
        "Tundra Energy AS",
    ]
    content = response.content.decode()
    assert '<li class="nowrap">1,000.00 EUR</li>' in content
    assert '<li class="nowrap">500.00 USD</li>' in content


def test_a_partner_admin_board_holds_the_organization_and_nothing_of_partner_b(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    _pipeline(ecosystem)

    response = clients["partner_a_admin"].get(reverse("deals:pipeline"))

    assert _board(response)[0] == (
        "review",
        3,
        [("EUR", Decimal("1700.00")), ("USD", Decimal("500.00"))],
    )
    assert "Juniper Textiles SL" not in response.content.decode()
    assert "Cobalt Robotics KK" not in response.content.decode()


def test_vendor_boards_follow_the_staff_member_scope(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    _pipeline(ecosystem)

    managed = clients["channel_manager"].get(reverse("deals:console_pipeline"))
    everything = clients["vendor_admin"].get(reverse("deals:console_pipeline"))

    assert _board(managed)[:2] == [
        ("review", 4, [("EUR", Decimal("11699.00")), ("USD", Decimal("500.00"))]),
        ("qualified", 1, [("EUR", Decimal("2000.00"))]),
    ]
    assert _board(everything)[1] == ("qualified", 2, [("EUR", Decimal("3000.00"))])
    # The vendor's board moves nothing: reviewers use the review page.
    assert all(
        not card.next_stages
        for column in everything.context["columns"]
        for card in column.cards
    )


def test_board_filters_and_their_partial(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    _pipeline(ecosystem)
    url = reverse("deals:console_pipeline")

    by_partner = clients["vendor_admin"].get(url, {"partner": "beta"})
    by_stage = clients["vendor_admin"].get(url, {"sales_stage": "won"})
    by_search = clients["vendor_admin"].get(url, {"search": "quill"})
    by_close = clients["vendor_admin"].get(
        url, {"close_from": "2026-07-01", "close_to": "2026-12-31"}
    )
    partial = clients["vendor_admin"].get(
        url,
        {"program": ecosystem.other_program.pk},
        headers={"HX-Request": "true", "HX-Target": "results"},
    )

    assert _names(by_partner) == ["Juniper Textiles SL"]
    assert _names(by_stage) == ["Quill Publishing Inc"]
    assert _names(by_search) == ["Quill Publishing Inc"]
    assert _names(by_close) == []
    partial_content = partial.content.decode()
    assert "Cobalt Robotics KK" in partial_content
    assert "Nordwind Logistik GmbH" not in partial_content
    assert "<h1>" not in partial_content


def test_an_inverted_close_range_is_a_field_error(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    _pipeline(ecosystem)

    response = clients["partner_a_rep"].get(
        reverse("deals:pipeline"),
        {"close_from": "2026-12-31", "close_to": "2026-01-01", "view": "list"},
    )

    assert response.status_code == 200
    assert "Choose a date on or after the first one." in response.content.decode()
    # The valid start date still filters: nothing closes after 31 December.
    assert response.context["paginator"].count == 0


def test_the_list_view_pages_the_filtered_pipeline(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    _pipeline(ecosystem)

    response = clients["partner_a_admin"].get(
        reverse("deals:pipeline"), {"view": "list", "status": "submitted"}
    )

    assert [r.customer_name for r in response.context["page_obj"].object_list] == [
        "Nordwind Logistik GmbH",
        "Kestrel Foods Ltd",
        "Marlin Shipping BV",
    ]


def test_the_partner_export_holds_exactly_the_partner_scope(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    deals = _pipeline(ecosystem)

    rows = _export(clients["partner_a_admin"], "deals:pipeline_export")
    rep_rows = _export(clients["partner_a_rep"], "deals:pipeline_export")
    b_rows = _export(clients["partner_b_rep"], "deals:pipeline_export")

    assert rows[0] == [
        "id",
        "customer_name",
        "customer_domain",
        "country",
        "program",
        "partner",
        "registered_by",
        "status",
        "sales_stage",
        "partner_role",
        "deal_type",
        "amount",
        "currency",
        "expected_close_date",
        "submitted_at",
        "decided_at",
        "protection_expires_at",
    ]
    assert sorted(int(row[0]) for row in rows[1:]) == sorted(
        deals[key].pk
        for key in (
            "pending",
            "pending_usd",
            "approved",
            "proposal",
            "won",
            "lost",
            "colleague",
        )
    )
    assert len(rep_rows) == 1 + 6
    assert [row[1] for row in b_rows[1:]] == ["Juniper Textiles SL"]
    won = next(row for row in rows if row[0] == str(deals["won"].pk))
    assert won[4:] == [
        "Resellers",
        "Alpha Systems",
        "Rex Rep",
        "approved",
        "won",
        "resell",
        "new",
        "4000.00",
        "EUR",
        "2026-06-30",
        "2026-03-02T09:00:00+00:00",
        "2026-03-03T09:00:00+00:00",
        "2026-06-01T09:00:00+00:00",
    ]


def test_the_export_applies_the_page_filters(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    _pipeline(ecosystem)

    rows = _export(
        clients["channel_manager"], "deals:console_pipeline_export", "?status=approved"
    )
    everything = _export(clients["channel_manager"], "deals:console_pipeline_export")

    assert sorted(row[1] for row in rows[1:]) == [
        "Basalt Mining Pty",
        "Orchid Pharma SpA",
        "Quill Publishing Inc",
        "Tundra Energy AS",
    ]
    # Partner C is in a program the channel manager does not manage.
    assert "Cobalt Robotics KK" not in {row[1] for row in everything[1:]}
    assert len(everything) == 1 + 8


def test_the_export_defuses_spreadsheet_formulas(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    DealRegistrationFactory(
        registered_by=ecosystem.partner_a_rep,
        program=ecosystem.program,
        customer_name='=HYPERLINK("http://evil.example","Click")',
        customer_domain="+evil.example",
    )
    DealRegistrationFactory(
        registered_by=ecosystem.partner_a_rep,
        program=ecosystem.program,
        customer_name="@SUM(1+1)",
        customer_domain="-minus.example",
    )

    rows = _export(clients["partner_a_rep"], "deals:pipeline_export")

    assert sorted((row[1], row[2]) for row in rows[1:]) == [
        ('\'=HYPERLINK("http://evil.example","Click")', "'+evil.example"),
        ("'@SUM(1+1)", "'-minus.example"),
    ]


def test_a_rep_moves_their_approved_deal_from_the_board(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    deals = _pipeline(ecosystem)
    board = reverse("deals:pipeline") + "?program=" + str(ecosystem.program.pk)

    with time_machine.travel(NOW, tick=False):
        response = clients["partner_a_rep"].post(
            reverse("deals:pipeline_stage", args=[deals["approved"].pk]),
            {"stage": "proposal", "next": board},
        )

    assert response.status_code == 302
    assert response["Location"] == board
    deals["approved"].refresh_from_db()
    assert deals["approved"].sales_stage == "proposal"
    step = DealStageChange.objects.get(registration=deals["approved"])
    assert (step.to_stage, step.at) == ("proposal", NOW)


def test_the_board_offers_each_deal_its_next_stages(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    deals = _pipeline(ecosystem)

    response = clients["partner_a_rep"].get(reverse("deals:pipeline"))

    offered = {
        card.registration.pk: [value for value, _ in card.next_stages]
        for column in response.context["columns"]
        for card in column.cards
    }
    assert offered[deals["approved"].pk] == ["qualified", "proposal", "won", "lost"]
    assert offered[deals["proposal"].pk] == ["qualified", "won", "lost"]
    assert offered[deals["won"].pk] == []
    assert offered[deals["pending"].pk] == []
    assert (
        reverse("deals:pipeline_stage", args=[deals["approved"].pk])
        in response.content.decode()
    )


def test_a_lost_move_needs_its_reason_and_changes_nothing_without(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    deals = _pipeline(ecosystem)

    response = clients["partner_a_rep"].post(
        reverse("deals:pipeline_stage", args=[deals["proposal"].pk]),
        {"stage": "lost", "lost_reason": " ", "next": "https://evil.example/"},
        follow=True,
    )

    assert response.redirect_chain == [(reverse("deals:pipeline"), 302)]
    assert "Say why the deal was lost." in response.content.decode()
    deals["proposal"].refresh_from_db()
    assert deals["proposal"].sales_stage == "proposal"
    assert DealStageChange.objects.filter(registration=deals["proposal"]).count() == 1


def test_a_final_stage_is_not_moved_from_the_board(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    deals = _pipeline(ecosystem)

    response = clients["partner_a_rep"].post(
        reverse("deals:pipeline_stage", args=[deals["won"].pk]),
        {"stage": "qualified"},
        follow=True,
    )

    assert "A deal cannot move to Qualified now." in response.content.decode()
    deals["won"].refresh_from_db()
    assert deals["won"].sales_stage == "won"


def test_nobody_else_moves_a_rep_deal_from_the_board(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    deals = _pipeline(ecosystem)
    url = reverse("deals:pipeline_stage", args=[deals["approved"].pk])

    answers = {
        persona: clients[persona].post(url, {"stage": "won"}).status_code
        for persona in (
            "partner_a_second_rep",
            "partner_b_rep",
            "vendor_admin",
            "channel_manager",
        )
    }
    pending = clients["partner_a_rep"].post(
        reverse("deals:pipeline_stage", args=[deals["pending"].pk]), {"stage": "won"}
    )

    assert answers == {
        "partner_a_second_rep": 404,
        "partner_b_rep": 404,
        "vendor_admin": 403,
        "channel_manager": 403,
    }
    assert pending.status_code == 403
    deals["approved"].refresh_from_db()
    assert deals["approved"].sales_stage == ""
    assert not DealStageChange.objects.filter(
        registration__in=[deals["approved"], deals["pending"]]
    ).exists()


def _more_deals(ecosystem: Any, count: int) -> None:
    for number in range(count):
        DealRegistrationFactory(
            registered_by=ecosystem.partner_a_rep,
            program=ecosystem.program,
            customer_name=f"Extra {number} Ltd",
            status="approved" if number % 2 else "submitted",
            sales_stage="proposal" if number % 2 else "",
        )


def test_board_list_and_export_read_a_bounded_number_of_queries(
    ecosystem: Any, clients: dict[str, Client], django_assert_max_num_queries: Any
) -> None:
    _pipeline(ecosystem)
    _more_deals(ecosystem, 30)
    client = clients["partner_a_admin"]

    with django_assert_max_num_queries(9):
        board = client.get(reverse("deals:pipeline"))
    with django_assert_max_num_queries(9):
        listed = client.get(reverse("deals:pipeline"), {"view": "list"})
    with django_assert_max_num_queries(6):
        response = client.get(reverse("deals:pipeline_export"))
        rows = response.getvalue().decode("utf-8-sig").splitlines()

    assert sum(column.count for column in board.context["columns"]) == 37
    assert listed.context["paginator"].count == 37
    assert len(rows) == 1 + 37


def test_vendor_board_and_export_read_a_bounded_number_of_queries(
    ecosystem: Any, clients: dict[str, Client], django_assert_max_num_queries: Any
) -> None:
    _pipeline(ecosystem)
    _more_deals(ecosystem, 30)
    client = clients["channel_manager"]

    with django_assert_max_num_queries(9):
        board = client.get(reverse("deals:console_pipeline"))
    with django_assert_max_num_queries(6):
        response = client.get(reverse("deals:console_pipeline_export"))
        content = response.getvalue()

    assert sum(column.count for column in board.context["columns"]) == 38
    assert len(content.decode("utf-8-sig").splitlines()) == 1 + 38


def test_the_board_shows_the_first_cards_of_a_long_column(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    _more_deals(ecosystem, 60)

    response = clients["partner_a_rep"].get(reverse("deals:pipeline"))

    review = response.context["columns"][0]
    assert (review.count, len(review.cards), review.hidden) == (30, 25, 5)
    assert "5 more" in response.content.decode()


def test_the_export_and_view_links_carry_the_filters(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    response = clients["partner_a_rep"].get(
        reverse("deals:pipeline"),
        {"search": "quill", "status": "", "view": "board", "page": "2"},
        headers={"HX-Request": "true", "HX-Target": "results"},
    )

    content = response.content.decode()
    assert 'href="/deals/pipeline/export.csv?search=quill"' in content
    assert 'href="/deals/pipeline/?search=quill&amp;view=list"' in content


def test_a_boosted_move_comes_back_to_the_whole_board_with_its_message(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    deals = _pipeline(ecosystem)
    client = clients["partner_a_rep"]

    moved = client.post(
        reverse("deals:pipeline_stage", args=[deals["approved"].pk]),
        {"stage": "won"},
        headers={"HX-Request": "true", "HX-Boosted": "true"},
    )
    board = client.get(moved["Location"], headers={"HX-Request": "true"})

    content = board.content.decode()
    assert "<h1>Deal pipeline</h1>" in content
    assert "Orchid Pharma SpA moved to Won." in content
