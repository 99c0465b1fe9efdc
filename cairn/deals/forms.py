"""Forms of the deal registration pages: registration with its lines, filters,
review decisions, sales stages and conflict decisions and appeals.
"""

import uuid
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django_countries import countries

from cairn.core.portal import add_service_errors
from cairn.deals.choices import (
    PENDING_STATUSES,
    ConflictDecision,
    DealType,
    PartnerRole,
    RegistrationStatus,
    SalesStage,
)
from cairn.deals.forms_fields import (
    configure_registration_form,
    custom_initial,
    custom_values,
    with_form_field_names,
)
from cairn.deals.models import AMOUNT_DIGITS, AMOUNT_PLACES, DealRegistration
from cairn.deals.services.fields import FormConfiguration
from cairn.partners.models import Program

SAVE_DRAFT = "draft"
SUBMIT = "submit"

REGISTRATION_FIELDS = (
    "customer_name",
    "customer_domain",
    "country",
    "street",
    "city",
    "postal_code",
    "contact_name",
    "contact_email",
    "expected_close_date",
    "deal_type",
    "partner_role",
    "currency",
    "amount",
    "notes",
)


def _amount_field(label: str, **options: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        max_digits=AMOUNT_DIGITS,
        decimal_places=AMOUNT_PLACES,
        validators=[MinValueValidator(Decimal("0"))],
        **options,
    )


class RegistrationForm(forms.Form):
    """The fields of a registration; the program only when it is created."""

    program = forms.ModelChoiceField(queryset=Program.objects.none(), empty_label=None)
    customer_name = forms.CharField(label="Customer company", max_length=200)
    customer_domain = forms.CharField(
        label="Customer web domain",
        max_length=253,
        required=False,
        help_text="For example example.com.",
    )
    country = forms.ChoiceField(choices=lambda: [("", "Choose a country"), *countries])
    street = forms.CharField(label="Address", max_length=200, required=False)
    city = forms.CharField(max_length=100, required=False)
    postal_code = forms.CharField(max_length=20, required=False)
    contact_name = forms.CharField(max_length=200, required=False)
    contact_email = forms.EmailField(required=False)
    expected_close_date = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    deal_type = forms.ChoiceField(choices=DealType.choices, initial=DealType.NEW)
    partner_role = forms.ChoiceField(
        choices=PartnerRole.choices, initial=PartnerRole.RESELL
    )
    currency = forms.CharField(
        max_length=3,
        initial="EUR",
        help_text="An ISO 4217 code such as EUR or USD.",
    )
    amount = _amount_field("Amount", initial=Decimal("0.00"))
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    idempotency_key = forms.CharField(
        max_length=100, required=False, widget=forms.HiddenInput
    )

    def __init__(
        self,
        *args: Any,
        programs: Any = None,
        registration: DealRegistration | None = None,
        configuration: FormConfiguration | None = None,
        **kwargs: Any,
    ) -> None:
        if registration is not None:
            kwargs.setdefault(
                "initial",
                {
                    name: getattr(registration, name)
                    for name in REGISTRATION_FIELDS
                    if name != "country"
                }
                | {"country": registration.country.code}
                | custom_initial(registration.custom_fields),
            )
        super().__init__(*args, **kwargs)
        self.configuration = configuration
        if configuration is not None:
            configure_registration_form(self, configuration)
        if registration is not None or programs is None:
            # A registration stays in the program it was registered in.
            del self.fields["program"]
            del self.fields["idempotency_key"]
        else:
            program_field: Any = self.fields["program"]
            program_field.queryset = programs
            if configuration is not None:
                # The form is the program's: the program is chosen above it.
                program_field.widget = forms.HiddenInput()
            if not self.is_bound:
                # One key per rendered form: a double submit registers once.
                self.initial["idempotency_key"] = uuid.uuid4().hex

    def registration_values(self) -> dict[str, Any]:
        """Return the cleaned fields the services take, without program and key.

        Fields the program hides are left out, so that the registration keeps its
        value (or the default); custom fields come as one object by key.
        """
        values = {
            name: self.cleaned_data[name]
            for name in REGISTRATION_FIELDS
            if name in self.fields
        }
        if self.configuration is not None:
            values["custom_fields"] = custom_values(self, self.configuration)
        return values

    def add_service_errors(self, error: ValidationError) -> None:
        """Put a service's errors on the inputs, custom fields included."""
        add_service_errors(self, with_form_field_names(error))


