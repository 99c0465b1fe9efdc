from typing import Any

import pytest

from cairn.partners import policies
from conftest import PERSONAS

ACTORS = [persona for persona in PERSONAS if persona != "anonymous"]


def _answers(ecosystem: Any, decide: Any) -> dict[str, bool]:
    return {persona: decide(getattr(ecosystem, persona)) for persona in ACTORS}


def test_only_vendor_staff_use_the_console(ecosystem: Any) -> None:
    assert _answers(ecosystem, policies.can_view_console) == {
        "vendor_admin": True,
        "channel_manager": True,
        "partner_a_admin": False,
        "partner_a_rep": False,
        "partner_a_second_rep": False,
        "partner_b_rep": False,
    }


def test_only_partner_users_use_the_partner_portal(ecosystem: Any) -> None:
    assert _answers(ecosystem, policies.can_use_partner_portal) == {
        "vendor_admin": False,
        "channel_manager": False,
        "partner_a_admin": True,
        "partner_a_rep": True,
        "partner_a_second_rep": True,
        "partner_b_rep": True,
    }


def test_only_vendor_admins_create_organizations_and_manage_programs(
    ecosystem: Any,
) -> None:
    expected = dict.fromkeys(ACTORS, False) | {"vendor_admin": True}

    assert _answers(ecosystem, policies.can_create_organization) == expected
    assert _answers(ecosystem, policies.can_manage_programs) == expected
    assert (
        _answers(ecosystem, lambda a: policies.can_update_program(a, ecosystem.program))
        == expected
    )


def test_partner_a_profile_is_edited_by_vendor_admin_its_manager_and_its_admin(
    ecosystem: Any,
) -> None:
    answers = _answers(
        ecosystem, lambda a: policies.can_update_organization(a, ecosystem.partner_a)
    )

    assert answers == {
        "vendor_admin": True,
        "channel_manager": True,
        "partner_a_admin": True,
        "partner_a_rep": False,
        "partner_a_second_rep": False,
        "partner_b_rep": False,
    }


def test_channel_manager_may_not_edit_a_partner_of_another_program(
    ecosystem: Any,
) -> None:
    assert not policies.can_update_organization(
        ecosystem.channel_manager, ecosystem.partner_c
    )
    assert not policies.can_update_organization(
        ecosystem.partner_c_admin, ecosystem.partner_a
    )


def test_email_domains_are_set_by_vendor_staff_only(ecosystem: Any) -> None:
    answers = _answers(
        ecosystem, lambda a: policies.can_change_email_domains(a, ecosystem.partner_a)
    )

    assert answers == dict.fromkeys(ACTORS, False) | {
        "vendor_admin": True,
        "channel_manager": True,
    }


def test_memberships_are_changed_by_vendor_admin_and_the_program_manager(
    ecosystem: Any,
) -> None:
    membership = ecosystem.partner_a.memberships.get()

    answers = _answers(
        ecosystem, lambda a: policies.can_change_membership(a, membership)
    )

    assert answers == dict.fromkeys(ACTORS, False) | {
        "vendor_admin": True,
        "channel_manager": True,
    }


def test_channel_manager_may_not_change_a_membership_of_another_program(
    ecosystem: Any,
) -> None:
    membership = ecosystem.partner_c.memberships.get()

    assert not policies.can_change_membership(ecosystem.channel_manager, membership)
    assert policies.can_change_membership(ecosystem.vendor_admin, membership)


def test_channel_manager_assigned_to_a_membership_may_change_it(
    ecosystem: Any,
) -> None:
    membership = ecosystem.partner_c.memberships.get()
    membership.channel_manager = ecosystem.channel_manager
    membership.save()

    assert policies.can_change_membership(ecosystem.channel_manager, membership)


@pytest.mark.parametrize(
    ("program_attr", "expected"), [("program", True), ("other_program", False)]
)
def test_channel_manager_adds_a_managed_partner_to_a_managed_program_only(
    ecosystem: Any, program_attr: str, expected: bool
) -> None:
    program = getattr(ecosystem, program_attr)

    assert (
        policies.can_add_membership(
            ecosystem.channel_manager, ecosystem.partner_a, program
        )
        is expected
    )


def test_channel_manager_may_not_add_an_unmanaged_partner(ecosystem: Any) -> None:
    assert not policies.can_add_membership(
        ecosystem.channel_manager, ecosystem.partner_c, ecosystem.program
    )
    assert not policies.can_add_membership(
        ecosystem.partner_a_admin, ecosystem.partner_a, ecosystem.program
    )


def test_only_channel_managers_may_be_assigned_as_managers(ecosystem: Any) -> None:
    assert _answers(ecosystem, policies.can_be_channel_manager) == dict.fromkeys(
        ACTORS, False
    ) | {"channel_manager": True}


def test_partner_admin_is_asked_to_invite_colleagues_of_their_own_organization(
    ecosystem: Any,
) -> None:
    assert policies.can_invite_colleagues(
        ecosystem.partner_a_admin, ecosystem.partner_a
    )
    assert not policies.can_invite_colleagues(
        ecosystem.partner_a_rep, ecosystem.partner_a
    )
    assert not policies.can_invite_colleagues(
        ecosystem.partner_a_admin, ecosystem.partner_b
    )


def test_inactive_user_may_do_nothing(ecosystem: Any) -> None:
    ecosystem.vendor_admin.is_active = False

    assert not policies.can_view_console(ecosystem.vendor_admin)
    assert not policies.can_create_organization(ecosystem.vendor_admin)
