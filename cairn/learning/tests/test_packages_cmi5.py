"""cmi5 lessons end to end over HTTP: the lesson page frames the launch, the
launch hands the AU its parameters, the AU fetches its token, reads its launch
data, reports, and the learner's progress follows the AU's moveOn.
"""

import json
import uuid
from typing import Any
from urllib.parse import parse_qs, urlsplit

import orjson
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from cairn.core.models import ActivityEvent
from cairn.learning.models import CourseProgress, LessonCompletion, PackageRuntime
from cairn.learning.services.cmi5 import sync_cmi5_progress
from cairn.learning.tests.support_packages import (
    cmi5,
    package_lesson,
    stored_statement,
)
from cairn.lrs.models import Statement
from cairn.lrs.xapi.validate import validate_statement
from conftest import Ecosystem, client_for

ADL = "http://adlnet.gov/expapi/verbs/"
SESSION = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
MOVEON = "https://w3id.org/xapi/cmi5/context/categories/moveon"
CMI5 = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
PUBLISHER_ID = "https://example.com/courses/firewalls/zones"


def _launch(client: Client, course: Any, lesson: Any) -> dict[str, str]:
    """Open the lesson and follow its launch; return the AU's launch parameters."""
    kwargs = {"slug": course.slug, "pk": lesson.pk}
    page = client.get(reverse("learning:lesson_detail", kwargs=kwargs))
    launch_url = reverse("learning:package_launch", kwargs=kwargs)
    assert f'href="{launch_url}" target="package-frame"' in page.content.decode()
    response = client.get(launch_url)
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == reverse(
        "learning:package_file", kwargs={**kwargs, "path": "au/index.html"}
    )
    params = {name: values[0] for name, values in parse_qs(location.query).items()}
    assert params.pop("level") == "1"
    return params


class AU:
    """An assignable unit, as a browser runs it: fetch, launch data, statements."""

    def __init__(self, params: dict[str, str]) -> None:
        self.params = params
        fetched = Client().post(urlsplit(params["fetch"]).path)
        self.token = orjson.loads(fetched.content)["auth-token"]
        self.headers = {
            "Authorization": f"Basic {self.token}",
            "X-Experience-API-Version": "1.0.3",
        }
        state = Client().get(
            "/xapi/activities/state",
            {
                "activityId": params["activityId"],
                "agent": params["actor"],
                "registration": params["registration"],
                "stateId": "LMS.LaunchData",
            },
            headers=self.headers,
        )
        assert state.status_code == 200
        self.launch_data = orjson.loads(state.content)

    def send(self, verb: str, result: dict[str, Any] | None = None) -> Any:
        context = json.loads(json.dumps(self.launch_data["contextTemplate"]))
        context["registration"] = self.params["registration"]
        context["contextActivities"]["category"] = [{"id": CMI5}]
        statement: dict[str, Any] = {
            "id": str(uuid.uuid4()),
            "actor": json.loads(self.params["actor"]),
            "verb": {"id": ADL + verb},
            "object": {"objectType": "Activity", "id": self.params["activityId"]},
            "context": context,
        }
        if result is not None:
            statement["result"] = result
            context["contextActivities"]["category"].append({"id": MOVEON})
        return Client().post(
            "/xapi/statements",
            orjson.dumps(statement),
            content_type="application/json",
            headers=self.headers,
        )


def test_a_launch_gives_the_au_its_parameters_and_records_launched(
    ecosystem: Ecosystem,
) -> None:
    course, lesson, _ = package_lesson(cmi5(), slug="firewall-zones")
    rep = ecosystem.partner_a_rep

    params = _launch(client_for(rep), course, lesson)

    progress = CourseProgress.objects.get(user=rep, course=course)
    assert params["endpoint"] == "http://testserver/xapi/"
    assert params["registration"] == str(progress.registration)
    # Cairn's own id for the AU in this lesson, not the publisher's.
    assert params["activityId"] == (
        f"{settings.SITE_URL}/learning/courses/{course.slug}/lessons/{lesson.pk}/au"
    )
    assert json.loads(params["actor"]) == {
        "objectType": "Agent",
        "name": rep.display_name,
        "account": {"homePage": settings.SITE_URL, "name": str(rep.pk)},
    }
    assert params["fetch"].startswith("http://testserver/lrs/cmi5/fetch/")
    launched = stored_statement(ADL + "launched", params["activityId"])
    validate_statement(launched, version="2.0.0")
    assert launched["actor"] == json.loads(params["actor"])
    context = launched["context"]
    assert context["registration"] == params["registration"]
    assert context["contextActivities"]["grouping"] == [
        {"objectType": "Activity", "id": PUBLISHER_ID}
    ]
    assert context["contextActivities"]["category"] == [
        {"objectType": "Activity", "id": CMI5}
    ]
    assert context["extensions"][
        "https://w3id.org/xapi/cmi5/context/extensions/moveon"
    ] == ("CompletedAndPassed")
    assert SESSION in context["extensions"]


def test_the_launch_data_carries_the_aus_settings(ecosystem: Ecosystem) -> None:
    course, lesson, _ = package_lesson(cmi5(), slug="firewall-zones")

    au = AU(_launch(client_for(ecosystem.partner_a_rep), course, lesson))

    data = au.launch_data
    assert data["launchMode"] == "Normal"
    assert data["moveOn"] == "CompletedAndPassed"
    assert data["masteryScore"] == 0.8
    assert data["launchParameters"] == '{"mode":"quick"}'
    assert data["returnURL"] == (
        f"http://testserver/learning/courses/{course.slug}/lessons/{lesson.pk}/return/"
    )
    assert data["contextTemplate"]["contextActivities"]["grouping"] == [
        {"objectType": "Activity", "id": PUBLISHER_ID}
    ]


