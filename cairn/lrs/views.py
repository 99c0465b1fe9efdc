"""The xAPI resources of the statements and about endpoints.

Documents, activities and agents are in `views_documents`.
"""

import hashlib
from datetime import datetime
from typing import Any

import orjson
from django.http import HttpResponse
from django.utils.http import http_date

from cairn.lrs import policies
from cairn.lrs.http import (
    XAPIRequest,
    json_response,
    xapi_resource,
)
from cairn.lrs.launch_rules import check_launch_statements, statements_rule
from cairn.lrs.models import StatementAttachment
from cairn.lrs.multipart import Part, boundary_of, build_multipart, parse_multipart
from cairn.lrs.selectors_statements import (
    SINGLE_PARAMS,
    find_statement,
    find_statements,
    parse_attachments,
    parse_format,
    parse_query,
    read_more_token,
)
from cairn.lrs.services.launches import record_launch_statements
from cairn.lrs.services.statements import (
    AttachmentPart,
    same_statement,
    store_statements,
)
from cairn.lrs.signatures import check_signatures
from cairn.lrs.xapi.errors import XAPIError
from cairn.lrs.xapi.formats import format_statement
from cairn.lrs.xapi.validate import is_uuid

SUPPORTED_VERSIONS = ["1.0.3", "2.0.0"]


def _statement_scopes(method: str) -> set[str]:
    if method in {"GET", "HEAD"}:
        return set(policies.READ_STATEMENTS)
    return set(policies.WRITE_STATEMENTS)


@xapi_resource(methods={"GET"})
def about(request: XAPIRequest) -> HttpResponse:
    """Answer the about resource: the versions this LRS speaks."""
    return json_response({"version": SUPPORTED_VERSIONS, "extensions": {}})


@xapi_resource(
    methods={"GET", "PUT", "POST"},
    scopes=_statement_scopes,
    consistent_through=True,
    launch_rule=statements_rule,
)
def statements(request: XAPIRequest) -> HttpResponse:
    """Answer the statements resource: store one or a batch, or read them."""
    if request.method in {"GET", "HEAD"}:
        return _read(request)
    if request.method == "PUT":
        return _put(request)
    return _post(request)


def _post(request: XAPIRequest) -> HttpResponse:
    if request.params:
        name = sorted(request.params)[0]
        raise XAPIError(f"POST takes no parameter {name!r}.", path=name)
    body, parts = _statements_body(request)
    batch = body if isinstance(body, list) else [body]
    if not batch:
        raise XAPIError("The batch holds no statement.")
    ids = _store(request, batch, parts)
    return json_response(ids)


def _put(request: XAPIRequest) -> HttpResponse:
    statement_id = request.params.get("statementId")
    if statement_id is None:
        raise XAPIError("PUT needs the statementId parameter.", path="statementId")
    extra = set(request.params) - {"statementId"}
    if extra:
        name = sorted(extra)[0]
        raise XAPIError(f"PUT takes no parameter {name!r}.", path=name)
    if not is_uuid(statement_id):
        raise XAPIError("must be a UUID.", path="statementId")
    body, parts = _statements_body(request)
    if not isinstance(body, dict):
        raise XAPIError("PUT stores one statement, an object.")
    _store(request, [body], parts, put_id=statement_id)
    return HttpResponse(status=204)


def _store(
    request: XAPIRequest,
    batch: list[Any],
    parts: dict[str, AttachmentPart],
    put_id: str | None = None,
) -> list[str]:
    for position, statement in enumerate(batch):
        if not isinstance(statement, dict):
            raise XAPIError("is not a statement object.", path=f"[{position}]")
    contents = {sha2: part.content for sha2, part in parts.items()}
    launch = request.launch

    def verify(valid_batch: list[dict[str, Any]]) -> None:
        if launch is not None:
            check_launch_statements(launch, valid_batch)
        if not parts:
            return
        for position, statement in enumerate(valid_batch):
            check_signatures(
                statement,
                contents,
                same_statement=same_statement,
                path=f"[{position}]." if len(valid_batch) > 1 else "",
            )

    ids = store_statements(
        batch,
        client=request.client,
        version=request.version,
        parts=parts,
        put_id=put_id,
        verify=verify if parts or launch is not None else None,
    )
    if launch is not None:
        record_launch_statements(launch, batch)
    return ids


