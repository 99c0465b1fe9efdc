import dataclasses
from typing import Any

import pytest

from cairn.core.access import NotFound
from cairn.deals import selectors, services
from cairn.deals.choices import ConflictDecision
from cairn.deals.models import DealConflict
from cairn.deals.tests.factories import DealRegistrationFactory
from cairn.deals.tests.support import ACME_AGAIN, UNRELATED, register


def _visible(actor: Any) -> set[str]:
    return {
        registration.customer_name
        for registration in selectors.list_registrations_for(actor)
    }


def _registrations(ecosystem: Any) -> None:
    for user, name in [
        (ecosystem.partner_a_rep, "Rex deal"),
        (ecosystem.partner_a_second_rep, "Sam deal"),
        (ecosystem.partner_b_rep, "Bo deal"),
    ]:
        DealRegistrationFactory(
            registered_by=user, program=ecosystem.program, customer_name=name
        )
    DealRegistrationFactory(
        registered_by=ecosystem.partner_c_admin,
        program=ecosystem.other_program,
        customer_name="Cy deal",
    )


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("vendor_admin", {"Rex deal", "Sam deal", "Bo deal", "Cy deal"}),
        ("channel_manager", {"Rex deal", "Sam deal", "Bo deal"}),
        ("partner_a_admin", {"Rex deal", "Sam deal"}),
        ("partner_a_rep", {"Rex deal"}),
        ("partner_a_second_rep", {"Sam deal"}),
        ("partner_b_rep", {"Bo deal"}),
        ("partner_c_admin", {"Cy deal"}),
    ],
)
def test_each_persona_sees_its_scope_of_registrations(
    ecosystem: Any, persona: str, expected: set[str]
) -> None:
    _registrations(ecosystem)

    assert _visible(getattr(ecosystem, persona)) == expected


def test_an_invisible_registration_is_not_found_like_a_missing_one(
    ecosystem: Any,
) -> None:
    registration: Any = DealRegistrationFactory(
        registered_by=ecosystem.partner_a_rep, program=ecosystem.program
    )

    for pk in (registration.pk, 999_999, "nonsense"):
        with pytest.raises(NotFound):
            selectors.access_registration(ecosystem.partner_b_rep, pk)
    with pytest.raises(NotFound):
        selectors.access_registration(ecosystem.partner_a_second_rep, registration.pk)
    assert (
        selectors.access_registration(ecosystem.partner_a_admin, registration.pk)
        == registration
    )


def test_list_filters_by_status_and_search(ecosystem: Any) -> None:
    _registrations(ecosystem)
    DealRegistrationFactory(
        registered_by=ecosystem.partner_a_rep,
        program=ecosystem.program,
        customer_name="Draft deal",
        status="draft",
    )

    drafts = selectors.list_registrations_for(
        ecosystem.partner_a_admin, {"status": "draft"}
    )
    found = selectors.list_registrations_for(
        ecosystem.vendor_admin, {"search": "bo de"}
    )

    assert [r.customer_name for r in drafts] == ["Draft deal"]
    assert [r.customer_name for r in found] == ["Bo deal"]


def test_history_shows_roles_not_people(ecosystem: Any) -> None:
    registration = register(ecosystem, ecosystem.partner_a_rep)
    services.reject_registration(
        registration, actor=ecosystem.channel_manager, reason="Existing customer."
    )

    steps = selectors.history_for(ecosystem.partner_a_rep, registration.pk)

    assert [(s.to_status, s.role_label, s.reason) for s in steps] == [
        ("submitted", "Partner rep", ""),
        ("rejected", "Channel manager", "Existing customer."),
    ]
    with pytest.raises(NotFound):
        selectors.history_for(ecosystem.partner_b_rep, registration.pk)


def _text_of(value: Any) -> str:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return " ".join(_text_of(v) for v in dataclasses.asdict(value).values())
    if isinstance(value, dict):
        return " ".join(_text_of(v) for v in value.values())
    if isinstance(value, list | tuple):
        return " ".join(_text_of(v) for v in value)
    return str(value)


def test_partner_conflict_view_shows_reasons_and_nothing_of_the_other(
    ecosystem: Any,
) -> None:
    first = register(ecosystem, ecosystem.partner_a_rep)
    later = register(ecosystem, ecosystem.partner_b_rep, ACME_AGAIN)
    conflict = DealConflict.objects.get()

    views = selectors.conflict_for_partner(ecosystem.partner_b_rep, later)

    assert len(views) == 1
    view = views[0]
    assert (view.pk, view.is_earlier_claim, view.status) == (
        conflict.pk,
        False,
        "open",
    )
    assert [r.code for r in view.reasons] == conflict.reason_codes
    assert [(r.code, r.message) for r in view.reasons] == conflict.partner_reasons
    assert all(r.message for r in view.reasons)
    assert {field.name for field in dataclasses.fields(view)} == {
        "pk",
        "is_earlier_claim",
        "status",
        "score",
        "reasons",
        "decision",
        "decision_label",
        "decision_reason",
        "appeal_note",
        "can_appeal",
    }
    text = _text_of(views)
    # Every value of A's registration that B did not type itself.
    values: list[str] = [
        first.customer_name,
        first.contact_name,
        first.contact_email,
        str(first.amount),
        ecosystem.partner_a.name,
        ecosystem.partner_a_rep.email,
        ecosystem.partner_a_rep.full_name,
        *(reason["detail"] for reason in conflict.reasons if reason["detail"]),
    ]
    for value in values:
        assert value.lower() not in text.lower(), value


