"""The pipeline board in a real browser: a partner rep moves an approved deal to
proposal from the board, the board's columns follow, the export link carries the
filters, and the board and console figures pages pass axe's WCAG A and AA checks.
"""

import re
from decimal import Decimal
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from cairn.accounts.tests.factories import PASSWORD
from cairn.deals import services
from cairn.deals.tests.pipeline_support import customer
from e2e.conftest import sign_in, verified

pytestmark = pytest.mark.django_db(transaction=True)

WCAG_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}
}


def _violations(page: Page) -> str:
    results = Axe().run(page, options=WCAG_AA)
    return results.generate_report() if results.violations_count else ""


def _approved(ecosystem: Any, number: int, **overrides: Any) -> Any:
    registration = services.register_deal(
        actor=ecosystem.partner_a_rep,
        program=ecosystem.program,
        **customer(number, **overrides),
    )
    return services.approve_registration(registration, actor=ecosystem.vendor_admin)


def test_a_rep_moves_a_deal_on_the_board(
    page: Page, live_server: Any, ecosystem: Any
) -> None:
    verified(ecosystem.partner_a_rep)
    _approved(ecosystem, 0, amount=Decimal("48000.00"))
    _approved(ecosystem, 1, amount=Decimal("1500.00"), currency="USD")
    sign_in(page, live_server.url, "rex@alpha.example", PASSWORD)

    page.goto(f"{live_server.url}/deals/pipeline/")
    assert _violations(page) == ""
    qualified = page.get_by_role("region", name="Approved, qualified")
    expect(qualified).to_contain_text("2 deals")
    expect(qualified).to_contain_text("48,000.00 EUR")
    expect(qualified).to_contain_text("1,500.00 USD")
    page.get_by_label("Move Nordwind Logistik GmbH to").select_option("proposal")
    page.locator(
        "form", has=page.get_by_label("Move Nordwind Logistik GmbH to")
    ).get_by_role("button", name="Move").click()

    proposal = page.get_by_role("region", name="Proposal")
    expect(
        page.get_by_text("Nordwind Logistik GmbH moved to Proposal.")
    ).to_be_visible()
    expect(proposal).to_contain_text("Nordwind Logistik GmbH")
    expect(qualified).to_contain_text("1 deal")

    page.get_by_label("Customer").fill("kestrel")
    page.get_by_label("Customer").press("Enter")
    export = page.get_by_role("button", name="Export CSV")
    expect(export).to_have_attribute(
        "href", re.compile(r"export\.csv\?.*search=kestrel")
    )
    expect(page.get_by_role("region", name="Proposal")).not_to_contain_text("Nordwind")


@pytest.mark.parametrize(
    "path",
    [
        "/console/deals/pipeline/",
        "/console/deals/pipeline/?view=list",
        "/console/deals/service-levels/",
        "/console/deals/velocity/",
    ],
)
def test_console_figures_pages_are_accessible(
    path: str, page: Page, live_server: Any, ecosystem: Any
) -> None:
    verified(ecosystem.channel_manager)
    _approved(ecosystem, 0)
    sign_in(page, live_server.url, "cm@vendor.example", PASSWORD)

    response = page.goto(live_server.url + path)

    assert response is not None
    assert response.status == 200
    assert _violations(page) == ""
