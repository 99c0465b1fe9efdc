"""Certification pages: my certifications, the certificate download, the team
report's isolation, the vendor report's query count and revocation.
"""

import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone

from cairn.core.models import AuditEntry
from cairn.learning.choices import AwardStatus
from cairn.learning.models import Certification, CertificationAward
from cairn.learning.services.certifications import (
    create_certification,
    record_exam_passed,
    require_certification_for_tier,
)
from conftest import Ecosystem, client_for


def _certify(user: Any, *, at: datetime.datetime | None = None) -> CertificationAward:
    certification = Certification.objects.filter(
        slug="routing-pro"
    ).first() or create_certification(
        slug="routing-pro",
        title="Routing Pro",
        exam_key="routing-exam",
        validity_months=12,
        actor=None,
    )
    record_exam_passed(user, "routing-exam", at or timezone.now())
    return CertificationAward.objects.get(user=user, certification=certification)


def test_a_learner_sees_their_certification_and_downloads_the_certificate(
    ecosystem: Ecosystem,
) -> None:
    award = _certify(ecosystem.partner_a_rep)
    browser = client_for(ecosystem.partner_a_rep)

    page = browser.get(reverse("learning:my_certifications")).content.decode()
    pdf = browser.get(reverse("learning:certificate_pdf", args=[award.pk]))

    assert "Routing Pro" in page
    assert award.verification_code in page
    assert "Active" in page
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert award.verification_code in pdf["Content-Disposition"]


def test_a_learner_sees_what_a_certification_still_requires(
    ecosystem: Ecosystem,
) -> None:
    create_certification(
        slug="routing-pro", title="Routing Pro", exam_key="routing-exam", actor=None
    )

    page = client_for(ecosystem.partner_b_rep).get(
        reverse("learning:my_certifications")
    )

    assert "Not earned yet" in page.content.decode()
    assert "Pass the exam" in page.content.decode()


def test_a_revoked_certificate_is_no_longer_downloadable(
    ecosystem: Ecosystem,
) -> None:
    award = _certify(ecosystem.partner_a_rep)
    CertificationAward.objects.filter(pk=award.pk).update(status=AwardStatus.REVOKED)

    response = client_for(ecosystem.partner_a_rep).get(
        reverse("learning:certificate_pdf", args=[award.pk])
    )

    assert response.status_code == 404


def test_another_partners_admin_never_sees_partner_a_in_the_team_report(
    ecosystem: Ecosystem,
) -> None:
    _certify(ecosystem.partner_a_rep)

    own = client_for(ecosystem.partner_a_admin).get(reverse("learning:team_learning"))
    other = client_for(ecosystem.partner_c_admin).get(reverse("learning:team_learning"))

    assert "Rex Rep" in own.content.decode()
    assert "Routing Pro" in own.content.decode()
    assert other.status_code == 200
    assert "Rex Rep" not in other.content.decode()
    assert "Routing Pro" not in other.content.decode()


def test_the_vendor_report_runs_a_bounded_number_of_queries(
    ecosystem: Ecosystem, django_assert_max_num_queries: Any
) -> None:
    award = _certify(ecosystem.partner_a_rep)
    _certify(ecosystem.partner_b_rep)
    require_certification_for_tier(
        ecosystem.gold, award.certification, minimum=2, actor=None
    )
    browser = client_for(ecosystem.vendor_admin)

    with django_assert_max_num_queries(30):
        page = browser.get(reverse("learning:learning_report")).content.decode()

    assert "Alpha Systems has 1, needs 1 more" in page
    assert reverse("learning:award_revoke", args=[award.pk]) in page


def test_the_channel_manager_report_leaves_out_other_programs_partners(
    ecosystem: Ecosystem,
) -> None:
    _certify(ecosystem.partner_a_rep)
    _certify(ecosystem.partner_c_admin)

    page = client_for(ecosystem.channel_manager).get(
        reverse("learning:learning_report")
    )

    content = page.content.decode()
    assert "Alpha Systems" in content
    assert "Gamma Referrals" not in content
    assert "Cy Gamma" not in content
    # Channel managers see awards but do not revoke them.
    assert "Revoke" not in content


def test_a_vendor_admin_revokes_with_a_reason(ecosystem: Ecosystem) -> None:
    award = _certify(ecosystem.partner_a_rep)
    browser = client_for(ecosystem.vendor_admin)
    url = reverse("learning:award_revoke", args=[award.pk])

    empty = browser.post(url, {"reason": " "})
    award.refresh_from_db()
    assert empty.status_code == 200
    assert "This field is required." in empty.content.decode()
    assert award.status == AwardStatus.ACTIVE

    done = browser.post(url, {"reason": "Shared exam answers."})

    assert done["Location"] == reverse("learning:learning_report")
    award.refresh_from_db()
    assert award.status == AwardStatus.REVOKED
    assert award.revoked_reason == "Shared exam answers."
    assert AuditEntry.objects.filter(reason="Shared exam answers.").count() == 1
    again = browser.post(url, {"reason": "Twice."})
    assert "already revoked" in again.content.decode()


def test_a_channel_manager_cannot_revoke(ecosystem: Ecosystem) -> None:
    award = _certify(ecosystem.partner_a_rep)

    response = client_for(ecosystem.channel_manager).post(
        reverse("learning:award_revoke", args=[award.pk]), {"reason": "No."}
    )

    assert response.status_code == 403
    award.refresh_from_db()
    assert award.status == AwardStatus.ACTIVE
    assert award.revoked_by is None


def test_revoking_an_unknown_award_is_not_found(ecosystem: Ecosystem) -> None:
    response = client_for(ecosystem.vendor_admin).post(
        reverse("learning:award_revoke", args=[999]), {"reason": "No."}
    )

    assert response.status_code == 404
    assert not AuditEntry.objects.filter(reason="No.").exists()


def test_anyone_verifies_a_certificate_by_its_code(ecosystem: Ecosystem) -> None:
    award = _certify(ecosystem.partner_a_rep)
    visitor = client_for(None)
    url = reverse("learning:verify_certificate")

    found = visitor.get(url, {"code": award.verification_code.lower()})
    missing = visitor.get(url, {"code": "AAAA-BBBB-CCCC"})

    assert "Rex Rep" in found.content.decode()
    assert "Valid" in found.content.decode()
    assert "No certificate has this verification code." in missing.content.decode()
    assert "Rex Rep" not in missing.content.decode()
    CertificationAward.objects.filter(pk=award.pk).update(status=AwardStatus.REVOKED)
    revoked = visitor.get(url, {"code": award.verification_code})
    assert "This certificate is not valid." in revoked.content.decode()
