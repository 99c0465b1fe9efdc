"""Programs, tiers, partner organizations and their memberships in programs."""

from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django_countries.fields import CountryField

from cairn.core.models import PartnerOwnedModel, TimeStampedModel
from cairn.partners.choices import (
    MembershipStatus,
    OrganizationSize,
    PartnerType,
    Region,
)
from cairn.partners.querysets import (
    PartnerOrganizationQuerySet,
    ProgramMembershipQuerySet,
    ProgramQuerySet,
    TierQuerySet,
)


class Program(TimeStampedModel):
    """A partner program with its own partner types, tiers and managers."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    partner_types = models.JSONField(
        default=list,
        blank=True,
        help_text="The partner types this program accepts; none means every type.",
    )
    is_open_for_applications = models.BooleanField(default=True)
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="managed_programs",
        help_text="Channel managers who manage every partner of this program.",
    )

    objects: ClassVar[Any] = ProgramQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("partners:program_detail", kwargs={"pk": self.pk})

    def clean(self) -> None:
        unknown = set(self.partner_types or []) - set(PartnerType.values)
        if unknown:
            names = ", ".join(sorted(unknown))
            raise ValidationError({"partner_types": f"Unknown partner types: {names}."})


class Tier(TimeStampedModel):
    """A level of a program; a higher rank is a higher tier."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="tiers")
    name = models.CharField(max_length=60)
    rank = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    description = models.TextField(blank=True)

    objects: ClassVar[Any] = TierQuerySet.as_manager()

    class Meta:
        ordering = ["program", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "rank"], name="tier_unique_rank"
            ),
            models.UniqueConstraint(
                fields=["program", "name"], name="tier_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program.name} — {self.name}"


class Specialization(models.Model):
    """A solution area a partner is competent in (for example Cloud security)."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Industry(models.Model):
    """An industry a partner sells into."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "industries"

    def __str__(self) -> str:
        return self.name


class PartnerOrganization(TimeStampedModel):
    """A company in the ecosystem: reseller, integrator, MSP, referral partner..."""

    name = models.CharField(max_length=200, db_index=True)
    legal_name = models.CharField(max_length=200)
    website = models.URLField(blank=True)
    country = CountryField()
    region = models.CharField(max_length=10, choices=Region.choices)
    street = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    state = models.CharField(max_length=100, blank=True)
    latitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    size = models.CharField(max_length=10, choices=OrganizationSize.choices, blank=True)
    specializations = models.ManyToManyField(
        Specialization, blank=True, related_name="organizations"
    )
    industries = models.ManyToManyField(
        Industry, blank=True, related_name="organizations"
    )
    languages = models.JSONField(
        default=list, blank=True, help_text="Language codes, for example en, de, ja."
    )
    description = models.TextField(blank=True)
    allows_domain_join = models.BooleanField(
        default=False,
        help_text=(
            "People who verify an address at one of the organization's email domains "
            "join it as partner reps."
        ),
    )
    last_active_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[Any] = PartnerOrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["country", "name"], name="org_country_name_idx"),
            models.Index(fields=["region", "name"], name="org_region_name_idx"),
            models.Index(fields=["last_active_at"], name="org_last_active_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(latitude__isnull=True, longitude__isnull=True)
                    | Q(latitude__isnull=False, longitude__isnull=False)
                ),
                name="org_coordinates_both_or_neither",
                violation_error_message="Give both latitude and longitude, or neither.",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("partners:organization_detail", kwargs={"pk": self.pk})


# One list, so that the console form, the API and the services agree on what a profile
# is; in the order forms and the API show it. `email_domains` are the organization's
# OrganizationEmailDomain rows.
ORGANIZATION_PROFILE_FIELDS = (
    "name",
    "legal_name",
    "website",
    "description",
    "size",
    "street",
    "postal_code",
    "city",
    "state",
    "country",
    "region",
    "latitude",
    "longitude",
    "specializations",
    "industries",
    "languages",
    "email_domains",
    "allows_domain_join",
)


class OrganizationEmailDomain(models.Model):
    """An email domain that belongs to one partner organization."""

    organization = models.ForeignKey(
        PartnerOrganization, on_delete=models.CASCADE, related_name="email_domains"
    )
    domain = models.CharField(max_length=253, unique=True)

    class Meta:
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain


class ProgramMembership(PartnerOwnedModel):
    """An organization's place in a program: its type, tier, status and manager."""

    organization = models.ForeignKey(
        PartnerOrganization, on_delete=models.CASCADE, related_name="memberships"
    )
    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="memberships"
    )
    partner_type = models.CharField(max_length=30, choices=PartnerType.choices)
    tier = models.ForeignKey(
        Tier,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
    )
    status = models.CharField(
        max_length=20,
        choices=MembershipStatus.choices,
        default=MembershipStatus.APPLIED,
    )
    channel_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_memberships",
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[Any] = ProgramMembershipQuerySet.as_manager()

    class Meta:
        ordering = ["program__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "program"], name="membership_one_per_program"
            )
        ]
        indexes = [
            models.Index(fields=["program", "status"], name="membership_program_idx"),
            # New applications across programs, newest first (the console's queue).
            models.Index(
                fields=["status", "-created_at"], name="membership_status_idx"
            ),
            models.Index(fields=["partner_type"], name="membership_type_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} in {self.program}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        tier = self.tier if self.tier_id else None
        if tier is not None and self.program_id and tier.program_id != self.program_id:
            errors["tier"] = "This tier belongs to another program."
        if (
            self.program_id
            and self.partner_type
            and self.program.partner_types
            and self.partner_type not in self.program.partner_types
        ):
            errors["partner_type"] = "This program does not accept this partner type."
        if errors:
            raise ValidationError(errors)
