"""A SCORM 1.2 package in a real browser: the lesson page frames it, the package
finds the player's API through window.parent, initializes, reports its lesson
completed and finishes; the lesson is done and the LRS has the statement.
"""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from cairn.accounts.tests.factories import PASSWORD
from cairn.learning.models import LessonCompletion, PackageRuntime
from cairn.learning.tests.support_packages import cmi5, package_lesson, scorm12
from cairn.lrs.models import Statement
from e2e.conftest import sign_in, verified

pytestmark = pytest.mark.django_db(transaction=True)

SCO = b"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tiny SCO</title></head>
<body>
<p id="out">Starting</p>
<script>
  function findApi(win) {
    for (var hops = 0; !win.API && win.parent !== win && hops < 10; hops++) {
      win = win.parent;
    }
    return win.API;
  }
  var api = findApi(window);
  var log = [];
  log.push(api.LMSInitialize(""));
  log.push(api.LMSGetValue("cmi.core.entry"));
  log.push(api.LMSSetValue("cmi.core.lesson_status", "done"));
  log.push(api.LMSGetLastError());
  log.push(api.LMSSetValue("cmi.core.lesson_location", "end"));
  log.push(api.LMSSetValue("cmi.core.lesson_status", "completed"));
  log.push(api.LMSSetValue("cmi.core.session_time", "00:00:42"));
  log.push(api.LMSFinish(""));
  document.getElementById("out").textContent = log.join(" ");
</script>
</body></html>
"""


def test_a_scorm_12_package_completes_its_lesson_in_the_browser(
    page: Page, live_server: Any, ecosystem: Any
) -> None:
    rep = verified(ecosystem.partner_a_rep)
    course, lesson, _ = package_lesson(scorm12(files={"index.html": SCO}))
    url = live_server.url

    sign_in(page, url, "rex@alpha.example", PASSWORD)
    page.goto(f"{url}/learning/courses/{course.slug}/lessons/{lesson.pk}/")

    frame = page.frame_locator("iframe.package-frame")
    expect(frame.locator("#out")).to_have_text(
        "true ab-initio false 405 true true true true"
    )
    expect(page.get_by_role("status")).to_have_text("Done")
    completion = LessonCompletion.objects.get(lesson=lesson)
    assert completion.progress.user == rep
    assert completion.progress.completed_at is not None
    runtime = PackageRuntime.objects.get(lesson=lesson)
    assert runtime.cmi["cmi.core.lesson_location"] == "end"
    assert runtime.total_seconds == 42
    assert Statement.objects.filter(
        payload__verb__id="http://adlnet.gov/expapi/verbs/completed",
        payload__object__id__endswith=f"/lessons/{lesson.pk}",
    ).exists()

    # Back on the lesson later, the package resumes with what it stored.
    page.reload()
    expect(frame.locator("#out")).to_contain_text("true  false 405")
    expect(page.get_by_role("status")).to_have_text("Done")


AU = b"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tiny AU</title></head>
<body>
<p id="out">Starting</p>
<script>
  var launch = new URLSearchParams(location.search);
  var endpoint = launch.get("endpoint");
  var cmi5 = "https://w3id.org/xapi/cmi5/context/categories/";
  function statement(data, verb, result) {
    var context = JSON.parse(JSON.stringify(data.contextTemplate));
    context.registration = launch.get("registration");
    context.contextActivities.category = [{id: cmi5 + "cmi5"}];
    var made = {
      actor: JSON.parse(launch.get("actor")),
      verb: {id: "http://adlnet.gov/expapi/verbs/" + verb},
      object: {id: launch.get("activityId")},
      context: context
    };
    if (result) {
      made.result = result;
      context.contextActivities.category.push({id: cmi5 + "moveon"});
    }
    return made;
  }
  fetch(launch.get("fetch"), {method: "POST"})
    .then(function (answer) { return answer.json(); })
    .then(function (body) {
      var headers = {
        "Authorization": "Basic " + body["auth-token"],
        "X-Experience-API-Version": "1.0.3",
        "Content-Type": "application/json"
      };
      var query = new URLSearchParams({
        stateId: "LMS.LaunchData",
        activityId: launch.get("activityId"),
        agent: launch.get("actor"),
        registration: launch.get("registration")
      });
      return fetch(endpoint + "activities/state?" + query, {headers: headers})
        .then(function (answer) { return answer.json(); })
        .then(function (data) {
          var done = {duration: "PT1M"};
          var batch = [
            statement(data, "initialized"),
            statement(data, "completed", {completion: true, duration: "PT1M"}),
            statement(data, "passed", {
              success: true, score: {scaled: 0.9}, duration: "PT1M"
            }),
            statement(data, "terminated", done)
          ];
          return fetch(endpoint + "statements", {
            method: "POST", headers: headers, body: JSON.stringify(batch)
          }).then(function (answer) {
            document.getElementById("out").textContent = "sent " + answer.status;
            location.href = data.returnURL;
          });
        });
    });
</script>
</body></html>
"""


def test_a_cmi5_au_completes_its_lesson_in_the_browser(
    page: Page, live_server: Any, ecosystem: Any
) -> None:
    verified(ecosystem.partner_a_rep)
    course, lesson, _ = package_lesson(
        cmi5(url="au/index.html", files={"au/index.html": AU}),
        slug="firewall-zones",
    )
    url = live_server.url

    sign_in(page, url, "rex@alpha.example", PASSWORD)
    page.goto(f"{url}/learning/courses/{course.slug}/lessons/{lesson.pk}/")
    page.get_by_role("button", name="Start the lesson").click()

    # The AU reports, returns to Cairn, which takes the window back to the lesson.
    expect(page.get_by_role("status")).to_have_text("Done")
    expect(page.get_by_role("button", name="Take the lesson again")).to_be_visible()
    assert LessonCompletion.objects.filter(lesson=lesson).exists()
    verbs = sorted(
        statement.payload["verb"]["id"].rsplit("/", 1)[-1]
        for statement in Statement.objects.filter(
            payload__object__id__endswith=f"/lessons/{lesson.pk}/au"
        )
    )
    assert verbs == ["completed", "initialized", "launched", "passed", "terminated"]
