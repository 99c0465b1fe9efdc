"""Package lessons in the portal: the player on the lesson page and the package's
files, served only to those who may see the lesson.
"""

import json
from typing import Any

import pytest
from django.urls import reverse

from cairn.learning.models import LessonCompletion
from cairn.learning.services import catalog
from cairn.learning.tests.support import published_course
from cairn.learning.tests.support_packages import (
    SCO_PAGE,
    package_lesson,
    scorm12,
    scorm2004,
)
from conftest import Ecosystem, client_for

FILES = {
    "index.html": SCO_PAGE,
    "css/site.css": b"p { color: red; }",
    "data/blob.xyz": b"\x00\x01",
}


def _file_url(course: Any, lesson: Any, path: str) -> str:
    return reverse(
        "learning:package_file",
        kwargs={"slug": course.slug, "pk": lesson.pk, "path": path},
    )


def test_the_lesson_page_frames_the_package_with_the_player(
    ecosystem: Ecosystem,
) -> None:
    course, lesson, _ = package_lesson(scorm12(parameters="start=1"))
    client = client_for(ecosystem.partner_a_rep)

    response = client.get(
        reverse("learning:lesson_detail", kwargs={"slug": course.slug, "pk": lesson.pk})
    )

    assert response.status_code == 200
    player = response.context["player"]
    assert player["standard"] == "scorm12"
    assert player["launchUrl"] == _file_url(course, lesson, "index.html") + "?start=1"
    assert player["commitUrl"] == (
        f"/learning/courses/{course.slug}/lessons/{lesson.pk}/runtime/"
    )
    assert player["values"]["cmi.core.entry"] == "ab-initio"
    assert player["values"]["cmi.core.student_name"] == (
        ecosystem.partner_a_rep.display_name
    )
    content = response.content.decode()
    assert 'id="package-player-config"' in content
    assert "/static/js/package-runtime.js" in content
    assert "Mark as done" not in content


def test_a_package_file_is_sent_with_its_type_and_may_be_framed_by_cairn_only(
    ecosystem: Ecosystem,
) -> None:
    course, lesson, _ = package_lesson(scorm12(files=FILES))
    client = client_for(ecosystem.partner_b_rep)

    page = client.get(_file_url(course, lesson, "index.html"))
    style = client.get(_file_url(course, lesson, "css/site.css"))
    other = client.get(_file_url(course, lesson, "data/blob.xyz"))

    assert page.status_code == 200
    assert b"".join(page.streaming_content) == SCO_PAGE  # type: ignore[attr-defined]
    assert page["Content-Type"] == "text/html"
    assert page["X-Content-Type-Options"] == "nosniff"
    assert page["X-Frame-Options"] == "SAMEORIGIN"
    policy = page["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in policy
    assert "script-src 'self' 'unsafe-inline' 'unsafe-eval' blob:" in policy
    assert style["Content-Type"] == "text/css"
    assert other["Content-Type"] == "application/octet-stream"


@pytest.mark.parametrize(
    "path",
    [
        "../../../config/settings/base.py",
        "..%2F..%2Fimsmanifest.xml",
        "css/../index.html",
        "./index.html",
        "css/",
        "css",
        "css//site.css",
        "..\\index.html",
        "missing.html",
    ],
)
def test_a_path_outside_the_package_or_not_a_file_is_not_found(
    path: str, ecosystem: Ecosystem
) -> None:
    course, lesson, _ = package_lesson(scorm12(files=FILES))
    client = client_for(ecosystem.partner_a_rep)
    base = _file_url(course, lesson, "index.html").removesuffix("index.html")

    response = client.get(base + path)

    assert response.status_code == 404


def test_another_package_is_not_reachable_through_a_lesson(
    ecosystem: Ecosystem,
) -> None:
    course, lesson, _ = package_lesson(scorm12(files=FILES))
    _, _, other = package_lesson(scorm2004(), slug="switching", title="Switching")
    client = client_for(ecosystem.partner_a_rep)

    response = client.get(
        _file_url(course, lesson, f"../{other.directory}/imsmanifest.xml")
    )
    direct = client.get(_file_url(course, lesson, "content/sco/start.html"))

    assert (response.status_code, direct.status_code) == (404, 404)


def test_a_package_of_another_programs_course_does_not_exist_for_a_partner(
    ecosystem: Ecosystem,
) -> None:
    course, lesson, _ = package_lesson(program=ecosystem.other_program)
    url = _file_url(course, lesson, "index.html")

    assert client_for(ecosystem.partner_a_rep).get(url).status_code == 404
    assert client_for(ecosystem.partner_c_admin).get(url).status_code == 200


def test_vendor_staff_and_visitors_get_no_package_file(ecosystem: Ecosystem) -> None:
    course, lesson, _ = package_lesson()
    url = _file_url(course, lesson, "index.html")

    assert client_for(ecosystem.vendor_admin).get(url).status_code == 403
    assert client_for(None).get(url).status_code == 302


def test_a_draft_lesson_and_a_text_lesson_serve_no_package(
    ecosystem: Ecosystem,
) -> None:
    course, _, _ = package_lesson()
    draft = catalog.start_draft(course, actor=None)
    draft_lesson = draft.modules.get().lessons.get()
    text_course, [text_lesson] = published_course("routing-text", lessons=1)
    client = client_for(ecosystem.partner_a_rep)

    draft_file = client.get(_file_url(course, draft_lesson, "index.html"))
    text_file = client.get(_file_url(text_course, text_lesson, "index.html"))

    assert (draft_file.status_code, text_file.status_code) == (404, 404)


def test_a_package_lesson_is_not_marked_done_by_a_click(
    ecosystem: Ecosystem,
) -> None:
    course, lesson, _ = package_lesson()
    client = client_for(ecosystem.partner_a_rep)
    kwargs = {"slug": course.slug, "pk": lesson.pk}
    client.get(reverse("learning:lesson_detail", kwargs=kwargs))

    response = client.post(reverse("learning:lesson_complete", kwargs=kwargs))

    assert response.status_code == 302
    assert response["Location"] == reverse("learning:lesson_detail", kwargs=kwargs)
    assert not LessonCompletion.objects.filter(lesson=lesson).exists()


def test_the_player_resumes_where_the_learner_left(ecosystem: Ecosystem) -> None:
    course, lesson, _ = package_lesson()
    client = client_for(ecosystem.partner_a_rep)
    page = reverse(
        "learning:lesson_detail", kwargs={"slug": course.slug, "pk": lesson.pk}
    )
    client.get(page)
    client.post(
        reverse(
            "learning:package_runtime", kwargs={"slug": course.slug, "pk": lesson.pk}
        ),
        json.dumps(
            {
                "values": {
                    "cmi.core.lesson_location": "page-7",
                    "cmi.suspend_data": "answers=1,3",
                    "cmi.core.lesson_status": "incomplete",
                    "cmi.core.exit": "suspend",
                    "cmi.core.session_time": "00:05:30",
                },
                "finish": True,
            }
        ),
        content_type="application/json",
    )

    values = client.get(page).context["player"]["values"]

    assert values["cmi.core.entry"] == "resume"
    assert values["cmi.core.lesson_location"] == "page-7"
    assert values["cmi.suspend_data"] == "answers=1,3"
    assert values["cmi.core.lesson_status"] == "incomplete"
    assert values["cmi.core.total_time"] == "0000:05:30.00"
    assert "cmi.core.exit" not in values
