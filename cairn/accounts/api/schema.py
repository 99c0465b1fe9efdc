"""OpenAPI description of personal API token authentication."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """Describe `Authorization: Bearer cairn_…` personal tokens in the schema."""

    target_class = "cairn.accounts.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "cairn_<secret>",
            "description": (
                "A personal API token, created under API tokens in the portal. A "
                "token with the read scope may only read."
            ),
        }
