"""Statement completion at storage time (xAPI Data 2.4: properties the LRS sets).

The LRS fills ``id`` when absent, ``stored``, ``authority``, ``timestamp`` (equal
to ``stored`` when absent or null) and ``version`` when absent, and turns single
context activities into one-element arrays, the form the LRS MUST return them in
(Data 2.4.6.2; conformance XAPI-00096), so exact-format retrieval can serve the
stored document untouched. On xAPI 2.0 requests a timestamp with a non-zero UTC
offset is rewritten in UTC, as 2.0 has the LRS convert rather than reject it.
Everything else is stored as received.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from cairn.lrs.xapi.formats import normalize_context_activities
from cairn.lrs.xapi.validate import VERSION_2, parse_timestamp_parts


# A batch's statements share their stored time: render it once.
@lru_cache(maxsize=16)
def format_timestamp(moment: datetime) -> str:
    """ISO 8601 UTC rendering of an aware datetime (``2026-11-23T04:00:00.123456Z``)."""
    return (
        moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
    )


def utc_timestamp(text: str) -> str:
    """Rewrite a valid timestamp that has a non-zero UTC offset in UTC ("Z"),
    keeping its fractional digits (up to microseconds); return any other
    timestamp unchanged."""
    moment, offset_minutes, digits = parse_timestamp_parts(text)
    if not offset_minutes:
        return text
    rendered = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if digits:
        rendered += "." + f"{moment.microsecond:06d}"[: min(digits, 6)]
    return rendered + "Z"


def complete_statement(
    statement: Mapping[str, Any],
    *,
    statement_id: str | uuid.UUID,
    stored: datetime,
    authority: Mapping[str, Any],
    version: str,
) -> dict[str, Any]:
    """Return a copy of ``statement`` with the LRS-assigned properties set.

    ``statement_id`` is used only when the statement has no ``id``; ``stored``
    (aware) always replaces any client value, as does ``authority`` (the Agent or
    OAuth Group of the credentials). ``version`` is the request's xAPI version:
    statements without one get ``"2.0.0"`` on a 2.0 request and ``"1.0.0"``
    otherwise; a version sent by the client is kept. Single context activities
    (also a SubStatement's) become one-element arrays; on 2.0 requests the
    statement's timestamp, if it has a UTC offset, is rewritten in UTC.
    """
    out = normalize_context_activities(statement)
    if "id" not in out:
        out["id"] = str(statement_id)
    stored_text = format_timestamp(stored)
    out["stored"] = stored_text
    timestamp = out.get("timestamp")
    if timestamp is None:  # absent, or null (accepted by 2.0)
        out["timestamp"] = stored_text
    elif version == VERSION_2:
        out["timestamp"] = utc_timestamp(timestamp)
    out["authority"] = dict(authority)
    if "version" not in out:
        out["version"] = "2.0.0" if version == VERSION_2 else "1.0.0"
    return out
