"""Base models, activity events, audit entries and worker heartbeats."""

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from cairn.core.querysets import PartnerOwnedQuerySet


class TimeStampedModel(models.Model):
    """Add creation and modification times to a model."""

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class PartnerOwnedModel(TimeStampedModel):
    """Base of every row that belongs to one partner organization.

    Reads go through `objects.visible_to(actor)`; subclasses narrow a partner rep's
    view by overriding `PartnerOwnedQuerySet.rep_scope`.
    """

    organization = models.ForeignKey(
        "partners.PartnerOrganization",
        on_delete=models.CASCADE,
        related_name="+",
    )

    objects: ClassVar[Any] = PartnerOwnedQuerySet.as_manager()

    class Meta:
        abstract = True


class ActivityEvent(models.Model):
    """Record one meaningful action, once, for every consumer to read."""

    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # A plain id, not a foreign key: the record outlives the organization and core
    # must not depend on the partners app.
    organization_id = models.BigIntegerField(null=True, blank=True)
    verb = models.CharField(max_length=100)
    target_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    target_id = models.CharField(max_length=64, blank=True)
    target_repr = models.CharField(max_length=200, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(
                fields=["organization_id", "-occurred_at"], name="event_org_time_idx"
            ),
            models.Index(fields=["verb", "-occurred_at"], name="event_verb_time_idx"),
            models.Index(fields=["actor", "-occurred_at"], name="event_actor_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.verb} {self.target_repr}".strip()


class AuditAction(models.TextChoices):
    CREATE = "create", "Created"
    UPDATE = "update", "Updated"
    DELETE = "delete", "Deleted"
    DECIDE = "decide", "Decided"
    ACCESS = "access", "Accessed"


class AuditEntry(models.Model):
    """Record one write: who changed what, from what to what, when and from where."""

    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_repr = models.CharField(max_length=254, blank=True)
    organization_id = models.BigIntegerField(null=True, blank=True)
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    target_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+"
    )
    target_id = models.CharField(max_length=64)
    target_repr = models.CharField(max_length=200, blank=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    origin = models.CharField(
        max_length=100, blank=True, help_text="web, api, task:<name> or command:<name>"
    )

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name_plural = "audit entries"
        indexes = [
            models.Index(
                fields=["organization_id", "-occurred_at"], name="audit_org_time_idx"
            ),
            models.Index(fields=["target_type", "target_id"], name="audit_target_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_repr} {self.action} {self.target_repr}"

    @property
    def changed_fields(self) -> list[str]:
        """Name the fields whose value differs between before and after."""
        keys = set(self.before) | set(self.after)
        return sorted(k for k in keys if self.before.get(k) != self.after.get(k))


class WorkerHeartbeat(models.Model):
    """Record when a background worker last ran a task, for readiness checks."""

    name = models.CharField(max_length=100, unique=True)
    last_seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.last_seen_at:%Y-%m-%d %H:%M:%S}"
