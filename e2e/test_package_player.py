"""A SCORM 1.2 package in a real browser: the lesson page frames it, the package
finds the player's API through window.parent, initializes, reports its lesson
completed and finishes; the lesson is done and the LRS has the statement.
"""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from cairn.accounts.tests.factories import PASSWORD
from cairn.learning.models import LessonCompletion, PackageRuntime
from cairn.learning.tests.support_packages import package_lesson, scorm12
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
