"""Authorization rules of attachments, protection extensions and the programs'
deal settings, in the portal and the API.

An attachment's download is one route for every signed-in persona: it answers 200
to whoever sees the registration (its partner, the vendor's reviewers) and 404 to
everyone else, exactly as for a missing file. Program settings are console pages:
the program's channel manager reads them (vendor admins change them); partners get
404. POST-only routes answer 405 to a GET; their policies are tested in the
test_attachments, test_extensions and test_custom_fields modules.
"""

import datetime
from typing import Any

from cairn.core.authz import API_ANONYMOUS, SIGN_IN, Rule, same_for_all
from cairn.deals import services
from cairn.deals.tests.files import PDF_BYTES, upload
from cairn.deals.tests.support import LINES, UNRELATED

KESTREL: dict[str, Any] = {
    **UNRELATED,
    "customer_name": "Kestrel Freight AS",
    "customer_domain": "kestrel-freight.no",
    "country": "NO",
    "city": "Bergen",
    "postal_code": "5003",
    "contact_email": "ola@kestrel-freight.no",
    "expected_close_date": datetime.date(2026, 9, 30),
}
# Seen by the rep who registered, their admin and the vendor's reviewers.
SEEN_BY_REGISTRATION_SCOPE = {
    "vendor_admin": 200,
    "channel_manager": 200,
    "partner_a_admin": 200,
    "partner_a_rep": 200,
    "partner_a_second_rep": 404,
    "partner_b_rep": 404,
}
PORTAL_DOWNLOAD = {**SEEN_BY_REGISTRATION_SCOPE, "anonymous": SIGN_IN}
API_DOWNLOAD = {**SEEN_BY_REGISTRATION_SCOPE, "anonymous": API_ANONYMOUS}
PARTNER_POST_ONLY = same_for_all(
    405, vendor_admin=403, channel_manager=403, anonymous=SIGN_IN
)
VENDOR_POST_ONLY = same_for_all(
    404, vendor_admin=405, channel_manager=405, anonymous=SIGN_IN
)
VENDOR_PAGE = same_for_all(
    403, vendor_admin=200, channel_manager=200, anonymous=SIGN_IN
)
VENDOR_OBJECT_PAGE = same_for_all(
    404, vendor_admin=200, channel_manager=200, anonymous=SIGN_IN
)
API_POST_ONLY = same_for_all(405, anonymous=API_ANONYMOUS)


def prepare(ecosystem: Any) -> None:
    """As partner A's rep: a draft with a PDF attached, and an approved deal with
    an extension request waiting for a decision.
    """
    ecosystem.protection_draft = services.create_draft(
        actor=ecosystem.partner_a_rep,
        program=ecosystem.program,
        customer_name="Heron Maritime Ltd",
        country="GB",
    )
    ecosystem.protection_attachment = services.add_attachment(
        ecosystem.protection_draft,
        actor=ecosystem.partner_a_rep,
        upload=upload("quote.pdf", PDF_BYTES),
    )
    approved = services.register_deal(
        actor=ecosystem.partner_a_rep, program=ecosystem.program, lines=LINES, **KESTREL
    )
    ecosystem.protection_approved = services.approve_registration(
        approved, actor=ecosystem.vendor_admin
    )
    ecosystem.protection_extension = services.request_extension(
        ecosystem.protection_approved,
        actor=ecosystem.partner_a_rep,
        reason="The customer's board meets next quarter.",
    )


def _draft(ecosystem: Any) -> dict[str, Any]:
    return {"pk": ecosystem.protection_draft.pk}


def _approved(ecosystem: Any) -> dict[str, Any]:
    return {"pk": ecosystem.protection_approved.pk}


def _attachment(ecosystem: Any) -> dict[str, Any]:
    return {"pk": ecosystem.protection_attachment.pk}


def _api_attachment(ecosystem: Any) -> dict[str, Any]:
    return {
        "pk": ecosystem.protection_draft.pk,
        "attachment_pk": ecosystem.protection_attachment.pk,
    }


def _extension(ecosystem: Any) -> dict[str, Any]:
    return {"pk": ecosystem.protection_extension.pk}


def _program(ecosystem: Any) -> dict[str, Any]:
    return {"pk": ecosystem.program.pk}


RULES = [
    # Partner portal
    Rule("deals:attachment_add", kwargs=_draft, expect=PARTNER_POST_ONLY),
    Rule("deals:attachment_download", kwargs=_attachment, expect=PORTAL_DOWNLOAD),
    Rule("deals:attachment_delete", kwargs=_attachment, expect=PARTNER_POST_ONLY),
    Rule("deals:extension_request", kwargs=_approved, expect=PARTNER_POST_ONLY),
    # Vendor console
    Rule("deals:extension_decide", kwargs=_extension, expect=VENDOR_POST_ONLY),
    Rule("deals:program_settings_list", expect=VENDOR_PAGE),
    Rule("deals:program_settings", kwargs=_program, expect=VENDOR_OBJECT_PAGE),
    # API
    Rule("deal-registration-attachments", kwargs=_draft, expect=API_POST_ONLY),
    Rule("deal-registration-attachment", kwargs=_api_attachment, expect=API_DOWNLOAD),
    Rule("deal-registration-request-extension", kwargs=_approved, expect=API_POST_ONLY),
    Rule("deal-registration-decide-extension", kwargs=_approved, expect=API_POST_ONLY),
]
