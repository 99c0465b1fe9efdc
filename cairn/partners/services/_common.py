"""Helpers shared by the services of the partners app."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models

from cairn.core.audit import record_audit
from cairn.core.events import record_event
from cairn.core.models import AuditAction


def check_keys(given: Iterable[str], allowed: Iterable[str], what: str) -> None:
    """Refuse a change of fields a service does not change (a programming error)."""
    unknown = set(given) - set(allowed)
    if unknown:
        raise TypeError(f"{what} has no fields {sorted(unknown)}")


def changed_keys(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """Name the fields whose value differs, ignoring the modification time."""
    return sorted(
        key for key in after if key != "updated_at" and before.get(key) != after[key]
    )


def record_write(
    action: str,
    target: models.Model,
    *,
    actor: Any,
    verb: str,
    data: dict[str, Any],
    organization_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Record the audit entry and the activity event of one write of `target`."""
    record_audit(
        action,
        target,
        actor=actor,
        organization_id=organization_id,
        before=before,
        after=after,
    )
    record_event(
        verb, actor=actor, organization_id=organization_id, target=target, data=data
    )


def record_update(
    target: models.Model,
    *,
    actor: Any,
    verb: str,
    before: dict[str, Any],
    after: dict[str, Any],
    organization_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    """Record an update of `target` with the fields it changed, or nothing if none."""
    changed = changed_keys(before, after)
    if not changed:
        return
    record_write(
        AuditAction.UPDATE,
        target,
        actor=actor,
        organization_id=organization_id,
        before=before,
        after=after,
        verb=verb,
        data={**(data or {}), "fields": changed},
    )
