"""API representations of the deal metrics: service levels, the vendor's time to
decision, deal velocity, partner revenue and the pipeline board's totals.

Durations are numbers (weekday hours for time to decision, calendar days for
velocity); money is a list of decimal strings, one per currency, never summed
across currencies.
"""

from typing import Any

from rest_framework import serializers

from cairn.deals.api.serializers.fields import CURRENCY_HELP, MoneyField
from cairn.deals.choices import RegistrationStatus, SalesStage
from cairn.deals.selectors_metrics import DEFAULT_PERIOD, PERIODS

HOURS_HELP = "Weekday hours (Monday to Friday, UTC); null when nothing was decided."
DAYS_HELP = "Calendar days; null when no deal passed through."
SHARE_HELP = "A share from 0 to 1; null when there is nothing to divide."


class PeriodQuerySerializer(serializers.Serializer[Any]):
    """The period of the figures."""

    period = serializers.ChoiceField(
        choices=PERIODS,
        default=DEFAULT_PERIOD,
        help_text="The last 30, 90 or 365 days up to now.",
    )


class MoneyTotalSerializer(serializers.Serializer[Any]):
    """An amount in one currency."""

    currency = serializers.CharField(help_text=CURRENCY_HELP)
    amount = MoneyField()


class ServiceLevelRowSerializer(serializers.Serializer[Any]):
    """The service-level figures of all programs, one program or one approver."""

    name = serializers.CharField(
        source="label",
        help_text="The program, the approver's name, or “Automatic rule”.",
    )
    decided = serializers.IntegerField()
    median_hours = serializers.FloatField(allow_null=True, help_text=HOURS_HELP)
    p90_hours = serializers.FloatField(
        allow_null=True, help_text="The 90th percentile (nearest rank). " + HOURS_HELP
    )
    within_deadline = serializers.IntegerField()
    compliance = serializers.FloatField(allow_null=True, help_text=SHARE_HELP)
    overdue = serializers.IntegerField(
        allow_null=True, help_text="Pending now past the deadline; null per approver."
    )
    escalations = serializers.IntegerField(
        allow_null=True, help_text="Escalation steps of the period; null per approver."
    )


class ServiceLevelsSerializer(serializers.Serializer[Any]):
    """The vendor's review service levels over a period."""

    period_days = serializers.IntegerField()
    since = serializers.DateTimeField()
    until = serializers.DateTimeField()
    overall = ServiceLevelRowSerializer()
    programs = ServiceLevelRowSerializer(many=True, source="by_program")
    approvers = ServiceLevelRowSerializer(many=True, source="by_approver")


class ProgramDecisionTimeSerializer(serializers.Serializer[Any]):
    """The vendor's median time to decision in one program over the last 90 days."""

    program = serializers.IntegerField(source="program_id")
    program_name = serializers.CharField()
    decided = serializers.IntegerField()
    median_hours = serializers.SerializerMethodField(
        help_text="Null below five decisions. " + HOURS_HELP
    )

    def get_median_hours(self, instance: Any) -> float | None:
        """Return the median once it rests on enough decisions."""
        return instance.median_hours if instance.is_measured else None


class PhaseSerializer(serializers.Serializer[Any]):
    """The days deals spent in one phase of the pipeline."""

    key = serializers.ChoiceField(choices=["review", "qualified", "proposal"])
    name = serializers.CharField(source="label")
    deals = serializers.IntegerField()
    average_days = serializers.FloatField(allow_null=True, help_text=DAYS_HELP)
    median_days = serializers.FloatField(allow_null=True, help_text=DAYS_HELP)


class CycleSerializer(serializers.Serializer[Any]):
    """The closed deals of one motion and their sales cycle."""

    name = serializers.CharField(source="label")
    closed = serializers.IntegerField()
    won = serializers.IntegerField()
    lost = serializers.IntegerField()
    win_rate = serializers.FloatField(allow_null=True, help_text=SHARE_HELP)
    average_days = serializers.FloatField(allow_null=True, help_text=DAYS_HELP)
    median_days = serializers.FloatField(allow_null=True, help_text=DAYS_HELP)
    won_amounts = MoneyTotalSerializer(many=True)


class RevenueSerializer(serializers.Serializer[Any]):
    """Won deals of one kind and their amounts per currency."""

    deals = serializers.IntegerField()
    won_amounts = MoneyTotalSerializer(many=True)


class VelocitySerializer(serializers.Serializer[Any]):
    """Deal velocity and partner revenue over a period."""

    period_days = serializers.IntegerField()
    since = serializers.DateTimeField()
    until = serializers.DateTimeField()
    phases = PhaseSerializer(many=True)
    partner_involved = CycleSerializer()
    direct = CycleSerializer(
        allow_null=True,
        help_text="Null when the direct pipeline has no closed opportunity with its "
        "open and close dates.",
    )
    partner_sourced = RevenueSerializer(
        help_text="Won deals the partner resold or referred."
    )
    partner_influenced = RevenueSerializer(
        help_text="Won deals the partner influenced."
    )


class BoardColumnSerializer(serializers.Serializer[Any]):
    """One column of the pipeline board: its number of deals and sums per currency."""

    key = serializers.ChoiceField(
        choices=["review", "qualified", "proposal", "won", "lost"]
    )
    name = serializers.CharField(source="label")
    count = serializers.IntegerField()
    totals = MoneyTotalSerializer(many=True)


class PipelineQuerySerializer(serializers.Serializer[Any]):
    """Filters of the pipeline board's totals, as on the portal page."""

    status = serializers.ChoiceField(
        choices=[s for s in RegistrationStatus.values if s != "draft"], required=False
    )
    sales_stage = serializers.ChoiceField(choices=SalesStage.values, required=False)
    program = serializers.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, help_text="A program's id."
    )
    partner = serializers.CharField(
        required=False, max_length=100, help_text="Partner name contains (vendor)."
    )
    close_from = serializers.DateField(required=False)
    close_to = serializers.DateField(required=False)
    search = serializers.CharField(
        required=False, max_length=100, help_text="Customer name or domain contains."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs.get("close_from"), attrs.get("close_to")
        if start and end and start > end:
            raise serializers.ValidationError(
                {"close_to": "Choose a date on or after close_from."}
            )
        return attrs
