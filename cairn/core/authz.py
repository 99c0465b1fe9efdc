"""Declared authorization rules, walked by the authorization matrix test.

Every URL pattern and API route declares, per persona, the status a GET answers.
`tests/test_authorization_matrix.py` resolves every route of the URL map and fails
for one that no rule covers, so an endpoint added later cannot skip the matrix.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PERSONAS = (
    "vendor_admin",
    "channel_manager",
    "partner_a_admin",
    "partner_a_rep",
    "partner_a_second_rep",
    "partner_b_rep",
    "anonymous",
)


@dataclass(frozen=True)
class Rule:
    """The statuses a GET of one named route answers, for each persona.

    `kwargs` builds the URL arguments from the test ecosystem (objects of partner A,
    so that partner B's answer proves isolation). `expect` must name every persona.
    A route that answers no GET (POST-only) declares 405 for those allowed to reach it.
    """

    name: str
    expect: dict[str, int]
    kwargs: Callable[[Any], dict[str, Any]] = field(default=lambda ecosystem: {})
    query: str = ""

    def __post_init__(self) -> None:
        missing = set(PERSONAS) - set(self.expect)
        if missing:
            raise ValueError(f"rule {self.name} names no status for {sorted(missing)}")


def same_for_all(status: int, **overrides: int) -> dict[str, int]:
    """Return an expectation that gives every persona `status` but the overrides."""
    return {persona: overrides.get(persona, status) for persona in PERSONAS}


# Common shapes: a page for signed-in users, a page for vendor staff only, and the
# status anonymous visitors get on portal pages (sent to sign in) and API routes.
SIGN_IN = 302
API_ANONYMOUS = 401
