"""Courses and their versions, modules and lessons; learning paths and their
enrollment rules; enrollments and progress; certifications, their awards and the
certifications each tier requires.

A course is authored as versions: one draft at a time, published versions frozen.
A learner starts a course on its current published version and finishes on it,
even if a newer version is published meanwhile.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cairn.core.models import TimeStampedModel
from cairn.learning.choices import (
    AwardStatus,
    EnrollmentSource,
    JobFunction,
    LessonKind,
    VersionStatus,
)


class Course(TimeStampedModel):
    """A course partners take: its identity across versions."""

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    program = models.ForeignKey(
        "partners.Program",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Only the partners of this program see it; empty: every partner.",
    )
    competencies = models.JSONField(
        default=list, blank=True, help_text="Competency tags the course teaches."
    )
    is_archived = models.BooleanField(default=False)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class CourseVersion(models.Model):
    """One version of a course's content: a draft, or published and frozen."""

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField()
    status = models.CharField(
        max_length=20, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    changelog = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["course", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "number"], name="learning_version_number_unique"
            ),
            models.UniqueConstraint(
                fields=["course"],
                condition=Q(status=VersionStatus.DRAFT),
                name="learning_one_draft_per_course",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course} v{self.number}"


class Module(models.Model):
    """A part of a course version, made of lessons."""

    version = models.ForeignKey(
        CourseVersion, on_delete=models.CASCADE, related_name="modules"
    )
    title = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    summary = models.TextField(blank=True)

    class Meta:
        ordering = ["version", "position", "id"]

    def __str__(self) -> str:
        return self.title


