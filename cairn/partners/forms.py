"""Forms of the vendor console and the partner portal.

Forms parse and validate input; the services decide and write. Views hand a valid
form's cleaned data to a service through `cairn.core.portal.save_form`, which puts a
ValidationError the service raises back onto the form's fields.
"""

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django_countries import countries

from cairn.partners import selectors
from cairn.partners.choices import MEMBERSHIP_TRANSITIONS, MembershipStatus, PartnerType
from cairn.partners.models import (
    ORGANIZATION_PROFILE_FIELDS,
    PartnerOrganization,
    Program,
    ProgramMembership,
    Specialization,
    Tier,
)
from cairn.partners.querysets import ORGANIZATION_SORTS

_SEPARATORS = re.compile(r"[\s,;]+")
_SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,80}$")


def split_words(text: str) -> list[str]:
    """Split text separated by commas, semicolons, spaces or lines into words."""
    return [word for word in _SEPARATORS.split(text or "") if word]


class TierChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """Choose a tier, labelled with its program."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.program.name} — {obj.name}"


class SlugModelChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """Choose a row by its slug; a value that is no slug is an invalid choice."""

    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values and not _SLUG.match(str(value)):
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class UserChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """Choose a user by name and email."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name} ({obj.email})" if obj.full_name else obj.email


class UsersChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """Choose users by name and email."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name} ({obj.email})" if obj.full_name else obj.email


# Organizations


class OrganizationForm(forms.ModelForm):  # type: ignore[type-arg]
    """A partner organization's profile, and for vendor staff its email domains."""

    website = forms.URLField(required=False, max_length=200, assume_scheme="https")
    languages = forms.CharField(
        required=False,
        max_length=200,
        help_text="Language codes separated by commas, for example en, de, pt-br.",
    )
    email_domains = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=(
            "The organization's email domains, separated by commas. People who "
            "verify an address at one of them may join it."
        ),
    )

    class Meta:
        model = PartnerOrganization
        fields = ORGANIZATION_PROFILE_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "specializations": forms.CheckboxSelectMultiple,
            "industries": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, with_email_domains: bool = True, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if not with_email_domains:
            del self.fields["email_domains"]
        elif self.instance.pk and not self.is_bound:
            self.initial["email_domains"] = ", ".join(
                self.instance.email_domains.values_list("domain", flat=True)
            )
        if not self.is_bound:
            self.initial["languages"] = ", ".join(self.instance.languages or [])

    def clean_languages(self) -> list[str]:
        return split_words(self.cleaned_data.get("languages", ""))

    def clean_email_domains(self) -> list[str]:
        return split_words(self.cleaned_data.get("email_domains", ""))


