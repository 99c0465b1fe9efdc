"""Package lessons: the package's files, served to those who may see the lesson,
the endpoint the SCORM player posts the run-time data to, and the launch of a
cmi5 AU and the page it returns the learner to.

Files are served from the same origin as the lesson page, because a SCORM package
finds the player's API through `window.parent`, which the browser only allows
within one origin. They may be framed by Cairn's own pages only, and run under a
content security policy of their own: packages are authored by the vendor and
commonly need inline scripts.
"""

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import (
    PermissionDenied,
    SuspiciousFileOperation,
    ValidationError,
)
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST, require_safe

from cairn.core.api.problems import PROBLEM_CONTENT_TYPE, problem
from cairn.core.portal import policy_required
from cairn.learning import policies
from cairn.learning.choices import PackageStandard
from cairn.learning.models_packages import package_storage
from cairn.learning.selectors_packages import access_package_lesson
from cairn.learning.services import cmi5
from cairn.learning.services import progress as progress_services
from cairn.learning.services.package_runtime import RuntimeDataError, record_runtime

# What a package's pages may load and run: their own files, inline scripts and
# styles (authoring tools emit them), media and fonts from https.
PACKAGE_CSP: dict[str, Any] = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "'unsafe-inline'", "'unsafe-eval'", "blob:"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:", "https:"],
    "media-src": ["'self'", "data:", "blob:", "https:"],
    "font-src": ["'self'", "data:", "https:"],
    "frame-src": ["'self'", "https:"],
    "connect-src": ["'self'"],
    "frame-ancestors": ["'self'"],
    "form-action": ["'self'"],
    "base-uri": ["'self'"],
}
CONTENT_TYPES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".css": "text/css",
    ".json": "application/json",
    ".xml": "application/xml",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
    ".mp3": "audio/mpeg",
    ".wav": "audio/wav",
    ".ogg": "audio/ogg",
    ".vtt": "text/vtt",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".pdf": "application/pdf",
    ".txt": "text/plain",
    ".csv": "text/csv",
    ".m4a": "audio/mp4",
    ".m4v": "video/mp4",
    ".ogv": "video/ogg",
    ".oga": "audio/ogg",
    ".eot": "application/vnd.ms-fontobject",
    ".wasm": "application/wasm",
    ".zip": "application/zip",
}
# The largest run-time post: 2004's suspend data plus a full set of interactions.
MAX_RUNTIME_BYTES = 2 * 1024 * 1024


def content_type_of(path: str) -> str:
    """Return the content type a package file is served with, by its extension."""
    extension = "." + path.rsplit(".", 1)[-1].lower() if "." in path else ""
    # A fixed table, not the host's mime.types: the same file gets the same type
    # on every server.
    return CONTENT_TYPES.get(extension, "application/octet-stream")


def _package_path(path: str) -> str:
    """Return `path` if it names a file inside the package; 404 otherwise."""
    segments = path.split("/")
    if (
        "\\" in path
        or "\x00" in path
        or any(segment in {"", ".", ".."} for segment in segments)
    ):
        raise Http404("No such file in the package.")
    return path


@login_required
@require_safe
@xframe_options_sameorigin
def package_file(request: HttpRequest, slug: str, pk: int, path: str) -> FileResponse:
    """Send one file of a lesson's package to a person who may see the lesson."""
    if not policies.can_take_courses(request.user):
        raise PermissionDenied
    found = access_package_lesson(request.user, slug, pk)
    name = found.package.stored_name(_package_path(path))
    storage = package_storage()
    try:
        if not storage.exists(name):
            raise Http404("No such file in the package.")
        handle = storage.open(name, "rb")
    except (SuspiciousFileOperation, IsADirectoryError, FileNotFoundError) as error:
        raise Http404("No such file in the package.") from error
    response = FileResponse(handle, content_type=content_type_of(path))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    # What django-csp's csp_replace decorator sets: this response's own policy.
    setattr(response, "_csp_replace", PACKAGE_CSP)  # noqa: B010
    return response