def _statements_body(request: XAPIRequest) -> tuple[Any, dict[str, AttachmentPart]]:
    """Return the statement(s) of a PUT or POST and the attachment parts."""
    content_type = request.content_type
    if content_type == "application/json":
        return _json(request.body, "body"), {}
    if content_type != "multipart/mixed":
        raise XAPIError(
            "Statements are sent as application/json or multipart/mixed, not "
            f"{content_type or 'without a Content-Type'}.",
            path="Content-Type",
        )
    parts = parse_multipart(
        request.body, boundary_of(request.headers.get("Content-Type", ""))
    )
    if not parts:
        raise XAPIError("The multipart body has no part.", path="body")
    first, *attachments = parts
    if first.content_type != "application/json":
        raise XAPIError(
            "The first part of a multipart request holds the statements as "
            "application/json.",
            path="body",
        )
    return _json(first.content, "body"), _attachment_parts(attachments)


def _attachment_parts(parts: list[Part]) -> dict[str, AttachmentPart]:
    found: dict[str, AttachmentPart] = {}
    for position, part in enumerate(parts, start=1):
        sha2 = part.headers.get("x-experience-api-hash")
        if not sha2:
            raise XAPIError(
                f"Part {position} has no X-Experience-API-Hash header.", path="body"
            )
        if part.headers.get("content-transfer-encoding", "binary").lower() != "binary":
            raise XAPIError(
                f"Part {position} must be sent with Content-Transfer-Encoding binary.",
                path="body",
            )
        if hashlib.sha256(part.content).hexdigest() != sha2.lower():
            raise XAPIError(
                f"Part {position}'s content does not match its X-Experience-API-Hash.",
                path="body",
            )
        found[sha2.lower()] = AttachmentPart(
            content_type=part.content_type or "application/octet-stream",
            content=part.content,
        )
    return found


def _json(raw: bytes, path: str) -> Any:
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise XAPIError(f"is not valid JSON: {error}.", path=path) from error


def _read(request: XAPIRequest) -> HttpResponse:
    params = request.params
    consistent: dict[str, str] = {}
    single = {"statementId", "voidedStatementId"} & set(params)
    if single:
        if len(single) > 1 or set(params) - SINGLE_PARAMS:
            extra = sorted((set(params) - SINGLE_PARAMS) | (single - {min(single)}))
            raise XAPIError(
                "A GET of one statement takes only format and attachments besides "
                "its id.",
                path=extra[0],
            )
        name = single.pop()
        statement = find_statement(
            params[name], client=request.client, voided=name == "voidedStatementId"
        )
        statement = _formatted(statement, parse_format(params), request.languages)
        headers = {
            **consistent,
            "Last-Modified": http_date(
                datetime.fromisoformat(statement["stored"]).timestamp()
            ),
        }
        return _answer(statement, [statement], parse_attachments(params), headers)
    if "more" in params:
        if set(params) != {"more"}:
            raise XAPIError("A more link takes no other parameter.", path="more")
        query, cursor = read_more_token(params["more"])
        page = find_statements(query, client=request.client, cursor=cursor)
    else:
        query = parse_query(params)
        page = find_statements(query, client=request.client)
    more = f"{request.path}?more={page.more}" if page.more else ""
    if page.json_texts is not None:
        return _exact_answer(page.json_texts, more, consistent)
    found = [
        _formatted(statement, query.format, request.languages)
        for statement in page.statements
    ]
    return _answer(
        {"statements": found, "more": more}, found, query.attachments, consistent
    )


def _exact_answer(
    json_texts: list[str], more: str, headers: dict[str, str]
) -> HttpResponse:
    """Answer a StatementResult whose statements are the stored JSON texts."""
    content = b"".join(
        (
            b'{"statements":[',
            ",".join(json_texts).encode(),
            b'],"more":',
            orjson.dumps(more),
            b"}",
        )
    )
    response = HttpResponse(content, content_type="application/json")
    for name, value in headers.items():
        response[name] = value
    return response


def _formatted(
    statement: dict[str, Any], format_name: str, languages: list[str]
) -> dict[str, Any]:
    if format_name == "exact":
        return statement
    return format_statement(statement, format=format_name, languages=languages)


def _answer(
    body: Any,
    statements: list[dict[str, Any]],
    with_attachments: bool,
    headers: dict[str, str],
) -> HttpResponse:
    if not with_attachments:
        return json_response(body, headers=headers)
    wanted = {
        attachment["sha2"]
        for statement in statements
        for attachment in statement.get("attachments") or []
        if "sha2" in attachment
    }
    stored = StatementAttachment.objects.filter(sha2__in=wanted)
    parts = [({"Content-Type": "application/json"}, orjson.dumps(body))]
    parts.extend(
        (
            {
                "Content-Type": attachment.content_type,
                "Content-Transfer-Encoding": "binary",
                "X-Experience-API-Hash": attachment.sha2,
            },
            bytes(attachment.content),
        )
        for attachment in stored
    )
    content, content_type = build_multipart(parts)
    response = HttpResponse(content, content_type=content_type)
    for name, value in headers.items():
        response[name] = value
    return response
