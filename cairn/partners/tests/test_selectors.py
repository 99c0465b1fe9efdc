import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from cairn.accounts.tests.factories import UserFactory
from cairn.core.access import NotFound
from cairn.core.events import record_event
from cairn.core.roles import Role
from cairn.partners import selectors
from cairn.partners.choices import MembershipStatus, PartnerType
from cairn.partners.tests.factories import (
    IndustryFactory,
    PartnerOrganizationFactory,
    ProgramMembershipFactory,
    SpecializationFactory,
)


def _names(organizations: Any) -> list[str]:
    return [organization.name for organization in organizations]


# Access gate


def test_partner_b_cannot_reach_partner_a_or_its_membership(ecosystem: Any) -> None:
    membership = ecosystem.partner_a.memberships.get()

    with pytest.raises(NotFound):
        selectors.access_organization(ecosystem.partner_b_rep, ecosystem.partner_a.pk)
    with pytest.raises(NotFound):
        selectors.access_membership(ecosystem.partner_b_rep, membership.pk)


def test_channel_manager_cannot_reach_a_partner_of_another_program(
    ecosystem: Any,
) -> None:
    with pytest.raises(NotFound):
        selectors.access_organization(ecosystem.channel_manager, ecosystem.partner_c.pk)
    with pytest.raises(NotFound):
        selectors.access_membership(
            ecosystem.channel_manager, ecosystem.partner_c.memberships.get().pk
        )


def test_missing_and_malformed_keys_are_not_found(ecosystem: Any) -> None:
    for pk in (10**9, "abc", None):
        with pytest.raises(NotFound):
            selectors.access_organization(ecosystem.vendor_admin, pk)


def test_rep_sees_own_organization_but_may_not_update_it(ecosystem: Any) -> None:
    organization = selectors.access_organization(
        ecosystem.partner_a_rep, ecosystem.partner_a.pk
    )

    assert organization == ecosystem.partner_a
    with pytest.raises(PermissionDenied):
        selectors.access_organization(
            ecosystem.partner_a_rep, ecosystem.partner_a.pk, action="update"
        )


def test_channel_manager_sees_a_program_but_may_not_update_it(ecosystem: Any) -> None:
    assert (
        selectors.access_program(ecosystem.channel_manager, ecosystem.program.pk)
        == ecosystem.program
    )
    with pytest.raises(PermissionDenied):
        selectors.access_program(
            ecosystem.channel_manager, ecosystem.program.pk, action="update"
        )
    with pytest.raises(PermissionDenied):
        selectors.access_tier(
            ecosystem.channel_manager, ecosystem.gold.pk, action="update"
        )


def test_partner_does_not_see_a_closed_program_it_is_not_in(ecosystem: Any) -> None:
    ecosystem.other_program.is_open_for_applications = False
    ecosystem.other_program.save()

    with pytest.raises(NotFound):
        selectors.access_program(ecosystem.partner_a_rep, ecosystem.other_program.pk)
    assert _names(selectors.list_programs_for(ecosystem.partner_a_rep)) == ["Resellers"]


# Organization lists


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("vendor_admin", ["Alpha Systems", "Beta Solutions", "Gamma Referrals"]),
        ("channel_manager", ["Alpha Systems", "Beta Solutions"]),
        ("partner_a_rep", ["Alpha Systems"]),
        ("partner_b_rep", ["Beta Solutions"]),
    ],
)
def test_organizations_are_scoped_to_the_actor(
    ecosystem: Any, persona: str, expected: list[str]
) -> None:
    organizations = selectors.list_organizations_for(getattr(ecosystem, persona))

    assert _names(organizations) == expected


