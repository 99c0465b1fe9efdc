"""Learning in a real browser, end to end: a partner rep is enrolled in a path by a
rule, takes a lesson, tests out of a module, passes the course exam, is certified,
is reminded before the certification expires, and renews it by passing the exam
again.

The authoring (course, exam, path, rule, certification) is done through the
services, as the back office does. The clock is moved with time-machine, in this
process, where the live server runs too.
"""

import datetime
from typing import Any

import pytest
import time_machine
from django.core import mail
from playwright.sync_api import Page, expect

from cairn.accounts.choices import JobFunction
from cairn.accounts.tests.factories import PASSWORD
from cairn.learning.models import CertificationAward
from cairn.learning.services import catalog
from cairn.learning.services.certifications import (
    create_certification,
    remind_expiring_awards,
)
from cairn.learning.services.enrollment import (
    apply_enrollment_rule,
    create_enrollment_rule,
)
from cairn.learning.tests.support_assessments import choice, quiz
from e2e.conftest import sign_in, verified

pytestmark = pytest.mark.django_db(transaction=True)


def _build_catalog() -> Any:
    course = catalog.create_course(slug="firewalls", title="Firewalls", actor=None)
    draft = catalog.draft_of(course)
    basics = catalog.add_module(draft, title="Basics", actor=None)
    for title in ("What a firewall does", "Rules and zones"):
        catalog.add_lesson(basics, title=title, body=f"About {title}.", actor=None)
    advanced = catalog.add_module(draft, title="Operations", actor=None)
    catalog.add_lesson(
        advanced, title="Change windows", body="Plan **every** change.", actor=None
    )
    catalog.publish_version(draft, changelog="", actor=None)
    quiz(
        [
            choice(
                "Which zone faces the internet?", [("Outside", True), ("Inside", False)]
            )
        ],
        title="Basics check",
        module=basics,
        passing_score=100,
    )
    exam = quiz(
        [
            choice(
                "When do changes happen?",
                [("In a change window", True), ("Any time", False)],
            )
        ],
        title="Firewall exam",
        course=course,
        passing_score=100,
        max_attempts=5,
        cooldown_minutes=0,
    )
    path = catalog.create_path(
        slug="security-sales",
        title="Security sales track",
        track=JobFunction.SALES,
        courses=[(course, True)],
        actor=None,
    )
    create_certification(
        slug="firewall-associate",
        title="Firewall Associate",
        paths=[path],
        exam_key=exam.exam_key,
        validity_months=12,
        actor=None,
    )
    return path


def _pass(page: Page, title: str, answer: str) -> None:
    page.get_by_role("link", name=title).click()
    page.get_by_role("button", name="Start an attempt").click()
    page.get_by_label(answer).check()
    page.get_by_role("button", name="Submit the attempt").click()
    expect(page.get_by_text("Passed", exact=True)).to_be_visible()


def test_a_rep_learns_tests_out_is_certified_and_renews(
    page: Page, live_server: Any, ecosystem: Any
) -> None:
    rep = ecosystem.partner_a_rep
    verified(rep)
    rep.job_function = JobFunction.SALES
    rep.save()
    path = _build_catalog()
    rule = create_enrollment_rule(path, job_functions=[JobFunction.SALES], actor=None)
    assert apply_enrollment_rule(rule) == 1
    url = live_server.url

    sign_in(page, url, "rex@alpha.example", PASSWORD)
    page.get_by_role("link", name="Learning", exact=True).click()
    expect(page.get_by_text("Security sales track")).to_be_visible()
    expect(page.get_by_text("0 of 1 required courses done")).to_be_visible()
    page.get_by_role("link", name="Firewalls").first.click()

    # Tests out of the first module.
    _pass(page, "Basics check", "Outside")
    expect(page.get_by_text("You tested out of “Basics”")).to_be_visible()

    # Takes the remaining lesson; the course is complete.
    page.goto(f"{url}/learning/courses/firewalls/")
    expect(page.get_by_text("2 of 3 lessons done")).to_be_visible()
    page.get_by_role("button", name="Resume").click()
    expect(page.get_by_role("heading", name="Change windows")).to_be_visible()
    page.get_by_role("button", name="Mark as done").click()
    expect(page.get_by_text("3 of 3 lessons done")).to_be_visible()

    # Passes the exam and is certified.
    _pass(page, "Firewall exam", "In a change window")
    page.goto(f"{url}/learning/certifications/")
    expect(page.get_by_text("Firewall Associate").first).to_be_visible()
    expect(page.get_by_text("Active").first).to_be_visible()
    award = CertificationAward.objects.get(user=rep)
    expires = award.expires_at

    # A month before expiry: the reminder, then renewal by passing the exam again.
    with time_machine.travel(expires - datetime.timedelta(days=30), tick=True):
        assert remind_expiring_awards() == 1
        assert [message.to for message in mail.outbox] == [["rex@alpha.example"]]
        page.context.clear_cookies()
        sign_in(page, url, "rex@alpha.example", PASSWORD)
        page.goto(f"{url}/learning/courses/firewalls/")
        _pass(page, "Firewall exam", "In a change window")
        page.goto(f"{url}/learning/certifications/")
        expect(page.get_by_text("renewed 1 time")).to_be_visible()

    award.refresh_from_db()
    assert award.renewal_count == 1
    assert award.expires_at > expires
