"""Deal registrations, their lines, status history and conflicts, the vendor's
direct pipeline, and the per-program rules of engagement.
"""

from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django_countries.fields import CountryField

from cairn.core.models import PartnerOwnedModel, TimeStampedModel
from cairn.deals.choices import (
    ISO_4217_CODES,
    ConflictDecision,
    ConflictStatus,
    DealType,
    DirectOutcome,
    PartnerRole,
    RegistrationStatus,
    SalesStage,
)
from cairn.deals.querysets import (
    DealChildQuerySet,
    DealConflictQuerySet,
    DealRegistrationQuerySet,
    DirectOpportunityQuerySet,
)

AMOUNT_DIGITS = 14
AMOUNT_PLACES = 2


def validate_currency(value: str) -> None:
    """Refuse anything but an active ISO 4217 currency code."""
    if value not in ISO_4217_CODES:
        raise ValidationError(
            "Enter an ISO 4217 currency code, for example EUR or USD.",
            code="invalid_currency",
        )


def amount_field(**options: Any) -> models.DecimalField[Decimal, Decimal]:
    """Return a money amount field: a decimal, never a float."""
    return models.DecimalField(
        max_digits=AMOUNT_DIGITS,
        decimal_places=AMOUNT_PLACES,
        validators=[MinValueValidator(Decimal("0"))],
        **options,
    )


def currency_field(**options: Any) -> models.CharField[str, str]:
    """Return a currency field holding an ISO 4217 code."""
    return models.CharField(max_length=3, validators=[validate_currency], **options)


class DealProgramSettings(TimeStampedModel):
    """The rules of engagement of one program: protection and review service level."""

    program = models.OneToOneField(
        "partners.Program", on_delete=models.CASCADE, related_name="deal_settings"
    )
    protection_days = models.PositiveSmallIntegerField(
        default=90, validators=[MinValueValidator(1), MaxValueValidator(730)]
    )
    review_business_days = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    auto_approve_on_breach = models.BooleanField(
        default=False,
        help_text="Approve a registration whose review deadline passed undecided.",
    )
    second_approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who reviews a registration once its review deadline has passed.",
    )
    extension_days = models.PositiveSmallIntegerField(
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="Days an approved extension adds, unless the reviewer grants fewer "
        "or more (up to the cap).",
    )
    max_extension_days = models.PositiveSmallIntegerField(
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="The most days a reviewer may grant with one extension.",
    )
    max_extensions = models.PositiveSmallIntegerField(
        default=1,
        validators=[MaxValueValidator(10)],
        help_text="How many extensions one registration may get; 0 allows none.",
    )
    # Which optional standard fields the form shows and which it requires, by
    # field group ("address": "required"); a group not named is optional.
    form_fields = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "deal program settings"
        verbose_name_plural = "deal program settings"

    def __str__(self) -> str:
        return f"Deal rules of {self.program}"

    def clean(self) -> None:
        if self.extension_days > self.max_extension_days:
            raise ValidationError(
                {"extension_days": "Give at most the cap of days per extension."}
            )


