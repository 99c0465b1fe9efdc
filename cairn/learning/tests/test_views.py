"""Learner pages: my learning, course outline, lessons, resume."""

from typing import Any

from django.urls import reverse

from cairn.learning.services import catalog
from cairn.learning.services.enrollment import enroll_in_path
from cairn.learning.tests.support import published_course
from conftest import Ecosystem, client_for


def test_a_learner_takes_a_course_lesson_by_lesson(ecosystem: Ecosystem) -> None:
    course, [first, second] = published_course()
    browser = client_for(ecosystem.partner_a_rep)

    outline = browser.get(reverse("learning:course_detail", args=[course.slug]))
    assert "Start the course" in outline.content.decode()

    lesson = browser.get(
        reverse("learning:lesson_detail", args=[course.slug, first.pk])
    )
    assert "<strong>matters</strong>" in lesson.content.decode()
    done = browser.post(
        reverse("learning:lesson_complete", args=[course.slug, first.pk])
    )
    assert done["Location"] == reverse(
        "learning:lesson_detail", args=[course.slug, second.pk]
    )
    last = browser.post(
        reverse("learning:lesson_complete", args=[course.slug, second.pk])
    )

    assert last["Location"] == reverse("learning:course_detail", args=[course.slug])
    page = browser.get(last["Location"]).content.decode()
    assert "2 of 2 lessons done" in page
    assert "Completed" in page


def test_my_learning_offers_to_resume_where_the_learner_left_off(
    ecosystem: Ecosystem,
) -> None:
    course, [_, second] = published_course()
    browser = client_for(ecosystem.partner_a_rep)
    browser.get(reverse("learning:lesson_detail", args=[course.slug, second.pk]))

    page = browser.get(reverse("learning:my_learning")).content.decode()

    assert reverse("learning:lesson_detail", args=[course.slug, second.pk]) in page
    outline = browser.get(reverse("learning:course_detail", args=[course.slug]))
    assert "Resume" in outline.content.decode()


def test_my_learning_shows_paths_progress_and_locked_courses(
    ecosystem: Ecosystem, django_assert_max_num_queries: Any
) -> None:
    basics, _ = published_course("basics", title="Basics")
    advanced, _ = published_course("advanced", title="Advanced")
    path = catalog.create_path(
        slug="technical",
        title="Technical track",
        courses=[(basics, True), (advanced, True)],
        actor=None,
    )
    enroll_in_path(ecosystem.partner_a_rep, path, actor=None)
    browser = client_for(ecosystem.partner_a_rep)

    with django_assert_max_num_queries(15):
        page = browser.get(reverse("learning:my_learning")).content.decode()

    assert "Technical track" in page
    assert "0 of 2 required courses done" in page
    assert 'Advanced <span class="muted">(after the previous course)</span>' in page


def test_lesson_markdown_cannot_carry_html_or_scripts(ecosystem: Ecosystem) -> None:
    course = catalog.create_course(slug="unsafe", title="Unsafe", actor=None)
    module = catalog.add_module(catalog.draft_of(course), title="M", actor=None)
    lesson = catalog.add_lesson(
        module,
        title="Tricky",
        body="<script>alert(1)</script> [click](javascript:alert(1))",
        actor=None,
    )
    catalog.publish_version(catalog.draft_of(course), changelog="", actor=None)

    page = client_for(ecosystem.partner_a_rep).get(
        reverse("learning:lesson_detail", args=[course.slug, lesson.pk])
    )

    body = page.content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body
    assert 'href="javascript:' not in body


def test_a_lesson_of_another_course_is_not_found(ecosystem: Ecosystem) -> None:
    course, _ = published_course()
    _, [foreign] = published_course("other", lessons=1)

    response = client_for(ecosystem.partner_a_rep).get(
        reverse("learning:lesson_detail", args=[course.slug, foreign.pk])
    )

    assert response.status_code == 404


def test_my_learning_suggests_the_newest_courses_not_started_and_links_the_catalog(
    ecosystem: Ecosystem, django_assert_max_num_queries: Any
) -> None:
    started, [lesson, _] = published_course("started", title="Started course")
    for number in range(8):
        published_course(f"course-{number}", title=f"Course number {number}")
    published_course("hidden", program=ecosystem.other_program, title="Other program")
    browser = client_for(ecosystem.partner_a_rep)
    browser.get(reverse("learning:lesson_detail", args=[started.slug, lesson.pk]))

    with django_assert_max_num_queries(15):
        page = browser.get(reverse("learning:my_learning")).content.decode()

    suggested = page.split('id="catalog-title"')[1]
    assert [f"Course number {n}" in suggested for n in range(8)] == [
        False, False, True, True, True, True, True, True
    ]  # fmt: skip
    assert "Started course" not in suggested
    assert "Other program" not in page
    assert "Browse all 9 courses" in page


def test_the_catalog_pages_and_searches_the_courses_a_partner_may_take(
    ecosystem: Ecosystem,
) -> None:
    for number in range(30):
        published_course(f"course-{number:02}", title=f"Course {number:02}")
    published_course("security", title="Security basics")
    published_course("hidden", program=ecosystem.other_program, title="Hidden basics")
    browser = client_for(ecosystem.partner_a_rep)
    url = reverse("learning:catalog")

    first = browser.get(url).content.decode()
    second = browser.get(url, {"page": 2}).content.decode()
    found = browser.get(url, {"q": "BASICS"}, headers={"HX-Request": "true"})

    assert "31 courses" in first
    assert "Course 00" in first
    assert "Course 24" in first
    assert "Course 25" not in first
    assert "Page 1 of 2" in first
    assert "Course 25" in second
    assert "Security basics" in second
    body = found.content.decode()
    assert "<h1>" not in body  # the results region only
    assert "Security basics" in body
    assert "Hidden basics" not in body
    assert "1 course matching" in body
