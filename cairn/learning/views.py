"""Learner pages: my learning, a course's outline, a lesson."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cairn.core.portal import is_htmx, paginate, policy_required
from cairn.learning import (
    policies,
    selectors,
    selectors_assessments,
    selectors_packages,
)
from cairn.learning.choices import LessonKind, PackageStandard
from cairn.learning.packages.cmi import definitions_for_player
from cairn.learning.services import cmi5
from cairn.learning.services import progress as progress_services


@policy_required(policies.can_take_courses)
def my_learning(request: HttpRequest) -> HttpResponse:
    """Show the person's paths, courses in progress and the catalog."""
    context = {"learning": selectors.my_learning_for(request.user), "nav": "learning"}
    return render(request, "learning/my_learning.html", context)


@policy_required(policies.can_take_courses)
def catalog(request: HttpRequest) -> HttpResponse:
    """List the courses the person may take, a page at a time, with a search."""
    query = request.GET.get("q", "").strip()[:100]
    courses = selectors.search_catalog_for(request.user, query)
    context = {"query": query, "nav": "learning", **paginate(request, courses, 25)}
    template = "learning/catalog.html"
    if is_htmx(request):
        template += "#results"  # the results region only
    return render(request, template, context)


@policy_required(policies.can_take_courses)
def course_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Show a course's outline with the person's progress and where to resume."""
    course = selectors.access_course(request.user, slug)
    outline = selectors.course_outline_for(request.user, course)
    assessments = selectors_assessments.list_course_assessments_for(
        request.user, course, outline.version
    )
    return render(
        request,
        "learning/course_detail.html",
        {"outline": outline, "assessments": assessments, "nav": "learning"},
    )


@policy_required(policies.can_take_courses)
def lesson_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Show a lesson, starting the course the first time."""
    course = selectors.access_course(request.user, slug)
    try:
        progress = progress_services.open_course(request.user, course)
    except ValidationError:
        return redirect("learning:course_detail", slug=slug)
    lesson = selectors.access_lesson(progress, pk)
    progress_services.open_lesson(progress, lesson)
    if _plays_cmi5(lesson):
        # The AU may have reported since the page was last shown.
        cmi5.sync_cmi5_progress(progress, lesson)
    outline = selectors.course_outline_for(request.user, course)
    is_done = progress.completions.filter(lesson=lesson).exists()
    context = {
        "outline": outline,
        "lesson": lesson,
        "is_done": is_done,
        "next_lesson": selectors.next_lesson_after(progress, lesson),
        "player": _player(request, course.slug, progress, lesson),
        "cmi5": _cmi5_launch(course.slug, lesson),
        "nav": "learning",
    }
    return render(request, "learning/lesson_detail.html", context)


def _plays_cmi5(lesson: Any) -> bool:
    package = lesson.package
    return bool(
        lesson.kind == LessonKind.PACKAGE
        and package is not None
        and package.standard == PackageStandard.CMI5
    )


def _cmi5_launch(slug: str, lesson: Any) -> dict[str, Any] | None:
    """Return how the lesson page launches a cmi5 AU (None: not a cmi5 lesson)."""
    if not _plays_cmi5(lesson):
        return None
    unit = cmi5.assignable_unit(lesson)
    return {
        "url": reverse(
            "learning:package_launch", kwargs={"slug": slug, "pk": lesson.pk}
        ),
        # An AU hosted elsewhere opens in its own window: the portal's pages frame
        # only Cairn's own addresses.
        "is_own_window": unit["launch_method"] == "OwnWindow" or "://" in unit["url"],
    }


def _player(
    request: HttpRequest, slug: str, progress: Any, lesson: Any
) -> dict[str, Any] | None:
    """Return what the lesson page's SCORM player starts with (None: no package)."""
    package = lesson.package
    if lesson.kind != LessonKind.PACKAGE or package is None or not package.is_scorm:
        return None
    launch = reverse(
        "learning:package_file",
        kwargs={"slug": slug, "pk": lesson.pk, "path": package.launch_path},
    )
    return {
        "standard": package.standard,
        "launchUrl": f"{launch}?{package.launch_query}"
        if package.launch_query
        else launch,
        "commitUrl": reverse(
            "learning:package_runtime", kwargs={"slug": slug, "pk": lesson.pk}
        ),
        "values": selectors_packages.player_values(request.user, progress, lesson),
        "definitions": definitions_for_player(package.standard),
    }


@policy_required(policies.can_take_courses)
@require_POST
def lesson_complete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Mark a lesson complete and go on to the next one (or the outline)."""
    course = selectors.access_course(request.user, slug)
    progress = progress_services.open_course(request.user, course)
    lesson = selectors.access_lesson(progress, pk)
    if lesson.kind == LessonKind.PACKAGE:
        # The package reports its completion; a click does not stand in for it.
        messages.error(request, "This lesson is done when you complete the package.")
        return redirect("learning:lesson_detail", slug=slug, pk=pk)
    progress_services.complete_lesson(progress, lesson, actor=request.user)
    following = selectors.next_lesson_after(progress, lesson)
    if following is not None:
        return redirect("learning:lesson_detail", slug=slug, pk=following.pk)
    return redirect("learning:course_detail", slug=slug)
