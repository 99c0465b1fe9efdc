from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cairn.core.models import ActivityEvent, AuditEntry
from cairn.deals import services
from cairn.deals.choices import ConflictDecision, ConflictStatus, RegistrationStatus
from cairn.deals.models import DealConflict, DealStatusChange
from cairn.deals.tests.support import ACME_AGAIN, register


def _conflict(ecosystem: Any) -> DealConflict:
    register(ecosystem, ecosystem.partner_a_rep)
    register(ecosystem, ecosystem.partner_b_rep, ACME_AGAIN)
    return DealConflict.objects.select_related("registration").get()


def _state(conflict: DealConflict) -> tuple[Any, ...]:
    conflict.refresh_from_db()
    conflict.registration.refresh_from_db()
    return (
        conflict.status,
        conflict.decision,
        conflict.appealed_at,
        conflict.registration.status,
        AuditEntry.objects.count(),
        ActivityEvent.objects.count(),
    )


def test_first_come_decision_rejects_the_later_registration(ecosystem: Any) -> None:
    conflict = _conflict(ecosystem)

    services.resolve_conflict(
        conflict,
        actor=ecosystem.channel_manager,
        decision=ConflictDecision.FIRST_COME,
        reason="Registered first by another partner.",
    )

    conflict.refresh_from_db()
    assert (
        conflict.status,
        conflict.decision,
        conflict.decided_by,
        conflict.decision_reason,
    ) == (
        ConflictStatus.RESOLVED,
        "first_come",
        ecosystem.channel_manager,
        "Registered first by another partner.",
    )
    later = conflict.registration
    later.refresh_from_db()
    assert later.status == RegistrationStatus.REJECTED
    last: Any = DealStatusChange.objects.filter(registration=later).last()
    assert last.reason == ("Registered first by another partner.")
    event = ActivityEvent.objects.get(verb="deal.conflict_resolved")
    assert (event.organization_id, event.data) == (
        ecosystem.partner_b.pk,
        {
            "conflict_id": conflict.pk,
            "codes": conflict.reason_codes,
            "decision": "first_come",
        },
    )
    assert AuditEntry.objects.get(action="decide").organization_id is None


def test_split_decision_lets_both_proceed(ecosystem: Any) -> None:
    conflict = _conflict(ecosystem)

    services.resolve_conflict(
        conflict,
        actor=ecosystem.vendor_admin,
        decision=ConflictDecision.SPLIT,
        reason="Different divisions.",
    )
    services.approve_registration(conflict.registration, actor=ecosystem.vendor_admin)

    conflict.registration.refresh_from_db()
    assert conflict.registration.status == RegistrationStatus.APPROVED


@pytest.mark.parametrize(
    ("decision", "reason", "field"),
    [("first_come", "", "reason"), ("coin_toss", "Fair.", "decision")],
)
def test_a_decision_needs_a_known_decision_and_a_reason(
    ecosystem: Any, decision: str, reason: str, field: str
) -> None:
    conflict = _conflict(ecosystem)
    before = _state(conflict)

    with pytest.raises(ValidationError) as error:
        services.resolve_conflict(
            conflict, actor=ecosystem.channel_manager, decision=decision, reason=reason
        )

    assert set(error.value.message_dict) == {field}
    assert _state(conflict) == before


@pytest.mark.parametrize("persona", ["partner_a_admin", "partner_b_rep"])
def test_partners_cannot_decide_conflicts(ecosystem: Any, persona: str) -> None:
    conflict = _conflict(ecosystem)
    before = _state(conflict)

    with pytest.raises(PermissionDenied):
        services.resolve_conflict(
            conflict,
            actor=getattr(ecosystem, persona),
            decision=ConflictDecision.SPLIT,
            reason="Mine.",
        )

    assert _state(conflict) == before


def test_partner_appeals_once_and_a_changed_decision_reopens_review(
    ecosystem: Any,
) -> None:
    conflict = _conflict(ecosystem)
    services.resolve_conflict(
        conflict,
        actor=ecosystem.channel_manager,
        decision=ConflictDecision.FIRST_COME,
        reason="Registered first by another partner.",
    )

    services.appeal_conflict(
        conflict, actor=ecosystem.partner_b_rep, note="We met the buyer in January."
    )
    conflict.refresh_from_db()
    assert (conflict.status, conflict.appeal_note) == (
        ConflictStatus.OPEN,
        "We met the buyer in January.",
    )
    services.resolve_conflict(
        conflict,
        actor=ecosystem.channel_manager,
        decision=ConflictDecision.SPLIT,
        reason="Both engaged; shared.",
    )

    later = conflict.registration
    later.refresh_from_db()
    assert later.status == RegistrationStatus.UNDER_REVIEW
    # Decisions and the appeal are notes of the history (the status stays).
    assert list(
        DealStatusChange.objects.filter(registration=later).values_list(
            "from_status", "to_status", "actor_role_label"
        )
    ) == [
        ("draft", "submitted", "Partner rep"),
        ("submitted", "submitted", "Channel manager"),
        ("submitted", "rejected", "Channel manager"),
        ("rejected", "rejected", "Partner rep"),
        ("rejected", "rejected", "Channel manager"),
        ("rejected", "under_review", "Channel manager"),
    ]
    with pytest.raises(PermissionDenied):
        services.appeal_conflict(
            conflict, actor=ecosystem.partner_b_rep, note="Once more."
        )


def test_an_open_conflict_cannot_be_appealed(ecosystem: Any) -> None:
    conflict = _conflict(ecosystem)
    before = _state(conflict)

    with pytest.raises(PermissionDenied):
        services.appeal_conflict(conflict, actor=ecosystem.partner_b_rep, note="Why?")

    assert _state(conflict) == before


def test_the_earlier_partner_cannot_appeal(ecosystem: Any) -> None:
    conflict = _conflict(ecosystem)
    services.resolve_conflict(
        conflict,
        actor=ecosystem.channel_manager,
        decision=ConflictDecision.SPLIT,
        reason="Shared.",
    )
    before = _state(conflict)

    with pytest.raises(PermissionDenied):
        services.appeal_conflict(
            conflict, actor=ecosystem.partner_a_admin, note="Ours alone."
        )

    assert _state(conflict) == before


def test_an_appeal_needs_a_note(ecosystem: Any) -> None:
    conflict = _conflict(ecosystem)
    services.resolve_conflict(
        conflict,
        actor=ecosystem.channel_manager,
        decision=ConflictDecision.FIRST_COME,
        reason="First.",
    )
    before = _state(conflict)

    with pytest.raises(ValidationError) as error:
        services.appeal_conflict(conflict, actor=ecosystem.partner_b_rep, note="")

    assert error.value.message_dict == {"appeal_note": ["Give a reason."]}
    assert _state(conflict) == before
