"""Forms of the pipeline, service-level and velocity pages."""

from typing import Any

from django import forms

from cairn.deals.choices import RegistrationStatus, SalesStage
from cairn.deals.selectors_metrics import DEFAULT_PERIOD, PERIODS
from cairn.partners.models import Program

VIEWS = (("board", "Board"), ("list", "List"))


class PipelineFilterForm(forms.Form):
    """Filter the pipeline: status, stage, program, partner, close dates, customer."""

    search = forms.CharField(
        label="Customer",
        max_length=100,
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "Name or domain"}
        ),
    )
    status = forms.ChoiceField(
        choices=[("", "Any status")]
        + [
            (value, label)
            for value, label in RegistrationStatus.choices
            if value != RegistrationStatus.DRAFT
        ],
        required=False,
    )
    sales_stage = forms.ChoiceField(
        label="Stage", choices=[("", "Any stage"), *SalesStage.choices], required=False
    )
    program = forms.ModelChoiceField(
        queryset=Program.objects.none(), required=False, empty_label="Any program"
    )
    partner = forms.CharField(
        label="Partner",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Name"}),
    )
    close_from = forms.DateField(
        label="Closing from",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    close_to = forms.DateField(
        label="Closing until",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(
        self, *args: Any, programs: Any, show_partner: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        program_field: Any = self.fields["program"]
        program_field.queryset = programs
        if not show_partner:
            # A partner's pipeline is their own organization's: no partner filter.
            del self.fields["partner"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("close_from"), cleaned.get("close_to")
        if start and end and start > end:
            self.add_error("close_to", "Choose a date on or after the first one.")
        return cleaned

    def filters(self) -> dict[str, Any]:
        """Return the valid filters; an invalid one is ignored, never a 500."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {
            name: cleaned[name]
            for name in self.fields
            if name not in self.errors and cleaned.get(name) not in (None, "")
        }


class PeriodForm(forms.Form):
    """Choose the period of the figures: the last 30, 90 or 365 days."""

    period = forms.ChoiceField(
        label="Period",
        choices=[(str(days), f"Last {days} days") for days in PERIODS],
        required=False,
    )

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        # Unbound, or without a period, the form shows the default period chosen.
        data = data.copy() if data is not None else {}
        data.setdefault("period", str(DEFAULT_PERIOD))
        super().__init__(data, **kwargs)

    def period_days(self) -> int:
        """Return the chosen period in days; the default for a missing or bad one."""
        if not self.is_valid():
            return DEFAULT_PERIOD
        return int(self.cleaned_data.get("period") or DEFAULT_PERIOD)


class BoardStageForm(forms.Form):
    """Move one deal to another stage from the board."""

    stage = forms.ChoiceField(label="Move to", choices=SalesStage.choices)
    lost_reason = forms.CharField(
        label="Why was it lost?", max_length=2000, required=False
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        is_lost = cleaned.get("stage") == SalesStage.LOST
        if is_lost and not (cleaned.get("lost_reason") or "").strip():
            self.add_error("lost_reason", "Say why the deal was lost.")
        return cleaned
