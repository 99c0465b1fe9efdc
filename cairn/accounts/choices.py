from django.db import models


class TokenScope(models.TextChoices):
    READ = "read", "Read"
    WRITE = "write", "Read and write"


class InvitationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    EXPIRED = "expired", "Expired"
    REVOKED = "revoked", "Revoked"


class JobFunction(models.TextChoices):
    """What a partner's person does: learning tracks are built for each."""

    SALES = "sales", "Sales"
    PRESALES = "presales", "Presales"
    TECHNICAL = "technical", "Technical"
    MARKETING = "marketing", "Marketing"
