"""Authorization rules of the accounts app's routes: what a GET answers per persona.

POST-only routes answer 405 to every signed-in persona (the policy is checked on
POST, and tested in test_views.py); anonymous visitors are sent to sign in first.
"""

from typing import Any

from cairn.core.authz import API_ANONYMOUS, SIGN_IN, Rule, same_for_all

PARTNER_A_SEES = {
    "vendor_admin": 200,
    "channel_manager": 200,
    "partner_a_admin": 200,
    "partner_a_rep": 200,
    "partner_a_second_rep": 200,
    "partner_b_rep": 404,
}
POST_ONLY = same_for_all(405, anonymous=SIGN_IN)


def _rep(ecosystem: Any) -> dict[str, Any]:
    return {"pk": ecosystem.partner_a_rep.pk}


def _invitation(ecosystem: Any) -> dict[str, Any]:
    return {"pk": ecosystem.accounts_invitation.pk}


RULES = [
    # Portal pages.
    Rule("accounts:profile", expect=same_for_all(200, anonymous=SIGN_IN)),
    Rule("accounts:api_tokens", expect=same_for_all(200, anonymous=SIGN_IN)),
    Rule(
        "accounts:api_token_revoke",
        kwargs=lambda e: {"pk": e.accounts_token.pk},
        expect=POST_ONLY,
    ),
    Rule(
        "accounts:team",
        # Vendor staff are sent home: they manage people from partner pages.
        expect=same_for_all(
            200, vendor_admin=302, channel_manager=302, anonymous=SIGN_IN
        ),
    ),
    Rule(
        "accounts:staff_list",
        expect=same_for_all(403, vendor_admin=200, anonymous=SIGN_IN),
    ),
    Rule(
        "accounts:organization_invite",
        kwargs=lambda e: {"pk": e.partner_a.pk},
        expect={
            "vendor_admin": 200,
            "channel_manager": 200,
            "partner_a_admin": 200,
            "partner_a_rep": 403,
            "partner_a_second_rep": 403,
            "partner_b_rep": 404,
            "anonymous": SIGN_IN,
        },
    ),
    Rule("accounts:member_role", kwargs=_rep, expect=POST_ONLY),
    Rule("accounts:member_deactivate", kwargs=_rep, expect=POST_ONLY),
    Rule("accounts:member_reactivate", kwargs=_rep, expect=POST_ONLY),
    Rule("accounts:invitation_resend", kwargs=_invitation, expect=POST_ONLY),
    Rule("accounts:invitation_revoke", kwargs=_invitation, expect=POST_ONLY),
    Rule(
        "accounts:invitation_accept",
        kwargs=lambda e: {"key": e.accounts_invitation_key},
        # The key is the capability; signed-in personas are not the invited person.
        expect=same_for_all(403, anonymous=200),
    ),
    # API.
    Rule("user-list", expect=same_for_all(200, anonymous=API_ANONYMOUS)),
    Rule("user-me", expect=same_for_all(200, anonymous=API_ANONYMOUS)),
    Rule(
        "user-detail",
        kwargs=_rep,
        expect={**PARTNER_A_SEES, "anonymous": API_ANONYMOUS},
    ),
    Rule("invitation-list", expect=same_for_all(200, anonymous=API_ANONYMOUS)),
    Rule(
        "invitation-detail",
        kwargs=_invitation,
        expect=same_for_all(
            404,
            vendor_admin=200,
            channel_manager=200,
            partner_a_admin=200,
            anonymous=API_ANONYMOUS,
        ),
    ),
    Rule(
        "invitation-resend",
        kwargs=_invitation,
        expect=same_for_all(405, anonymous=API_ANONYMOUS),
    ),
    Rule("api-token-list", expect=same_for_all(200, anonymous=API_ANONYMOUS)),
    Rule(
        "api-token-detail",
        kwargs=lambda e: {"pk": e.accounts_token.pk},
        expect=same_for_all(404, partner_a_rep=200, anonymous=API_ANONYMOUS),
    ),
]


def prepare(ecosystem: Any) -> None:
    """Add a pending invitation to partner A and an API token of partner A's rep."""
    from cairn.accounts.tests.factories import (
        api_token_with_secret,
        invitation_with_key,
    )

    invitation, key = invitation_with_key(
        email="invited@alpha.example", organization=ecosystem.partner_a
    )
    ecosystem.accounts_invitation = invitation
    ecosystem.accounts_invitation_key = key
    ecosystem.accounts_token, _ = api_token_with_secret(ecosystem.partner_a_rep)
