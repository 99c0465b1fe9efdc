"""The foundation's journeys, in a real browser."""

from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from cairn.accounts.tests.factories import PASSWORD
from e2e.conftest import sign_in, verified

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(ecosystem: Any) -> Any:
    for persona in (
        "channel_manager",
        "partner_a_admin",
        "partner_a_rep",
        "partner_b_rep",
    ):
        verified(getattr(ecosystem, persona))
    return ecosystem


def test_partner_rep_signs_in_and_sees_their_home(
    page: Page, live_server: Any, world: Any
) -> None:
    sign_in(page, live_server.url, "rex@alpha.example", PASSWORD)

    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Rex Rep")
    expect(page.get_by_text("Alpha Systems").first).to_be_visible()
    expect(page.get_by_role("heading", name="What to do next")).to_be_visible()
    programs = page.locator(
        "section", has=page.get_by_role("heading", name="Your programs")
    )
    expect(programs).to_contain_text("Resellers · Gold")


def test_partner_home_works_on_a_phone(
    phone_page: Page, live_server: Any, world: Any
) -> None:
    sign_in(phone_page, live_server.url, "rex@alpha.example", PASSWORD)

    expect(phone_page.get_by_role("heading", level=1)).to_have_text("Welcome, Rex Rep")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390


def test_partner_admin_invites_a_colleague_who_accepts_and_signs_in(
    page: Page, browser: Any, live_server: Any, world: Any, settings: Any
) -> None:
    settings.SITE_URL = live_server.url  # the address the invitation email links to
    sign_in(page, live_server.url, "ada@alpha.example", PASSWORD)
    page.goto(f"{live_server.url}/team/")
    page.get_by_label("Email").fill("nia@alpha.example")
    page.get_by_label("Role").select_option("partner_rep")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("nia@alpha.example").first).to_be_visible()

    assert len(mail.outbox) == 1
    link = next(word for word in mail.outbox[0].body.split() if "/invitations/" in word)
    guest = browser.new_context().new_page()
    guest.goto(link)
    guest.get_by_label("Full name").fill("Nia New")
    guest.locator("input[name=password1]").fill("a-long-new-password-1")
    guest.locator("input[name=password2]").fill("a-long-new-password-1")
    guest.get_by_role("button", name="Accept and create my account").click()
    expect(guest.get_by_role("heading", level=1)).to_have_text("Welcome, Nia New")
    guest.context.close()

    fresh = browser.new_context().new_page()
    sign_in(fresh, live_server.url, "nia@alpha.example", "a-long-new-password-1")
    expect(fresh.get_by_role("heading", level=1)).to_have_text("Welcome, Nia New")
    expect(fresh.get_by_text("Alpha Systems").first).to_be_visible()
    fresh.context.close()


def test_channel_manager_finds_a_partner_by_search(
    page: Page, live_server: Any, world: Any
) -> None:
    sign_in(page, live_server.url, "cm@vendor.example", PASSWORD)
    page.get_by_role("link", name="Partners", exact=True).click()
    page.get_by_role("searchbox").fill("beta")

    results = page.locator("#results")
    expect(results.get_by_role("link", name="Beta Solutions")).to_be_visible()
    expect(results.get_by_role("link", name="Alpha Systems")).to_have_count(0)
    results.get_by_role("link", name="Beta Solutions").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Beta Solutions")


def test_partner_b_typing_partner_a_address_gets_not_found(
    page: Page, live_server: Any, world: Any
) -> None:
    sign_in(page, live_server.url, "bo@beta.example", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Bo Beta")

    response = page.goto(f"{live_server.url}/console/partners/{world.partner_a.pk}/")

    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
    expect(page.get_by_text("Alpha Systems")).to_have_count(0)
