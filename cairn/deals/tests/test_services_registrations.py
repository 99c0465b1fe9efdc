import datetime
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from cairn.core.models import ActivityEvent, AuditEntry
from cairn.deals import services
from cairn.deals.choices import RegistrationStatus
from cairn.deals.models import (
    DealConflict,
    DealLine,
    DealMatchKey,
    DealRegistration,
    DealStatusChange,
)
from cairn.deals.tests.support import (
    ACME,
    ACME_AGAIN,
    LINES,
    MONDAY,
    UNRELATED,
    register,
)


def test_partner_rep_saves_a_draft_with_lines(ecosystem: Any) -> None:
    draft = services.create_draft(
        actor=ecosystem.partner_a_rep,
        program=ecosystem.program,
        lines=LINES,
        **{**ACME, "customer_domain": "WWW.Acme-Industries.com ", "currency": "eur"},
    )

    draft.refresh_from_db()
    assert (draft.status, draft.organization, draft.registered_by) == (
        RegistrationStatus.DRAFT,
        ecosystem.partner_a,
        ecosystem.partner_a_rep,
    )
    assert (draft.customer_domain, draft.currency, draft.amount) == (
        "acme-industries.com",
        "EUR",
        Decimal("48000.00"),
    )
    line = DealLine.objects.get(registration=draft)
    assert (line.quantity, line.unit_amount, line.total) == (
        40,
        Decimal("1200.00"),
        Decimal("48000.00"),
    )
    assert not DealMatchKey.objects.exists()
    event = ActivityEvent.objects.get(verb="deal.draft_created")
    assert (event.organization_id, event.data) == (
        ecosystem.partner_a.pk,
        {"program": "Resellers"},
    )
    audit = AuditEntry.objects.get(action="create")
    assert audit.after["lines"] == [
        {"product_code": "CAIRN-ENT", "quantity": 40, "unit_amount": "1200.00"}
    ]


@pytest.mark.parametrize(
    "persona", ["partner_c_admin", "vendor_admin", "channel_manager"]
)
def test_only_active_members_of_the_program_register_deals(
    ecosystem: Any, persona: str
) -> None:
    with pytest.raises(PermissionDenied):
        services.create_draft(
            actor=getattr(ecosystem, persona), program=ecosystem.program, **ACME
        )

    assert not DealRegistration.objects.exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"currency": "EURO"}, {"currency"}),
        ({"currency": "XYZ"}, {"currency"}),
        ({"amount": Decimal("-1.00")}, {"amount"}),
        ({"amount": Decimal("1.001")}, {"amount"}),
        ({"amount": 10.5}, {"amount"}),
        ({"latitude": Decimal("48.8")}, {"latitude"}),
        ({"customer_domain": "not a domain"}, {"customer_domain"}),
        ({"contact_email": "nobody"}, {"contact_email"}),
    ],
)
def test_invalid_draft_is_refused_by_field(
    ecosystem: Any, changes: dict[str, Any], errors: set[str]
) -> None:
    with pytest.raises(ValidationError) as error:
        services.create_draft(
            actor=ecosystem.partner_a_rep,
            program=ecosystem.program,
            **{**ACME, **changes},
        )

    assert set(error.value.message_dict) == errors
    assert not DealRegistration.objects.exists()


def test_invalid_line_is_reported_with_its_number(ecosystem: Any) -> None:
    lines = [*LINES, {"product_code": "X", "quantity": 0, "unit_amount": Decimal(1)}]

    with pytest.raises(ValidationError) as error:
        services.create_draft(
            actor=ecosystem.partner_a_rep,
            program=ecosystem.program,
            lines=lines,
            **ACME,
        )

    assert error.value.message_dict["lines"][0].startswith("Line 2: quantity:")
    assert not DealRegistration.objects.exists()
    assert not DealLine.objects.exists()


def test_update_draft_records_changed_fields_only(ecosystem: Any) -> None:
    draft = services.create_draft(
        actor=ecosystem.partner_a_rep, program=ecosystem.program, **ACME
    )

    services.update_draft(
        draft, actor=ecosystem.partner_a_rep, amount=Decimal("50000.00")
    )

    audit = AuditEntry.objects.get(action="update")
    assert (audit.before, audit.after) == (
        {"amount": "48000.00"},
        {"amount": "50000.00"},
    )
    assert ActivityEvent.objects.get(verb="deal.updated").data == {"fields": ["amount"]}


