"""Authorization rules of the LRS: the xAPI resources and the console's pages.

The xAPI resources authenticate LRS clients with HTTP Basic only: a signed-in
person's session opens none of them (401 for everyone), except the about resource,
which xAPI makes public. The credentials page is for vendor admins.
"""

from typing import Any

from cairn.core.authz import API_ANONYMOUS, SIGN_IN, Rule, same_for_all
from cairn.lrs.services.clients import create_lrs_client

XAPI_CLIENTS_ONLY = same_for_all(API_ANONYMOUS)
VENDOR_ADMIN_PAGE = same_for_all(403, vendor_admin=200, anonymous=SIGN_IN)
VENDOR_ADMIN_POST_ONLY = same_for_all(403, vendor_admin=405, anonymous=SIGN_IN)


def prepare(ecosystem: Any) -> None:
    """Create LRS credentials to revoke."""
    ecosystem.lrs_client, _ = create_lrs_client(
        name="Authoring tool", scopes=["all"], actor=ecosystem.vendor_admin
    )


RULES = [
    Rule("lrs:xapi_about", expect=same_for_all(200)),
    Rule("lrs:xapi_statements", expect=XAPI_CLIENTS_ONLY),
    Rule("lrs:xapi_activities_state", expect=XAPI_CLIENTS_ONLY),
    Rule("lrs:xapi_activities_profile", expect=XAPI_CLIENTS_ONLY),
    Rule("lrs:xapi_activities", expect=XAPI_CLIENTS_ONLY),
    Rule("lrs:xapi_agents_profile", expect=XAPI_CLIENTS_ONLY),
    Rule("lrs:xapi_agents", expect=XAPI_CLIENTS_ONLY),
    # A cmi5 AU posts to its launch's fetch URL; a GET is no request of cmi5's.
    Rule(
        "lrs:cmi5_fetch",
        kwargs=lambda ecosystem: {"token": "not-a-launch"},
        expect=same_for_all(405),
    ),
    Rule("lrs:client_list", expect=VENDOR_ADMIN_PAGE),
    Rule("lrs:forwarding_save", expect=VENDOR_ADMIN_POST_ONLY),
    Rule(
        "lrs:client_revoke",
        kwargs=lambda ecosystem: {"pk": ecosystem.lrs_client.pk},
        expect=VENDOR_ADMIN_POST_ONLY,
    ),
]
