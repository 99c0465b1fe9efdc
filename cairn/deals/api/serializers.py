"""API representations of deal registrations and the vendor's direct pipeline.

Money is a decimal string with its currency code, never a float: a float input is
refused. Read serializers show rows; input serializers parse what a write accepts
and hand it to a service, which checks the policy and validates the row.
"""

from decimal import Decimal
from typing import Any

from django_countries.serializer_fields import CountryField
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cairn.deals.choices import (
    ConflictDecision,
    ConflictStatus,
    DealType,
    PartnerRole,
    RegistrationStatus,
    SalesStage,
)
from cairn.deals.models import (
    AMOUNT_DIGITS,
    AMOUNT_PLACES,
    DealLine,
    DealRegistration,
    DirectOpportunity,
)
from cairn.partners import selectors as partner_selectors
from cairn.partners.api.serializers import ScopedPrimaryKeyField
from cairn.partners.models import Program

MAX_LINES = 100
MAX_CUSTOM_FIELDS = 50
MAX_CUSTOM_VALUE_LENGTH = 1000
CURRENCY_HELP = "An ISO 4217 currency code, for example EUR."
CONFLICT_STATUS_HELP = (
    f"{ConflictStatus.OPEN}: waiting for a decision (again, after an appeal); "
    f"{ConflictStatus.RESOLVED}: decided."
)