def test_membership_conditions_apply_to_one_membership(ecosystem: Any) -> None:
    # Beta is active in Resellers and applied to Referral: "applied to Resellers"
    # must not match it.
    ProgramMembershipFactory(
        organization=ecosystem.partner_b,
        program=ecosystem.other_program,
        status=MembershipStatus.APPLIED,
    )
    actor = ecosystem.vendor_admin

    applied_to_resellers = selectors.list_organizations_for(
        actor, {"program": ecosystem.program, "status": MembershipStatus.APPLIED}
    )
    applied_anywhere = selectors.list_organizations_for(
        actor, {"status": MembershipStatus.APPLIED}
    )

    assert _names(applied_to_resellers) == []
    assert _names(applied_anywhere) == ["Beta Solutions"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"search": "beta.exa"}, ["Beta Solutions"]),
        ({"search": "osaka"}, ["Gamma Referrals"]),
        ({"search": "alpha systems ltd"}, ["Alpha Systems"]),
        ({"country": "DE"}, ["Beta Solutions"]),
        ({"region": "emea"}, ["Alpha Systems", "Beta Solutions", "Gamma Referrals"]),
        ({"tier": "gold"}, ["Alpha Systems"]),
        ({"partner_type": PartnerType.MSP}, []),
        ({"specialization": "cloud"}, ["Gamma Referrals"]),
        ({"sort": "-name"}, ["Gamma Referrals", "Beta Solutions", "Alpha Systems"]),
        ({"sort": "country"}, ["Beta Solutions", "Alpha Systems", "Gamma Referrals"]),
    ],
)
def test_organization_filters(
    ecosystem: Any, filters: dict[str, Any], expected: list[str]
) -> None:
    ecosystem.partner_c.specializations.add(SpecializationFactory(slug="cloud"))
    if filters.get("tier") == "gold":
        filters = {"tier": ecosystem.gold}

    organizations = selectors.list_organizations_for(ecosystem.vendor_admin, filters)

    assert _names(organizations) == expected


def test_sorting_by_last_activity_puts_never_active_partners_last(
    ecosystem: Any,
) -> None:
    now = timezone.now()
    ecosystem.partner_b.last_active_at = now
    ecosystem.partner_b.save()
    ecosystem.partner_c.last_active_at = now - datetime.timedelta(days=3)
    ecosystem.partner_c.save()

    recent_first = selectors.list_organizations_for(
        ecosystem.vendor_admin, {"sort": "-last_active"}
    )
    oldest_first = selectors.list_organizations_for(
        ecosystem.vendor_admin, {"sort": "last_active"}
    )

    assert _names(recent_first) == [
        "Beta Solutions",
        "Gamma Referrals",
        "Alpha Systems",
    ]
    assert _names(oldest_first) == [
        "Alpha Systems",
        "Gamma Referrals",
        "Beta Solutions",
    ]


def test_organization_list_fetches_memberships_in_constant_queries(
    ecosystem: Any, django_assert_num_queries: Any
) -> None:
    for number in range(20):
        ProgramMembershipFactory(
            organization=PartnerOrganizationFactory(name=f"Zeta {number:02}"),
            program=ecosystem.program,
            tier=ecosystem.silver,
        )

    with django_assert_num_queries(2):
        rows = [
            (
                organization.name,
                [
                    (m.program.name, m.tier.name if m.tier else None)
                    for m in organization.memberships.all()
                ],
            )
            for organization in selectors.list_organizations_for(
                ecosystem.channel_manager
            )
        ]

    assert len(rows) == 22
    assert rows[0] == ("Alpha Systems", [("Resellers", "Gold")])


# Console


def test_console_overview_counts_what_the_vendor_admin_sees(ecosystem: Any) -> None:
    ProgramMembershipFactory(
        organization=ecosystem.partner_c,
        program=ecosystem.program,
        status=MembershipStatus.APPLIED,
    )
    ecosystem.partner_a.last_active_at = timezone.now()
    ecosystem.partner_a.save()

    overview = selectors.console_overview_for(ecosystem.vendor_admin)

    assert overview.partner_count == 3
    assert [(c.value, c.count) for c in overview.status_counts] == [
        ("applied", 1),
        ("active", 3),
        ("suspended", 0),
        ("ended", 0),
    ]
    assert [(row.program.name, row.ordered_counts) for row in overview.programs] == [
        ("Referral", [0, 1, 0, 0]),
        ("Resellers", [1, 2, 0, 0]),
    ]
    assert [(t["tier__name"], t["total"]) for t in overview.tiers] == [
        ("Silver", 1),
        ("Gold", 1),
    ]
    assert [(c.value, c.count) for c in overview.regions] == [
        ("na", 0),
        ("latam", 0),
        ("emea", 3),
        ("apac", 0),
    ]
    assert [m.organization.name for m in overview.applications] == ["Gamma Referrals"]
    assert overview.application_count == 1
    assert _names(overview.recently_active) == ["Alpha Systems"]
    assert _names(overview.inactive) == ["Beta Solutions", "Gamma Referrals"]
    assert overview.inactive_count == 2