class LineForm(forms.Form):
    """One product line of a registration; an empty line is ignored."""

    product_code = forms.CharField(label="Product code", max_length=64)
    description = forms.CharField(max_length=200, required=False)
    quantity = forms.IntegerField(min_value=1, max_value=2_147_483_647, initial=1)
    unit_amount = _amount_field("Unit amount")


class BaseLineFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    """Product lines; the lines the partner left blank are skipped."""

    def lines(self) -> list[dict[str, Any]]:
        """Return the filled-in lines as the services take them."""
        return [
            {
                "product_code": form.cleaned_data["product_code"],
                "description": form.cleaned_data.get("description", ""),
                "quantity": form.cleaned_data["quantity"],
                "unit_amount": form.cleaned_data["unit_amount"],
            }
            for form in self.forms
            # Unchanged blank lines have no cleaned data; removed ones are skipped.
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


LineFormSet = forms.formset_factory(
    LineForm,
    formset=BaseLineFormSet,
    extra=2,
    can_delete=True,
    max_num=50,
    validate_max=True,
    absolute_max=50,
)


def line_formset(
    data: Any = None, registration: DealRegistration | None = None
) -> BaseLineFormSet:
    """Return the line formset, with the registration's lines when editing."""
    initial = None
    if registration is not None:
        initial = [
            {
                "product_code": line.product_code,
                "description": line.description,
                "quantity": line.quantity,
                "unit_amount": line.unit_amount,
            }
            for line in registration.lines.order_by("pk")
        ]
    return cast(BaseLineFormSet, LineFormSet(data, initial=initial, prefix="lines"))


def _status_choices(statuses: Any) -> list[tuple[str, str]]:
    return [("", "Any status")] + [
        (status.value, status.label)
        for status in RegistrationStatus
        if status in statuses
    ]


class RegistrationFilterForm(forms.Form):
    """Filter registrations by status and program and search the customer."""

    search = forms.CharField(
        label="Customer",
        max_length=100,
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "Name or domain"}
        ),
    )
    status = forms.ChoiceField(
        choices=_status_choices(set(RegistrationStatus)), required=False
    )
    program = forms.ModelChoiceField(
        queryset=Program.objects.none(),
        required=False,
        empty_label="Any program",
    )

    def __init__(self, *args: Any, programs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        program_field: Any = self.fields["program"]
        program_field.queryset = programs

    def filters(self) -> dict[str, Any]:
        """Return the valid filters; an invalid one is ignored, never a 500."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {
            name: cleaned[name]
            for name in self.fields
            if name not in self.errors and cleaned.get(name) not in (None, "")
        }


class ReviewFilterForm(RegistrationFilterForm):
    """Filter the review queue: pending statuses only, and overdue ones."""

    overdue = forms.BooleanField(label="Overdue only", required=False)

    def __init__(self, *args: Any, programs: Any, **kwargs: Any) -> None:
        super().__init__(*args, programs=programs, **kwargs)
        status_field: Any = self.fields["status"]
        status_field.choices = _status_choices(PENDING_STATUSES)


class ReviewDecisionForm(forms.Form):
    """A reviewer's decision on a pending registration, with its reason."""

    START = "start"
    MORE_INFO = "more_info"
    APPROVE = "approve"
    REJECT = "reject"

    decision = forms.ChoiceField(
        choices=[
            (START, "Start review"),
            (MORE_INFO, "Request more information"),
            (APPROVE, "Approve"),
            (REJECT, "Reject"),
        ],
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(
        label="Reason or question for the partner",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        needs_reason = cleaned.get("decision") in {self.MORE_INFO, self.REJECT}
        if needs_reason and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", "Give a reason.")
        return cleaned


class SalesStageForm(forms.Form):
    """Move an approved deal to its next sales stage."""

    stage = forms.ChoiceField(label="Sales stage", choices=SalesStage.choices)
    lost_reason = forms.CharField(
        label="Why was the deal lost?",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        is_lost = cleaned.get("stage") == SalesStage.LOST
        if is_lost and not (cleaned.get("lost_reason") or "").strip():
            self.add_error("lost_reason", "Say why the deal was lost.")
        return cleaned


class ConflictDecisionForm(forms.Form):
    """A channel manager's decision on a possible conflict, with its reason."""

    decision = forms.ChoiceField(
        choices=ConflictDecision.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, strip=True
    )


class AppealForm(forms.Form):
    """A partner's one appeal of a conflict decision."""

    note = forms.CharField(
        label="Why should the decision change?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        strip=True,
    )