class Lesson(models.Model):
    """One lesson: text (Markdown), a video, a document or a link."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="lessons")
    title = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(
        max_length=20, choices=LessonKind.choices, default=LessonKind.TEXT
    )
    body = models.TextField(blank=True, help_text="Markdown.")
    video_url = models.URLField(blank=True)
    document = models.FileField(upload_to="learning/documents/", blank=True)
    link_url = models.URLField(blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        default=5, help_text="How long the lesson takes, for micro-learning."
    )

    class Meta:
        ordering = ["module", "position", "id"]

    def __str__(self) -> str:
        return self.title


class LearningPath(TimeStampedModel):
    """An ordered set of courses, some required and some elective, for a track."""

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    track = models.CharField(
        max_length=20,
        choices=JobFunction.choices,
        blank=True,
        help_text="The job function the path is built for; empty: everyone.",
    )
    program = models.ForeignKey(
        "partners.Program",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    partner_types = models.JSONField(default=list, blank=True)
    electives_required = models.PositiveSmallIntegerField(
        default=0, help_text="How many elective courses complete the path."
    )
    is_published = models.BooleanField(default=False)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class PathItem(models.Model):
    """A course in a path: required or elective, possibly after another."""

    path = models.ForeignKey(
        LearningPath, on_delete=models.CASCADE, related_name="items"
    )
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)
    is_required = models.BooleanField(default=True)
    prerequisite = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="A course of the path to complete before this one.",
    )

    class Meta:
        ordering = ["path", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["path", "course"], name="learning_path_course_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.path}: {self.course}"


class EnrollmentRule(TimeStampedModel):
    """Enroll every partner person who matches in a path, now and when they join.

    Each criterion is a list; an empty list matches everyone.
    """

    path = models.ForeignKey(
        LearningPath, on_delete=models.CASCADE, related_name="rules"
    )
    job_functions = models.JSONField(default=list, blank=True)
    roles = models.JSONField(default=list, blank=True)
    program = models.ForeignKey(
        "partners.Program",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    tier_ids = models.JSONField(default=list, blank=True)
    partner_types = models.JSONField(default=list, blank=True)
    regions = models.JSONField(default=list, blank=True)
    due_in_days = models.PositiveSmallIntegerField(null=True, blank=True)
    is_active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"Rule {self.pk} → {self.path}"


class Enrollment(models.Model):
    """A person's enrollment in a learning path."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    path = models.ForeignKey(
        LearningPath, on_delete=models.CASCADE, related_name="enrollments"
    )
    source = models.CharField(max_length=20, choices=EnrollmentSource.choices)
    rule = models.ForeignKey(
        EnrollmentRule,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    enrolled_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "path"], name="learning_enrollment_unique"
            ),
        ]
        indexes = [
            models.Index(
                fields=["user", "enrolled_at"], name="learning_enrol_user_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.path}"


class CourseProgress(models.Model):
    """A person's progress in a course, on the version they started."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(
        CourseVersion, on_delete=models.PROTECT, related_name="+"
    )
    # The xAPI registration of every statement of this attempt at the course.
    registration = models.UUIDField(default=uuid.uuid4, unique=True)
    started_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    last_lesson = models.ForeignKey(
        Lesson, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"], name="learning_progress_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.course}"


class LessonCompletion(models.Model):
    """A lesson a person completed."""

    progress = models.ForeignKey(
        CourseProgress, on_delete=models.CASCADE, related_name="completions"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="+")
    completed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["progress", "lesson"], name="learning_completion_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.progress_id}: {self.lesson_id}"


class Certification(TimeStampedModel):
    """A credential earned by completing paths and courses and passing an exam,
    valid for a number of months and renewed by re-examination or by
    continuing-education credits.

    The exam is named by `exam_key`, a key the assessments report passes under
    (see `services.certifications.record_exam_result`).
    """

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    program = models.ForeignKey(
        "partners.Program",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Only the partners of this program earn it; empty: every partner.",
    )
    paths = models.ManyToManyField(
        LearningPath, blank=True, related_name="+", help_text="Paths to complete."
    )
    courses = models.ManyToManyField(
        Course, blank=True, related_name="+", help_text="Courses to complete."
    )
    exam_key = models.CharField(
        max_length=80,
        blank=True,
        help_text="The exam to pass, by its key; empty: no exam.",
    )
    validity_months = models.PositiveSmallIntegerField(default=24)
    renewal_credits = models.PositiveSmallIntegerField(
        default=0,
        help_text="Continuing-education credits that renew the award; 0: by exam only.",
    )
    is_published = models.BooleanField(default=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class CreditCourse(models.Model):
    """A course that gives continuing-education credits towards a certification's
    renewal, when completed after the award.
    """

    certification = models.ForeignKey(
        Certification, on_delete=models.CASCADE, related_name="credit_courses"
    )
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="+")
    credits = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["certification", "course"]
        constraints = [
            models.UniqueConstraint(
                fields=["certification", "course"], name="learning_credit_course_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course}: {self.credits} credits towards {self.certification}"


class CertificationAward(models.Model):
    """A person's certification: one per person and certification, renewed in
    place (each renewal starts a new validity period).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    certification = models.ForeignKey(
        Certification, on_delete=models.PROTECT, related_name="awards"
    )
    awarded_at = models.DateTimeField()
    # The start of the current validity period: the award or its last renewal.
    period_started_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    status = models.CharField(
        max_length=20, choices=AwardStatus.choices, default=AwardStatus.ACTIVE
    )
    renewal_count = models.PositiveSmallIntegerField(default=0)
    credits_earned = models.PositiveSmallIntegerField(
        default=0, help_text="Continuing-education credits of the current period."
    )
    reminders_sent = models.JSONField(
        default=list,
        blank=True,
        help_text="Days before expiry (60, 30, 7) already reminded this period.",
    )
    verification_code = models.CharField(max_length=20, unique=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.TextField(blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-awarded_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "certification"], name="learning_award_unique"
            ),
        ]
        indexes = [
            # The daily reminder and lapse jobs scan live awards by expiry.
            models.Index(
                fields=["status", "expires_at"], name="learning_award_exp_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.certification} ({self.verification_code})"


class CertificationCredit(models.Model):
    """Credits a completed course gave an award towards its renewal."""

    award = models.ForeignKey(
        CertificationAward, on_delete=models.CASCADE, related_name="credits"
    )
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="+")
    credits = models.PositiveSmallIntegerField()
    earned_at = models.DateTimeField()

    class Meta:
        ordering = ["award", "earned_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["award", "course"], name="learning_credit_once_per_course"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.award_id}: {self.credits} for {self.course_id}"


class ExamResult(models.Model):
    """A person's submitted exam, by exam key, as the assessments report it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    exam_key = models.CharField(max_length=80)
    passed = models.BooleanField()
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["-submitted_at"]
        indexes = [
            models.Index(
                fields=["user", "exam_key", "passed"], name="learning_exam_user_idx"
            ),
        ]

    def __str__(self) -> str:
        outcome = "passed" if self.passed else "failed"
        return f"{self.user_id} {outcome} {self.exam_key}"


class TierCertificationRequirement(models.Model):
    """A certification a tier requires: at least so many certified people at each
    partner of the tier.
    """

    tier = models.ForeignKey(
        "partners.Tier", on_delete=models.CASCADE, related_name="+"
    )
    certification = models.ForeignKey(
        Certification, on_delete=models.CASCADE, related_name="tier_requirements"
    )
    minimum_certified_people = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["tier", "certification"]
        constraints = [
            models.UniqueConstraint(
                fields=["tier", "certification"], name="learning_tier_cert_unique"
            ),
        ]

    def __str__(self) -> str:
        minimum = self.minimum_certified_people
        return f"{self.tier}: {minimum} certified in {self.certification}"
