"""Package lessons: the package's files, served to those who may see the lesson,
and the endpoint the SCORM player posts the run-time data to.

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
)
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST, require_safe

from cairn.core.api.problems import PROBLEM_CONTENT_TYPE, problem
from cairn.core.portal import policy_required
from cairn.learning import policies
from cairn.learning.models_packages import package_storage
from cairn.learning.selectors_packages import access_package_lesson
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
