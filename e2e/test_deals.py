"""Deal registration in a real browser: a partner registers a customer another partner
already registered, sees the conflict's reasons (and nothing of the other partner),
and the channel manager sees both sides.
"""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from cairn.accounts.tests.factories import PASSWORD
from e2e.conftest import sign_in, verified

pytestmark = pytest.mark.django_db(transaction=True)


def _register(page: Page, base_url: str, *, customer: str, domain: str) -> None:
    page.goto(f"{base_url}/deals/new/")
    page.get_by_label("Customer company").fill(customer)
    page.get_by_label("Customer web domain").fill(domain)
    page.get_by_label("Country").select_option("DE")
    page.get_by_label("City").fill("Hamburg")
    page.get_by_label("Expected close date").fill("2027-03-31")
    page.get_by_role("spinbutton", name="Amount", exact=True).fill("48000.00")
    page.get_by_label("Product code").first.fill("CAIRN-ENT")
    page.get_by_role("spinbutton", name="Unit amount of line 1").fill("48000.00")
    page.get_by_role("button", name="Submit", exact=True).click()


def test_partner_sees_a_conflict_with_reasons_and_nothing_of_the_other_partner(
    browser: Any, live_server: Any, ecosystem: Any
) -> None:
    for persona in ("partner_b_rep", "partner_a_rep", "channel_manager"):
        verified(getattr(ecosystem, persona))

    first = browser.new_context().new_page()
    sign_in(first, live_server.url, "bo@beta.example", PASSWORD)
    _register(
        first,
        live_server.url,
        customer="Northwind Traders GmbH",
        domain="northwind.example",
    )
    expect(first.get_by_role("heading", level=1)).to_have_text("Northwind Traders GmbH")
    first.context.close()

    second = browser.new_context().new_page()
    sign_in(second, live_server.url, "rex@alpha.example", PASSWORD)
    _register(
        second,
        live_server.url,
        customer="Northwind Traders",
        domain="www.northwind.example",
    )

    conflicts = second.locator(
        "section", has=second.get_by_role("heading", name="Possible conflicts")
    )
    expect(conflicts).to_contain_text("Possible conflict")
    expect(conflicts).to_contain_text("SAME_DOMAIN")
    expect(second.get_by_text("Beta Solutions")).to_have_count(0)
    expect(second.get_by_text("bo@beta.example")).to_have_count(0)
    second.context.close()

    manager = browser.new_context().new_page()
    sign_in(manager, live_server.url, "cm@vendor.example", PASSWORD)
    manager.get_by_role("link", name="Deal reviews").click()
    manager.get_by_role("link", name="Northwind Traders", exact=True).click()
    expect(manager.get_by_text("Beta Solutions").first).to_be_visible()
    expect(manager.get_by_text("Alpha Systems").first).to_be_visible()
    manager.context.close()
