from typing import Any

from cairn.core.audit import record_audit
from cairn.core.events import record_event
from cairn.core.models import AuditAction
from cairn.core.selectors import list_activity_events_for, list_audit_entries_for


def _event_for(organization: Any, actor: Any) -> Any:
    return record_event(
        "organization.viewed",
        actor=actor,
        organization_id=organization.pk,
        target=organization,
    )


def test_activity_is_scoped_to_what_the_actor_may_see(ecosystem: Any) -> None:
    event_a = _event_for(ecosystem.partner_a, ecosystem.partner_a_rep)
    event_b = _event_for(ecosystem.partner_b, ecosystem.partner_b_rep)
    event_c = _event_for(ecosystem.partner_c, ecosystem.partner_c_admin)

    def seen(actor: Any) -> set[int]:
        return set(list_activity_events_for(actor).values_list("pk", flat=True))

    assert seen(ecosystem.vendor_admin) == {event_a.pk, event_b.pk, event_c.pk}
    assert seen(ecosystem.channel_manager) == {event_a.pk, event_b.pk}
    assert seen(ecosystem.partner_a_rep) == {event_a.pk}
    assert seen(ecosystem.partner_b_rep) == {event_b.pk}


def test_audit_log_is_for_vendor_admins_and_partner_admins_of_the_organization(
    ecosystem: Any,
) -> None:
    entry_a = record_audit(
        AuditAction.UPDATE,
        ecosystem.partner_a,
        actor=ecosystem.partner_a_admin,
        organization_id=ecosystem.partner_a.pk,
        before={"website": ""},
        after={"website": "https://alpha.example"},
    )
    entry_b = record_audit(
        AuditAction.UPDATE,
        ecosystem.partner_b,
        actor=ecosystem.vendor_admin,
        organization_id=ecosystem.partner_b.pk,
    )

    def seen(actor: Any) -> set[int]:
        return set(list_audit_entries_for(actor).values_list("pk", flat=True))

    assert seen(ecosystem.vendor_admin) == {entry_a.pk, entry_b.pk}
    assert seen(ecosystem.partner_a_admin) == {entry_a.pk}
    assert seen(ecosystem.partner_a_rep) == set()
    assert seen(ecosystem.channel_manager) == set()


def test_audit_update_keeps_only_changed_fields_and_never_secrets(
    ecosystem: Any,
) -> None:
    from cairn.core.audit import snapshot

    before = snapshot(ecosystem.partner_a_rep)
    ecosystem.partner_a_rep.full_name = "Rex Renamed"
    ecosystem.partner_a_rep.set_password("another-long-password")
    after = snapshot(ecosystem.partner_a_rep)

    entry = record_audit(
        AuditAction.UPDATE,
        ecosystem.partner_a_rep,
        actor=ecosystem.partner_a_admin,
        before=before,
        after=after,
    )

    assert "password" not in before
    assert entry.before == {"full_name": "Rex Rep"}
    assert entry.after == {"full_name": "Rex Renamed"}
    assert entry.changed_fields == ["full_name"]
    assert entry.actor_repr == "ada@alpha.example"
    assert entry.origin == "system"