def _problem(
    request: HttpRequest, status: int, detail: str, **extra: Any
) -> JsonResponse:
    body = problem(status, detail, instance=request.get_full_path(), **extra)
    return JsonResponse(body, status=status, content_type=PROBLEM_CONTENT_TYPE)


@policy_required(policies.can_take_courses)
@require_POST
def package_runtime(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Store a commit of the SCORM run-time data (JSON: `values`, `finish`)."""
    found = access_package_lesson(request.user, slug, pk)
    if len(request.body) > MAX_RUNTIME_BYTES:
        return _problem(request, 413, "The run-time data is too large.")
    try:
        posted = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return _problem(request, 400, "The body is not JSON.")
    is_finish = posted.get("finish", False) if isinstance(posted, dict) else None
    if not isinstance(is_finish, bool):
        return _problem(
            request, 400, "Send an object with `values` and a boolean `finish`."
        )
    if found.progress is None:
        # The lesson page opens the course before the package runs.
        raise Http404("Open the lesson first.")
    try:
        outcome = record_runtime(
            found.progress,
            found.lesson,
            values=posted.get("values", {}),
            is_finish=is_finish,
            actor=request.user,
        )
    except RuntimeDataError as error:
        return _problem(
            request,
            400,
            "The run-time data has invalid elements; nothing was stored.",
            errors=error.problems,
        )
    return JsonResponse(
        {
            "completion_status": outcome.completion_status,
            "success_status": outcome.success_status,
            "lesson_done": outcome.is_lesson_done,
        }
    )


@policy_required(policies.can_take_courses)
@require_safe
def package_launch(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Launch a cmi5 lesson's AU: open a launch and send the browser to the AU."""
    found = access_package_lesson(request.user, slug, pk)
    if found.package.standard != PackageStandard.CMI5:
        raise Http404("This lesson plays no cmi5 package.")
    try:
        progress = progress_services.open_course(request.user, found.course)
    except ValidationError:
        raise Http404("No such course.") from None
    if found.lesson.module.version_id != progress.version_id:
        raise Http404("No such lesson in the version you take.")
    package = found.package
    kwargs = {"slug": slug, "pk": pk}
    au_url = (
        package.launch_path
        if "://" in package.launch_path
        else request.build_absolute_uri(
            reverse(
                "learning:package_file", kwargs={**kwargs, "path": package.launch_path}
            )
        )
    )
    if package.launch_query:
        au_url = f"{au_url}?{package.launch_query}"
    url = cmi5.launch_au(
        progress,
        found.lesson,
        actor=request.user,
        addresses=cmi5.LaunchAddresses(
            au_url=au_url,
            endpoint=request.build_absolute_uri("/xapi/"),
            fetch_url=lambda token: request.build_absolute_uri(
                reverse("lrs:cmi5_fetch", kwargs={"token": token})
            ),
            return_url=request.build_absolute_uri(
                reverse("learning:package_return", kwargs=kwargs)
            ),
        ),
    )
    response = redirect(url)
    response["Cache-Control"] = "no-store"
    return response


@policy_required(policies.can_take_courses)
@require_safe
@xframe_options_sameorigin
def package_return(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Where a cmi5 AU sends the learner when it ends: record their progress and
    lead back to the lesson (out of the lesson page's frame).
    """
    found = access_package_lesson(request.user, slug, pk)
    if found.package.standard != PackageStandard.CMI5:
        raise Http404("This lesson plays no cmi5 package.")
    is_done = False
    if found.progress is not None:
        is_done = cmi5.sync_cmi5_progress(found.progress, found.lesson).is_lesson_done
    context = {"course": found.course, "lesson": found.lesson, "is_done": is_done}
    response = render(request, "learning/package_return.html", context)
    # The AU ends inside the lesson page's frame: the page may be framed by Cairn.
    setattr(response, "_csp_replace", {"frame-ancestors": ["'self'"]})  # noqa: B010
    return response
