"""The request handling every xAPI resource shares.

`xapi_resource` turns a handler of `XAPIRequest` into a Django view that answers
CORS preflights, unpacks 1.0.3's alternate request syntax, negotiates the version
header, authenticates the LRS client with HTTP Basic, checks its scope, turns
`XAPIError` into a problem-details answer with the status xAPI names, and sets the
version and CORS headers on every answer. The handlers never see a Django request.
"""

import base64
import binascii
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import orjson
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from cairn.core.api.problems import PROBLEM_CONTENT_TYPE, problem
from cairn.lrs import policies
from cairn.lrs.models import LaunchSession, LRSClient
from cairn.lrs.selectors import verify_client
from cairn.lrs.selectors_launches import LAUNCH_KEY_PREFIX, verify_launch
from cairn.lrs.services.clients import record_client_use
from cairn.lrs.xapi.errors import XAPIError

VERSION_HEADER = "X-Experience-API-Version"
CONSISTENT_THROUGH_HEADER = "X-Experience-API-Consistent-Through"
# The versions a client may ask for, and the rules each is answered by.
VERSIONS = {
    "1.0": "1.0.3",
    "1.0.0": "1.0.3",
    "1.0.1": "1.0.3",
    "1.0.2": "1.0.3",
    "1.0.3": "1.0.3",
    "2.0": "2.0.0",
    "2.0.0": "2.0.0",
}
# Form fields of the alternate request syntax that stand for request headers.
ALTERNATE_HEADERS = {
    "authorization": "Authorization",
    "x-experience-api-version": VERSION_HEADER,
    "content-type": "Content-Type",
    "content-length": "Content-Length",
    "if-match": "If-Match",
    "if-none-match": "If-None-Match",
}
ALTERNATE_METHODS = {"GET", "HEAD", "PUT", "POST", "DELETE"}
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, PUT, POST, DELETE, OPTIONS",
    "Access-Control-Allow-Headers": (
        "Authorization, Content-Type, If-Match, If-None-Match, "
        f"{VERSION_HEADER}, X-Experience-API-Hash"
    ),
    "Access-Control-Expose-Headers": (
        f"ETag, Last-Modified, {CONSISTENT_THROUGH_HEADER}, {VERSION_HEADER}"
    ),
    "Access-Control-Max-Age": "86400",
}


class Headers(Mapping[str, str]):
    """Request headers, case-insensitive."""

    def __init__(self, headers: Mapping[str, str]) -> None:
        self._headers = {name.lower(): value for name, value in headers.items()}

    def __getitem__(self, name: str) -> str:
        return self._headers[name.lower()]

    def __iter__(self) -> Any:
        return iter(self._headers)

    def __len__(self) -> int:
        return len(self._headers)


@dataclass
class XAPIRequest:
    """One xAPI request, after the alternate syntax is unpacked."""

    method: str
    version: str
    client: LRSClient
    params: dict[str, str]
    headers: Headers
    body: bytes
    path: str
    languages: list[str] = field(default_factory=list)
    # The cmi5 launch whose credentials signed the request, if any.
    launch: LaunchSession | None = None

    @property
    def content_type(self) -> str:
        """Return the media type of the body, without parameters."""
        return self.headers.get("Content-Type", "").split(";")[0].strip().lower()

    @property
    def is_head(self) -> bool:
        """Say whether the client asked for headers only."""
        return self.method == "HEAD"


Handler = Callable[[XAPIRequest], HttpResponse]
LaunchRule = Callable[[XAPIRequest], None]


