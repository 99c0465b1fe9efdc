"""Authorization rules of the certification pages: learners see their own
certifications and certificates (another person's certificate does not exist for
them), partner admins their own team, vendor staff the learning report, and only
vendor admins revoke.
"""

from typing import Any

from django.utils import timezone

from cairn.core.authz import SIGN_IN, Rule, same_for_all
from cairn.learning.models import CertificationAward
from cairn.learning.services.certifications import (
    create_certification,
    record_exam_passed,
)
from cairn.learning.tests.authz import LEARNER_PAGE

PARTNER_PEOPLE = (
    "partner_a_admin",
    "partner_a_rep",
    "partner_a_second_rep",
    "partner_b_rep",
)


def prepare(ecosystem: Any) -> None:
    """Certify partner A's rep (an exam-only certification)."""
    create_certification(
        slug="routing-pro", title="Routing Pro", exam_key="routing-exam", actor=None
    )
    record_exam_passed(ecosystem.partner_a_rep, "routing-exam", timezone.now())
    ecosystem.award = CertificationAward.objects.get(user=ecosystem.partner_a_rep)


def _award(ecosystem: Any) -> dict[str, Any]:
    return {"pk": ecosystem.award.pk}


VENDOR_REPORT = same_for_all(
    403, vendor_admin=200, channel_manager=200, anonymous=SIGN_IN
)

RULES = [
    Rule("learning:my_certifications", expect=LEARNER_PAGE),
    Rule(
        "learning:certificate_pdf",
        kwargs=_award,
        # Only the holder downloads it; other partner people get 404, not 403.
        expect={
            **same_for_all(404, anonymous=SIGN_IN),
            "vendor_admin": 403,
            "channel_manager": 403,
            "partner_a_rep": 200,
        },
    ),
    # Public: whoever holds a verification code checks the certificate.
    Rule(
        "learning:verify_certificate",
        expect=same_for_all(200),
    ),
    Rule(
        "learning:team_learning",
        expect=same_for_all(403, partner_a_admin=200, anonymous=SIGN_IN),
    ),
    Rule("learning:learning_report", expect=VENDOR_REPORT),
    Rule(
        "learning:award_revoke",
        kwargs=_award,
        expect=same_for_all(403, vendor_admin=200, anonymous=SIGN_IN),
    ),
]
