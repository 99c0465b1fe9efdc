"""The record of one CSV import: who uploaded what, how it was validated and what
it wrote.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from cairn.core.models import TimeStampedModel


class ImportKind(models.TextChoices):
    REGISTRATIONS = "registrations", "Deal registrations"
    DIRECT_PIPELINE = "direct_pipeline", "Direct pipeline"


class ImportMode(models.TextChoices):
    KEEP_GOOD = "keep_good", "Import the good rows and skip the bad ones"
    ALL_OR_NOTHING = "all_or_nothing", "Import nothing unless every row is valid"


class ImportStatus(models.TextChoices):
    VALIDATED = "validated", "Validated, not imported"
    IMPORTING = "importing", "Importing"
    IMPORTED = "imported", "Imported"
    NOTHING_IMPORTED = "nothing_imported", "Nothing imported"


class ImportRun(TimeStampedModel):
    """One uploaded CSV file: validated first (nothing written), then committed once.

    The file's decoded text is kept until the commit, which validates it again (the
    world may have changed meanwhile) and then writes through the same services as
    a single registration or direct opportunity. `report` holds the problems found,
    one per row and column: `{"issues": [[row, column, message], ...]}`.
    """

    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The partner organization imported into; empty for the vendor's direct pipeline.
    organization = models.ForeignKey(
        "partners.PartnerOrganization",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    program = models.ForeignKey(
        "partners.Program",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    file_name = models.CharField(max_length=255)
    file_size = models.PositiveIntegerField(default=0)
    content = models.TextField(blank=True)
    status = models.CharField(
        max_length=20, choices=ImportStatus.choices, default=ImportStatus.VALIDATED
    )
    mode = models.CharField(max_length=20, choices=ImportMode.choices, blank=True)
    total_rows = models.PositiveIntegerField(default=0)
    valid_rows = models.PositiveIntegerField(default=0)
    invalid_rows = models.PositiveIntegerField(default=0)
    created_rows = models.PositiveIntegerField(default=0)
    updated_rows = models.PositiveIntegerField(default=0)
    unchanged_rows = models.PositiveIntegerField(default=0)
    skipped_rows = models.PositiveIntegerField(default=0)
    conflict_rows = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)
    committed_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="direct_pipeline", organization__isnull=True)
                | Q(
                    kind="registrations",
                    organization__isnull=False,
                    program__isnull=False,
                ),
                name="import_run_owner_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(status="validated", mode="") | ~Q(status="validated"),
                name="import_run_mode_only_when_committed",
            ),
        ]
        indexes = [
            models.Index(fields=["created_by", "-created_at"], name="import_run_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} import {self.file_name}"

    @property
    def issues(self) -> list[list[Any]]:
        """Return the report's problems: [row, column, message] each."""
        return list(self.report.get("issues", []))