def json_response(
    data: Any, *, status: int = 200, headers: Mapping[str, str] | None = None
) -> HttpResponse:
    """Answer with `data` as JSON."""
    response = HttpResponse(
        orjson.dumps(data), status=status, content_type="application/json"
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def error_response(error: XAPIError, *, path: str) -> HttpResponse:
    """Answer with the problem details of `error`."""
    body = problem(error.status, error.message, instance=path)
    if error.path:
        body["errors"] = [{"field": error.path, "detail": error.message}]
    response = HttpResponse(
        orjson.dumps(body), status=error.status, content_type=PROBLEM_CONTENT_TYPE
    )
    if error.status == 401:
        response["WWW-Authenticate"] = 'Basic realm="Cairn LRS"'
    return response


def xapi_resource(
    *,
    methods: set[str],
    scopes: Callable[[str], set[str]] | None = None,
    consistent_through: bool = False,
    launch_rule: LaunchRule | None = None,
) -> Callable[[Handler], Callable[[HttpRequest], HttpResponse]]:
    """Make `handler` the view of one xAPI resource.

    `methods` are the HTTP methods the resource answers; `scopes(method)` names the
    client scopes of which one is needed for a method (None: no client at all, as
    for the about resource). `consistent_through` adds the header that tells up to
    when the answers of reads are complete (the statements resource), to every
    answer of a GET or HEAD, errors included. `launch_rule` checks a request signed
    with a cmi5 launch's credentials (raising XAPIError); a resource without one
    refuses them.
    """
    allowed = set(methods) | ({"HEAD"} if "GET" in methods else set())

    def decorate(handler: Handler) -> Callable[[HttpRequest], HttpResponse]:
        @csrf_exempt
        def view(request: HttpRequest) -> HttpResponse:
            if request.method == "OPTIONS":
                response = HttpResponse(status=200)
            else:
                try:
                    xapi_request = _parse(request, allowed, scopes)
                    if xapi_request.launch is not None:
                        if launch_rule is None:
                            raise XAPIError(
                                "cmi5 launch credentials may not use this resource.",
                                status=403,
                            )
                        launch_rule(xapi_request)
                    response = handler(xapi_request)
                    if xapi_request.is_head:
                        response.content = b""
                except XAPIError as error:
                    response = error_response(error, path=request.path)
            if consistent_through and request.method in {"GET", "HEAD"}:
                # Statements are readable once their request is answered, so
                # the answer is consistent through now.
                response[CONSISTENT_THROUGH_HEADER] = timezone.now().isoformat()
            response[VERSION_HEADER] = _answer_version(request)
            for name, value in CORS_HEADERS.items():
                response[name] = value
            return response

        view.__name__ = handler.__name__
        view.__doc__ = handler.__doc__
        return view

    return decorate


def _answer_version(request: HttpRequest) -> str:
    """Return the version an answer declares: the one asked for, else the
    deployment's default (CAIRN_LRS_DEFAULT_VERSION).
    """
    asked = request.headers.get(VERSION_HEADER, "")
    return VERSIONS.get(asked.strip(), settings.CAIRN_LRS_DEFAULT_VERSION)


def _parse(
    request: HttpRequest,
    allowed: set[str],
    scopes: Callable[[str], set[str]] | None,
) -> XAPIRequest:
    method = request.method or "GET"
    params: dict[str, str] = {name: str(value) for name, value in request.GET.items()}
    headers = Headers(dict(request.headers.items()))
    body = _read_body(request)
    if "method" in params:
        method, params, headers, body = _unpack_alternate_syntax(
            method, params, headers, body
        )
    if method not in allowed:
        raise XAPIError(f"{method} is not allowed on this resource.", status=405)
    # Credentials first: a caller without them learns nothing else of the request.
    client, launch = _authenticate(headers) if scopes is not None else (None, None)
    version = _negotiate_version(headers, required=scopes is not None)
    if "method" in request.GET and version != "1.0.3":
        raise XAPIError(
            "The alternate request syntax is not part of xAPI 2.0.", path="method"
        )
    if scopes is not None and client is not None:
        needed = scopes(method)
        if needed and not policies.client_has_any_scope(client, needed):
            raise XAPIError(
                "These credentials may not do this: the client needs one of the "
                f"scopes {', '.join(sorted(needed))}.",
                status=403,
            )
    return XAPIRequest(
        method=method,
        version=version,
        client=client,  # type: ignore[arg-type]  # None only where no client is asked
        params=params,
        headers=headers,
        body=body,
        path=request.path,
        languages=_languages(headers.get("Accept-Language", "")),
        launch=launch,
    )


def _read_body(request: HttpRequest) -> bytes:
    limit = settings.CAIRN_LRS_MAX_REQUEST_BYTES
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError as error:
        raise XAPIError("Content-Length is not a number.") from error
    if length > limit:
        raise XAPIError(
            f"The request is larger than this LRS accepts ({limit} bytes).",
            status=413,
        )
    body = request.read(limit + 1) if length else b""
    if len(body) > limit:
        raise XAPIError(
            f"The request is larger than this LRS accepts ({limit} bytes).",
            status=413,
        )
    return body


def _unpack_alternate_syntax(
    method: str, params: dict[str, str], headers: Headers, body: bytes
) -> tuple[str, dict[str, str], Headers, bytes]:
    """Read a 1.0.3 alternate-syntax request: a POST whose real method is in the
    query string and whose headers, parameters and content are form fields.
    """
    if method != "POST":
        raise XAPIError(
            "The alternate request syntax is only issued as a POST.", path="method"
        )
    if set(params) != {"method"}:
        raise XAPIError(
            "An alternate-syntax request takes no query parameter but 'method'.",
            path="method",
        )
    real_method = params["method"].upper()
    if real_method not in ALTERNATE_METHODS:
        raise XAPIError(f"Unknown method {params['method']!r}.", path="method")
    content_type = headers.get("Content-Type", "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        raise XAPIError(
            "An alternate-syntax request is sent as application/x-www-form-urlencoded.",
            path="Content-Type",
        )
    try:
        form = parse_qsl(
            body.decode("utf-8"), keep_blank_values=True, strict_parsing=False
        )
    except UnicodeDecodeError as error:
        raise XAPIError("The form is not UTF-8.") from error
    # The form's header fields win over the request's own; the request's
    # Content-Type and Content-Length describe the form, not the content.
    new_headers = {
        name: value
        for name, value in headers.items()
        if name.lower() not in {"content-type", "content-length"}
    }
    new_params: dict[str, str] = {}
    content: bytes | None = None
    for name, value in form:
        lowered = name.lower()
        if lowered in ALTERNATE_HEADERS:
            new_headers[ALTERNATE_HEADERS[lowered]] = value
        elif name == "content":
            content = value.encode("utf-8")
        else:
            new_params[name] = value
    if real_method in {"PUT", "POST"} and content is None:
        raise XAPIError(
            f"An alternate-syntax {real_method} carries its body in the form field "
            "'content'.",
            path="content",
        )
    if "Content-Type" not in new_headers and content is not None:
        new_headers["Content-Type"] = "application/json"
    return real_method, new_params, Headers(new_headers), content or b""


def _negotiate_version(headers: Headers, *, required: bool) -> str:
    asked = headers.get(VERSION_HEADER)
    if asked is None:
        if required:
            raise XAPIError(
                f"The {VERSION_HEADER} header is required.", path=VERSION_HEADER
            )
        return str(settings.CAIRN_LRS_DEFAULT_VERSION)
    version = VERSIONS.get(asked.strip())
    if version is None:
        raise XAPIError(
            f"Version {asked!r} is not supported; use one of "
            f"{', '.join(sorted(VERSIONS))}.",
            path=VERSION_HEADER,
        )
    return version


def _authenticate(headers: Headers) -> tuple[LRSClient, LaunchSession | None]:
    authorization = headers.get("Authorization", "")
    scheme, _, encoded = authorization.partition(" ")
    if scheme.lower() != "basic" or not encoded:
        raise XAPIError("HTTP Basic credentials are required.", status=401)
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as error:
        raise XAPIError("The Basic credentials are malformed.", status=401) from error
    key, separator, secret = decoded.partition(":")
    if not separator:
        raise XAPIError("The Basic credentials are malformed.", status=401)
    if key.startswith(LAUNCH_KEY_PREFIX):
        launch = verify_launch(key, secret)
        if launch is None:
            raise XAPIError(
                "Unknown, expired or ended cmi5 launch credentials.", status=401
            )
        return launch.client, launch
    client = verify_client(key, secret)
    if client is None:
        raise XAPIError("Unknown key or wrong secret.", status=401)
    record_client_use(client)
    return client, None


def _languages(accept_language: str) -> list[str]:
    """Return the language tags of an Accept-Language header, best first."""
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")):
        tag, _, quality = part.strip().partition(";")
        tag = tag.strip()
        if not tag:
            continue
        weight = 1.0
        if quality.strip().startswith("q="):
            try:
                weight = float(quality.strip()[2:])
            except ValueError:
                weight = 0.0
        weighted.append((-weight, position, tag))
    return [tag for _, _, tag in sorted(weighted)]
