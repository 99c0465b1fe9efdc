"""Choices of the Learning Record Store."""

from django.db import models


class ClientScope(models.TextChoices):
    """What an LRS client may do, after xAPI's OAuth scope names."""

    ALL = "all", "Read and write all statements and documents"
    READ = "all/read", "Read all statements and documents"
    STATEMENTS_WRITE = "statements/write", "Write statements"
    STATEMENTS_READ = "statements/read", "Read all statements"
    STATEMENTS_READ_MINE = "statements/read/mine", "Read its own statements only"
    STATE = "state", "Read and write activity state"
    PROFILE = "profile", "Read and write activity and agent profiles"


class DocumentKind(models.TextChoices):
    """The three document resources of xAPI."""

    STATE = "state", "Activity state"
    ACTIVITY_PROFILE = "activity_profile", "Activity profile"
    AGENT_PROFILE = "agent_profile", "Agent profile"
