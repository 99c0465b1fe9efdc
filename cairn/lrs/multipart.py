"""multipart/mixed bodies of the statements resource (RFC 2046), both ways.

A request with attachments carries the statements as its first part
(application/json) and each attachment's content as a further part with its
SHA-256 in `X-Experience-API-Hash`; a GET with `attachments=true` answers the same
way.
"""

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from cairn.lrs.xapi.errors import XAPIError

_BOUNDARY = re.compile(r'boundary=(?:"([^"]+)"|([^;\s]+))', re.IGNORECASE)


@dataclass(frozen=True)
class Part:
    """One part of a multipart body: its headers (lower-case names) and content."""

    headers: dict[str, str]
    content: bytes

    @property
    def content_type(self) -> str:
        """Return the part's media type without parameters."""
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


def boundary_of(content_type_header: str) -> str:
    """Return the boundary of a multipart Content-Type header; 400 if it has none."""
    match = _BOUNDARY.search(content_type_header)
    if match is None:
        raise XAPIError(
            "A multipart/mixed request names its boundary in Content-Type.",
            path="Content-Type",
        )
    return match.group(1) or match.group(2)


def parse_multipart(body: bytes, boundary: str) -> list[Part]:
    """Split `body` into its parts; 400 if it is not a well-formed multipart body."""
    delimiter = b"--" + boundary.encode("latin-1")
    if not body.startswith(delimiter):
        start = body.find(b"\r\n" + delimiter)
        if start < 0:
            raise XAPIError("The body does not start with the boundary.", path="body")
        body = body[start + 2 :]
    sections = body.split(b"\r\n" + delimiter)
    first = sections[0]
    if not first.startswith(delimiter):
        raise XAPIError("The body does not start with the boundary.", path="body")
    sections[0] = first[len(delimiter) :]
    parts: list[Part] = []
    closed = False
    for section in sections:
        if section.startswith(b"--"):
            closed = True
            break
        if not section.startswith(b"\r\n"):
            raise XAPIError("A boundary line is malformed.", path="body")
        head, separator, content = section[2:].partition(b"\r\n\r\n")
        if not separator:
            # A part without headers starts with the blank line at once.
            if section[2:].startswith(b"\r\n"):
                head, content = b"", section[4:]
            else:
                raise XAPIError(
                    "A part has no blank line after its headers.", path="body"
                )
        parts.append(Part(headers=_headers(head), content=content))
    if not closed:
        raise XAPIError("The body does not end with the closing boundary.", path="body")
    return parts


def _headers(head: bytes) -> dict[str, str]:
    headers: dict[str, str] = {}
    for line in head.decode("latin-1").split("\r\n"):
        if not line.strip():
            continue
        name, separator, value = line.partition(":")
        if not separator:
            raise XAPIError(f"A part header is malformed: {line!r}.", path="body")
        headers[name.strip().lower()] = value.strip()
    return headers


def build_multipart(parts: Iterable[tuple[dict[str, str], bytes]]) -> tuple[bytes, str]:
    """Return a multipart/mixed body of `parts` and its Content-Type header."""
    boundary = "cairn-" + secrets.token_hex(16)
    chunks: list[bytes] = []
    for headers, content in parts:
        chunks.append(f"--{boundary}\r\n".encode("latin-1"))
        for name, value in headers.items():
            chunks.append(f"{name}: {value}\r\n".encode("latin-1"))
        chunks.append(b"\r\n")
        chunks.append(content)
        chunks.append(b"\r\n")
    chunks.append(f"--{boundary}--\r\n".encode("latin-1"))
    return b"".join(chunks), f'multipart/mixed; boundary="{boundary}"'
