"""Authorization rules of the pipeline, export, service-level and velocity pages,
and of the deal-metrics API.

The partner pipeline and its export are partner pages (their scope is tested in
test_views_pipeline: partner B's deals never appear in partner A's); the console
pipeline, export, service levels and velocity are vendor staff's only.
"""

from typing import Any

from cairn.core.authz import Rule
from cairn.deals import services
from cairn.deals.tests.authz import PARTNER_PAGE, PARTNER_POST_ONLY, VENDOR_PAGE
from cairn.deals.tests.authz_api import SIGNED_IN, VENDOR_STAFF
from cairn.deals.tests.support import UNRELATED


def prepare(ecosystem: Any) -> None:
    """Register and approve a deal of partner A's rep, movable on the board."""
    registration = services.register_deal(
        actor=ecosystem.partner_a_rep,
        program=ecosystem.program,
        **{
            **UNRELATED,
            "customer_name": "Pipeline Authz KK",
            "customer_domain": "pipeline-authz.jp",
            "contact_email": "aiko@pipeline-authz.jp",
        },
    )
    ecosystem.pipeline_registration = services.approve_registration(
        registration, actor=ecosystem.vendor_admin
    )


def _registration(ecosystem: Any) -> dict[str, Any]:
    return {"pk": ecosystem.pipeline_registration.pk}


BAD_FILTERS = (
    "?view=nonsense&status=bogus&sales_stage=x&program=0&partner=%3D1"
    "&close_from=2026-13-45&close_to=yesterday&search=acme&page=x"
)

RULES = [
    # Partner portal
    Rule("deals:pipeline", expect=PARTNER_PAGE),
    Rule("deals:pipeline", query="?view=list", expect=PARTNER_PAGE),
    Rule("deals:pipeline", query=BAD_FILTERS, expect=PARTNER_PAGE),
    Rule("deals:pipeline_export", expect=PARTNER_PAGE),
    Rule("deals:pipeline_export", query=BAD_FILTERS, expect=PARTNER_PAGE),
    Rule("deals:pipeline_stage", kwargs=_registration, expect=PARTNER_POST_ONLY),
    # Vendor console
    Rule("deals:console_pipeline", expect=VENDOR_PAGE),
    Rule("deals:console_pipeline", query="?view=list", expect=VENDOR_PAGE),
    Rule("deals:console_pipeline", query=BAD_FILTERS, expect=VENDOR_PAGE),
    Rule("deals:console_pipeline_export", expect=VENDOR_PAGE),
    Rule("deals:console_pipeline_export", query=BAD_FILTERS, expect=VENDOR_PAGE),
    Rule("deals:service_levels", expect=VENDOR_PAGE),
    Rule("deals:service_levels", query="?period=365", expect=VENDOR_PAGE),
    Rule("deals:service_levels", query="?period=-1", expect=VENDOR_PAGE),
    Rule("deals:velocity", expect=VENDOR_PAGE),
    Rule("deals:velocity", query="?period=bogus", expect=VENDOR_PAGE),
    # API
    Rule("deal-metrics-service-levels", expect=VENDOR_STAFF),
    Rule("deal-metrics-service-levels", query="?period=365", expect=VENDOR_STAFF),
    Rule("deal-metrics-velocity", expect=VENDOR_STAFF),
    Rule("deal-metrics-decision-times", expect=SIGNED_IN),
    Rule("deal-metrics-pipeline", expect=SIGNED_IN),
    Rule(
        "deal-metrics-pipeline",
        query="?status=approved&sales_stage=won&close_from=2026-01-01&search=acme",
        expect=SIGNED_IN,
    ),
]
