"""Forwarding a program's statements to an external LRS, with retries.

`forward_statements` sends, for each active forwarding that is due, the next
batch of its program's statements in the order they were stored, and moves its
mark past them once the remote LRS accepts them. A failure leaves the mark where
it was and sets the next attempt after a delay that doubles up to an hour.
Statements younger than a few seconds wait for the next run, so that one whose
transaction commits late is never skipped.
"""

import base64
import hashlib
import logging
from datetime import timedelta
from typing import Any

import orjson
import requests
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from cairn.core.audit import record_write, snapshot
from cairn.core.models import AuditAction
from cairn.lrs import policies
from cairn.lrs.models import Statement, StatementForwarding

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
SETTLE_SECONDS = 5
MAX_DELAY_SECONDS = 3600
TIMEOUT_SECONDS = 30


def _fernet() -> Fernet:
    digest = hashlib.sha256(f"lrs-forwarding:{settings.SECRET_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt_password(password: str) -> str:
    """Return `password` encrypted with a key derived from the site's secret key."""
    return _fernet().encrypt(password.encode()).decode()


def decrypt_password(token: str) -> str:
    """Return the password `token` encrypts; '' if the secret key changed since."""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return ""


def set_statement_forwarding(
    program: Any,
    *,
    endpoint: str,
    username: str,
    password: str,
    is_active: bool,
    actor: Any,
) -> StatementForwarding:
    """Create or change the forwarding of `program`'s statements.

    An empty password keeps the one stored. A new forwarding starts with the
    statements stored from now on.
    """
    if not policies.can_manage_lrs_clients(actor):
        raise PermissionDenied
    errors: dict[str, str] = {}
    endpoint = (endpoint or "").strip()
    try:
        URLValidator(schemes=["https", "http"])(endpoint)
    except ValidationError:
        errors["endpoint"] = (
            "Enter the remote LRS's address, for example https://lrs.example.com/xapi/."
        )
    if not (username or "").strip():
        errors["username"] = "Enter the key (user name) the remote LRS gave you."
    existing = StatementForwarding.objects.filter(program=program).first()
    if not password and existing is None:
        errors["password"] = "Enter the secret the remote LRS gave you."  # noqa: S105
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if existing is None:
            last_id = (
                Statement.objects.order_by("-id").values_list("id", flat=True).first()
            )
            forwarding = StatementForwarding(
                program=program, last_forwarded_id=last_id or 0
            )
            before = None
        else:
            forwarding = StatementForwarding.objects.select_for_update().get(
                pk=existing.pk
            )
            before = snapshot(forwarding, _AUDITED)
        forwarding.endpoint = endpoint
        forwarding.username = username.strip()
        if password:
            forwarding.password_encrypted = encrypt_password(password)
        forwarding.is_active = is_active
        forwarding.failed_attempts = 0
        forwarding.next_attempt_at = None
        forwarding.save()
        record_write(
            AuditAction.CREATE if before is None else AuditAction.UPDATE,
            forwarding,
            actor=actor,
            before=before,
            after=snapshot(forwarding, _AUDITED),
            verb="lrs_forwarding.saved",
            data={"program": program.pk, "endpoint": endpoint, "active": is_active},
        )
    return forwarding


_AUDITED = ["program", "endpoint", "username", "is_active"]


def forward_statements(*, now: Any = None) -> int:
    """Send every due forwarding its next batch; return the statements delivered."""
    now = now or timezone.now()
    delivered = 0
    due = StatementForwarding.objects.filter(is_active=True).exclude(
        next_attempt_at__gt=now
    )
    for forwarding in due:
        delivered += _forward_batch(forwarding, now=now)
    return delivered


def _forward_batch(forwarding: StatementForwarding, *, now: Any) -> int:
    rows = list(
        Statement.objects.filter(
            id__gt=forwarding.last_forwarded_id,
            client__program_id=forwarding.program_id,
            stored__lt=now - timedelta(seconds=SETTLE_SECONDS),
        )
        .order_by("id")
        .values_list("id", "payload")[:BATCH_SIZE]
    )
    if not rows:
        return 0
    error = _send(forwarding, [payload for _, payload in rows])
    if error:
        attempts = forwarding.failed_attempts + 1
        delay = min(MAX_DELAY_SECONDS, 60 * 2 ** (attempts - 1))
        StatementForwarding.objects.filter(pk=forwarding.pk).update(
            failed_attempts=attempts,
            next_attempt_at=now + timedelta(seconds=delay),
            last_error=error[:1000],
        )
        logger.warning(
            "lrs_forwarding_failed",
            extra={"forwarding": forwarding.pk, "attempts": attempts, "error": error},
        )
        return 0
    StatementForwarding.objects.filter(pk=forwarding.pk).update(
        last_forwarded_id=rows[-1][0],
        forwarded_count=forwarding.forwarded_count + len(rows),
        failed_attempts=0,
        next_attempt_at=None,
        last_error="",
        last_success_at=now,
    )
    return len(rows)


def _send(forwarding: StatementForwarding, statements: list[dict[str, Any]]) -> str:
    """POST `statements` to the remote LRS; return '' on success, else the error.

    A 409 means the remote LRS holds some of them already and stored none of the
    batch: each is then sent on its own, with PUT, where one it holds is no error.
    """
    base = forwarding.endpoint.rstrip("/") + "/statements"
    version = (
        "2.0.0"
        if any(str(s.get("version", "")).startswith("2.") for s in statements)
        else "1.0.3"
    )
    session = requests.Session()
    session.auth = (
        forwarding.username,
        decrypt_password(forwarding.password_encrypted),
    )
    session.headers.update(
        {"Content-Type": "application/json", "X-Experience-API-Version": version}
    )
    try:
        response = session.post(
            base, data=orjson.dumps(statements), timeout=TIMEOUT_SECONDS
        )
        if response.status_code == 409:
            for statement in statements:
                response = session.put(
                    base,
                    params={"statementId": statement["id"]},
                    data=orjson.dumps(statement),
                    timeout=TIMEOUT_SECONDS,
                )
                if response.status_code not in {200, 204, 409}:
                    break
    except requests.RequestException as error:
        return f"{type(error).__name__}: {error}"
    finally:
        session.close()
    if response.status_code in {200, 204, 409}:
        return ""
    return f"HTTP {response.status_code}: {response.text[:300]}"
