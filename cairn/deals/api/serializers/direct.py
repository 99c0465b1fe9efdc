"""API representations of the vendor's direct pipeline."""

from typing import Any

from django_countries.serializer_fields import CountryField
from rest_framework import serializers

from cairn.deals.api.serializers.fields import CURRENCY_HELP, CurrencyField, MoneyField
from cairn.deals.choices import DirectOutcome
from cairn.deals.models import DirectOpportunity

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
    "opened_on",
    "closed_on",
    "outcome",
)


class DirectOpportunitySerializer(serializers.ModelSerializer[DirectOpportunity]):
    """An opportunity of the vendor's direct pipeline."""

    country = CountryField()  # type: ignore[no-untyped-call]
    currency = serializers.CharField(read_only=True, help_text=CURRENCY_HELP)
    amount = MoneyField(read_only=True)
    # Blank until the opportunity is won or lost.
    outcome = serializers.ChoiceField(
        choices=DirectOutcome.choices, allow_blank=True, read_only=True
    )

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
    opened_on = serializers.DateField(
        required=False, allow_null=True, help_text="When the CRM opened it."
    )
    closed_on = serializers.DateField(
        required=False, allow_null=True, help_text="When it was won or lost."
    )
    outcome = serializers.ChoiceField(
        choices=DirectOutcome.choices, required=False, allow_blank=True
    )


class DirectOpportunityInputSerializer(DirectOpportunityUpdateSerializer):
    """A direct opportunity to create, or to update when its external id exists."""

    external_id = serializers.RegexField(
        r"^[^/\s]+$",
        max_length=100,
        help_text="The opportunity's id in the vendor's CRM.",
    )
    company_name = serializers.CharField(max_length=200)
    country = CountryField()  # type: ignore[no-untyped-call]
