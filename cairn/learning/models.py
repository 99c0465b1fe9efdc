"""Courses and their versions, modules and lessons; learning paths and their
enrollment rules; enrollments and progress; certifications, their awards and the
certifications each tier requires.

A course is authored as versions: one draft at a time, published versions frozen.
A learner starts a course on its current published version and finishes on it,
even if a newer version is published meanwhile.
"""

import uuid

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cairn.core.models import TimeStampedModel
from cairn.learning.choices import (
    AnswerReview,
    AssessmentKind,
    AttemptStatus,
    AwardStatus,
    EnrollmentSource,
    JobFunction,
    LessonKind,
    QuestionKind,
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
    """One lesson: text (Markdown), a video, a document, a link or an interactive
    package (SCORM or cmi5).
    """

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
    package = models.ForeignKey(
        "learning.LearningPackage",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lessons",
        help_text="The imported SCORM or cmi5 package the lesson plays.",
    )
    duration_minutes = models.PositiveSmallIntegerField(
        default=5, help_text="How long the lesson takes, for micro-learning."
    )
    competencies = models.JSONField(
        default=list,
        blank=True,
        help_text="Competency tags the lesson teaches; assessments recommend it "
        "to learners weak in them.",
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


# Assessments: a question bank, quizzes and practical assessments, attempts.


def evidence_upload_to(instance: "AttemptEvidence", filename: str) -> str:
    """Store evidence under a random name: the learner's file name is kept in the
    row only, and the path cannot be guessed from anything a person sees.
    """
    return f"learning/evidence/{uuid.uuid4().hex}"


def evidence_storage() -> Storage:
    """Return the private storage of evidence files, which no URL serves."""
    return storages["learning_evidence"]


class Question(TimeStampedModel):
    """A question of the bank, tagged with the competency it tests.

    A scenario question is a single choice whose options may lead to a follow-up
    question, asked only to those who chose that option.
    """

    prompt = models.TextField(help_text="Markdown.")
    kind = models.CharField(max_length=20, choices=QuestionKind.choices)
    competency = models.CharField(
        max_length=80, blank=True, help_text="The competency tag the question tests."
    )
    points = models.PositiveSmallIntegerField(default=1)
    explanation = models.TextField(
        blank=True, help_text="Shown when answers are reviewed."
    )
    accepted_answers = models.JSONField(
        default=list,
        blank=True,
        help_text="Short answer: the accepted answers, compared ignoring case and "
        "spacing.",
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.prompt[:80]


class QuestionOption(models.Model):
    """An option of a question: a choice, an item to order or to match."""

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="options"
    )
    text = models.CharField(max_length=500)
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Ordering: the correct place of this item."
    )
    is_correct = models.BooleanField(default=False)
    match_key = models.CharField(
        max_length=200, blank=True, help_text="Matching: the right answer to pair."
    )
    follow_up = models.ForeignKey(
        Question,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Scenario: the question asked next to those who choose this.",
    )

    class Meta:
        ordering = ["question", "position", "id"]

    def __str__(self) -> str:
        return self.text


class Assessment(TimeStampedModel):
    """A quiz drawn from the question bank, or a practical assessment graded by an
    evaluator with a rubric; a module's pre-assessment lets a learner test out.
    """

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    kind = models.CharField(
        max_length=20, choices=AssessmentKind.choices, default=AssessmentKind.QUIZ
    )
    course = models.ForeignKey(
        Course,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assessments",
        help_text="The course this is the exam of.",
    )
    module = models.ForeignKey(
        Module,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assessments",
        help_text="The module this is the pre-assessment of: passing it completes "
        "the module's lessons.",
    )
    questions = models.ManyToManyField(Question, blank=True, related_name="+")
    questions_per_attempt = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="A random subset of the pool; empty: all."
    )
    passing_score = models.PositiveSmallIntegerField(
        default=80, help_text="Percent needed to pass."
    )
    max_attempts = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Empty: unlimited."
    )
    cooldown_minutes = models.PositiveIntegerField(
        default=0, help_text="Wait after a failed attempt before the next one."
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Empty: untimed."
    )
    answer_review = models.CharField(
        max_length=20, choices=AnswerReview.choices, default=AnswerReview.AFTER_SUBMIT
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(passing_score__lte=100),
                name="learning_assessment_passing_score_percent",
            ),
        ]

    @property
    def exam_key(self) -> str:
        """Return the key certifications name this assessment by as their exam."""
        return f"assessment-{self.pk}"

    def __str__(self) -> str:
        return self.title


