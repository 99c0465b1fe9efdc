"""API authentication by personal token: `Authorization: Bearer cairn_…`."""

from typing import Any

from django.utils import timezone
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from cairn.accounts.models import ApiToken, hash_secret

TOKEN_PREFIX = "cairn_"  # noqa: S105 (a public prefix, not a secret)


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """Authenticate a request by a personal API token sent as a bearer token."""

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        header = authentication.get_authorization_header(request).decode(
            "latin-1", errors="replace"
        )
        parts = header.split()
        if not parts or parts[0].lower() not in {"bearer", "token"}:
            return None
        if len(parts) != 2 or not parts[1].startswith(TOKEN_PREFIX):
            raise exceptions.AuthenticationFailed("Malformed API token.")
        token = (
            ApiToken.objects.usable()
            .select_related("user", "user__organization")
            .filter(key_hash=hash_secret(parts[1]))
            .first()
        )
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(
                "Invalid, expired or revoked API token."
            )
        now = timezone.now()
        # Recording each use is one UPDATE; skip it within a minute of the last one so
        # that a busy integration does not write on every request.
        if (
            token.last_used_at is None
            or (now - token.last_used_at).total_seconds() > 60
        ):
            ApiToken.objects.filter(pk=token.pk).update(
                last_used_at=now, last_used_ip=request.META.get("REMOTE_ADDR") or None
            )
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword
