"""Request middleware: the origin of writes, and a request id in every log line."""

import uuid
from collections.abc import Callable

import structlog
from django.http import HttpRequest, HttpResponse

from cairn.core.context import Origin, reset_origin, set_origin


class RequestContextMiddleware:
    """Bind a request id and the caller's address to logs and audit entries."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex
        channel = _channel_of(request.path)
        token = set_origin(
            Origin(
                channel=channel,
                ip_address=request.META.get("REMOTE_ADDR") or None,
                user_agent=request.headers.get("User-Agent", "")[:300],
                request_id=request_id,
            )
        )
        structlog.contextvars.bind_contextvars(request_id=request_id)
        try:
            response = self.get_response(request)
        finally:
            structlog.contextvars.unbind_contextvars("request_id")
            reset_origin(token)
        response["X-Request-ID"] = request_id
        return response


def _channel_of(path: str) -> str:
    if path.startswith(("/api/", "/scim/", "/xapi/")):
        return "api"
    if path.startswith("/admin/"):
        return "admin"
    return "web"
