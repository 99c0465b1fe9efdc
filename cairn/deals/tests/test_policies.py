from typing import Any

import pytest

from cairn.deals import policies, services
from cairn.deals.choices import ConflictDecision
from cairn.deals.models import DealConflict
from cairn.deals.tests.factories import (
    DealProgramSettingsFactory,
    DealRegistrationFactory,
)
from cairn.deals.tests.support import ACME_AGAIN, register
from cairn.partners.choices import MembershipStatus


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("vendor_admin", False),
        ("channel_manager", False),
        ("partner_a_admin", True),
        ("partner_a_rep", True),
        ("partner_b_rep", True),
        ("partner_c_admin", False),
    ],
)
def test_can_register_deal(ecosystem: Any, persona: str, allowed: bool) -> None:
    actor = getattr(ecosystem, persona)

    assert policies.can_register_deal(actor, ecosystem.program) is allowed


def test_a_suspended_partner_cannot_register(ecosystem: Any) -> None:
    ecosystem.partner_a.memberships.update(status=MembershipStatus.SUSPENDED)

    assert policies.can_register_deal(ecosystem.partner_a_rep, ecosystem.program) is (
        False
    )


@pytest.mark.parametrize(
    ("persona", "view", "review"),
    [
        ("vendor_admin", True, True),
        ("channel_manager", True, True),
        ("partner_a_admin", True, False),
        ("partner_a_rep", True, False),
        ("partner_a_second_rep", False, False),
        ("partner_b_rep", False, False),
        ("partner_c_admin", False, False),
    ],
)
def test_view_and_review_of_a_submitted_registration(
    ecosystem: Any, persona: str, view: bool, review: bool
) -> None:
    registration = DealRegistrationFactory(
        registered_by=ecosystem.partner_a_rep, program=ecosystem.program
    )
    actor = getattr(ecosystem, persona)

    assert policies.can_view_registration(actor, registration) is view
    assert policies.can_review_registration(actor, registration) is review


def test_the_second_approver_may_review(ecosystem: Any) -> None:
    from cairn.accounts.tests.factories import UserFactory
    from cairn.core.roles import Role

    approver = UserFactory(role=Role.CHANNEL_MANAGER)
    DealProgramSettingsFactory(program=ecosystem.program, second_approver=approver)
    registration = DealRegistrationFactory(
        registered_by=ecosystem.partner_a_rep, program=ecosystem.program
    )

    assert policies.can_review_registration(approver, registration) is True


@pytest.mark.parametrize(
    ("status", "allowed"),
    [("draft", True), ("more_info_requested", True), ("submitted", False)],
)
def test_the_partner_edits_drafts_and_answers_only(
    ecosystem: Any, status: str, allowed: bool
) -> None:
    registration = DealRegistrationFactory(
        registered_by=ecosystem.partner_a_rep, program=ecosystem.program, status=status
    )

    assert policies.can_update_registration(ecosystem.partner_a_rep, registration) is (
        allowed
    )
    assert policies.can_update_registration(
        ecosystem.partner_a_admin, registration
    ) is (allowed)
    assert (
        policies.can_update_registration(ecosystem.partner_a_second_rep, registration)
        is False
    )


def test_conflict_policies(ecosystem: Any) -> None:
    register(ecosystem, ecosystem.partner_a_rep)
    register(ecosystem, ecosystem.partner_b_rep, ACME_AGAIN)
    conflict = DealConflict.objects.get()

    assert policies.can_resolve_conflict(ecosystem.channel_manager, conflict) is True
    assert policies.can_resolve_conflict(ecosystem.partner_b_rep, conflict) is False
    assert policies.can_appeal_conflict(ecosystem.partner_b_rep, conflict) is False

    services.resolve_conflict(
        conflict,
        actor=ecosystem.channel_manager,
        decision=ConflictDecision.SPLIT,
        reason="Shared.",
    )
    conflict.refresh_from_db()

    assert policies.can_resolve_conflict(ecosystem.channel_manager, conflict) is False
    assert policies.can_appeal_conflict(ecosystem.partner_b_rep, conflict) is True
    assert policies.can_appeal_conflict(ecosystem.partner_a_admin, conflict) is False
    assert policies.can_view_conflict_details(ecosystem.channel_manager) is True
    assert policies.can_view_conflict_details(ecosystem.partner_b_rep) is False


def test_role_labels(ecosystem: Any) -> None:
    assert [
        policies.role_label(user)
        for user in (
            ecosystem.vendor_admin,
            ecosystem.channel_manager,
            ecosystem.partner_a_admin,
            ecosystem.partner_a_rep,
            None,
        )
    ] == [
        "Vendor admin",
        "Channel manager",
        "Partner admin",
        "Partner rep",
        ("Automatic rule"),
    ]
