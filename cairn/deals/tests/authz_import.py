"""Authorization rules of the CSV import pages.

Partners import registrations (vendor staff get 403); an import is seen only by
the person who uploaded it, so partner A's rep's import answers 404 to their
colleague, their own partner admin and partner B. The direct pipeline is imported
by vendor admins only, as the API lets only them write it: channel managers and
partners get 403. Commit routes are POST-only and answer 405 to a GET of those
allowed to reach them.
"""

from typing import Any

from cairn.core.authz import SIGN_IN, Rule, same_for_all
from cairn.deals.services import imports
from cairn.deals.tests.imports_support import (
    DIRECT_HEADER,
    REGISTRATION_HEADER,
    csv_bytes,
    direct_row,
    registration_row,
)

PARTNER_PAGE = same_for_all(
    200, vendor_admin=403, channel_manager=403, anonymous=SIGN_IN
)
PARTNER_A_REP_IMPORT = {
    **same_for_all(404, vendor_admin=403, channel_manager=403, anonymous=SIGN_IN),
    "partner_a_rep": 200,
}
PARTNER_POST_ONLY = same_for_all(
    405, vendor_admin=403, channel_manager=403, anonymous=SIGN_IN
)
VENDOR_ADMIN_PAGE = same_for_all(403, vendor_admin=200, anonymous=SIGN_IN)
VENDOR_ADMIN_POST_ONLY = same_for_all(403, vendor_admin=405, anonymous=SIGN_IN)


def prepare(ecosystem: Any) -> None:
    """Validate a registrations file as partner A's rep and a direct pipeline file
    as the vendor admin.
    """
    ecosystem.registration_import = imports.validate_registrations_import(
        actor=ecosystem.partner_a_rep,
        program=ecosystem.program,
        file_name="deals.csv",
        data=csv_bytes(REGISTRATION_HEADER, [registration_row(1)]),
    )
    ecosystem.direct_import = imports.validate_direct_import(
        actor=ecosystem.vendor_admin,
        file_name="pipeline.csv",
        data=csv_bytes(DIRECT_HEADER, [direct_row(1)]),
    )


def _registration_import(ecosystem: Any) -> dict[str, Any]:
    return {"pk": ecosystem.registration_import.pk}


def _direct_import(ecosystem: Any) -> dict[str, Any]:
    return {"pk": ecosystem.direct_import.pk}


RULES = [
    Rule("deals:registration_import", expect=PARTNER_PAGE),
    Rule("deals:registration_import_template", expect=PARTNER_PAGE),
    Rule(
        "deals:registration_import_run",
        kwargs=_registration_import,
        expect=PARTNER_A_REP_IMPORT,
    ),
    Rule(
        "deals:registration_import_report",
        kwargs=_registration_import,
        expect=PARTNER_A_REP_IMPORT,
    ),
    Rule(
        "deals:registration_import_commit",
        kwargs=_registration_import,
        expect=PARTNER_POST_ONLY,
    ),
    Rule("deals:direct_import", expect=VENDOR_ADMIN_PAGE),
    Rule("deals:direct_import_template", expect=VENDOR_ADMIN_PAGE),
    Rule("deals:direct_import_run", kwargs=_direct_import, expect=VENDOR_ADMIN_PAGE),
    Rule("deals:direct_import_report", kwargs=_direct_import, expect=VENDOR_ADMIN_PAGE),
    Rule(
        "deals:direct_import_commit",
        kwargs=_direct_import,
        expect=VENDOR_ADMIN_POST_ONLY,
    ),
]
