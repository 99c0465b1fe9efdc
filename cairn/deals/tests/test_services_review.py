import datetime
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from cairn.core.models import ActivityEvent, AuditEntry
from cairn.deals import services
from cairn.deals.choices import RegistrationStatus, SalesStage
from cairn.deals.models import DealRegistration, DealStatusChange
from cairn.deals.tests.factories import DealProgramSettingsFactory
from cairn.deals.tests.support import ACME_AGAIN, MONDAY, register


def _state(registration: DealRegistration) -> tuple[Any, ...]:
    registration.refresh_from_db()
    return (
        registration.status,
        registration.decided_at,
        registration.protection_expires_at,
        DealStatusChange.objects.filter(registration=registration).count(),
        AuditEntry.objects.count(),
        ActivityEvent.objects.count(),
    )


def test_channel_manager_reviews_and_approves_with_protection(ecosystem: Any) -> None:
    DealProgramSettingsFactory(program=ecosystem.program, protection_days=60)
    with time_machine.travel(MONDAY, tick=False):
        registration = register(ecosystem, ecosystem.partner_a_rep)
        services.start_review(registration, actor=ecosystem.channel_manager)
        services.approve_registration(
            registration, actor=ecosystem.channel_manager, reason="Welcome."
        )

    registration.refresh_from_db()
    assert (
        registration.status,
        registration.decided_at,
        registration.protection_expires_at,
    ) == (
        RegistrationStatus.APPROVED,
        MONDAY,
        MONDAY + datetime.timedelta(days=60),
    )
    steps = list(
        DealStatusChange.objects.filter(registration=registration).values_list(
            "to_status", "actor_role_label", "reason"
        )
    )
    assert steps == [
        ("submitted", "Partner rep", ""),
        ("under_review", "Channel manager", ""),
        ("approved", "Channel manager", "Welcome."),
    ]
    assert ActivityEvent.objects.get(verb="deal.approved").data["to"] == "approved"


def test_default_protection_is_ninety_days(ecosystem: Any) -> None:
    with time_machine.travel(MONDAY, tick=False):
        registration = register(ecosystem, ecosystem.partner_a_rep)
        services.approve_registration(registration, actor=ecosystem.vendor_admin)

    registration.refresh_from_db()
    assert registration.protection_expires_at == MONDAY + datetime.timedelta(days=90)


def test_rejection_needs_a_reason(ecosystem: Any) -> None:
    registration = register(ecosystem, ecosystem.partner_a_rep)
    before = _state(registration)

    with pytest.raises(ValidationError) as error:
        services.reject_registration(
            registration, actor=ecosystem.channel_manager, reason="  "
        )

    assert error.value.message_dict == {"reason": ["Give a reason."]}
    assert _state(registration) == before


@pytest.mark.parametrize(
    "persona", ["partner_a_rep", "partner_a_admin", "partner_b_rep", "partner_c_admin"]
)
def test_partners_cannot_decide_registrations(ecosystem: Any, persona: str) -> None:
    registration = register(ecosystem, ecosystem.partner_a_rep)
    before = _state(registration)

    with pytest.raises(PermissionDenied):
        services.approve_registration(registration, actor=getattr(ecosystem, persona))

    assert _state(registration) == before


def test_a_channel_manager_of_another_program_cannot_decide(ecosystem: Any) -> None:
    from cairn.accounts.tests.factories import UserFactory
    from cairn.core.roles import Role

    other_manager = UserFactory(role=Role.CHANNEL_MANAGER)
    ecosystem.other_program.managers.add(other_manager)
    registration = register(ecosystem, ecosystem.partner_a_rep)
    before = _state(registration)

    with pytest.raises(PermissionDenied):
        services.start_review(registration, actor=other_manager)

    assert _state(registration) == before


def test_a_decided_registration_cannot_be_decided_again(ecosystem: Any) -> None:
    registration = register(ecosystem, ecosystem.partner_a_rep)
    services.reject_registration(
        registration, actor=ecosystem.channel_manager, reason="Duplicate."
    )
    before = _state(registration)

    with pytest.raises(PermissionDenied):
        services.approve_registration(registration, actor=ecosystem.channel_manager)

    assert _state(registration) == before


def test_review_of_a_draft_is_refused(ecosystem: Any) -> None:
    draft = services.create_draft(
        actor=ecosystem.partner_a_rep,
        program=ecosystem.program,
        customer_name="Acme",
        country="FR",
    )
    before = _state(draft)

    with pytest.raises(PermissionDenied):
        services.start_review(draft, actor=ecosystem.vendor_admin)

    assert _state(draft) == before


