"""The learning reports: completion and pass rates, certification density,
skill gaps per tier and the team report, with exact figures and scoping.
"""

import datetime
from typing import Any

import time_machine
from django.utils import timezone

from cairn.accounts.choices import JobFunction
from cairn.learning.models import CertificationAward, Enrollment
from cairn.learning.selectors_certifications import (
    PartnerGap,
    RateRow,
    RequirementGaps,
    certification_density_for,
    completion_rates_for,
    pass_rates_for,
    skill_gaps_for,
    skill_gaps_for_tier,
    team_learning_for,
)
from cairn.learning.services import catalog
from cairn.learning.services.certifications import (
    create_certification,
    lapse_expired_awards,
    record_exam_passed,
    record_exam_result,
    require_certification_for_tier,
)
from cairn.learning.services.enrollment import enroll_in_path
from cairn.learning.tests.support import published_course
from cairn.partners.tests.factories import ProgramMembershipFactory
from conftest import Ecosystem

NOW = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)


def _routing_pro() -> Any:
    return create_certification(
        slug="routing-pro",
        title="Routing Pro",
        exam_key="routing-exam",
        validity_months=12,
        actor=None,
    )


def _set_functions(ecosystem: Ecosystem) -> None:
    for person, function in (
        (ecosystem.partner_a_rep, JobFunction.SALES),
        (ecosystem.partner_a_second_rep, JobFunction.SALES),
        (ecosystem.partner_b_rep, JobFunction.TECHNICAL),
    ):
        person.job_function = function
        person.save()


@time_machine.travel(NOW, tick=False)
def test_density_is_the_share_of_staff_certified_per_partner_and_function(
    ecosystem: Ecosystem,
) -> None:
    _set_functions(ecosystem)
    _routing_pro()
    record_exam_passed(ecosystem.partner_a_rep, "routing-exam", NOW)

    rows = {
        row.organization_name: row
        for row in certification_density_for(ecosystem.vendor_admin)
    }

    alpha = rows["Alpha Systems"]
    assert (alpha.staff, alpha.certified, alpha.percent) == (3, 1, 33)
    assert alpha.by_function == {"Unspecified": (1, 0), "Sales": (2, 1)}
    assert (rows["Beta Solutions"].staff, rows["Beta Solutions"].certified) == (1, 0)
    assert rows["Beta Solutions"].by_function == {"Technical": (1, 0)}
    assert set(rows) == {"Alpha Systems", "Beta Solutions", "Gamma Referrals"}
    # The channel manager sees the partners of Resellers only.
    managed = certification_density_for(ecosystem.channel_manager)
    assert [row.organization_name for row in managed] == [
        "Alpha Systems",
        "Beta Solutions",
    ]
    assert certification_density_for(ecosystem.partner_a_admin) == []


def test_skill_gaps_list_the_partners_of_a_tier_short_of_its_certifications(
    ecosystem: Ecosystem,
) -> None:
    certification = _routing_pro()
    require_certification_for_tier(ecosystem.gold, certification, minimum=2, actor=None)
    require_certification_for_tier(
        ecosystem.silver, certification, minimum=1, actor=None
    )
    with time_machine.travel(NOW, tick=False):
        record_exam_passed(ecosystem.partner_a_rep, "routing-exam", NOW)

    assert skill_gaps_for_tier(ecosystem.gold) == [
        RequirementGaps(
            certification_id=certification.pk,
            certification_slug="routing-pro",
            certification_title="Routing Pro",
            minimum_certified_people=2,
            partners=[
                PartnerGap(
                    organization_id=ecosystem.partner_a.pk,
                    organization_name="Alpha Systems",
                    certified_people=1,
                    missing_people=1,
                )
            ],
        )
    ]
    assert skill_gaps_for_tier(ecosystem.silver)[0].partners == [
        PartnerGap(ecosystem.partner_b.pk, "Beta Solutions", 0, 1)
    ]

    with time_machine.travel(NOW, tick=False):
        record_exam_passed(ecosystem.partner_a_second_rep, "routing-exam", NOW)
    assert skill_gaps_for_tier(ecosystem.gold)[0].partners == []

    # A lapsed certification no longer counts.
    with time_machine.travel(NOW + datetime.timedelta(days=400), tick=False):
        lapse_expired_awards()
    assert skill_gaps_for_tier(ecosystem.gold)[0].partners == [
        PartnerGap(ecosystem.partner_a.pk, "Alpha Systems", 0, 2)
    ]
    tiers = [tier for tier, _ in skill_gaps_for(ecosystem.channel_manager)]
    assert tiers == [ecosystem.silver, ecosystem.gold]


