"""Audit entries: written inside the service's transaction, so a write and its record
of who made it commit or roll back together.
"""

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.fields.files import FieldFile

from cairn.core.context import current_origin
from cairn.core.events import record_event
from cairn.core.models import AuditAction, AuditEntry


def snapshot(
    instance: models.Model, fields: Iterable[str] | None = None
) -> dict[str, Any]:
    """Return the instance's concrete field values as JSON-safe data."""
    values: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        if field.name in {"password", "key_hash", "secret_hash"}:
            continue  # secrets never reach the audit log, not even hashed
        values[field.name] = _json_safe(field.value_from_object(instance))
    for field in instance._meta.many_to_many:
        if fields is not None and field.name in fields and instance.pk:
            values[field.name] = sorted(
                getattr(instance, field.name).values_list("pk", flat=True)
            )
    return values


def _json_safe(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_json_safe(item) for item in value]
    if isinstance(value, dict):
        return {key: _json_safe(item) for key, item in value.items()}
    if isinstance(value, FieldFile):
        # An empty file field has no url (asking raises), only an empty name.
        return value.name or ""
    return str(value)  # decimals, UUIDs and value objects such as a country


def record_audit(
    action: str,
    target: models.Model,
    *,
    actor: Any,
    organization_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEntry:
    """Record one write of `target` by `actor`, keeping only fields that changed."""
    before = before or {}
    after = after or {}
    if action == AuditAction.UPDATE:
        changed = set(changed_keys(before, after))
        before = {key: value for key, value in before.items() if key in changed}
        after = {key: value for key, value in after.items() if key in changed}
    origin = current_origin()
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry.objects.create(
        actor=actor if authenticated else None,
        actor_repr=str(getattr(actor, "email", "")) if authenticated else "system",
        organization_id=organization_id,
        action=action,
        target_type=ContentType.objects.get_for_model(target),
        target_id=str(target.pk),
        target_repr=str(target)[:200],
        before=before,
        after=after,
        reason=reason,
        ip_address=origin.ip_address,
        user_agent=origin.user_agent,
        request_id=origin.request_id,
        origin=origin.channel,
    )


def changed_keys(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """Name the fields whose value differs, ignoring the modification time."""
    keys = set(before) | set(after)
    return sorted(
        key for key in keys if key != "updated_at" and before.get(key) != after.get(key)
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
    reason: str = "",
) -> None:
    """Record the audit entry and the activity event of one write of `target`."""
    record_audit(
        action,
        target,
        actor=actor,
        organization_id=organization_id,
        before=before,
        after=after,
        reason=reason,
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
    reason: str = "",
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
        reason=reason,
    )