class MoneyField(serializers.DecimalField):
    """A non-negative amount given as a decimal string (or an integer), never a
    float: a float has already lost the cents it was meant to carry.
    """

    default_error_messages = {
        "float": 'Give the amount as a decimal string such as "1200.50", '
        "not a floating-point number.",
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", AMOUNT_DIGITS)
        kwargs.setdefault("decimal_places", AMOUNT_PLACES)
        kwargs.setdefault("min_value", Decimal("0"))
        kwargs.setdefault("coerce_to_string", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Decimal:
        if isinstance(data, float | bool):
            self.fail("float")
        return super().to_internal_value(data)


class CurrencyField(serializers.RegexField):
    """An ISO 4217 currency code; the model checks that it is an active one."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", CURRENCY_HELP)
        super().__init__(r"^[A-Za-z]{3}$", max_length=3, min_length=3, **kwargs)


def _check_plain_text(value: Any, depth: int = 0) -> None:
    if depth > 3:
        raise serializers.ValidationError("Custom fields nest at most three deep.")
    if isinstance(value, str):
        if "\x00" in value or len(value) > MAX_CUSTOM_VALUE_LENGTH:
            raise serializers.ValidationError(
                f"Custom field values are text of at most {MAX_CUSTOM_VALUE_LENGTH} "
                "characters without NUL."
            )
    elif isinstance(value, dict):
        if len(value) > MAX_CUSTOM_FIELDS:
            raise serializers.ValidationError(
                f"Give at most {MAX_CUSTOM_FIELDS} custom fields."
            )
        for key, item in value.items():
            _check_plain_text(key, depth + 1)
            _check_plain_text(item, depth + 1)
    elif isinstance(value, list):
        if len(value) > MAX_CUSTOM_FIELDS:
            raise serializers.ValidationError(
                f"Give at most {MAX_CUSTOM_FIELDS} values in a list."
            )
        for item in value:
            _check_plain_text(item, depth + 1)


class CustomFieldsField(serializers.DictField):
    """The program's custom fields: a small JSON object of plain values."""

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        value = super().to_internal_value(data)
        _check_plain_text(value)
        return value


@extend_schema_field(
    {
        "type": "string",
        "enum": RegistrationStatus.values,
        "description": "\n".join(
            f"* `{value}` - {label}" for value, label in RegistrationStatus.choices
        ),
    },
    component_name="RegistrationStatusEnum",
)
class RegistrationStatusField(serializers.ChoiceField):
    """A registration's status, documented as its own named enum."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=RegistrationStatus.choices, **kwargs)


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


# Status history and conflicts


class HistoryStepSerializer(serializers.Serializer[Any]):
    """One step of the status history: when, to what, and the role that decided
    (never the person).
    """

    at = serializers.DateTimeField(read_only=True)
    from_status = serializers.CharField(
        read_only=True, help_text="A registration status; empty for the first step."
    )
    to_status = serializers.CharField(
        read_only=True,
        help_text="A registration status; the same as `from_status` for a note "
        "such as an escalation.",
    )
    role = serializers.CharField(source="role_label", read_only=True)
    reason = serializers.CharField(read_only=True)


class PartnerReasonSerializer(serializers.Serializer[Any]):
    """A reason code with the message a partner may read."""

    code = serializers.CharField(read_only=True)
    message = serializers.CharField(read_only=True)


class PartnerConflictSerializer(serializers.Serializer[Any]):
    """A possible conflict as the partner sees it: the reasons, nothing of the
    other party.
    """

    id = serializers.IntegerField(source="pk", read_only=True)
    is_earlier_claim = serializers.BooleanField(
        read_only=True,
        help_text="True when this registration was the earlier claim of the pair.",
    )
    status = serializers.CharField(read_only=True, help_text=CONFLICT_STATUS_HELP)
    score = serializers.FloatField(read_only=True)
    reasons = PartnerReasonSerializer(many=True, read_only=True)
    decision = serializers.ChoiceField(
        choices=[("", ""), *ConflictDecision.choices], read_only=True
    )
    decision_reason = serializers.CharField(read_only=True)
    appeal_note = serializers.CharField(read_only=True)
    can_appeal = serializers.BooleanField(read_only=True)


class VendorReasonSerializer(serializers.Serializer[Any]):
    """A reason with the detail that names both sides, for the vendor's staff."""

    code = serializers.CharField(read_only=True)
    message = serializers.CharField(read_only=True)
    detail = serializers.CharField(read_only=True)
    points = serializers.IntegerField(read_only=True)
    is_counter = serializers.BooleanField(
        read_only=True, help_text="Counter-evidence: it lowered the score."
    )


class EarlierClaimSerializer(serializers.Serializer[Any]):
    """The other side of a conflict: another registration or a direct opportunity."""

    kind = serializers.ChoiceField(
        choices=[("registration", "registration"), ("direct", "direct")],
        read_only=True,
    )
    id = serializers.IntegerField(read_only=True)
    organization_name = serializers.CharField(read_only=True)
    company_name = serializers.CharField(read_only=True)
    domain = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    submitted_at = serializers.DateTimeField(read_only=True, allow_null=True)
    external_id = serializers.CharField(read_only=True)
    owner_name = serializers.CharField(read_only=True)


class VendorConflictSerializer(serializers.Serializer[Any]):
    """Both sides of a conflict for the vendor's staff, with every reason's detail."""

    id = serializers.IntegerField(source="conflict.pk", read_only=True)
    registration = serializers.IntegerField(source="later.pk", read_only=True)
    status = serializers.CharField(
        source="conflict.status", read_only=True, help_text=CONFLICT_STATUS_HELP
    )
    score = serializers.FloatField(source="conflict.score", read_only=True)
    reasons = VendorReasonSerializer(many=True, read_only=True)
    earlier_claim = serializers.SerializerMethodField()
    decision = serializers.ChoiceField(
        source="conflict.decision",
        choices=[("", ""), *ConflictDecision.choices],
        read_only=True,
    )
    decision_reason = serializers.CharField(
        source="conflict.decision_reason", read_only=True
    )
    decided_at = serializers.DateTimeField(
        source="conflict.decided_at", read_only=True, allow_null=True
    )
    appeal_note = serializers.CharField(source="conflict.appeal_note", read_only=True)
    appealed_at = serializers.DateTimeField(
        source="conflict.appealed_at", read_only=True, allow_null=True
    )
    can_resolve = serializers.BooleanField(read_only=True)

    @extend_schema_field(EarlierClaimSerializer)
    def get_earlier_claim(self, view: Any) -> dict[str, Any]:
        blank = dict.fromkeys(
            ("organization_name", "status", "external_id", "owner_name"), ""
        )
        if view.earlier_registration is not None:
            earlier = view.earlier_registration
            return EarlierClaimSerializer(
                {
                    **blank,
                    "kind": "registration",
                    "id": earlier.pk,
                    "organization_name": earlier.organization.name,
                    "company_name": earlier.customer_name,
                    "domain": earlier.customer_domain,
                    "status": earlier.status,
                    "submitted_at": earlier.submitted_at,
                }
            ).data
        direct = view.earlier_direct
        return EarlierClaimSerializer(
            {
                **blank,
                "kind": "direct",
                "id": direct.pk,
                "company_name": direct.company_name,
                "domain": direct.domain,
                "status": "open" if direct.is_open else "closed",
                "submitted_at": None,
                "external_id": direct.external_id,
                "owner_name": direct.owner_name,
            }
        ).data


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

    class Meta(DealRegistrationSerializer.Meta):
        fields = (
            *REGISTRATION_READ_FIELDS,
            "history",
            "conflicts",
            "vendor_conflicts",
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
    custom_fields = CustomFieldsField(required=False)
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


class AppealInputSerializer(serializers.Serializer[Any]):
    """An appeal of a conflict's decision, with the partner's note."""

    conflict = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, help_text="The conflict's id."
    )
    note = serializers.CharField(max_length=5000)


class ResolveConflictInputSerializer(serializers.Serializer[Any]):
    """A channel manager's decision on a conflict, with a recorded reason."""

    conflict = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, help_text="The conflict's id."
    )
    decision = serializers.ChoiceField(choices=ConflictDecision.choices)
    reason = serializers.CharField(max_length=5000)


# Direct pipeline


DIRECT_FIELDS = (
    "external_id",
    "company_name",
    "domain",
    "country",
    "postal_code",
    "owner_name",
    "expected_close_date",
    "currency",
    "amount",
    "is_open",
)


class DirectOpportunitySerializer(serializers.ModelSerializer[DirectOpportunity]):
    """An opportunity of the vendor's direct pipeline."""

    country = CountryField()  # type: ignore[no-untyped-call]
    currency = serializers.CharField(read_only=True, help_text=CURRENCY_HELP)
    amount = MoneyField(read_only=True)

    class Meta:
        model = DirectOpportunity
        fields = ("id", *DIRECT_FIELDS, "created_at", "updated_at")
        read_only_fields = fields


class DirectOpportunityUpdateSerializer(serializers.Serializer[Any]):
    """Changes to a direct opportunity."""

    company_name = serializers.CharField(max_length=200, required=False)
    domain = serializers.CharField(max_length=253, required=False, allow_blank=True)
    country = CountryField(required=False)  # type: ignore[no-untyped-call]
    postal_code = serializers.CharField(max_length=20, required=False, allow_blank=True)
    owner_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    expected_close_date = serializers.DateField(required=False, allow_null=True)
    currency = CurrencyField(required=False)
    amount = MoneyField(required=False)
    is_open = serializers.BooleanField(required=False)


class DirectOpportunityInputSerializer(DirectOpportunityUpdateSerializer):
    """A direct opportunity to create, or to update when its external id exists."""

    external_id = serializers.RegexField(
        r"^[^/\s]+$",
        max_length=100,
        help_text="The opportunity's id in the vendor's CRM.",
    )
    company_name = serializers.CharField(max_length=200)
    country = CountryField()  # type: ignore[no-untyped-call]
