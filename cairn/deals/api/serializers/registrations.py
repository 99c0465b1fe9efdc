"""API representations of deal registrations and the input their writes accept."""

from decimal import Decimal
from typing import Any

from django_countries.serializer_fields import CountryField
from rest_framework import serializers

from cairn.deals.api.serializers.conflicts import (
    HistoryStepSerializer,
    PartnerConflictSerializer,
    VendorConflictSerializer,
)
from cairn.deals.api.serializers.fields import (
    CURRENCY_HELP,
    MAX_LINES,
    CurrencyField,
    CustomFieldsField,
    MoneyField,
    RegistrationStatusField,
)
from cairn.deals.api.serializers.protection import (
    DealAttachmentSerializer,
    DealExtensionRequestSerializer,
)
from cairn.deals.choices import DealType, PartnerRole, SalesStage
from cairn.deals.models import DealLine, DealRegistration
from cairn.partners import selectors as partner_selectors
from cairn.partners.api.serializers import ScopedPrimaryKeyField
from cairn.partners.models import Program

# Lines


class DealLineSerializer(serializers.ModelSerializer[DealLine]):
    """A product line of a registration; amounts in the registration's currency."""

    unit_amount = MoneyField(read_only=True)
    total = MoneyField(read_only=True, help_text="Quantity times unit amount.")

    class Meta:
        model = DealLine
        fields = (
            "id",
            "product_code",
            "description",
            "quantity",
            "unit_amount",
            "total",
        )
        read_only_fields = fields


class DealLineInputSerializer(serializers.Serializer[Any]):
    """A product line of a new or changed registration."""

    product_code = serializers.CharField(max_length=64)
    description = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    quantity = serializers.IntegerField(min_value=1, max_value=1_000_000, default=1)
    unit_amount = MoneyField()


# Registrations

REGISTRATION_READ_FIELDS = (
    "id",
    "organization",
    "organization_name",
    "program",
    "program_name",
    "registered_by",
    "status",
    "sales_stage",
    "lost_reason",
    "customer_name",
    "customer_domain",
    "country",
    "street",
    "city",
    "postal_code",
    "latitude",
    "longitude",
    "contact_name",
    "contact_email",
    "expected_close_date",
    "deal_type",
    "partner_role",
    "currency",
    "amount",
    "notes",
    "custom_fields",
    "lines",
    "submitted_at",
    "decided_at",
    "review_due_at",
    "escalated_at",
    "protection_expires_at",
    "created_at",
    "updated_at",
)


class DealRegistrationSerializer(serializers.ModelSerializer[DealRegistration]):
    """A deal registration with its product lines, as listed."""

    organization_name = serializers.CharField(
        source="organization.name", read_only=True
    )
    program_name = serializers.CharField(source="program.name", read_only=True)
    status = RegistrationStatusField(read_only=True)
    country = CountryField()  # type: ignore[no-untyped-call]
    currency = serializers.CharField(read_only=True, help_text=CURRENCY_HELP)
    amount = MoneyField(read_only=True)
    custom_fields = serializers.DictField(read_only=True)
    lines = DealLineSerializer(many=True, read_only=True)

    class Meta:
        model = DealRegistration
        fields: tuple[str, ...] = REGISTRATION_READ_FIELDS
        read_only_fields: tuple[str, ...] = fields


class DealRegistrationDetailSerializer(DealRegistrationSerializer):
    """A registration with its status history and possible conflicts.

    `conflicts` is the partner's view (reason codes and partner-safe messages only);
    `vendor_conflicts` shows both sides and is empty for partner users.
    """

    history = HistoryStepSerializer(source="api_history", many=True, read_only=True)
    conflicts = PartnerConflictSerializer(
        source="api_conflicts", many=True, read_only=True
    )
    vendor_conflicts = VendorConflictSerializer(
        source="api_vendor_conflicts", many=True, read_only=True
    )
    attachments = DealAttachmentSerializer(
        source="api_attachments", many=True, read_only=True
    )
    extension_requests = DealExtensionRequestSerializer(
        source="api_extensions", many=True, read_only=True
    )

    class Meta(DealRegistrationSerializer.Meta):
        fields = (
            *REGISTRATION_READ_FIELDS,
            "history",
            "conflicts",
            "vendor_conflicts",
            "attachments",
            "extension_requests",
        )
        read_only_fields = fields


class _RegistrationFieldsSerializer(serializers.Serializer[Any]):
    """The fields a partner gives for a registration."""

    customer_name = serializers.CharField(max_length=200)
    customer_domain = serializers.CharField(
        max_length=253, required=False, allow_blank=True
    )
    country = CountryField()  # type: ignore[no-untyped-call]
    street = serializers.CharField(max_length=200, required=False, allow_blank=True)
    city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    postal_code = serializers.CharField(max_length=20, required=False, allow_blank=True)
    latitude = serializers.DecimalField(
        max_digits=9,
        decimal_places=6,
        min_value=Decimal("-90"),
        max_value=Decimal("90"),
        required=False,
        allow_null=True,
    )
    longitude = serializers.DecimalField(
        max_digits=9,
        decimal_places=6,
        min_value=Decimal("-180"),
        max_value=Decimal("180"),
        required=False,
        allow_null=True,
    )
    contact_name = serializers.CharField(
        max_length=200, required=False, allow_blank=True
    )
    contact_email = serializers.EmailField(
        max_length=254, required=False, allow_blank=True
    )
    expected_close_date = serializers.DateField(required=False, allow_null=True)
    deal_type = serializers.ChoiceField(choices=DealType.choices, required=False)
    partner_role = serializers.ChoiceField(choices=PartnerRole.choices, required=False)
    currency = CurrencyField(required=False)
    amount = MoneyField(required=False)
    notes = serializers.CharField(max_length=10_000, required=False, allow_blank=True)
    custom_fields = CustomFieldsField(
        required=False,
        help_text="The program's custom fields, by key: text, a number, a date "
        "(YYYY-MM-DD), one of the choices, or true/false. Replaces every custom "
        "field value when given.",
    )
    lines = DealLineInputSerializer(  # type: ignore[call-arg]
        many=True,
        required=False,
        max_length=MAX_LINES,
        help_text="Replaces every line of the registration when given.",
    )


class DealRegistrationCreateSerializer(_RegistrationFieldsSerializer):
    """A new registration: registered and submitted for review in one step, or
    saved as a draft with `draft: true`.
    """

    program = ScopedPrimaryKeyField(
        partner_selectors.list_programs_for, queryset=Program.objects.none()
    )
    draft = serializers.BooleanField(
        default=False, help_text="Save as a draft instead of submitting."
    )


class DealRegistrationUpdateSerializer(_RegistrationFieldsSerializer):
    """Changes to a draft, or to a registration whose reviewer asked for more
    information.
    """


class ReasonInputSerializer(serializers.Serializer[Any]):
    """A reviewer's reason, which the partner reads."""

    reason = serializers.CharField(max_length=5000)


class OptionalReasonInputSerializer(serializers.Serializer[Any]):
    """An optional note with an approval."""

    reason = serializers.CharField(
        max_length=5000, required=False, allow_blank=True, default=""
    )


class StageInputSerializer(serializers.Serializer[Any]):
    """The new sales stage of an approved deal; a lost deal needs its reason."""

    sales_stage = serializers.ChoiceField(choices=SalesStage.choices)
    lost_reason = serializers.CharField(
        max_length=5000, required=False, allow_blank=True, default=""
    )
