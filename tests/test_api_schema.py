"""schemathesis against the API's own OpenAPI schema, in process.

Generated requests (valid and invalid) go to every operation as a vendor admin and as
a partner admin with write tokens; no answer may be a server error, and every
answer must be documented and match its schema and content type.
"""

from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from conftest import Ecosystem

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    content_type_conformance,
]


@pytest.fixture
def api_schema(ecosystem: Ecosystem) -> Any:
    return schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())


schema = schemathesis.pytest.from_fixture("api_schema")


def _token_for(user: Any) -> str:
    from cairn.accounts.services import create_api_token

    _, raw = create_api_token(
        user,
        name="schemathesis",
        scopes=["read", "write"],
        expires_in_days=None,
        actor=user,
    )
    return raw


@pytest.fixture(params=["vendor_admin", "partner_a_admin"])
def persona(request: Any) -> str:
    return str(request.param)


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_answers_no_server_error_and_matches_its_schema(
    case: Any, persona: str, ecosystem: Ecosystem
) -> None:
    token = _token_for(getattr(ecosystem, persona))
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
