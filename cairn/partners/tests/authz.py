"""Authorization rules of the partners app's pages and API routes.

Console pages answer 403 to partner users where they list or create, and 404 where
they show one object, so that a partner learns nothing from an address. URL
arguments name objects of partner A, so partner B's answers prove isolation.
"""

from typing import Any

from cairn.core.authz import API_ANONYMOUS, SIGN_IN, Rule, same_for_all

VENDOR_PAGE = same_for_all(
    403, vendor_admin=200, channel_manager=200, anonymous=SIGN_IN
)
VENDOR_OBJECT_PAGE = same_for_all(
    404, vendor_admin=200, channel_manager=200, anonymous=SIGN_IN
)
VENDOR_ADMIN_PAGE = same_for_all(403, vendor_admin=200, anonymous=SIGN_IN)
VENDOR_ADMIN_OBJECT_PAGE = same_for_all(
    404, vendor_admin=200, channel_manager=403, anonymous=SIGN_IN
)
PARTNER_PAGE = same_for_all(
    200, vendor_admin=403, channel_manager=403, anonymous=SIGN_IN
)
PARTNER_A_OBJECT = same_for_all(200, partner_b_rep=404, anonymous=API_ANONYMOUS)
SIGNED_IN_API = same_for_all(200, anonymous=API_ANONYMOUS)


def _partner_a(ecosystem: Any) -> dict[str, Any]:
    return {"pk": ecosystem.partner_a.pk}


def _partner_c(ecosystem: Any) -> dict[str, Any]:
    return {"pk": ecosystem.partner_c.pk}


def _program(ecosystem: Any) -> dict[str, Any]:
    return {"pk": ecosystem.program.pk}


def _gold(ecosystem: Any) -> dict[str, Any]:
    return {"pk": ecosystem.gold.pk}


def _membership_of_a(ecosystem: Any) -> dict[str, Any]:
    return {"pk": ecosystem.partner_a.memberships.get(program=ecosystem.program).pk}


RULES = [
    # Vendor console
    Rule("partners:console", expect=VENDOR_PAGE),
    Rule("partners:organization_list", expect=VENDOR_PAGE),
    Rule(
        "partners:organization_list",
        query="?search=alpha&program=1&tier=x&status=bogus&sort=-last_active&page=9",
        expect=VENDOR_PAGE,
    ),
    Rule("partners:organization_detail", kwargs=_partner_a, expect=VENDOR_OBJECT_PAGE),
    Rule(
        "partners:organization_detail",
        kwargs=_partner_c,
        expect=same_for_all(404, vendor_admin=200, anonymous=SIGN_IN),
    ),
    Rule("partners:organization_create", expect=VENDOR_ADMIN_PAGE),
    Rule("partners:organization_update", kwargs=_partner_a, expect=VENDOR_OBJECT_PAGE),
    Rule("partners:membership_create", kwargs=_partner_a, expect=VENDOR_OBJECT_PAGE),
    Rule(
        "partners:membership_update", kwargs=_membership_of_a, expect=VENDOR_OBJECT_PAGE
    ),
    Rule("partners:program_list", expect=VENDOR_PAGE),
    Rule("partners:program_detail", kwargs=_program, expect=VENDOR_OBJECT_PAGE),
    Rule("partners:program_create", expect=VENDOR_ADMIN_PAGE),
    Rule("partners:program_update", kwargs=_program, expect=VENDOR_ADMIN_OBJECT_PAGE),
    Rule("partners:tier_create", kwargs=_program, expect=VENDOR_ADMIN_OBJECT_PAGE),
    Rule("partners:tier_update", kwargs=_gold, expect=VENDOR_ADMIN_OBJECT_PAGE),
    # Partner portal
    Rule("partners:partner_home", expect=PARTNER_PAGE),
    Rule("partners:my_organization", expect=PARTNER_PAGE),
    Rule(
        "partners:my_organization_update",
        expect=same_for_all(403, partner_a_admin=200, anonymous=SIGN_IN),
    ),
    # API
    Rule("program-list", expect=SIGNED_IN_API),
    Rule("program-detail", kwargs=_program, expect=SIGNED_IN_API),
    Rule("tier-list", expect=SIGNED_IN_API),
    Rule("tier-detail", kwargs=_gold, expect=SIGNED_IN_API),
    Rule("organization-list", expect=SIGNED_IN_API),
    Rule("organization-detail", kwargs=_partner_a, expect=PARTNER_A_OBJECT),
    Rule(
        "organization-detail",
        kwargs=_partner_c,
        expect=same_for_all(404, vendor_admin=200, anonymous=API_ANONYMOUS),
    ),
    Rule("membership-list", expect=SIGNED_IN_API),
    Rule("membership-detail", kwargs=_membership_of_a, expect=PARTNER_A_OBJECT),
]