class OrganizationFilterForm(forms.Form):
    """Filter, search and sort the list of partner organizations."""

    search = forms.CharField(
        required=False,
        max_length=100,
        label="Search",
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "Name, city or email domain"}
        ),
    )
    program = forms.ModelChoiceField(
        queryset=Program.objects.none(), required=False, empty_label="Any program"
    )
    tier = TierChoiceField(
        queryset=Tier.objects.none(), required=False, empty_label="Any tier"
    )
    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), *MembershipStatus.choices]
    )
    partner_type = forms.ChoiceField(
        required=False,
        label="Partner type",
        choices=[("", "Any type"), *PartnerType.choices],
    )
    country = forms.ChoiceField(required=False, choices=[("", "Any country")])
    region = forms.ChoiceField(required=False)
    specialization = SlugModelChoiceField(
        queryset=Specialization.objects.all(),
        required=False,
        to_field_name="slug",
        empty_label="Any specialization",
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from cairn.partners.choices import Region

        self.fields["program"].queryset = selectors.list_programs_for(actor)  # type: ignore[attr-defined]
        self.fields["tier"].queryset = selectors.list_tiers_for(actor)  # type: ignore[attr-defined]
        self.fields["region"].choices = [("", "Any region"), *Region.choices]  # type: ignore[attr-defined]
        self.fields["country"].choices = [  # type: ignore[attr-defined]
            ("", "Any country"),
            *sorted(
                (
                    (code, countries.name(code))
                    for code in selectors.list_countries_for(actor)
                ),
                key=lambda choice: choice[1],
            ),
        ]

    def filters(self) -> dict[str, Any]:
        """Return the valid filters and the sort key; an invalid filter is ignored
        (and shown as an error), an unknown sort key sorts by name.
        """
        self.is_valid()
        filters = {
            name: value
            for name, value in getattr(self, "cleaned_data", {}).items()
            if value not in (None, "")
        }
        sort = self.data.get("sort", "")
        filters["sort"] = sort if sort in ORGANIZATION_SORTS else "name"
        return filters


# Memberships


class MembershipCreateForm(forms.Form):
    """Add an organization to a program."""

    program = forms.ModelChoiceField(queryset=Program.objects.none())
    partner_type = forms.ChoiceField(label="Partner type", choices=PartnerType.choices)
    tier = TierChoiceField(queryset=Tier.objects.none(), required=False)
    status = forms.ChoiceField(
        choices=[
            (MembershipStatus.APPLIED.value, MembershipStatus.APPLIED.label),
            (MembershipStatus.ACTIVE.value, MembershipStatus.ACTIVE.label),
        ],
        initial=MembershipStatus.ACTIVE,
    )
    channel_manager = UserChoiceField(
        queryset=None,
        required=False,
        label="Channel manager",
        help_text="Leave empty to let the program's managers look after the partner.",
    )

    def __init__(
        self, *args: Any, actor: Any, organization: PartnerOrganization, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        programs = selectors.programs_to_add_for(actor, organization)
        self.fields["program"].queryset = Program.objects.filter(  # type: ignore[attr-defined]
            pk__in=[program.pk for program in programs]
        )
        self.fields["tier"].queryset = Tier.objects.filter(  # type: ignore[attr-defined]
            program__in=programs
        ).select_related("program")
        self.fields["channel_manager"].queryset = selectors.channel_manager_choices()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        tier, program = cleaned.get("tier"), cleaned.get("program")
        if tier is not None and program is not None and tier.program_id != program.pk:
            self.add_error("tier", "This tier belongs to another program.")
        return cleaned


class MembershipChangeForm(forms.Form):
    """Change a membership's status, tier, partner type or channel manager."""

    status = forms.ChoiceField()
    tier = forms.ModelChoiceField(
        queryset=Tier.objects.none(), required=False, empty_label="No tier"
    )
    partner_type = forms.ChoiceField(label="Partner type")
    channel_manager = UserChoiceField(
        queryset=None,
        required=False,
        label="Channel manager",
        empty_label="The program's managers",
    )

    def __init__(self, *args: Any, membership: ProgramMembership, **kwargs: Any):
        kwargs.setdefault(
            "initial",
            {
                "status": membership.status,
                "tier": membership.tier_id,
                "partner_type": membership.partner_type,
                "channel_manager": membership.channel_manager_id,
            },
        )
        super().__init__(*args, **kwargs)
        allowed = {membership.status} | set(
            MEMBERSHIP_TRANSITIONS.get(membership.status, ())
        )
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            (value, label)
            for value, label in MembershipStatus.choices
            if value in allowed
        ]
        self.fields["tier"].queryset = membership.program.tiers.order_by("rank")  # type: ignore[attr-defined]
        accepted = membership.program.partner_types or PartnerType.values
        self.fields["partner_type"].choices = [  # type: ignore[attr-defined]
            (value, label)
            for value, label in PartnerType.choices
            if value in accepted or value == membership.partner_type
        ]
        self.fields["channel_manager"].queryset = selectors.channel_manager_choices()  # type: ignore[attr-defined]


# Programs and tiers


class ProgramForm(forms.Form):
    """A partner program: its name, the partner types it accepts, its managers."""

    name = forms.CharField(max_length=120)
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    partner_types = forms.MultipleChoiceField(
        choices=PartnerType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Partner types",
        help_text="Leave all unticked to accept every type.",
    )
    is_open_for_applications = forms.BooleanField(
        required=False, initial=True, label="Open for applications"
    )
    managers = UsersChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Channel managers",
    )

    def __init__(self, *args: Any, program: Program | None = None, **kwargs: Any):
        if program is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": program.name,
                    "description": program.description,
                    "partner_types": program.partner_types,
                    "is_open_for_applications": program.is_open_for_applications,
                    "managers": list(program.managers.values_list("pk", flat=True)),
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["managers"].queryset = selectors.channel_manager_choices()  # type: ignore[attr-defined]


class TierForm(forms.ModelForm):  # type: ignore[type-arg]
    """A tier of a program."""

    class Meta:
        model = Tier
        fields = ("name", "rank", "description")
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"rank": "1 is the entry tier; a higher rank is a higher tier."}