def test_start_review_twice_is_refused(ecosystem: Any) -> None:
    registration = register(ecosystem, ecosystem.partner_a_rep)
    services.start_review(registration, actor=ecosystem.channel_manager)
    before = _state(registration)

    with pytest.raises(ValidationError) as error:
        services.start_review(registration, actor=ecosystem.channel_manager)

    assert error.value.message_dict == {
        "status": ["A registration cannot go from Under review to Under review."]
    }
    assert _state(registration) == before


def test_more_information_sends_it_back_to_the_partner(ecosystem: Any) -> None:
    registration = register(ecosystem, ecosystem.partner_a_rep)

    services.request_more_information(
        registration, actor=ecosystem.vendor_admin, reason="Who is the buyer?"
    )
    services.update_draft(
        registration, actor=ecosystem.partner_a_rep, contact_name="Claire Dubois"
    )
    services.submit_registration(registration, actor=ecosystem.partner_a_rep)

    assert list(
        DealStatusChange.objects.filter(registration=registration).values_list(
            "to_status", "actor_role_label", "reason"
        )
    ) == [
        ("submitted", "Partner rep", ""),
        ("more_info_requested", "Vendor admin", "Who is the buyer?"),
        ("submitted", "Partner rep", ""),
    ]


def test_approval_waits_for_an_open_conflict(ecosystem: Any) -> None:
    register(ecosystem, ecosystem.partner_a_rep)
    later = register(ecosystem, ecosystem.partner_b_rep, ACME_AGAIN)
    before = _state(later)

    with pytest.raises(ValidationError) as error:
        services.approve_registration(later, actor=ecosystem.channel_manager)

    assert error.value.message_dict == {
        "status": ["Decide the registration's possible conflicts first."]
    }
    assert _state(later) == before


def _approved(ecosystem: Any) -> DealRegistration:
    registration = register(ecosystem, ecosystem.partner_a_rep)
    return services.approve_registration(registration, actor=ecosystem.channel_manager)


def test_won_deal_emits_its_amount_and_currency(ecosystem: Any) -> None:
    registration = _approved(ecosystem)

    services.update_sales_stage(
        registration, actor=ecosystem.partner_a_rep, stage=SalesStage.PROPOSAL
    )
    services.update_sales_stage(
        registration, actor=ecosystem.partner_a_rep, stage=SalesStage.WON
    )

    registration.refresh_from_db()
    assert registration.sales_stage == SalesStage.WON
    event = ActivityEvent.objects.get(verb="deal.won")
    assert (event.organization_id, event.data) == (
        ecosystem.partner_a.pk,
        {
            "program_id": ecosystem.program.pk,
            "amount": "48000.00",
            "currency": "EUR",
            "deal_type": "new",
            "partner_role": "resell",
        },
    )
    assert Decimal(event.data["amount"]) == registration.amount


def test_lost_deal_needs_a_reason(ecosystem: Any) -> None:
    registration = _approved(ecosystem)

    with pytest.raises(ValidationError) as error:
        services.update_sales_stage(
            registration, actor=ecosystem.partner_a_rep, stage=SalesStage.LOST
        )

    assert set(error.value.message_dict) == {"lost_reason"}
    registration.refresh_from_db()
    assert registration.sales_stage == ""

    services.update_sales_stage(
        registration,
        actor=ecosystem.partner_a_rep,
        stage=SalesStage.LOST,
        lost_reason="Budget cut.",
    )
    registration.refresh_from_db()
    assert (registration.sales_stage, registration.lost_reason) == (
        "lost",
        "Budget cut.",
    )


def test_a_won_deal_stays_won(ecosystem: Any) -> None:
    registration = _approved(ecosystem)
    services.update_sales_stage(
        registration, actor=ecosystem.partner_a_rep, stage=SalesStage.WON
    )

    with pytest.raises(ValidationError):
        services.update_sales_stage(
            registration, actor=ecosystem.partner_a_rep, stage=SalesStage.QUALIFIED
        )

    registration.refresh_from_db()
    assert registration.sales_stage == SalesStage.WON
    assert ActivityEvent.objects.filter(verb="deal.won").count() == 1


def test_sales_stage_of_a_pending_registration_is_refused(ecosystem: Any) -> None:
    registration = register(ecosystem, ecosystem.partner_a_rep)

    with pytest.raises(PermissionDenied):
        services.update_sales_stage(
            registration, actor=ecosystem.partner_a_rep, stage=SalesStage.WON
        )

    assert not ActivityEvent.objects.filter(verb="deal.won").exists()


