"""schemathesis against the API's own OpenAPI schema, in process.

Generated requests (valid and invalid) go to every operation as a vendor admin and as
a partner admin with write tokens; no answer may be a server error, and every answer
must be documented and match its schema and content type.
"""

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from cairn.accounts.services import create_api_token
from conftest import Ecosystem

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    content_type_conformance,
]
PERSONAS = ("vendor_admin", "partner_a_admin")


# Loading the schema touches no database: it is public and needs no session.
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())


@pytest.fixture
def keep_test_transaction() -> Iterator[None]:
    """Keep the test's database connection open across WSGI requests.

    A WSGI request normally closes old connections at its start and end; here that
    would end the test's transaction, as Django's own test client knows.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(ecosystem: Ecosystem) -> dict[str, str]:
    """One read-and-write token per persona, created once per test."""
    raw_tokens = {}
    for persona in PERSONAS:
        user = getattr(ecosystem, persona)
        _, raw = create_api_token(
            user,
            name="schemathesis",
            scopes=["read", "write"],
            expires_in_days=None,
            actor=user,
        )
        raw_tokens[persona] = raw
    return raw_tokens


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_answers_no_server_error_and_matches_its_schema(
    case: Any, tokens: dict[str, str], keep_test_transaction: None
) -> None:
    for persona in PERSONAS:
        case.call_and_validate(
            headers={"Authorization": f"Bearer {tokens[persona]}"}, checks=CHECKS
        )
