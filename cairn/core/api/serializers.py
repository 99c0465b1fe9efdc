"""Read-only representations of activity events and audit entries."""

from typing import Any

from rest_framework import serializers

from cairn.core.models import ActivityEvent, AuditEntry


class ActivityEventSerializer(serializers.ModelSerializer[ActivityEvent]):
    """An activity event as the API shows it."""

    actor = serializers.SerializerMethodField()
    target_type = serializers.SerializerMethodField()

    class Meta:
        model = ActivityEvent
        fields = (
            "id",
            "occurred_at",
            "actor",
            "organization_id",
            "verb",
            "target_type",
            "target_id",
            "target_repr",
            "data",
        )
        read_only_fields = fields

    def get_actor(self, event: ActivityEvent) -> str | None:
        return event.actor.email if event.actor else None

    def get_target_type(self, event: ActivityEvent) -> str | None:
        return _type_label(event.target_type)


class AuditEntrySerializer(serializers.ModelSerializer[AuditEntry]):
    """An audit entry as the API shows it."""

    target_type = serializers.SerializerMethodField()
    changed_fields = serializers.ListField(
        child=serializers.CharField(), read_only=True
    )

    class Meta:
        model = AuditEntry
        fields = (
            "id",
            "occurred_at",
            "actor_repr",
            "organization_id",
            "action",
            "target_type",
            "target_id",
            "target_repr",
            "before",
            "after",
            "changed_fields",
            "reason",
            "ip_address",
            "origin",
            "request_id",
        )
        read_only_fields = fields

    def get_target_type(self, entry: AuditEntry) -> str | None:
        return _type_label(entry.target_type)


def _type_label(content_type: Any) -> str | None:
    if content_type is None:
        return None
    return f"{content_type.app_label}.{content_type.model}"
