"""axe-core (through axe-playwright-python) on the foundation's pages, as each persona.

Every page must have no WCAG 2.0/2.1 A or AA violation that axe can detect:
labels, names, contrast, landmarks, headings, ARIA.
"""

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from cairn.accounts.tests.factories import PASSWORD
from e2e.conftest import sign_in, verified

pytestmark = pytest.mark.django_db(transaction=True)

WCAG_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}
}

PAGES = {
    "cm@vendor.example": [
        "/console/",
        "/console/partners/",
        "/console/partners/{partner_a}/",
        "/console/programs/",
        "/activity/",
        "/console/deals/",
    ],
    "admin@vendor.example": [
        "/audit-log/",
        "/team/staff/",
        "/console/partners/new/",
    ],
    "ada@alpha.example": [
        "/partner/",
        "/partner/organization/",
        "/partner/organization/edit/",
        "/team/",
        "/account-settings/api-tokens/",
        "/account-settings/profile/",
        "/accounts/2fa/",
        "/deals/",
        "/deals/new/",
    ],
}


def _violations(page: Page) -> str:
    results = Axe().run(page, options=WCAG_AA)
    return results.generate_report() if results.violations_count else ""


def test_sign_in_page_has_no_accessibility_violations(
    page: Page, live_server: Any, db: Any
) -> None:
    page.goto(f"{live_server.url}/accounts/login/")

    assert _violations(page) == ""


@pytest.mark.parametrize("email", list(PAGES))
def test_pages_have_no_accessibility_violations(
    email: str, page: Page, live_server: Any, ecosystem: Any
) -> None:
    user = next(
        getattr(ecosystem, persona)
        for persona in ("channel_manager", "vendor_admin", "partner_a_admin")
        if getattr(ecosystem, persona).email == email
    )
    verified(user)
    sign_in(page, live_server.url, email, PASSWORD)
    reports = {}
    for path in PAGES[email]:
        url = live_server.url + path.format(partner_a=ecosystem.partner_a.pk)
        response = page.goto(url)
        assert response is not None
        assert response.status == 200, path
        reports[path] = _violations(page)

    assert reports == dict.fromkeys(PAGES[email], "")
