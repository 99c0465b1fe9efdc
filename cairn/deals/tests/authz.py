"""Authorization rules of the deal registration pages (authz_api holds the API's).

Partner pages answer 403 to vendor staff and 404 for a registration outside the
persona's scope: partner B's answers prove isolation between partners, the second
rep's prove that a rep sees only the registrations they registered. Console pages
about one registration answer 404 to partner users. POST-only routes answer 405 to
the personas allowed to reach them; their policies are tested in test_views.
"""

from typing import Any

from cairn.core.authz import SIGN_IN, Rule, same_for_all
from cairn.deals import services
from cairn.deals.tests.support import ACME, ACME_AGAIN, LINES

PARTNER_PAGE = same_for_all(
    200, vendor_admin=403, channel_manager=403, anonymous=SIGN_IN
)
VENDOR_PAGE = same_for_all(
    403, vendor_admin=200, channel_manager=200, anonymous=SIGN_IN
)
VENDOR_OBJECT_PAGE = same_for_all(
    404, vendor_admin=200, channel_manager=200, anonymous=SIGN_IN
)
VENDOR_POST_ONLY = same_for_all(
    404, vendor_admin=405, channel_manager=405, anonymous=SIGN_IN
)
PARTNER_POST_ONLY = same_for_all(
    405, vendor_admin=403, channel_manager=403, anonymous=SIGN_IN
)
# A registration of partner A's rep: their admin sees it, their colleague does not.
PARTNER_A_REP_OBJECT = {
    "vendor_admin": 403,
    "channel_manager": 403,
    "partner_a_admin": 200,
    "partner_a_rep": 200,
    "partner_a_second_rep": 404,
    "partner_b_rep": 404,
    "anonymous": SIGN_IN,
}


def prepare(ecosystem: Any) -> None:
    """Register, as partner A's rep, a draft and a deal that conflicts with an
    earlier registration of partner B.
    """
    ecosystem.portal_earlier = services.register_deal(
        actor=ecosystem.partner_b_rep, program=ecosystem.program, lines=LINES, **ACME
    )
    ecosystem.portal_registration = services.register_deal(
        actor=ecosystem.partner_a_rep,
        program=ecosystem.program,
        lines=LINES,
        **ACME_AGAIN,
    )
    ecosystem.portal_conflict = ecosystem.portal_registration.conflicts.get(
        other_registration=ecosystem.portal_earlier
    )
    ecosystem.portal_draft = services.create_draft(
        actor=ecosystem.partner_a_rep,
        program=ecosystem.program,
        customer_name="Draft Customer SA",
        country="FR",
    )


def _registration(ecosystem: Any) -> dict[str, Any]:
    return {"pk": ecosystem.portal_registration.pk}


def _draft(ecosystem: Any) -> dict[str, Any]:
    return {"pk": ecosystem.portal_draft.pk}


def _conflict(ecosystem: Any) -> dict[str, Any]:
    return {"pk": ecosystem.portal_conflict.pk}


PORTAL_RULES = [
    # Partner portal
    Rule("deals:registration_list", expect=PARTNER_PAGE),
    Rule(
        "deals:registration_list",
        query="?status=bogus&program=x&search=acme&page=99",
        expect=PARTNER_PAGE,
    ),
    Rule("deals:registration_create", expect=PARTNER_PAGE),
    Rule(
        "deals:registration_detail", kwargs=_registration, expect=PARTNER_A_REP_OBJECT
    ),
    Rule("deals:registration_update", kwargs=_draft, expect=PARTNER_A_REP_OBJECT),
    Rule(
        "deals:registration_update",
        kwargs=_registration,
        # Visible to its partner, but a submitted registration is not edited.
        expect={**PARTNER_A_REP_OBJECT, "partner_a_admin": 403, "partner_a_rep": 403},
    ),
    Rule("deals:registration_submit", kwargs=_draft, expect=PARTNER_POST_ONLY),
    Rule("deals:registration_stage", kwargs=_registration, expect=PARTNER_POST_ONLY),
    Rule("deals:conflict_appeal", kwargs=_conflict, expect=PARTNER_POST_ONLY),
    # Vendor console
    Rule("deals:review_queue", expect=VENDOR_PAGE),
    Rule(
        "deals:review_queue",
        query="?status=approved&program=0&overdue=yes&search=acme&page=x",
        expect=VENDOR_PAGE,
    ),
    Rule("deals:review_detail", kwargs=_registration, expect=VENDOR_OBJECT_PAGE),
    Rule("deals:review_decide", kwargs=_registration, expect=VENDOR_POST_ONLY),
    Rule("deals:conflict_resolve", kwargs=_conflict, expect=VENDOR_POST_ONLY),
]

RULES = PORTAL_RULES
