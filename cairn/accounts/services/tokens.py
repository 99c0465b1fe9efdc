"""Writes of personal API tokens: create and revoke."""

import datetime
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cairn.accounts import policies
from cairn.accounts.choices import TokenScope
from cairn.accounts.models import TOKEN_PREFIX, ApiToken, User, hash_secret
from cairn.accounts.services._common import max_length
from cairn.core.audit import record_write, snapshot
from cairn.core.models import AuditAction

MAX_ACTIVE_API_TOKENS = 50
MAX_API_TOKEN_DAYS = 730


def _clean_scopes(scopes: Any) -> list[str]:
    if isinstance(scopes, str) or not scopes:
        raise ValidationError({"scopes": "Choose at least one scope."})
    chosen = {str(scope) for scope in scopes}
    unknown = chosen - set(TokenScope.values)
    if unknown:
        raise ValidationError(
            {"scopes": f"Unknown scopes: {', '.join(sorted(unknown))}."}
        )
    return sorted(chosen)


def create_api_token(
    user: User,
    *,
    name: str,
    scopes: Any,
    expires_in_days: int | None,
    actor: Any,
) -> tuple[ApiToken, str]:
    """Create a personal API token; return it and its secret, shown only once."""
    if not policies.can_create_api_token(actor, user):
        raise PermissionDenied
    errors: dict[str, Any] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = "Name the token after what uses it."
    elif len(name) > max_length(ApiToken, "name"):
        errors["name"] = "This name is too long."
    try:
        clean_scopes = _clean_scopes(scopes)
    except ValidationError as error:
        errors.update(error.message_dict)
    if expires_in_days is not None and not (
        isinstance(expires_in_days, int) and 1 <= expires_in_days <= MAX_API_TOKEN_DAYS
    ):
        errors["expires_in_days"] = (
            f"Give a number of days between 1 and {MAX_API_TOKEN_DAYS}, or none."
        )
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        if ApiToken.objects.filter(user=user).usable().count() >= MAX_ACTIVE_API_TOKENS:
            raise ValidationError(
                f"You have {MAX_ACTIVE_API_TOKENS} active tokens: revoke one first.",
                code="too_many",
            )
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=raw[:12],
            key_hash=hash_secret(raw),
            scopes=clean_scopes,
            created_at=now,
            expires_at=(
                now + datetime.timedelta(days=expires_in_days)
                if expires_in_days
                else None
            ),
        )
        record_write(
            AuditAction.CREATE,
            token,
            actor=actor,
            organization_id=user.organization_id,
            after=snapshot(token),
            verb="api_token.created",
            data={"name": name, "scopes": clean_scopes},
        )
    return token, raw


def revoke_api_token(token: ApiToken, *, actor: Any) -> ApiToken:
    """Revoke an API token at once; revoking twice changes nothing."""
    if not policies.can_revoke_api_token(actor, token):
        raise PermissionDenied
    with transaction.atomic():
        token = (
            ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
        )
        if token.revoked_at is not None:
            return token
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_write(
            AuditAction.UPDATE,
            token,
            actor=actor,
            organization_id=token.user.organization_id,
            before={"revoked_at": None},
            after={"revoked_at": token.revoked_at.isoformat()},
            verb="api_token.revoked",
            data={"name": token.name},
        )
    return token


# Recording each use is one UPDATE; within this many seconds of the last recorded use
# it is skipped, so that a busy integration does not write on every request.
TOKEN_USE_RECORD_INTERVAL_SECONDS = 60


def record_api_token_use(token: ApiToken, *, ip_address: str | None) -> None:
    """Record when and from where a token was last used (at most once a minute)."""
    now = timezone.now()
    last = token.last_used_at
    if last is not None and (now - last).total_seconds() <= (
        TOKEN_USE_RECORD_INTERVAL_SECONDS
    ):
        return
    ApiToken.objects.filter(pk=token.pk).update(
        last_used_at=now, last_used_ip=ip_address or None
    )
