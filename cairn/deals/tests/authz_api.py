"""Authorization rules of the deal registration API routes (imported by authz.py).

Reads are scoped: a registration of partner A's rep answers 404 to partner B and to
the rep's colleague, exactly like a missing one. Action routes are POST-only and
answer 405 to a GET from every signed-in persona (their policies are tested in
test_api_registrations). The direct pipeline is for the vendor's staff only.
"""

from typing import Any

from cairn.core.authz import API_ANONYMOUS, Rule, same_for_all
from cairn.deals import services
from cairn.deals.tests.support import LINES, UNRELATED

SIGNED_IN = same_for_all(200, anonymous=API_ANONYMOUS)
POST_ONLY = same_for_all(405, anonymous=API_ANONYMOUS)
PARTNER_A_REP_OBJECT = {
    "vendor_admin": 200,
    "channel_manager": 200,
    "partner_a_admin": 200,
    "partner_a_rep": 200,
    "partner_a_second_rep": 404,
    "partner_b_rep": 404,
    "anonymous": API_ANONYMOUS,
}
VENDOR_STAFF = same_for_all(
    403, vendor_admin=200, channel_manager=200, anonymous=API_ANONYMOUS
)
ACTIONS = (
    "submit",
    "stage",
    "appeal",
    "start-review",
    "request-information",
    "approve",
    "reject",
    "resolve-conflict",
)


def prepare(ecosystem: Any) -> None:
    """Register a deal as partner A's rep and add one direct opportunity."""
    from cairn.deals.tests.factories import DirectOpportunityFactory

    ecosystem.api_registration = services.register_deal(
        actor=ecosystem.partner_a_rep,
        program=ecosystem.program,
        lines=LINES,
        **UNRELATED,
    )
    ecosystem.api_direct = DirectOpportunityFactory(external_id="SF-AUTHZ-1")


def _registration(ecosystem: Any) -> dict[str, Any]:
    return {"pk": ecosystem.api_registration.pk}


def _direct(ecosystem: Any) -> dict[str, Any]:
    return {"external_id": ecosystem.api_direct.external_id}


RULES = [
    Rule("deal-registration-list", expect=SIGNED_IN),
    Rule(
        "deal-registration-list",
        query="?status=approved&stage=won&program=1&search=acme&ordering=-amount",
        expect=SIGNED_IN,
    ),
    Rule(
        "deal-registration-detail",
        kwargs=_registration,
        expect=PARTNER_A_REP_OBJECT,
    ),
    *(
        Rule(
            f"deal-registration-{name}",
            kwargs=_registration,
            expect=POST_ONLY,
        )
        for name in ACTIONS
    ),
    Rule("direct-opportunity-list", expect=VENDOR_STAFF),
    Rule("direct-opportunity-detail", kwargs=_direct, expect=VENDOR_STAFF),
]