class DealRegistration(PartnerOwnedModel):
    """A partner's claim on a customer opportunity, from draft to won or lost."""

    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="deal_registrations",
    )
    program = models.ForeignKey(
        "partners.Program", on_delete=models.PROTECT, related_name="deal_registrations"
    )
    status = models.CharField(
        max_length=30,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.DRAFT,
    )
    sales_stage = models.CharField(
        max_length=20, choices=SalesStage.choices, blank=True
    )
    lost_reason = models.TextField(blank=True)

    customer_name = models.CharField(max_length=200)
    customer_domain = models.CharField(max_length=253, blank=True)
    country = CountryField()
    street = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
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
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    expected_close_date = models.DateField(null=True, blank=True)
    deal_type = models.CharField(
        max_length=20, choices=DealType.choices, default=DealType.NEW
    )
    partner_role = models.CharField(
        max_length=20, choices=PartnerRole.choices, default=PartnerRole.RESELL
    )
    currency = currency_field(default="EUR")
    amount = amount_field(default=Decimal("0.00"))
    notes = models.TextField(blank=True)
    custom_fields = models.JSONField(default=dict, blank=True)
    idempotency_key = models.CharField(max_length=100, blank=True)

    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    review_due_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    protection_expires_at = models.DateTimeField(null=True, blank=True)
    protection_reminded_at = models.DateTimeField(null=True, blank=True)

    # The customer's name and registrable domains as conflict detection normalizes
    # them, stored with the blocking keys when the registration is submitted
    # (services/detection.py): later checks read them for each candidate instead of
    # normalizing the name and looking up public suffixes again. NULL (not "", which
    # is "no domain") while unknown: detection then works them out from the fields.
    match_name = models.TextField(null=True, editable=False)
    match_domain = models.CharField(max_length=253, null=True, editable=False)
    match_email_domain = models.CharField(max_length=253, null=True, editable=False)

    objects: ClassVar[Any] = DealRegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="deal_unique_idempotency_key",
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="deal_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=(
                    Q(latitude__isnull=True, longitude__isnull=True)
                    | Q(latitude__isnull=False, longitude__isnull=False)
                ),
                name="deal_coordinates_both_or_neither",
                violation_error_message="Give both latitude and longitude, or neither.",
            ),
            models.CheckConstraint(
                condition=Q(sales_stage="")
                | Q(status="approved")
                | Q(status="expired"),
                name="deal_stage_only_after_approval",
            ),
        ]
        indexes = [
            models.Index(
                fields=["organization", "status", "-created_at"],
                name="deal_org_status_idx",
            ),
            models.Index(
                fields=["registered_by", "-created_at"], name="deal_registrant_idx"
            ),
            models.Index(fields=["program", "status"], name="deal_program_status_idx"),
            models.Index(
                fields=["status", "review_due_at"], name="deal_review_due_idx"
            ),
            models.Index(
                fields=["status", "protection_expires_at"],
                name="deal_protection_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_name} ({self.get_status_display()})"

    def forget_match_facts(self) -> None:
        """Drop the stored normalized facts after the customer's fields changed."""
        self.match_name = self.match_domain = self.match_email_domain = None

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if (self.latitude is None) != (self.longitude is None):
            errors["latitude"] = "Give both latitude and longitude, or neither."
        if self.customer_domain and (
            " " in self.customer_domain or "." not in self.customer_domain
        ):
            errors["customer_domain"] = "Enter a domain such as example.com."
        if self.sales_stage and self.status not in {
            RegistrationStatus.APPROVED,
            RegistrationStatus.EXPIRED,
        }:
            errors["sales_stage"] = "Only an approved deal has a sales stage."
        if self.sales_stage == SalesStage.LOST and not self.lost_reason.strip():
            errors["lost_reason"] = "Say why the deal was lost."
        if errors:
            raise ValidationError(errors)

    @property
    def is_protected(self) -> bool:
        """Say whether the registration's protection period is running."""
        return (
            self.status == RegistrationStatus.APPROVED
            and self.protection_expires_at is not None
            and self.protection_expires_at > timezone.now()
        )


class DealLine(models.Model):
    """One product of a registration, with its quantity and unit amount."""

    registration = models.ForeignKey(
        DealRegistration, on_delete=models.CASCADE, related_name="lines"
    )
    product_code = models.CharField(max_length=64)
    description = models.CharField(max_length=200, blank=True)
    quantity = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1)])
    unit_amount = amount_field()

    objects: ClassVar[Any] = DealChildQuerySet.as_manager()

    class Meta:
        ordering = ["registration", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="deal_line_quantity_positive"
            ),
            models.CheckConstraint(
                condition=Q(unit_amount__gte=0), name="deal_line_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_code}"  # noqa: RUF001

    @property
    def total(self) -> Decimal:
        """Return the line's amount: quantity times unit amount."""
        return self.unit_amount * self.quantity


class DealStatusChange(models.Model):
    """One step of a registration's status history, shown to the partner."""

    registration = models.ForeignKey(
        DealRegistration, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(
        max_length=30, choices=RegistrationStatus.choices, blank=True
    )
    to_status = models.CharField(max_length=30, choices=RegistrationStatus.choices)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Partners see the role that decided, not the person: "Channel manager".
    actor_role_label = models.CharField(max_length=60)
    reason = models.TextField(blank=True)

    objects: ClassVar[Any] = DealChildQuerySet.as_manager()

    class Meta:
        ordering = ["registration", "at", "id"]
        indexes = [
            models.Index(fields=["registration", "at"], name="deal_history_idx"),
            # Service levels read the decisions of a period.
            models.Index(fields=["to_status", "at"], name="deal_history_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.from_status or '—'} → {self.to_status}"


class DealStageChange(models.Model):
    """One move of an approved deal between sales stages, for deal velocity."""

    registration = models.ForeignKey(
        DealRegistration, on_delete=models.CASCADE, related_name="stage_changes"
    )
    from_stage = models.CharField(max_length=20, choices=SalesStage.choices, blank=True)
    to_stage = models.CharField(max_length=20, choices=SalesStage.choices)
    at = models.DateTimeField(default=timezone.now)
    # The role, as in the status history: velocity never needs the person.
    actor_role_label = models.CharField(max_length=60)

    objects: ClassVar[Any] = DealChildQuerySet.as_manager()

    class Meta:
        ordering = ["registration", "at", "id"]
        indexes = [
            models.Index(fields=["registration", "at"], name="deal_stage_history_idx"),
            models.Index(fields=["to_stage", "at"], name="deal_stage_closed_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.from_stage or '—'} → {self.to_stage}"


class DirectOpportunity(TimeStampedModel):
    """An opportunity of the vendor's direct sales pipeline, imported by CSV or API."""

    external_id = models.CharField(max_length=100, unique=True)
    company_name = models.CharField(max_length=200)
    domain = models.CharField(max_length=253, blank=True)
    country = CountryField()
    postal_code = models.CharField(max_length=20, blank=True)
    owner_name = models.CharField(max_length=200, blank=True)
    expected_close_date = models.DateField(null=True, blank=True)
    currency = currency_field(default="EUR")
    amount = amount_field(default=Decimal("0.00"))
    is_open = models.BooleanField(default=True)
    # The opportunity's dates and outcome in the vendor's CRM: deal velocity compares
    # the direct sales cycle (opened to closed) with the partners'.
    opened_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=DirectOutcome.choices, blank=True)

    objects: ClassVar[Any] = DirectOpportunityQuerySet.as_manager()

    class Meta:
        ordering = ["company_name", "id"]
        verbose_name_plural = "direct opportunities"
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="direct_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(opened_on__isnull=True)
                | Q(closed_on__isnull=True)
                | Q(closed_on__gte=F("opened_on")),
                name="direct_closed_after_opened",
                violation_error_message="The close date cannot precede the open date.",
            ),
        ]
        indexes = [
            models.Index(fields=["is_open", "company_name"], name="direct_open_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.company_name} ({self.external_id})"


class DealMatchKey(models.Model):
    """A blocking key of a registration or direct opportunity: candidates share one."""

    registration = models.ForeignKey(
        DealRegistration,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="match_keys",
    )
    direct_opportunity = models.ForeignKey(
        DirectOpportunity,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="match_keys",
    )
    key = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(registration__isnull=False, direct_opportunity__isnull=True)
                    | Q(registration__isnull=True, direct_opportunity__isnull=False)
                ),
                name="match_key_one_owner",
            ),
            models.UniqueConstraint(
                fields=["registration", "key"], name="match_key_unique_registration"
            ),
            models.UniqueConstraint(
                fields=["direct_opportunity", "key"], name="match_key_unique_direct"
            ),
        ]
        indexes = [models.Index(fields=["key"], name="match_key_idx")]

    def __str__(self) -> str:
        return self.key


class DealConflict(TimeStampedModel):
    """A possible conflict of a registration with an earlier claim on its customer.

    `registration` is the later claim; the earlier one is `other_registration` (another
    partner's, or the same partner's) or `direct_opportunity` (the vendor's own). A
    direct opportunity matched when it was created or changed after the registration
    (`direct_is_later`) is the exception: there the registration is the earlier claim.
    """

    registration = models.ForeignKey(
        DealRegistration, on_delete=models.CASCADE, related_name="conflicts"
    )
    other_registration = models.ForeignKey(
        DealRegistration,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="conflicts_as_earlier",
    )
    direct_opportunity = models.ForeignKey(
        DirectOpportunity,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="conflicts",
    )
    score = models.FloatField(
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)]
    )
    reasons = models.JSONField(
        default=list,
        blank=True,
        help_text=(
            "Reason codes, each with a partner-safe message and a vendor detail."
        ),
    )
    status = models.CharField(
        max_length=20, choices=ConflictStatus.choices, default=ConflictStatus.OPEN
    )
    decision = models.CharField(
        max_length=20, choices=ConflictDecision.choices, blank=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    appeal_note = models.TextField(blank=True)
    appealed_at = models.DateTimeField(null=True, blank=True)
    # A direct opportunity added or changed after the registration was submitted:
    # then the registration is the earlier claim, and "first come" keeps it.
    direct_is_later = models.BooleanField(default=False)

    objects: ClassVar[Any] = DealConflictQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(other_registration__isnull=False, direct_opportunity__isnull=True)
                    | Q(
                        other_registration__isnull=True,
                        direct_opportunity__isnull=False,
                    )
                ),
                name="conflict_one_earlier_claim",
            ),
            models.UniqueConstraint(
                fields=["registration", "other_registration"],
                name="conflict_unique_registration_pair",
            ),
            models.UniqueConstraint(
                fields=["registration", "direct_opportunity"],
                name="conflict_unique_direct_pair",
            ),
            models.CheckConstraint(
                condition=Q(status="open") | ~Q(decision=""),
                name="conflict_resolved_has_decision",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="conflict_status_idx"),
        ]

    def __str__(self) -> str:
        return f"Possible conflict of {self.registration_id} ({self.score:.2f})"

    @property
    def reason_codes(self) -> list[str]:
        """Return the codes of the evidence, strongest first (counter-evidence left
        out).
        """
        return [
            str(reason.get("code", ""))
            for reason in self.reasons
            if not reason.get("is_counter")
        ]

    @property
    def partner_reasons(self) -> list[tuple[str, str]]:
        """Return the codes and partner-safe messages a partner may read."""
        return [
            (str(reason.get("code", "")), str(reason.get("message", "")))
            for reason in self.reasons
            if not reason.get("is_counter")
        ]


# The import record lives in its own module; imported here so Django registers it.
from cairn.deals.models_import import ImportRun  # noqa: E402

# The models of form configuration, attachments and extensions live in their own
# module; importing them here registers them with the app.
from cairn.deals.models_protection import (  # noqa: E402
    DealAttachment,
    DealCustomField,
    DealExtensionRequest,
    DealTierProtection,
)

__all__ = [
    "DealAttachment",
    "DealConflict",
    "DealCustomField",
    "DealExtensionRequest",
    "DealLine",
    "DealMatchKey",
    "DealProgramSettings",
    "DealRegistration",
    "DealStatusChange",
    "DealTierProtection",
    "DirectOpportunity",
    "ImportRun",
]
