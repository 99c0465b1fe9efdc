"""The rules of engagement, walked in a real browser: a partner registers a deal that
collides with another partner's, sees the conflict's reason codes, the channel
manager decides it with a reason, the partner appeals, the review deadline passes
and escalates, the deal is approved, its protection is announced as ending and then
expires — and the partner's status history shows every step.

The scheduled jobs (escalation, reminders, expiry) are called directly with a
later `now`, as the scheduler would run them then.
"""

import datetime
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cairn.accounts.tests.factories import PASSWORD
from cairn.deals import services
from cairn.deals.models import DealRegistration
from cairn.deals.services._common import program_settings
from e2e.conftest import sign_in, verified
from e2e.test_deals import _register

pytestmark = pytest.mark.django_db(transaction=True)


def _history(page: Page) -> Any:
    return page.locator(
        "section", has=page.get_by_role("heading", name="Status history")
    )


def _decide_split(manager: Page, url: str, registration_pk: int, reason: str) -> None:
    manager.goto(f"{url}/console/deals/{registration_pk}/")
    manager.get_by_label("Split: both registrations proceed").check()
    manager.locator("form[action*='/resolve/'] textarea").fill(reason)
    manager.get_by_role("button", name="Decide the conflict").click()


def test_a_registration_walks_conflict_appeal_escalation_and_expiry(
    browser: Any, live_server: Any, ecosystem: Any
) -> None:
    for persona in ("partner_b_rep", "partner_a_rep", "channel_manager"):
        verified(getattr(ecosystem, persona))
    settings = program_settings(ecosystem.program)
    settings.second_approver = ecosystem.vendor_admin
    settings.save()
    url = live_server.url

    earlier = browser.new_context().new_page()
    sign_in(earlier, url, "bo@beta.example", PASSWORD)
    _register(earlier, url, customer="Contoso Pharma AG", domain="contoso.example")
    expect(earlier.get_by_role("heading", level=1)).to_have_text("Contoso Pharma AG")
    earlier.context.close()

    # The partner registers and sees the possible conflict with its reason codes.
    partner = browser.new_context().new_page()
    sign_in(partner, url, "rex@alpha.example", PASSWORD)
    _register(partner, url, customer="Contoso Pharma", domain="shop.contoso.example")
    conflicts = partner.locator(
        "section", has=partner.get_by_role("heading", name="Possible conflicts")
    )
    expect(conflicts).to_contain_text("SAME_DOMAIN")
    expect(conflicts).to_contain_text("Waiting for a decision")
    registration_url = partner.url
    registration = DealRegistration.objects.get(customer_name="Contoso Pharma")

    # The channel manager decides the conflict with a reason.
    manager = browser.new_context().new_page()
    sign_in(manager, url, "cm@vendor.example", PASSWORD)
    _decide_split(
        manager, url, registration.pk, "Different business units of the customer."
    )
    expect(manager.get_by_text("Different business units").first).to_be_visible()

    # The partner sees the decision and appeals it, once.
    partner.goto(registration_url)
    expect(conflicts).to_contain_text("Split: both registrations proceed")
    partner.get_by_label("Why should the decision change?").fill(
        "We introduced the customer to the product in 2025."
    )
    partner.get_by_role("button", name="Appeal").click()
    expect(conflicts).to_contain_text("Your appeal:")
    expect(partner.get_by_role("button", name="Appeal")).to_have_count(0)

    # Nobody decides in time: the review deadlines of both registrations pass and
    # escalate.
    later = timezone.now() + datetime.timedelta(days=10)
    assert services.escalate_overdue_reviews(now=later) == 2

    # The channel manager decides the appeal, then approves the registration.
    _decide_split(manager, url, registration.pk, "Appeal reviewed: the split stands.")
    manager.get_by_label("Reason or question for the partner").fill(
        "Qualified opportunity."
    )
    manager.get_by_role("button", name="Approve").click()
    expect(manager.get_by_text("Approved").first).to_be_visible()
    manager.context.close()

    # Protection is announced as ending, then ends.
    registration.refresh_from_db()
    expires = registration.protection_expires_at
    assert expires is not None
    assert (
        services.remind_expiring_protection(now=expires - datetime.timedelta(days=10))
        == 1
    )
    assert services.expire_protection(now=expires + datetime.timedelta(seconds=1)) == 1

    # The partner's history shows every step, with roles and never a name.
    partner.goto(registration_url)
    history = _history(partner)
    for step in (
        "Submitted",
        "Possible conflict decided: Split",
        "Conflict decision appealed",
        "escalated to the second approver",
        "Approved",
        "Reminder: protection ends on",
        "Expired",
        "The protection period ended.",
        "Channel manager",
        "Automatic rule",
    ):
        expect(history).to_contain_text(step)
    expect(history).not_to_contain_text("Casey")
    partner.context.close()