def test_another_rep_cannot_edit_a_colleagues_draft(ecosystem: Any) -> None:
    draft = services.create_draft(
        actor=ecosystem.partner_a_rep, program=ecosystem.program, **ACME
    )

    with pytest.raises(PermissionDenied):
        services.update_draft(
            draft, actor=ecosystem.partner_a_second_rep, amount=Decimal("1.00")
        )

    draft.refresh_from_db()
    assert draft.amount == Decimal("48000.00")
    assert not AuditEntry.objects.filter(action="update").exists()


def test_submission_starts_the_review_clock_in_business_days(ecosystem: Any) -> None:
    friday = MONDAY + datetime.timedelta(days=4)
    draft = services.create_draft(
        actor=ecosystem.partner_a_rep, program=ecosystem.program, lines=LINES, **ACME
    )

    with time_machine.travel(friday, tick=False):
        services.submit_registration(draft, actor=ecosystem.partner_a_rep)

    draft.refresh_from_db()
    assert (draft.status, draft.submitted_at, draft.review_due_at) == (
        RegistrationStatus.SUBMITTED,
        friday,
        friday + datetime.timedelta(days=4),  # Tuesday: the weekend does not count
    )
    assert DealMatchKey.objects.filter(registration=draft).exists()
    step = DealStatusChange.objects.get(registration=draft)
    assert (step.from_status, step.to_status, step.actor_role_label) == (
        "draft",
        "submitted",
        "Partner rep",
    )
    event = ActivityEvent.objects.get(verb="deal.submitted")
    assert event.data == {
        "from": "draft",
        "to": "submitted",
        "program": "Resellers",
        "amount": "48000.00",
        "currency": "EUR",
        "possible_conflicts": 0,
        "resubmission": False,
    }


def test_incomplete_draft_cannot_be_submitted(ecosystem: Any) -> None:
    draft = services.create_draft(
        actor=ecosystem.partner_a_rep,
        program=ecosystem.program,
        **{**ACME, "expected_close_date": None, "amount": Decimal("0.00")},
    )

    with pytest.raises(ValidationError) as error:
        services.submit_registration(draft, actor=ecosystem.partner_a_rep)

    assert set(error.value.message_dict) == {"expected_close_date"}
    draft.refresh_from_db()
    assert (draft.status, draft.submitted_at) == (RegistrationStatus.DRAFT, None)
    assert not DealStatusChange.objects.exists()
    assert not DealMatchKey.objects.exists()


def test_double_submit_with_the_same_key_creates_one_registration(
    ecosystem: Any,
) -> None:
    first = register(ecosystem, ecosystem.partner_a_rep, idempotency_key="crm-42")
    second = register(ecosystem, ecosystem.partner_a_rep, idempotency_key="crm-42")

    assert second.pk == first.pk
    assert DealRegistration.objects.count() == 1
    assert ActivityEvent.objects.filter(verb="deal.submitted").count() == 1


def test_resubmitting_a_submitted_draft_with_its_key_changes_nothing(
    ecosystem: Any,
) -> None:
    draft = services.create_draft(
        actor=ecosystem.partner_a_rep, program=ecosystem.program, lines=LINES, **ACME
    )
    services.submit_registration(
        draft, actor=ecosystem.partner_a_rep, idempotency_key="k-1"
    )

    again = services.submit_registration(
        draft, actor=ecosystem.partner_a_rep, idempotency_key="k-1"
    )

    assert again.status == RegistrationStatus.SUBMITTED
    assert DealStatusChange.objects.count() == 1


def test_the_same_key_in_two_organizations_is_two_registrations(
    ecosystem: Any,
) -> None:
    first = register(
        ecosystem, ecosystem.partner_a_rep, UNRELATED, idempotency_key="crm-1"
    )
    second = register(ecosystem, ecosystem.partner_b_rep, idempotency_key="crm-1")

    assert first.pk != second.pk


def test_a_key_of_a_colleagues_registration_is_refused(ecosystem: Any) -> None:
    register(ecosystem, ecosystem.partner_a_rep, idempotency_key="crm-7")

    with pytest.raises(ValidationError) as error:
        register(ecosystem, ecosystem.partner_a_second_rep, idempotency_key="crm-7")

    assert set(error.value.message_dict) == {"idempotency_key"}
    assert DealRegistration.objects.count() == 1


