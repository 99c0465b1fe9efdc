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
