"""RFC 9457 problem details for every API error.

DRF's exceptions, Django's validation and permission errors, and anything unexpected
become `application/problem+json` with `type`, `title`, `status`, `detail` and, for
invalid input, `errors`: one entry per field with its messages.
"""

from typing import Any

import structlog
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

logger = structlog.get_logger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://cairn.dev/problems/"

_TITLES = {
    400: "Invalid request",
    401: "Not authenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    412: "Precondition failed",
    413: "Request too large",
    415: "Unsupported media type",
    429: "Too many requests",
    500: "Internal error",
}
_TYPES = {
    400: "invalid-request",
    401: "not-authenticated",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    406: "not-acceptable",
    409: "conflict",
    412: "precondition-failed",
    413: "request-too-large",
    415: "unsupported-media-type",
    429: "throttled",
    500: "internal-error",
}


def problem(
    status_code: int,
    detail: str = "",
    *,
    errors: list[dict[str, Any]] | None = None,
    instance: str = "",
    type_slug: str | None = None,
) -> dict[str, Any]:
    """Build a problem-details body."""
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + (type_slug or _TYPES.get(status_code, "error")),
        "title": _TITLES.get(status_code, "Error"),
        "status": status_code,
    }
    if detail:
        body["detail"] = detail
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = errors
    return body


def flatten_errors(data: Any, pointer: str = "") -> list[dict[str, Any]]:
    """Turn DRF's nested error structure into a flat list of field errors.

    Each entry names the field by a JSON Pointer (RFC 6901) into the request body,
    with the field's dotted name for convenience.
    """
    if isinstance(data, dict):
        flat: list[dict[str, Any]] = []
        for key, value in data.items():
            if key == "non_field_errors":
                flat.extend(flatten_errors(value, pointer))
            else:
                flat.extend(flatten_errors(value, f"{pointer}/{key}"))
        return flat
    if isinstance(data, list):
        if all(isinstance(item, str) for item in data):
            return [
                {
                    "pointer": pointer or "/",
                    "field": pointer.strip("/").replace("/", ".") or None,
                    "detail": str(item),
                    "code": getattr(item, "code", "invalid"),
                }
                for item in data
            ]
        flat = []
        for index, item in enumerate(data):
            flat.extend(flatten_errors(item, f"{pointer}/{index}"))
        return flat
    return [
        {
            "pointer": pointer or "/",
            "field": pointer.strip("/").replace("/", ".") or None,
            "detail": str(data),
            "code": getattr(data, "code", "invalid"),
        }
    ]


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """DRF exception handler that answers with problem details."""
    if isinstance(exc, DjangoValidationError):
        detail: Any = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        exc = exceptions.ValidationError(detail=detail)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    request = context.get("request")
    instance = request.get_full_path() if request is not None else ""
    response = exception_handler(exc, context)
    if response is None:
        logger.error("api_unhandled_error", path=instance, exc_info=exc)
        return Response(
            problem(500, "An unexpected error occurred.", instance=instance),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
            content_type=PROBLEM_CONTENT_TYPE,
        )

    assert isinstance(exc, exceptions.APIException)
    if isinstance(exc, exceptions.ValidationError):
        body = problem(
            400,
            "The request has invalid fields.",
            errors=flatten_errors(exc.detail),
            instance=instance,
        )
    else:
        detail_text = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        body = problem(response.status_code, str(detail_text), instance=instance)
    response.data = body
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


def problem_response(
    request: HttpRequest, status_code: int, detail: str = ""
) -> JsonResponse:
    """Answer a plain Django request (outside DRF views) with problem details."""
    return JsonResponse(
        problem(status_code, detail, instance=request.get_full_path()),
        status=status_code,
        content_type=PROBLEM_CONTENT_TYPE,
    )
