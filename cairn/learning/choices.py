"""Choices of the learning app."""

from django.db import models

from cairn.accounts.choices import JobFunction

__all__ = [
    "AnswerReview",
    "AssessmentKind",
    "AttemptStatus",
    "AwardStatus",
    "EnrollmentSource",
    "JobFunction",
    "LessonKind",
    "PackageStandard",
    "QuestionKind",
    "VersionStatus",
]


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    RETIRED = "retired", "Retired"


class LessonKind(models.TextChoices):
    TEXT = "text", "Text"
    VIDEO = "video", "Video"
    DOCUMENT = "document", "Document"
    LINK = "link", "Link"
    PACKAGE = "package", "Interactive package (SCORM or cmi5)"


class PackageStandard(models.TextChoices):
    SCORM_12 = "scorm12", "SCORM 1.2"
    SCORM_2004 = "scorm2004", "SCORM 2004"
    CMI5 = "cmi5", "cmi5"


class EnrollmentSource(models.TextChoices):
    RULE = "rule", "Enrollment rule"
    ASSIGNED = "assigned", "Assigned"
    SELF = "self", "Self-enrolled"


class QuestionKind(models.TextChoices):
    SINGLE = "single", "Single choice"
    MULTIPLE = "multiple", "Multiple choice"
    TRUE_FALSE = "true_false", "True or false"
    ORDERING = "ordering", "Ordering"
    MATCHING = "matching", "Matching"
    SHORT_ANSWER = "short_answer", "Short answer"
    SCENARIO = "scenario", "Scenario (options lead to follow-up questions)"


class AssessmentKind(models.TextChoices):
    QUIZ = "quiz", "Quiz (graded automatically)"
    PRACTICAL = "practical", "Practical (evidence graded with a rubric)"


class AnswerReview(models.TextChoices):
    NEVER = "never", "Never"
    AFTER_SUBMIT = "after_submit", "After submitting"
    AFTER_PASSING = "after_passing", "After passing"


class AttemptStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    AWAITING_EVALUATION = "awaiting_evaluation", "Awaiting evaluation"
    GRADED = "graded", "Graded"


class AwardStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    EXPIRING = "expiring", "Expiring soon"
    LAPSED = "lapsed", "Lapsed"
    REVOKED = "revoked", "Revoked"