def test_overdue_review_escalates_once_to_the_second_approver(ecosystem: Any) -> None:
    DealProgramSettingsFactory(
        program=ecosystem.program, second_approver=ecosystem.vendor_admin
    )
    with time_machine.travel(MONDAY, tick=False):
        registration = register(ecosystem, ecosystem.partner_a_rep)

    with time_machine.travel(MONDAY + datetime.timedelta(days=2, hours=-1)):
        assert services.escalate_overdue_reviews() == 0
    deadline = MONDAY + datetime.timedelta(days=2)
    with time_machine.travel(deadline, tick=False):
        assert services.escalate_overdue_reviews() == 1
        assert services.escalate_overdue_reviews() == 0

    registration.refresh_from_db()
    assert (registration.status, registration.escalated_at) == (
        RegistrationStatus.SUBMITTED,
        deadline,
    )
    step: Any = DealStatusChange.objects.filter(registration=registration).last()
    assert (step.to_status, step.actor_role_label, step.reason) == (
        "submitted",
        "Automatic rule",
        "The review deadline passed: escalated to the second approver.",
    )
    event = ActivityEvent.objects.get(verb="deal.review_escalated")
    assert event.data == {
        "second_approver_id": ecosystem.vendor_admin.pk,
        "fields": ["escalated_at"],
    }


def test_overdue_review_is_approved_when_the_program_says_so(ecosystem: Any) -> None:
    DealProgramSettingsFactory(program=ecosystem.program, auto_approve_on_breach=True)
    with time_machine.travel(MONDAY, tick=False):
        registration = register(ecosystem, ecosystem.partner_a_rep)

    with time_machine.travel(MONDAY + datetime.timedelta(days=3), tick=False):
        assert services.escalate_overdue_reviews() == 1

    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.APPROVED
    step: Any = DealStatusChange.objects.filter(registration=registration).last()
    assert (step.actor, step.actor_role_label, step.reason) == (
        None,
        "Automatic rule",
        "The review deadline passed: approved automatically.",
    )


def test_the_clock_never_approves_a_registration_with_an_open_conflict(
    ecosystem: Any,
) -> None:
    DealProgramSettingsFactory(program=ecosystem.program, auto_approve_on_breach=True)
    with time_machine.travel(MONDAY, tick=False):
        register(ecosystem, ecosystem.partner_a_rep)
        later = register(ecosystem, ecosystem.partner_b_rep, ACME_AGAIN)
        services.start_review(later, actor=ecosystem.channel_manager)

    with time_machine.travel(MONDAY + datetime.timedelta(days=3), tick=False):
        services.escalate_overdue_reviews()

    later.refresh_from_db()
    assert (later.status, later.escalated_at) == (
        RegistrationStatus.UNDER_REVIEW,
        MONDAY + datetime.timedelta(days=3),
    )


def test_protection_reminds_once_then_expires(ecosystem: Any) -> None:
    with time_machine.travel(MONDAY, tick=False):
        registration = _approved(ecosystem)
    end = MONDAY + datetime.timedelta(days=90)

    with time_machine.travel(end - datetime.timedelta(days=15), tick=False):
        assert services.remind_expiring_protection() == 0
    with time_machine.travel(end - datetime.timedelta(days=14), tick=False):
        assert services.remind_expiring_protection() == 1
        assert services.remind_expiring_protection() == 0
    with time_machine.travel(end - datetime.timedelta(seconds=1), tick=False):
        assert services.expire_protection() == 0
    with time_machine.travel(end, tick=False):
        assert services.expire_protection() == 1
        assert services.expire_protection() == 0

    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.EXPIRED
    assert ActivityEvent.objects.get(verb="deal.protection_expiring").data == {
        "protection_expires_at": end.isoformat(),
        "registered_by_id": ecosystem.partner_a_rep.pk,
        # The reminder says that one extension may still be requested.
        "can_request_extension": True,
        "extensions_remaining": 1,
    }
    reminder, step = list(
        DealStatusChange.objects.filter(registration=registration).order_by("pk")
    )[-2:]
    assert (reminder.from_status, reminder.to_status, reminder.reason) == (
        "approved",
        "approved",
        f"Reminder: protection ends on {end.date().isoformat()}. "
        "An extension can be requested.",
    )
    assert (step.to_status, step.actor_role_label, step.reason) == (
        "expired",
        "Automatic rule",
        "The protection period ended.",
    )


def test_a_won_deal_does_not_expire(ecosystem: Any) -> None:
    with time_machine.travel(MONDAY, tick=False):
        registration = _approved(ecosystem)
        services.update_sales_stage(
            registration, actor=ecosystem.partner_a_rep, stage=SalesStage.WON
        )

    with time_machine.travel(MONDAY + datetime.timedelta(days=200), tick=False):
        assert services.expire_protection() == 0
