"""Authorization rules of core's routes."""

from cairn.core.authz import API_ANONYMOUS, SIGN_IN, Rule, same_for_all

RULES = [
    Rule("core:health-live", expect=same_for_all(200)),
    # The matrix runs no worker, so readiness honestly answers "not ready".
    Rule("core:health-ready", expect=same_for_all(503)),
    Rule("core:activity", expect=same_for_all(200, anonymous=SIGN_IN)),
    Rule(
        "core:audit_log",
        expect=same_for_all(
            403, vendor_admin=200, partner_a_admin=200, anonymous=SIGN_IN
        ),
    ),
    Rule("activity-event-list", expect=same_for_all(200, anonymous=API_ANONYMOUS)),
    Rule(
        "activity-event-detail",
        kwargs=lambda e: {"pk": e.partner_a_event.pk},
        expect=same_for_all(
            404,
            vendor_admin=200,
            channel_manager=200,
            partner_a_admin=200,
            partner_a_rep=200,
            partner_a_second_rep=200,
            anonymous=API_ANONYMOUS,
        ),
    ),
    Rule("audit-entry-list", expect=same_for_all(200, anonymous=API_ANONYMOUS)),
    Rule(
        "audit-entry-detail",
        kwargs=lambda e: {"pk": e.partner_a_audit_entry.pk},
        expect=same_for_all(
            404, vendor_admin=200, partner_a_admin=200, anonymous=API_ANONYMOUS
        ),
    ),
]


def prepare(ecosystem: object) -> None:
    """Add an event and an audit entry of partner A to the ecosystem."""
    from cairn.core.audit import record_audit
    from cairn.core.events import record_event
    from cairn.core.models import AuditAction

    partner_a = ecosystem.partner_a  # type: ignore[attr-defined]
    admin = ecosystem.partner_a_admin  # type: ignore[attr-defined]
    ecosystem.partner_a_event = record_event(  # type: ignore[attr-defined]
        "organization.viewed",
        actor=admin,
        organization_id=partner_a.pk,
        target=partner_a,
    )
    ecosystem.partner_a_audit_entry = record_audit(  # type: ignore[attr-defined]
        AuditAction.UPDATE,
        partner_a,
        actor=admin,
        organization_id=partner_a.pk,
        before={"website": ""},
        after={"website": "https://alpha.example"},
    )