def test_partner_b_cannot_reach_partner_as_conflict_view(ecosystem: Any) -> None:
    first = register(ecosystem, ecosystem.partner_a_rep)
    register(ecosystem, ecosystem.partner_b_rep, ACME_AGAIN)

    with pytest.raises(NotFound):
        selectors.conflict_for_partner(ecosystem.partner_b_rep, first)
    with pytest.raises(NotFound):
        selectors.conflict_for_vendor(
            ecosystem.partner_b_rep, DealConflict.objects.get().pk
        )


def test_the_earlier_partner_learns_only_that_a_later_claim_matched(
    ecosystem: Any,
) -> None:
    first = register(ecosystem, ecosystem.partner_a_rep)
    register(ecosystem, ecosystem.partner_b_rep, ACME_AGAIN)
    conflict = DealConflict.objects.get()
    services.resolve_conflict(
        conflict,
        actor=ecosystem.channel_manager,
        decision=ConflictDecision.FIRST_COME,
        reason="Beta Solutions registered later.",
    )

    (view,) = selectors.conflict_for_partner(ecosystem.partner_a_admin, first)

    assert (view.is_earlier_claim, view.decision, view.decision_reason) == (
        True,
        "",
        "",
    )
    assert view.can_appeal is False
    assert ACME_AGAIN["contact_email"] not in _text_of(view)


def test_appeal_is_offered_once_to_the_later_partner(ecosystem: Any) -> None:
    register(ecosystem, ecosystem.partner_a_rep)
    later = register(ecosystem, ecosystem.partner_b_rep, ACME_AGAIN)
    conflict = DealConflict.objects.get()
    services.resolve_conflict(
        conflict,
        actor=ecosystem.channel_manager,
        decision=ConflictDecision.FIRST_COME,
        reason="Registered first elsewhere.",
    )

    (view,) = selectors.conflict_for_partner(ecosystem.partner_b_rep, later)
    assert (view.decision, view.decision_reason, view.can_appeal) == (
        "first_come",
        "Registered first elsewhere.",
        True,
    )
    services.appeal_conflict(conflict, actor=ecosystem.partner_b_rep, note="Appeal.")
    (view,) = selectors.conflict_for_partner(ecosystem.partner_b_rep, later)
    assert (view.status, view.appeal_note, view.can_appeal) == (
        "open",
        "Appeal.",
        False,
    )


def test_vendor_conflict_view_shows_both_sides(ecosystem: Any) -> None:
    first = register(ecosystem, ecosystem.partner_a_rep)
    later = register(ecosystem, ecosystem.partner_b_rep, ACME_AGAIN)
    conflict = DealConflict.objects.get()

    view = selectors.conflict_for_vendor(ecosystem.channel_manager, conflict.pk)

    assert (view.later, view.earlier_registration, view.earlier_direct) == (
        later,
        first,
        None,
    )
    assert [reason["detail"] for reason in view.reasons] == [
        reason["detail"] for reason in conflict.reasons
    ]
    assert view.can_resolve is True
    assert list(selectors.list_open_conflicts_for(ecosystem.channel_manager)) == [
        conflict
    ]
    assert list(selectors.list_open_conflicts_for(ecosystem.partner_b_rep)) == []


def test_a_channel_manager_of_another_program_sees_no_conflict(
    ecosystem: Any,
) -> None:
    from cairn.accounts.tests.factories import UserFactory
    from cairn.core.roles import Role

    other_manager = UserFactory(role=Role.CHANNEL_MANAGER)
    ecosystem.other_program.managers.add(other_manager)
    register(ecosystem, ecosystem.partner_a_rep)
    register(ecosystem, ecosystem.partner_b_rep, ACME_AGAIN)

    with pytest.raises(NotFound):
        selectors.conflict_for_vendor(other_manager, DealConflict.objects.get().pk)
    assert list(selectors.list_open_conflicts_for(other_manager)) == []


def test_unrelated_registrations_have_no_conflict_views(ecosystem: Any) -> None:
    registration = register(ecosystem, ecosystem.partner_a_rep, UNRELATED)

    assert selectors.conflict_for_partner(ecosystem.partner_a_rep, registration) == []