class RubricCriterion(models.Model):
    """A criterion of a practical assessment's rubric, scored by the evaluator."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="criteria"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    max_points = models.PositiveSmallIntegerField(default=5)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["assessment", "position", "id"]

    def __str__(self) -> str:
        return self.title


class AssessmentAttempt(models.Model):
    """A person's attempt at an assessment: the questions drawn for it, its
    deadline, and once submitted its score.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="attempts"
    )
    number = models.PositiveSmallIntegerField()
    status = models.CharField(
        max_length=20, choices=AttemptStatus.choices, default=AttemptStatus.IN_PROGRESS
    )
    # The seed of the draw, so that the subset and its order can be re-derived.
    seed = models.BigIntegerField()
    question_ids = models.JSONField(default=list, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    deadline_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    closed_by_deadline = models.BooleanField(default=False)
    points_earned = models.PositiveIntegerField(null=True, blank=True)
    points_possible = models.PositiveIntegerField(null=True, blank=True)
    score = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True, help_text="Percent."
    )
    passed = models.BooleanField(null=True, blank=True)
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    evaluated_at = models.DateTimeField(null=True, blank=True)
    evaluator_comment = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            # Two starts at once cannot both take the same attempt number, so the
            # attempt limit holds under concurrency.
            models.UniqueConstraint(
                fields=["user", "assessment", "number"],
                name="learning_attempt_number_unique",
            ),
        ]
        indexes = [
            models.Index(
                fields=["assessment", "status"], name="learning_attempt_status_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.assessment} #{self.number}"


class AttemptAnswer(models.Model):
    """A person's answer to one question of an attempt, graded at submission.

    `response` holds, by kind: a list of chosen option ids (choices), the option
    ids in the chosen order (ordering), option id → match key (matching), or the
    text typed (short answer).
    """

    attempt = models.ForeignKey(
        AssessmentAttempt, on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    response = models.JSONField(null=True, blank=True)
    answered_at = models.DateTimeField(default=timezone.now)
    is_correct = models.BooleanField(null=True, blank=True)
    points_awarded = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "question"], name="learning_answer_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}: {self.question_id}"


class AttemptEvidence(models.Model):
    """A file a learner hands in for a practical assessment."""

    attempt = models.ForeignKey(
        AssessmentAttempt, on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(
        upload_to=evidence_upload_to, storage=evidence_storage, max_length=200
    )
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class CriterionScore(models.Model):
    """The evaluator's points and comment on one rubric criterion of an attempt."""

    attempt = models.ForeignKey(
        AssessmentAttempt, on_delete=models.CASCADE, related_name="criterion_scores"
    )
    criterion = models.ForeignKey(
        RubricCriterion, on_delete=models.CASCADE, related_name="+"
    )
    points = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "criterion"], name="learning_criterion_score_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}: {self.criterion_id} = {self.points}"


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


# Imported at the end: the package models refer to the models above by name.
from cairn.learning.models_packages import (  # noqa: E402
    LearningPackage,
    PackageRuntime,
)

__all__ = [
    "Assessment",
    "AssessmentAttempt",
    "AttemptAnswer",
    "AttemptEvidence",
    "Certification",
    "CertificationAward",
    "CertificationCredit",
    "Course",
    "CourseProgress",
    "CourseVersion",
    "CreditCourse",
    "CriterionScore",
    "Enrollment",
    "EnrollmentRule",
    "ExamResult",
    "LearningPackage",
    "LearningPath",
    "Lesson",
    "LessonCompletion",
    "Module",
    "PackageRuntime",
    "PathItem",
    "Question",
    "QuestionOption",
    "RubricCriterion",
    "TierCertificationRequirement",
]
