"""API authentication by personal token: `Authorization: Bearer cairn_…`."""

from typing import Any

from rest_framework import authentication, exceptions
from rest_framework.request import Request

from cairn.accounts.models import TOKEN_PREFIX, ApiToken, hash_secret
from cairn.accounts.services.tokens import record_api_token_use


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
        record_api_token_use(token, ip_address=request.META.get("REMOTE_ADDR"))
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword
