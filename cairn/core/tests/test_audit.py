from typing import Any

import pytest
from django.db import transaction

from cairn.core.audit import record_update, record_write
from cairn.core.models import ActivityEvent, AuditAction, AuditEntry


def test_record_write_records_audit_entry_and_event_of_one_write(
    ecosystem: Any,
) -> None:
    organization = ecosystem.partner_a
    actor = ecosystem.vendor_admin

    record_write(
        AuditAction.CREATE,
        organization,
        actor=actor,
        organization_id=organization.pk,
        after={"name": "Alpha Systems"},
        verb="organization.created",
        data={"name": "Alpha Systems"},
    )

    entry = AuditEntry.objects.get()
    assert entry.action == AuditAction.CREATE
    assert entry.actor == actor
    assert entry.organization_id == organization.pk
    assert entry.target_id == str(organization.pk)
    assert entry.before == {}
    assert entry.after == {"name": "Alpha Systems"}
    assert entry.reason == ""
    event = ActivityEvent.objects.get()
    assert event.verb == "organization.created"
    assert event.actor == actor
    assert event.organization_id == organization.pk
    assert event.target_type == entry.target_type
    assert event.target_id == str(organization.pk)
    assert event.data == {"name": "Alpha Systems"}


def test_record_write_rolled_back_leaves_neither_entry_nor_event(
    ecosystem: Any,
) -> None:
    organization = ecosystem.partner_a

    def write_then_fail() -> None:
        with transaction.atomic():
            record_write(
                AuditAction.CREATE,
                organization,
                actor=ecosystem.vendor_admin,
                verb="organization.created",
                data={},
            )
            raise RuntimeError

    with pytest.raises(RuntimeError):
        write_then_fail()

    assert AuditEntry.objects.count() == 0
    assert ActivityEvent.objects.count() == 0


def test_record_update_without_change_records_nothing(ecosystem: Any) -> None:
    organization = ecosystem.partner_a

    record_update(
        organization,
        actor=ecosystem.vendor_admin,
        organization_id=organization.pk,
        before={"name": "Alpha Systems", "updated_at": "2026-01-01T00:00:00"},
        after={"name": "Alpha Systems", "updated_at": "2026-01-02T00:00:00"},
        verb="organization.updated",
    )

    assert AuditEntry.objects.count() == 0
    assert ActivityEvent.objects.count() == 0


def test_record_update_records_only_the_changed_fields(ecosystem: Any) -> None:
    organization = ecosystem.partner_a

    record_update(
        organization,
        actor=ecosystem.vendor_admin,
        organization_id=organization.pk,
        before={"name": "Alpha Systems", "website": "https://alpha.example"},
        after={"name": "Alpha Group", "website": "https://alpha.example"},
        verb="organization.updated",
        data={"source": "portal"},
    )

    entry = AuditEntry.objects.get()
    assert entry.action == AuditAction.UPDATE
    assert entry.before == {"name": "Alpha Systems"}
    assert entry.after == {"name": "Alpha Group"}
    event = ActivityEvent.objects.get()
    assert event.verb == "organization.updated"
    assert event.data == {"source": "portal", "fields": ["name"]}


def test_record_write_and_record_update_keep_the_reason(ecosystem: Any) -> None:
    organization = ecosystem.partner_a

    record_write(
        AuditAction.UPDATE,
        organization,
        actor=None,
        before={"name": "Alpha Systems"},
        after={"name": "Alpha Group"},
        verb="organization.renamed",
        data={},
        reason="Renamed by the nightly import.",
    )
    record_update(
        organization,
        actor=None,
        before={"name": "Alpha Group"},
        after={"name": "Alpha Holdings"},
        verb="organization.updated",
        reason="Corrected by support.",
    )

    assert list(AuditEntry.objects.order_by("pk").values_list("reason", flat=True)) == [
        "Renamed by the nightly import.",
        "Corrected by support.",
    ]
    assert list(
        ActivityEvent.objects.order_by("pk").values_list("verb", flat=True)
    ) == [
        "organization.renamed",
        "organization.updated",
    ]
