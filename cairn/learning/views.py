"""Learner pages: my learning, a course's outline, a lesson."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cairn.core.portal import is_htmx, paginate, policy_required
from cairn.learning import policies, selectors, selectors_assessments
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
    outline = selectors.course_outline_for(request.user, course)
    is_done = progress.completions.filter(lesson=lesson).exists()
    context = {
        "outline": outline,
        "lesson": lesson,
        "is_done": is_done,
        "next_lesson": selectors.next_lesson_after(progress, lesson),
        "nav": "learning",
    }
    return render(request, "learning/lesson_detail.html", context)


@policy_required(policies.can_take_courses)
@require_POST
def lesson_complete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Mark a lesson complete and go on to the next one (or the outline)."""
    course = selectors.access_course(request.user, slug)
    progress = progress_services.open_course(request.user, course)
    lesson = selectors.access_lesson(progress, pk)
    progress_services.complete_lesson(progress, lesson, actor=request.user)
    following = selectors.next_lesson_after(progress, lesson)
    if following is not None:
        return redirect("learning:lesson_detail", slug=slug, pk=following.pk)
    return redirect("learning:course_detail", slug=slug)