def test_completion_and_pass_rates_by_program_tier_and_region(
    ecosystem: Ecosystem,
) -> None:
    ecosystem.partner_c.region = "apac"
    ecosystem.partner_c.save()
    course, _ = published_course(lessons=1)
    path = catalog.create_path(
        slug="basics", title="Basics", courses=[(course, True)], actor=None
    )
    people = [
        ecosystem.partner_a_rep,
        ecosystem.partner_a_second_rep,
        ecosystem.partner_b_rep,
        ecosystem.partner_c_admin,
    ]
    for person in people:
        enroll_in_path(person, path, actor=None)
    Enrollment.objects.filter(
        user__in=[ecosystem.partner_a_rep, ecosystem.partner_c_admin]
    ).update(completed_at=timezone.now())
    for person, passed in (
        (ecosystem.partner_a_rep, False),
        (ecosystem.partner_a_rep, True),
        (ecosystem.partner_b_rep, False),
        (ecosystem.partner_c_admin, True),
    ):
        record_exam_result(person, "routing-exam", passed=passed, at=NOW)

    admin = ecosystem.vendor_admin
    assert completion_rates_for(admin, by="program") == [
        RateRow("Referral", 1, 1),
        RateRow("Resellers", 3, 1),
    ]
    assert completion_rates_for(admin, by="tier") == [
        RateRow("Resellers — Gold", 2, 1),
        RateRow("Resellers — Silver", 1, 0),
    ]
    assert completion_rates_for(admin, by="region") == [
        RateRow("Asia Pacific", 1, 1),
        RateRow("Europe, Middle East and Africa", 3, 1),
    ]
    assert pass_rates_for(admin, by="program") == [
        RateRow("Referral", 1, 1),
        RateRow("Resellers", 3, 1),
    ]
    assert pass_rates_for(admin, by="tier")[0].percent == 50
    manager = ecosystem.channel_manager
    assert completion_rates_for(manager, by="program") == [RateRow("Resellers", 3, 1)]
    assert completion_rates_for(manager, by="region") == [
        RateRow("Europe, Middle East and Africa", 3, 1)
    ]


def test_the_team_report_shows_overdue_learning_and_expiring_certifications(
    ecosystem: Ecosystem,
) -> None:
    course, _ = published_course(lessons=1)
    path = catalog.create_path(
        slug="basics", title="Basics", courses=[(course, True)], actor=None
    )
    overdue = enroll_in_path(ecosystem.partner_a_rep, path, actor=None)
    Enrollment.objects.filter(pk=overdue.pk).update(
        due_at=NOW - datetime.timedelta(days=1)
    )
    enroll_in_path(ecosystem.partner_a_second_rep, path, actor=None)
    enroll_in_path(ecosystem.partner_b_rep, path, actor=None)
    Enrollment.objects.filter(user=ecosystem.partner_b_rep).update(
        due_at=NOW - datetime.timedelta(days=1)
    )
    _routing_pro()
    record_exam_passed(
        ecosystem.partner_a_second_rep,
        "routing-exam",
        NOW - datetime.timedelta(days=330),
    )
    record_exam_passed(ecosystem.partner_b_rep, "routing-exam", NOW)

    with time_machine.travel(NOW, tick=False):
        team = team_learning_for(ecosystem.partner_a_admin)

    assert [row.enrollment.user for row in team.overdue] == [ecosystem.partner_a_rep]
    assert [(row.required_done, row.required_total) for row in team.overdue] == [(0, 1)]
    assert [award.user for award in team.expiring] == [ecosystem.partner_a_second_rep]
    assert {member.user.email for member in team.members} == {
        "ada@alpha.example",
        "rex@alpha.example",
        "sam@alpha.example",
    }
    assert CertificationAward.objects.count() == 2


def test_a_partner_in_two_programs_counts_once_in_each(ecosystem: Ecosystem) -> None:
    ProgramMembershipFactory(
        organization=ecosystem.partner_a, program=ecosystem.other_program, tier=None
    )
    course, _ = published_course(lessons=1)
    path = catalog.create_path(
        slug="basics", title="Basics", courses=[(course, True)], actor=None
    )
    enroll_in_path(ecosystem.partner_a_rep, path, actor=None)

    admin = ecosystem.vendor_admin
    assert completion_rates_for(admin, by="program") == [
        RateRow("Referral", 1, 0),
        RateRow("Resellers", 1, 0),
    ]
    assert completion_rates_for(admin, by="tier") == [RateRow("Resellers — Gold", 1, 0)]
    assert completion_rates_for(admin, by="region") == [
        RateRow("Europe, Middle East and Africa", 1, 0)
    ]