def test_console_overview_of_channel_manager_leaves_out_other_programs(
    ecosystem: Any,
) -> None:
    overview = selectors.console_overview_for(ecosystem.channel_manager)

    assert overview.partner_count == 2
    assert [(row.program.name, row.total) for row in overview.programs] == [
        ("Referral", 0),
        ("Resellers", 2),
    ]
    assert _names(overview.inactive) == ["Alpha Systems", "Beta Solutions"]


def test_console_overview_needs_constant_queries(
    ecosystem: Any, django_assert_max_num_queries: Any
) -> None:
    for number in range(15):
        ProgramMembershipFactory(
            organization=PartnerOrganizationFactory(name=f"Zeta {number:02}"),
            program=ecosystem.program,
            status=MembershipStatus.APPLIED,
        )

    with django_assert_max_num_queries(10):
        overview = selectors.console_overview_for(ecosystem.channel_manager)
        [m.organization.name for m in overview.applications]

    assert overview.application_count == 15


# Partner home


def _step_titles(home: Any) -> list[str]:
    return [step.title for step in home.steps]


def test_partner_admin_is_told_to_complete_the_profile(ecosystem: Any) -> None:
    home = selectors.partner_home_for(ecosystem.partner_a_admin)

    assert home.steps[0].title == "Complete your organization profile"
    assert home.steps[0].detail.startswith(
        "Missing: address, map coordinates, specializations, industries."
    )
    assert home.steps[0].url_name == "partners:my_organization_update"


def test_complete_profile_needs_no_step(ecosystem: Any) -> None:
    partner_a = ecosystem.partner_a
    partner_a.street, partner_a.postal_code = "1 rue Centrale", "69001"
    partner_a.latitude, partner_a.longitude = Decimal("45.76"), Decimal("4.83")
    partner_a.save()
    partner_a.specializations.add(SpecializationFactory())
    partner_a.industries.add(IndustryFactory())

    home = selectors.partner_home_for(ecosystem.partner_a_admin)

    assert _step_titles(home) == ["Resellers: Gold partner"]


def test_rep_is_not_asked_to_do_what_only_admins_can(ecosystem: Any) -> None:
    home = selectors.partner_home_for(ecosystem.partner_a_rep)

    assert _step_titles(home) == ["Resellers: Gold partner"]


def test_lone_admin_is_asked_to_invite_colleagues(ecosystem: Any) -> None:
    admin = UserFactory(
        role=Role.PARTNER_ADMIN, organization=ecosystem.partner_c, email="x@c.example"
    )
    ecosystem.partner_c_admin.is_active = False
    ecosystem.partner_c_admin.save()

    home = selectors.partner_home_for(admin)

    assert "Invite your colleagues" in _step_titles(home)
    assert next(
        s for s in home.steps if s.title == "Invite your colleagues"
    ).url_name == ("accounts:team")


def test_applied_membership_is_awaiting_approval(ecosystem: Any) -> None:
    membership = ecosystem.partner_b.memberships.get()
    membership.status = MembershipStatus.APPLIED
    membership.save()

    home = selectors.partner_home_for(ecosystem.partner_b_rep)

    assert home.steps == [
        selectors.NextStep(
            "Your application to Resellers is awaiting approval",
            "Your channel manager reviews it; you will be told when it is decided.",
            state="waiting",
        )
    ]


def test_partner_home_names_the_channel_manager_and_recent_activity(
    ecosystem: Any,
) -> None:
    record_event(
        "organization.updated",
        actor=ecosystem.partner_a_admin,
        organization_id=ecosystem.partner_a.pk,
    )
    record_event(
        "organization.updated",
        actor=ecosystem.partner_b_rep,
        organization_id=ecosystem.partner_b.pk,
    )

    home = selectors.partner_home_for(ecosystem.partner_a_rep)

    assert home.contacts == [
        selectors.Contact("Casey Manager", "cm@vendor.example", ["Resellers"])
    ]
    assert [(e.verb, e.organization_id) for e in home.activity] == [
        ("organization.updated", ecosystem.partner_a.pk)
    ]


def test_assigned_channel_manager_replaces_the_program_managers(
    ecosystem: Any,
) -> None:
    assigned = UserFactory(
        role=Role.CHANNEL_MANAGER, full_name="Ari Assigned", email="ari@vendor.example"
    )
    membership = ecosystem.partner_a.memberships.get()
    membership.channel_manager = assigned
    membership.save()

    home = selectors.partner_home_for(ecosystem.partner_a_rep)

    assert home.contacts == [
        selectors.Contact("Ari Assigned", "ari@vendor.example", ["Resellers"])
    ]