def test_completed_and_passed_complete_the_lesson_per_move_on(
    ecosystem: Ecosystem, django_capture_on_commit_callbacks: Any
) -> None:
    course, lesson, _ = package_lesson(cmi5(), slug="firewall-zones")
    rep = ecosystem.partner_a_rep
    au = AU(_launch(client_for(rep), course, lesson))

    with django_capture_on_commit_callbacks(execute=True):
        assert au.send("initialized").status_code == 200
        assert (
            au.send("completed", {"completion": True, "duration": "PT4M"}).status_code
            == 200
        )
    completed_only = LessonCompletion.objects.filter(lesson=lesson).exists()
    with django_capture_on_commit_callbacks(execute=True):
        passed = au.send(
            "passed",
            {"success": True, "score": {"scaled": 0.9}, "duration": "PT5M"},
        )

    assert passed.status_code == 200
    assert completed_only is False  # moveOn needs the pass too
    assert LessonCompletion.objects.filter(lesson=lesson).exists()
    assert CourseProgress.objects.get(user=rep, course=course).completed_at is not None
    runtime = PackageRuntime.objects.get(lesson=lesson)
    assert (runtime.completion_status, runtime.success_status) == (
        "completed",
        "passed",
    )
    event = ActivityEvent.objects.get(verb="learning.passed")
    assert event.data["activity_id"].endswith(f"/lessons/{lesson.pk}")
    assert event.data["result"]["score"] == {"scaled": 0.9}


def test_a_failed_au_records_failed_and_leaves_the_lesson_open(
    ecosystem: Ecosystem, django_capture_on_commit_callbacks: Any
) -> None:
    course, lesson, _ = package_lesson(cmi5(move_on="Passed"), slug="firewall-zones")
    au = AU(_launch(client_for(ecosystem.partner_a_rep), course, lesson))

    with django_capture_on_commit_callbacks(execute=True):
        au.send("initialized")
        au.send(
            "failed", {"success": False, "score": {"scaled": 0.5}, "duration": "PT1M"}
        )

    assert ActivityEvent.objects.filter(verb="learning.failed").count() == 1
    assert not LessonCompletion.objects.filter(lesson=lesson).exists()


def test_a_move_on_of_not_applicable_completes_the_lesson_at_launch(
    ecosystem: Ecosystem,
) -> None:
    course, lesson, _ = package_lesson(
        cmi5(move_on="NotApplicable"), slug="firewall-zones"
    )

    _launch(client_for(ecosystem.partner_a_rep), course, lesson)

    assert LessonCompletion.objects.filter(lesson=lesson).exists()


def test_the_return_page_records_progress_and_leads_back(
    ecosystem: Ecosystem,
) -> None:
    course, lesson, _ = package_lesson(cmi5(move_on="Completed"), slug="firewall-zones")
    client = client_for(ecosystem.partner_a_rep)
    au = AU(_launch(client, course, lesson))
    au.send("initialized")
    # Without the consumer (no commit callbacks here): the return page reads it.
    au.send("completed", {"completion": True, "duration": "PT2M"})

    response = client.get(
        reverse(
            "learning:package_return", kwargs={"slug": course.slug, "pk": lesson.pk}
        )
    )

    assert response.status_code == 200
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    assert "You completed “Play the package”." in response.content.decode()
    assert LessonCompletion.objects.filter(lesson=lesson).exists()


def test_progress_is_not_read_from_another_learners_statements(
    ecosystem: Ecosystem,
) -> None:
    course, lesson, _ = package_lesson(cmi5(move_on="Completed"), slug="firewall-zones")
    au = AU(_launch(client_for(ecosystem.partner_a_rep), course, lesson))
    au.send("initialized")
    au.send("completed", {"completion": True, "duration": "PT2M"})
    client_for(ecosystem.partner_b_rep).get(
        reverse("learning:lesson_detail", kwargs={"slug": course.slug, "pk": lesson.pk})
    )
    other = CourseProgress.objects.get(user=ecosystem.partner_b_rep)

    outcome = sync_cmi5_progress(other, lesson)

    assert outcome.is_lesson_done is False
    assert not LessonCompletion.objects.filter(progress=other).exists()


def test_a_scorm_lesson_has_no_cmi5_launch(ecosystem: Ecosystem) -> None:
    course, lesson, _ = package_lesson()

    response = client_for(ecosystem.partner_a_rep).get(
        reverse(
            "learning:package_launch", kwargs={"slug": course.slug, "pk": lesson.pk}
        )
    )

    assert response.status_code == 404
    assert not Statement.objects.exists()


@pytest.mark.parametrize("method", ["OwnWindow", "hosted elsewhere"])
def test_an_au_that_cannot_be_framed_opens_in_its_own_window(
    method: str, ecosystem: Ecosystem
) -> None:
    content = (
        cmi5(url="https://au.example.com/zones", files={})
        if method == "hosted elsewhere"
        else cmi5(launch_method="OwnWindow")
    )
    course, lesson, _ = package_lesson(content, slug="firewall-zones")

    page = client_for(ecosystem.partner_a_rep).get(
        reverse("learning:lesson_detail", kwargs={"slug": course.slug, "pk": lesson.pk})
    )

    html = page.content.decode()
    assert "Open the lesson" in html
    assert 'target="_blank"' in html
    assert "<iframe" not in html