def test_a_second_partner_on_the_same_customer_gets_a_possible_conflict(
    ecosystem: Any,
) -> None:
    with time_machine.travel(MONDAY, tick=False):
        first = register(ecosystem, ecosystem.partner_a_rep)
    with time_machine.travel(MONDAY + datetime.timedelta(hours=1), tick=False):
        second = register(ecosystem, ecosystem.partner_b_rep, ACME_AGAIN)

    conflict = DealConflict.objects.get()
    assert (conflict.registration, conflict.other_registration) == (second, first)
    assert first.submitted_at < second.submitted_at
    assert conflict.status == "open"
    assert conflict.score > 0
    assert conflict.reason_codes
    assert all(
        set(reason) == {"code", "message", "detail", "points", "is_counter"}
        for reason in conflict.reasons
    )
    event = ActivityEvent.objects.get(verb="deal.conflict_detected")
    assert event.data == {"score": conflict.score, "codes": conflict.reason_codes}
    assert (
        ActivityEvent.objects.get(
            verb="deal.submitted", organization_id=ecosystem.partner_b.pk
        ).data["possible_conflicts"]
        == 1
    )
    # The record of a conflict names both sides: it is the vendor's alone.
    assert (
        AuditEntry.objects.get(
            target_type__model="dealconflict", action="create"
        ).organization_id
        is None
    )


def test_an_unrelated_customer_has_no_conflict(ecosystem: Any) -> None:
    register(ecosystem, ecosystem.partner_a_rep)
    register(ecosystem, ecosystem.partner_b_rep, UNRELATED)

    assert not DealConflict.objects.exists()


def test_drafts_and_rejected_registrations_claim_no_customer(ecosystem: Any) -> None:
    services.create_draft(
        actor=ecosystem.partner_a_rep, program=ecosystem.program, **ACME
    )
    rejected = register(ecosystem, ecosystem.partner_a_second_rep)
    services.reject_registration(
        rejected, actor=ecosystem.channel_manager, reason="Not a real project."
    )

    register(ecosystem, ecosystem.partner_b_rep, ACME_AGAIN)

    assert not DealConflict.objects.exists()


def test_a_registration_matching_the_direct_pipeline_gets_a_conflict(
    ecosystem: Any,
) -> None:
    direct = services.save_direct_opportunity(
        actor=ecosystem.vendor_admin,
        external_id="SF-0001",
        company_name="Acme Corporation SA",
        domain="acme-industries.com",
        country="FR",
        postal_code="75002",
        owner_name="Dana Direct",
        amount=Decimal("60000.00"),
        currency="EUR",
    )

    registration = register(ecosystem, ecosystem.partner_a_rep)

    conflict = DealConflict.objects.get()
    assert (conflict.registration, conflict.direct_opportunity) == (
        registration,
        direct,
    )
    assert conflict.other_registration is None


def test_a_closed_direct_opportunity_claims_no_customer(ecosystem: Any) -> None:
    services.save_direct_opportunity(
        actor=ecosystem.vendor_admin,
        external_id="SF-0001",
        company_name="Acme Corporation",
        domain="acme-industries.com",
        country="FR",
        is_open=False,
    )

    register(ecosystem, ecosystem.partner_a_rep)

    assert not DealConflict.objects.exists()


def test_only_vendor_admins_change_the_direct_pipeline(ecosystem: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.save_direct_opportunity(
            actor=ecosystem.channel_manager,
            external_id="SF-1",
            company_name="Acme",
            country="FR",
        )


def test_answering_a_request_for_information_keeps_the_first_claim(
    ecosystem: Any,
) -> None:
    with time_machine.travel(MONDAY, tick=False):
        first = register(ecosystem, ecosystem.partner_a_rep)
    second = register(ecosystem, ecosystem.partner_b_rep, ACME_AGAIN)
    services.request_more_information(
        first, actor=ecosystem.channel_manager, reason="Which products?"
    )
    services.update_draft(first, actor=ecosystem.partner_a_rep, notes="Enterprise.")

    services.submit_registration(first, actor=ecosystem.partner_a_rep)

    first.refresh_from_db()
    assert (first.status, first.submitted_at) == (RegistrationStatus.SUBMITTED, MONDAY)
    # The pair is known already: the answer does not record it a second time.
    assert list(
        DealConflict.objects.values_list("registration", "other_registration")
    ) == [(second.pk, first.pk)]
