"""Users, invitations and personal API tokens."""

import hashlib
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cairn.accounts.choices import InvitationStatus, JobFunction
from cairn.accounts.querysets import ApiTokenQuerySet, InvitationQuerySet, UserManager
from cairn.core.roles import PARTNER_ROLES, VENDOR_ROLES, Role


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with their email: vendor staff or a partner's user."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    job_title = models.CharField(max_length=120, blank=True)
    job_function = models.CharField(
        max_length=20,
        choices=JobFunction.choices,
        blank=True,
        help_text="What the person does; learning tracks and enrollment rules read it.",
    )
    role = models.CharField(max_length=20, choices=Role.choices, blank=True)
    organization = models.ForeignKey(
        "partners.PartnerOrganization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        default=False, help_text="May sign in to the back-office admin site."
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects: ClassVar[Any] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["email"]
        constraints = [
            # A partner role needs an organization; a vendor role must not have one.
            models.CheckConstraint(
                condition=(
                    Q(
                        role__in=[r.value for r in Role if r in PARTNER_ROLES],
                        organization__isnull=False,
                    )
                    | Q(
                        role__in=[r.value for r in Role if r in VENDOR_ROLES],
                        organization__isnull=True,
                    )
                    | Q(role="", organization__isnull=True)
                ),
                name="user_role_matches_organization",
            )
        ]
        indexes = [
            models.Index(fields=["organization", "role"], name="user_org_role_idx"),
            # People lists sort by name: the index serves a page without a full sort.
            models.Index(fields=["full_name", "email"], name="user_name_email_idx"),
        ]

    def __str__(self) -> str:
        return self.email

    def clean(self) -> None:
        self.email = self.email.strip().lower()
        if self.role in PARTNER_ROLES and not self.organization_id:
            raise ValidationError(
                {"organization": "Partner users belong to an organization."}
            )
        if self.role in VENDOR_ROLES and self.organization_id:
            raise ValidationError(
                {"organization": "Vendor staff belong to no partner."}
            )

    @property
    def display_name(self) -> str:
        """Return the name to show, falling back to the email address."""
        return self.full_name or self.email


# Every personal API token starts with this public prefix (it is no secret).
TOKEN_PREFIX = "cairn_"  # noqa: S105


def hash_secret(secret: str) -> str:
    """Return the SHA-256 hex digest of a high-entropy secret (tokens, invitation keys).

    A plain digest suffices: the secrets are random 256-bit values, not passwords.
    """
    return hashlib.sha256(secret.encode()).hexdigest()


class Invitation(models.Model):
    """An invitation by email to join an organization (or the staff) in a role."""

    email = models.EmailField()
    organization = models.ForeignKey(
        "partners.PartnerOrganization",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    expired_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the invitation was closed for having passed its expiry.",
    )

    objects: ClassVar[Any] = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # An invitation stays "open" until accepted, revoked or closed as expired;
            # one open invitation per person and organization (or the vendor).
            models.UniqueConstraint(
                fields=["organization", "email"],
                condition=Q(
                    accepted_at__isnull=True,
                    revoked_at__isnull=True,
                    expired_at__isnull=True,
                ),
                name="invitation_one_open_per_org_email",
            ),
            models.UniqueConstraint(
                fields=["email"],
                condition=Q(
                    organization__isnull=True,
                    accepted_at__isnull=True,
                    revoked_at__isnull=True,
                    expired_at__isnull=True,
                ),
                name="invitation_one_open_vendor_per_email",
            ),
        ]
        indexes = [
            models.Index(fields=["email"], name="invitation_email_idx"),
        ]

    def __str__(self) -> str:
        return f"Invitation of {self.email}"

    @property
    def status(self) -> str:
        """Return pending, accepted, expired or revoked."""
        if self.accepted_at:
            return InvitationStatus.ACCEPTED
        if self.revoked_at:
            return InvitationStatus.REVOKED
        if self.expired_at or self.expires_at <= timezone.now():
            return InvitationStatus.EXPIRED
        return InvitationStatus.PENDING

    @property
    def is_pending(self) -> bool:
        """Say whether the invitation can still be accepted."""
        return self.status == InvitationStatus.PENDING


class ApiToken(models.Model):
    """A personal API token: shown once, stored hashed, scoped and revocable."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(
        max_length=12, help_text="The first characters of the token, to recognize it."
    )
    key_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[Any] = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        """Say whether the token still authenticates."""
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > timezone.now()
