from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cairn.core.models import ActivityEvent, AuditEntry
from cairn.partners import services
from cairn.partners.choices import MembershipStatus, PartnerType
from cairn.partners.models import ProgramMembership
from cairn.partners.tests.factories import TierFactory
from cairn.partners.tests.support import _membership


def test_vendor_admin_adds_a_partner_to_a_program(ecosystem: Any) -> None:
    membership = services.add_membership(
        ecosystem.partner_c,
        actor=ecosystem.vendor_admin,
        program=ecosystem.program,
        partner_type=PartnerType.RESELLER,
        tier=ecosystem.silver,
        channel_manager=ecosystem.channel_manager,
    )

    assert (membership.status, membership.tier, membership.channel_manager) == (
        MembershipStatus.APPLIED,
        ecosystem.silver,
        ecosystem.channel_manager,
    )
    event = ActivityEvent.objects.get(verb="membership.created")
    assert (event.organization_id, event.data) == (
        ecosystem.partner_c.pk,
        {"program": "Resellers", "status": "applied", "tier": "Silver"},
    )
    assert AuditEntry.objects.get(action="create").organization_id == (
        ecosystem.partner_c.pk
    )


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"tier": "other"}, {"tier": ["This tier belongs to another program."]}),
        (
            {"partner_type": PartnerType.MSP},
            {"partner_type": ["This program does not accept this partner type."]},
        ),
        (
            {"status": MembershipStatus.SUSPENDED},
            {"status": ["A new membership is either applied or active."]},
        ),
        (
            {"channel_manager": "rep"},
            {"channel_manager": ["Choose one of the vendor's channel managers."]},
        ),
    ],
)
def test_invalid_membership_is_refused_by_field(
    ecosystem: Any, changes: dict[str, Any], errors: dict[str, list[str]]
) -> None:
    values = {"partner_type": PartnerType.RESELLER} | changes
    if values.get("tier") == "other":
        values["tier"] = TierFactory(program=ecosystem.other_program, rank=1)
    if values.get("channel_manager") == "rep":
        values["channel_manager"] = ecosystem.partner_a_rep

    with pytest.raises(ValidationError) as error:
        services.add_membership(
            ecosystem.partner_c,
            actor=ecosystem.vendor_admin,
            program=ecosystem.program,
            **values,
        )

    assert error.value.message_dict == errors
    assert not ProgramMembership.objects.filter(
        organization=ecosystem.partner_c, program=ecosystem.program
    ).exists()


def test_second_membership_of_the_same_program_is_refused(ecosystem: Any) -> None:
    with pytest.raises(ValidationError) as error:
        services.add_membership(
            ecosystem.partner_a,
            actor=ecosystem.vendor_admin,
            program=ecosystem.program,
            partner_type=PartnerType.RESELLER,
        )

    assert error.value.message_dict == {
        "program": ["This organization is already in this program."]
    }


def test_channel_manager_may_not_add_to_a_program_they_do_not_manage(
    ecosystem: Any,
) -> None:
    with pytest.raises(PermissionDenied):
        services.add_membership(
            ecosystem.partner_a,
            actor=ecosystem.channel_manager,
            program=ecosystem.other_program,
            partner_type=PartnerType.RESELLER,
        )

    assert ecosystem.partner_a.memberships.count() == 1


def test_channel_manager_suspends_a_membership(ecosystem: Any) -> None:
    membership = _membership(ecosystem)

    changed = services.change_membership(
        membership, actor=ecosystem.channel_manager, status=MembershipStatus.SUSPENDED
    )

    assert changed.status == MembershipStatus.SUSPENDED
    assert changed.status_changed_at is not None
    event = ActivityEvent.objects.get(verb="membership.status_changed")
    assert event.data == {"program": "Resellers", "from": "active", "to": "suspended"}
    assert event.organization_id == ecosystem.partner_a.pk
    audit = AuditEntry.objects.get(action="update")
    assert (audit.before["status"], audit.after["status"]) == ("active", "suspended")


def test_status_change_outside_the_transitions_is_refused(ecosystem: Any) -> None:
    membership = ProgramMembership.objects.create(
        organization=ecosystem.partner_c,
        program=ecosystem.program,
        partner_type=PartnerType.RESELLER,
        status=MembershipStatus.APPLIED,
    )

    with pytest.raises(ValidationError) as error:
        services.change_membership(
            membership,
            actor=ecosystem.vendor_admin,
            status=MembershipStatus.SUSPENDED,
            tier=ecosystem.gold,
        )

    assert error.value.message_dict == {
        "status": ["A membership cannot go from Applied to Suspended."]
    }
    membership.refresh_from_db()
    assert (membership.status, membership.tier) == (MembershipStatus.APPLIED, None)
    assert not AuditEntry.objects.exists()


def test_unknown_status_is_refused(ecosystem: Any) -> None:
    with pytest.raises(ValidationError) as error:
        services.change_membership(
            _membership(ecosystem), actor=ecosystem.vendor_admin, status="promoted"
        )

    assert error.value.message_dict == {
        "status": ["“promoted” is not a membership status."]
    }


def test_tier_change_records_its_own_event(ecosystem: Any) -> None:
    services.change_membership(
        _membership(ecosystem), actor=ecosystem.vendor_admin, tier=ecosystem.silver
    )

    event = ActivityEvent.objects.get(verb="membership.tier_changed")
    assert event.data == {"program": "Resellers", "from": "Gold", "to": "Silver"}
    assert not ActivityEvent.objects.filter(verb="membership.status_changed").exists()


def test_tier_of_another_program_is_refused(ecosystem: Any) -> None:
    referral_tier = TierFactory(program=ecosystem.other_program, rank=1)

    with pytest.raises(ValidationError) as error:
        services.change_membership(
            _membership(ecosystem), actor=ecosystem.vendor_admin, tier=referral_tier
        )

    assert error.value.message_dict == {
        "tier": ["This tier belongs to another program."]
    }
    assert _membership(ecosystem).tier == ecosystem.gold


def test_channel_manager_may_not_change_a_membership_of_another_program(
    ecosystem: Any,
) -> None:
    membership = _membership(ecosystem, "partner_c")

    with pytest.raises(PermissionDenied):
        services.change_membership(
            membership, actor=ecosystem.channel_manager, status=MembershipStatus.ENDED
        )

    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE


def test_partner_admin_may_not_change_own_membership(ecosystem: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.change_membership(
            _membership(ecosystem), actor=ecosystem.partner_a_admin, tier=None
        )

    assert _membership(ecosystem).tier == ecosystem.gold
