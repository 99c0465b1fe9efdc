"""Writing documents of the state, activity profile and agent profile resources.

Every write reads the current document locked (`select_for_update`), checks the
request's preconditions against it and writes, in one transaction: two clients
that both send the ETag they read cannot both win. Two clients creating the same
document at once collide on its unique digest; the loser's write is tried again,
now against the winner's document, so its preconditions decide as if it had come
second.

Documents are learning records written at the pace of a course player, not
business changes: like statements, they are not audited.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from cairn.lrs.choices import DocumentKind
from cairn.lrs.models import Document
from cairn.lrs.selectors_documents import DocumentScope
from cairn.lrs.xapi.errors import XAPIError

JSON_TYPE = "application/json"
DEFAULT_CONTENT_TYPE = "application/octet-stream"
MAX_CONTENT_TYPE_LENGTH = 255
# Tries of a write whose document another request created meanwhile.
WRITE_ATTEMPTS = 2


@dataclass(frozen=True)
class Preconditions:
    """The If-Match and If-None-Match headers of a request (None: not sent)."""

    if_match: str | None = None
    if_none_match: str | None = None

    @property
    def given(self) -> bool:
        """Say whether the request sent either header."""
        return self.if_match is not None or self.if_none_match is not None


def etag_of(content: bytes) -> str:
    """Return the entity tag of `content`: its SHA-1 in hex, as xAPI 1.0.3 asks."""
    return hashlib.sha1(content, usedforsecurity=False).hexdigest()


def etag_matches(header: str, etag: str) -> bool:
    """Say whether an If-Match or If-None-Match header names `etag` (or is "*").

    Weak tags are compared as strong ones: a proxy that compresses the answer may
    weaken the ETag the client saw, and the content is the same.
    """
    if header.strip() == "*":
        return True
    for candidate in header.split(","):
        tag = candidate.strip()
        if tag.startswith("W/"):
            tag = tag[2:]
        if tag.strip('"').lower() == etag:
            return True
    return False


def is_json_type(content_type: str) -> bool:
    """Say whether `content_type` (parameters allowed) is application/json."""
    return content_type.split(";", maxsplit=1)[0].strip().lower() == JSON_TYPE


def put_document(
    scope: DocumentScope,
    document_id: str,
    *,
    content: bytes,
    content_type: str,
    preconditions: Preconditions,
    version: str,
) -> Document:
    """Store `content` as the document, replacing any it had.

    A PUT that sends neither If-Match nor If-None-Match may not overwrite a
    document that exists (409) where xAPI puts it under concurrency control: the
    profiles in 1.0.3, every document in 2.0. In 1.0.3 the profiles require one of
    the headers even to create a document (400), as the ADL conformance suite
    reads the specification's client requirement.
    """
    content_type = _content_type(content_type)
    if is_json_type(content_type):
        _parse_json(content)

    def write(existing: Document | None) -> tuple[bytes, str]:
        if not preconditions.given:
            if existing is not None and _put_needs_etag(scope.kind, version):
                raise XAPIError(
                    "This document already exists: GET it, then send its ETag in "
                    "If-Match to replace it (or If-None-Match: * to create a "
                    "document only where none exists).",
                    status=409,
                )
            if existing is None and _put_needs_header(scope.kind, version):
                raise XAPIError(
                    "A PUT to a profile needs If-Match (the ETag of the document "
                    "it replaces) or If-None-Match: * (to create it).",
                    path="If-None-Match",
                )
        return content, content_type

    return _write(scope, document_id, preconditions, write)


def post_document(
    scope: DocumentScope,
    document_id: str,
    *,
    content: bytes,
    content_type: str,
    preconditions: Preconditions,
) -> Document:
    """Merge `content` into the document, or store it if there is none.

    Both documents must be JSON objects to merge: the posted object's top-level
    properties replace the stored ones; anything else is a 400 that changes
    nothing.
    """
    content_type = _content_type(content_type)
    posted = _parse_json(content) if is_json_type(content_type) else None

    def write(existing: Document | None) -> tuple[bytes, str]:
        if existing is None:
            return content, content_type
        if posted is None:
            raise XAPIError(
                "A POST merges JSON into the stored document; send the JSON object "
                "as application/json, or PUT to replace the document.",
                path="Content-Type",
            )
        if not is_json_type(existing.content_type):
            raise XAPIError(
                f"The stored document is {existing.content_type}, not JSON: it "
                "cannot be merged; PUT to replace it.",
                status=400,
            )
        stored = _parse_json(bytes(existing.content), stored=True)
        if not isinstance(posted, dict) or not isinstance(stored, dict):
            raise XAPIError(
                "Only JSON objects merge: both the stored and the posted document "
                "must be objects.",
                path="body",
            )
        merged = {**stored, **posted}
        return _dump_json(merged), content_type

    return _write(scope, document_id, preconditions, write)


def replace_document(
    scope: DocumentScope, document_id: str, *, content: bytes, content_type: str
) -> Document:
    """Store `content` as the document whatever it was: the LMS's own writes (a
    cmi5 launch's data), which no client's precondition guards.
    """

    def write(existing: Document | None) -> tuple[bytes, str]:
        return content, content_type

    return _write(scope, document_id, Preconditions(), write)


def delete_document(
    scope: DocumentScope, document_id: str, *, preconditions: Preconditions
) -> None:
    """Delete the document, if its preconditions hold (deleting none is no error)."""
    with transaction.atomic():
        existing = (
            Document.objects.select_for_update()
            .filter(scope_hash=scope.scope_hash(document_id))
            .first()
        )
        _check_preconditions(existing, preconditions)
        if existing is not None:
            existing.delete()


def delete_documents(scope: DocumentScope) -> int:
    """Delete every document of `scope`; return how many there were."""
    with transaction.atomic():
        deleted, _ = Document.objects.filter(scope.documents()).delete()
    return deleted


def _write(
    scope: DocumentScope,
    document_id: str,
    preconditions: Preconditions,
    build: Callable[[Document | None], tuple[bytes, str]],
) -> Document:
    """Lock the document, check the preconditions, `build` the new content from
    the existing document and store it.
    """
    scope_hash = scope.scope_hash(document_id)
    for attempt in range(1, WRITE_ATTEMPTS + 1):
        try:
            with transaction.atomic():
                existing = (
                    Document.objects.select_for_update()
                    .filter(scope_hash=scope_hash)
                    .first()
                )
                _check_preconditions(existing, preconditions)
                content, content_type = build(existing)
                now = timezone.now()
                if existing is not None:
                    existing.content = content
                    existing.content_type = content_type
                    existing.etag = etag_of(content)
                    existing.updated = now
                    existing.save(
                        update_fields=["content", "content_type", "etag", "updated"]
                    )
                    return existing
                return Document.objects.create(
                    scope_hash=scope_hash,
                    kind=scope.kind,
                    activity_id=scope.activity_id,
                    agent_key=scope.agent_key,
                    registration=scope.registration,
                    document_id=document_id,
                    content_type=content_type,
                    content=content,
                    etag=etag_of(content),
                    updated=now,
                )
        except IntegrityError as error:
            # Another request created the document between the read and the
            # insert; try again against it.
            if attempt == WRITE_ATTEMPTS:
                raise XAPIError(
                    "The document was written by another request meanwhile; try again.",
                    status=409,
                ) from error
    raise AssertionError("unreachable")  # pragma: no cover


def _check_preconditions(
    existing: Document | None, preconditions: Preconditions
) -> None:
    if preconditions.if_match is not None and (
        existing is None or not etag_matches(preconditions.if_match, existing.etag)
    ):
        raise XAPIError(
            "If-Match does not name the document's current ETag: it was changed or "
            "deleted since it was read.",
            status=412,
        )
    if (
        preconditions.if_none_match is not None
        and existing is not None
        and etag_matches(preconditions.if_none_match, existing.etag)
    ):
        raise XAPIError(
            "If-None-Match: the document already exists.",
            status=412,
        )


def _put_needs_etag(kind: str, version: str) -> bool:
    """Say whether a PUT without precondition may not overwrite a document."""
    return version != "1.0.3" or kind != DocumentKind.STATE


def _put_needs_header(kind: str, version: str) -> bool:
    """Say whether a PUT needs a precondition header even to create a document."""
    return version == "1.0.3" and kind != DocumentKind.STATE


def _content_type(content_type: str) -> str:
    content_type = content_type.strip() or DEFAULT_CONTENT_TYPE
    if len(content_type) > MAX_CONTENT_TYPE_LENGTH:
        raise XAPIError(
            f"must be at most {MAX_CONTENT_TYPE_LENGTH} characters.",
            path="Content-Type",
        )
    return content_type


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _parse_json(content: bytes, *, stored: bool = False) -> Any:
    """Parse JSON strictly (no NaN or Infinity), numbers of any size kept exact."""
    try:
        return json.loads(content.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        if stored:
            raise XAPIError(
                "The stored document is not valid JSON: it cannot be merged; PUT "
                "to replace it."
            ) from error
        raise XAPIError(
            f"is not valid JSON, as its Content-Type says: {error}.", path="body"
        ) from error


def _dump_json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
