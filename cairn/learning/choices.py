"""Choices of the learning app."""

from django.db import models

from cairn.accounts.choices import JobFunction

__all__ = [
    "AwardStatus",
    "EnrollmentSource",
    "JobFunction",
    "LessonKind",
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


class EnrollmentSource(models.TextChoices):
    RULE = "rule", "Enrollment rule"
    ASSIGNED = "assigned", "Assigned"
    SELF = "self", "Self-enrolled"


class AwardStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    EXPIRING = "expiring", "Expiring soon"
    LAPSED = "lapsed", "Lapsed"
    REVOKED = "revoked", "Revoked"
