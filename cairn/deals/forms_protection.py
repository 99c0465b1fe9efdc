"""Forms of attachments, extension requests and a program's deal settings."""

from typing import Any, cast

from django import forms

from cairn.deals.choices import CustomFieldType, FieldVisibility
from cairn.deals.services.fields import FIELD_GROUPS, visibility_of


class AttachmentForm(forms.Form):
    """One file to attach to a registration; the service checks its content."""

    file = forms.FileField(
        label="File",
        help_text="PDF, PNG, JPEG, text or CSV, Word, Excel or PowerPoint; at most "
        "10 MB.",
        allow_empty_file=True,
    )


class ExtensionRequestForm(forms.Form):
    """A partner's request for more protection time."""

    reason = forms.CharField(
        label="Why do you need more time?",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )


class ExtensionDecisionForm(forms.Form):
    """A reviewer's decision on an extension request."""

    APPROVE = "approve"
    DECLINE = "decline"

    decision = forms.ChoiceField(
        choices=[(APPROVE, "Approve"), (DECLINE, "Decline")],
        widget=forms.RadioSelect,
    )
    days = forms.IntegerField(
        label="Days to add",
        required=False,
        min_value=1,
        max_value=365,
        help_text="Leave blank for the program's extension days.",
    )
    reason = forms.CharField(
        label="Reason for the partner",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            cleaned.get("decision") == self.DECLINE
            and not (cleaned.get("reason") or "").strip()
        ):
            self.add_error("reason", "Give a reason.")
        return cleaned


class DealSettingsForm(forms.Form):
    """A program's rules of engagement, form layout and per-tier protection."""

    protection_days = forms.IntegerField(min_value=1, max_value=730)
    review_business_days = forms.IntegerField(
        label="Review business days", min_value=1, max_value=30
    )
    auto_approve_on_breach = forms.BooleanField(
        label="Approve automatically when the review deadline passes", required=False
    )
    second_approver: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None,
        required=False,
        empty_label="Nobody",
        help_text="Reviews a registration once its deadline has passed.",
    )
    extension_days = forms.IntegerField(
        label="Days an extension adds", min_value=1, max_value=365
    )
    max_extension_days = forms.IntegerField(
        label="Most days one extension may add", min_value=1, max_value=365
    )
    max_extensions = forms.IntegerField(
        label="Extensions per registration",
        min_value=0,
        max_value=10,
        help_text="0 allows none.",
    )

    def __init__(
        self,
        *args: Any,
        settings: Any,
        tiers: list[tuple[Any, int | None]],
        approvers: Any,
        **kwargs: Any,
    ) -> None:
        visibility = visibility_of(settings.form_fields)
        initial = {
            "protection_days": settings.protection_days,
            "review_business_days": settings.review_business_days,
            "auto_approve_on_breach": settings.auto_approve_on_breach,
            "second_approver": settings.second_approver_id,
            "extension_days": settings.extension_days,
            "max_extension_days": settings.max_extension_days,
            "max_extensions": settings.max_extensions,
        }
        initial |= {f"field_{name}": value for name, value in visibility.items()}
        initial |= {f"tier_{tier.pk}": days for tier, days in tiers}
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        approver_field = cast(Any, self.fields["second_approver"])
        approver_field.queryset = approvers
        for group in FIELD_GROUPS:
            choices = [
                (value, label)
                for value, label in FieldVisibility.choices
                if group.can_require or value != FieldVisibility.REQUIRED
            ]
            self.fields[f"field_{group.name}"] = forms.ChoiceField(
                label=group.label, choices=choices
            )
        self.tiers = [tier for tier, _ in tiers]
        for tier in self.tiers:
            self.fields[f"tier_{tier.pk}"] = forms.IntegerField(
                label=f"Protection days of {tier.name}",
                min_value=1,
                max_value=730,
                required=False,
                help_text="Leave blank for the program's protection days.",
            )

    def field_group_fields(self) -> list[forms.BoundField]:
        """Return the inputs of the standard field groups, for the template."""
        return [self[f"field_{group.name}"] for group in FIELD_GROUPS]

    def tier_fields(self) -> list[forms.BoundField]:
        """Return the inputs of per-tier protection, for the template."""
        return [self[f"tier_{tier.pk}"] for tier in self.tiers]

    def rule_fields(self) -> list[forms.BoundField]:
        """Return the inputs of the rules of engagement, for the template."""
        return [
            self[name]
            for name in (
                "protection_days",
                "review_business_days",
                "auto_approve_on_breach",
                "second_approver",
                "extension_days",
                "max_extension_days",
                "max_extensions",
            )
        ]

    def service_arguments(self) -> dict[str, Any]:
        """Return the cleaned values as `update_deal_settings` takes them."""
        data = self.cleaned_data
        return {
            "protection_days": data["protection_days"],
            "review_business_days": data["review_business_days"],
            "auto_approve_on_breach": data["auto_approve_on_breach"],
            "second_approver": data["second_approver"],
            "extension_days": data["extension_days"],
            "max_extension_days": data["max_extension_days"],
            "max_extensions": data["max_extensions"],
            "form_fields": {
                group.name: data[f"field_{group.name}"] for group in FIELD_GROUPS
            },
            "tier_protection": {
                tier.pk: data[f"tier_{tier.pk}"] for tier in self.tiers
            },
        }


class CustomFieldDefinitionForm(forms.Form):
    """One custom field of a program's registration form; blank rows are skipped."""

    key = forms.SlugField(
        max_length=40, help_text="Lower-case letters, digits and underscores."
    )
    label = forms.CharField(max_length=100)
    field_type = forms.ChoiceField(
        label="Type", choices=CustomFieldType.choices, initial=CustomFieldType.TEXT
    )
    is_required = forms.BooleanField(label="Required", required=False)
    choices = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For a choice: one value a line.",
    )
    help_text = forms.CharField(max_length=200, required=False)
    order = forms.IntegerField(min_value=0, max_value=1000, required=False)


class BaseCustomFieldFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    """The custom fields of a program; removed and blank rows are left out."""

    def definitions(self) -> list[dict[str, Any]]:
        """Return the definitions as `update_deal_settings` takes them."""
        return [
            {
                **{
                    name: form.cleaned_data.get(name)
                    for name in (
                        "key",
                        "label",
                        "field_type",
                        "is_required",
                        "choices",
                        "help_text",
                    )
                },
                "order": form.cleaned_data.get("order") or number,
            }
            for number, form in enumerate(self.forms, start=1)
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


CustomFieldFormSet = forms.formset_factory(
    CustomFieldDefinitionForm,
    formset=BaseCustomFieldFormSet,
    extra=2,
    can_delete=True,
    max_num=30,
    validate_max=True,
    absolute_max=30,
)


def custom_field_formset(data: Any = None, definitions: Any = ()) -> Any:
    """Return the formset of a program's custom fields."""
    initial = [
        {
            "key": definition.key,
            "label": definition.label,
            "field_type": definition.field_type,
            "is_required": definition.is_required,
            "choices": "\n".join(definition.choices),
            "help_text": definition.help_text,
            "order": definition.order,
        }
        for definition in definitions
    ]
    return CustomFieldFormSet(data, initial=initial, prefix="custom")
