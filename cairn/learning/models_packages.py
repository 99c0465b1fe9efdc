"""Imported interactive packages (SCORM 1.2, SCORM 2004, cmi5) and each learner's
run-time data in them.

A package is imported once, checked and extracted under a random folder of the
`learning_packages` storage, and never changed afterwards: lessons of later course
versions point to the same package.
"""

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.utils import timezone

from cairn.learning.choices import PackageStandard


def package_storage() -> Storage:
    """Return the private storage packages are extracted to, which no URL serves."""
    return storages["learning_packages"]


class LearningPackage(models.Model):
    """A SCORM or cmi5 package: what it is, where it is extracted, what it launches."""

    title = models.CharField(max_length=200)
    standard = models.CharField(max_length=20, choices=PackageStandard.choices)
    identifier = models.CharField(
        max_length=2048, blank=True, help_text="The manifest's or course's id."
    )
    # The folder of the storage the files are extracted to: random, unique.
    directory = models.CharField(max_length=40, unique=True, editable=False)
    launch_path = models.CharField(
        max_length=2048,
        help_text="The file launched (or a cmi5 AU's own http(s) address).",
    )
    launch_query = models.CharField(max_length=2048, blank=True)
    details = models.JSONField(
        default=dict,
        blank=True,
        help_text="SCORM: mastery score, data from the LMS, thresholds; cmi5: the AUs.",
    )
    original_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    file_count = models.PositiveIntegerField()
    size = models.PositiveBigIntegerField(help_text="Bytes, unpacked.")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_standard_display()})"

    @property
    def is_scorm(self) -> bool:
        """Say whether the package runs with the SCORM API (1.2 or 2004)."""
        return self.standard in {PackageStandard.SCORM_12, PackageStandard.SCORM_2004}

    def stored_name(self, path: str) -> str:
        """Return the storage name of the package's file at `path`."""
        return f"{self.directory}/{path}"


class PackageRuntime(models.Model):
    """A learner's SCORM run-time data in one package lesson, kept between sessions
    so that the package resumes where they left it.

    `cmi` holds the data model elements the package wrote (location, suspend data,
    interactions…); the status, score and time are also kept as columns, as Cairn
    reads them.
    """

    progress = models.ForeignKey(
        "learning.CourseProgress", on_delete=models.CASCADE, related_name="+"
    )
    lesson = models.ForeignKey(
        "learning.Lesson", on_delete=models.CASCADE, related_name="+"
    )
    cmi = models.JSONField(default=dict, blank=True)
    completion_status = models.CharField(max_length=20, default="not attempted")
    success_status = models.CharField(max_length=20, default="unknown")
    score_scaled = models.DecimalField(
        max_digits=9, decimal_places=7, null=True, blank=True
    )
    score_raw = models.DecimalField(
        max_digits=18, decimal_places=7, null=True, blank=True
    )
    score_min = models.DecimalField(
        max_digits=18, decimal_places=7, null=True, blank=True
    )
    score_max = models.DecimalField(
        max_digits=18, decimal_places=7, null=True, blank=True
    )
    total_seconds = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    last_exit = models.CharField(max_length=20, blank=True)
    session_count = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["progress", "lesson"], name="learning_runtime_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.progress_id}: {self.lesson_id} ({self.completion_status})"
