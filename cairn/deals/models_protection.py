"""Per-program configuration of the registration form, per-tier protection,
attachments and protection extension requests.

Kept apart from models.py so that the registration aggregate stays readable; these
models are registered with the app through models.py's import of this module.
"""

import secrets
from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q

from cairn.core.models import TimeStampedModel
from cairn.deals.choices import CustomFieldType, ExtensionStatus
from cairn.deals.querysets import DealChildQuerySet

MAX_PROTECTION_DAYS = 730
CUSTOM_FIELD_KEY_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"


class DealCustomField(TimeStampedModel):
    """A field the vendor adds to a program's registration form."""

    program = models.ForeignKey(
        "partners.Program", on_delete=models.CASCADE, related_name="deal_custom_fields"
    )
    key = models.CharField(
        max_length=40,
        validators=[
            RegexValidator(
                CUSTOM_FIELD_KEY_PATTERN,
                "Use lower-case letters, digits and underscores, starting with a "
                "letter.",
            )
        ],
        help_text="The field's name in the API and in exports, e.g. region.",
    )
    label = models.CharField(max_length=100)
    field_type = models.CharField(
        max_length=10, choices=CustomFieldType.choices, default=CustomFieldType.TEXT
    )
    is_required = models.BooleanField(
        default=False, help_text="Needed to submit a registration."
    )
    choices = models.JSONField(
        default=list, blank=True, help_text="The values a choice field accepts."
    )
    help_text = models.CharField(max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["program", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "key"], name="deal_custom_field_unique_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.key})"


class DealTierProtection(TimeStampedModel):
    """A tier's own protection period, in place of its program's default."""

    tier = models.OneToOneField(
        "partners.Tier", on_delete=models.CASCADE, related_name="deal_protection"
    )
    protection_days = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_PROTECTION_DAYS)]
    )

    class Meta:
        verbose_name = "tier protection period"
        constraints = [
            models.CheckConstraint(
                condition=Q(protection_days__gte=1)
                & Q(protection_days__lte=MAX_PROTECTION_DAYS),
                name="deal_tier_protection_days_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tier}: {self.protection_days} days"


def attachment_path(instance: Any, filename: str) -> str:
    """Store an attachment under a random name: the address reveals nothing and
    cannot be guessed; the partner's file name is kept in the row only.
    """
    return f"deal-attachments/{secrets.token_urlsafe(24)}"


class DealAttachment(models.Model):
    """A file a partner attached to a registration (a quote, a customer letter)."""

    registration = models.ForeignKey(
        "deals.DealRegistration", on_delete=models.CASCADE, related_name="attachments"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    file = models.FileField(upload_to=attachment_path, max_length=200)
    file_name = models.CharField(max_length=150)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField()

    objects: ClassVar[Any] = DealChildQuerySet.as_manager()

    class Meta:
        ordering = ["registration", "uploaded_at", "id"]
        indexes = [
            models.Index(
                fields=["registration", "uploaded_at"], name="deal_attachment_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.file_name


class DealExtensionRequest(models.Model):
    """A partner's request for more protection time, and the reviewer's decision."""

    registration = models.ForeignKey(
        "deals.DealRegistration",
        on_delete=models.CASCADE,
        related_name="extension_requests",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    requested_at = models.DateTimeField()
    reason = models.TextField()
    status = models.CharField(
        max_length=10,
        choices=ExtensionStatus.choices,
        default=ExtensionStatus.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    days_granted = models.PositiveSmallIntegerField(null=True, blank=True)
    previous_expires_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[Any] = DealChildQuerySet.as_manager()

    class Meta:
        ordering = ["registration", "requested_at", "id"]
        constraints = [
            # At most one open request per registration, even under concurrency.
            models.UniqueConstraint(
                fields=["registration"],
                condition=Q(status="pending"),
                name="deal_extension_one_pending",
            ),
            models.CheckConstraint(
                condition=Q(status="approved", days_granted__gte=1)
                | (~Q(status="approved") & Q(days_granted__isnull=True)),
                name="deal_extension_days_only_when_approved",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "requested_at"], name="deal_extension_idx"),
        ]

    def __str__(self) -> str:
        return f"Extension of {self.registration_id} ({self.status})"
