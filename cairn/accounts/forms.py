"""Forms of the accounts pages: they parse input; services decide and write."""

from typing import Any, cast

from django import forms
from django.contrib.auth.password_validation import (
    password_validators_help_text_html,
    validate_password,
)
from django.core.exceptions import ValidationError

from cairn.accounts import policies
from cairn.accounts.choices import JobFunction, TokenScope
from cairn.accounts.models import User
from cairn.accounts.services import MAX_API_TOKEN_DAYS
from cairn.core.roles import Role


def role_choices(organization_id: int | None) -> list[tuple[str, str]]:
    """Return the role choices that fit an organization (None: the vendor)."""
    allowed = policies.roles_for_organization(organization_id)
    return [(role.value, role.label) for role in Role if role.value in allowed]


class ProfileForm(forms.Form):
    full_name = forms.CharField(label="Full name", max_length=150, required=False)
    job_title = forms.CharField(label="Job title", max_length=120, required=False)
    job_function = forms.ChoiceField(
        label="What you do",
        choices=[("", "—"), *JobFunction.choices],
        required=False,
        help_text="Your learning paths follow it.",
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="What uses this token, for example “CRM sync”.",
    )
    scope = forms.ChoiceField(
        label="Access",
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        widget=forms.RadioSelect,
    )
    expires_in_days = forms.IntegerField(
        label="Expires after (days)",
        min_value=1,
        max_value=MAX_API_TOKEN_DAYS,
        required=False,
        help_text="Leave empty for a token that does not expire.",
    )


class InviteForm(forms.Form):
    email = forms.EmailField(label="Email address", max_length=254)
    role = forms.ChoiceField(label="Role")

    def __init__(self, *args: Any, organization_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = role_choices(organization_id)
        role = cast(forms.ChoiceField, self.fields["role"])
        role.choices = choices
        role.initial = choices[-1][0] if organization_id else None


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="Role")

    def __init__(self, *args: Any, organization_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["role"]).choices = role_choices(
            organization_id
        )


class InvitationSignupForm(forms.Form):
    full_name = forms.CharField(label="Full name", max_length=150)
    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Password (again)",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        password1 = data.get("password1")
        password2 = data.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", "The two passwords differ.")
        elif password1:
            candidate = User(email=self.email, full_name=data.get("full_name", ""))
            try:
                validate_password(password1, candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return data
