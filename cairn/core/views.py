"""Error pages, health endpoints and the home redirect."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cairn.core.api.problems import problem_response


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Answer not-found: problem details under the API, a page elsewhere."""
    if request.path.startswith("/api/"):
        return problem_response(request, 404, "No such resource.")
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Answer an unexpected error without leaking anything."""
    if request.path.startswith("/api/"):
        return problem_response(request, 500, "An unexpected error occurred.")
    return render(request, "500.html", status=500)
