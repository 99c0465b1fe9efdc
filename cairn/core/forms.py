"""Filter forms of the activity stream and the audit log."""

from django import forms

from cairn.core.models import AuditAction


class ActivityFilterForm(forms.Form):
    """Narrow the activity stream by verb."""

    verb = forms.CharField(
        required=False,
        max_length=100,
        label="Action",
        help_text="For example organization. or invitation.accepted",
    )


class AuditFilterForm(forms.Form):
    """Narrow the audit log by action and by who or what."""

    action = forms.ChoiceField(
        required=False, choices=[("", "Any action"), *AuditAction.choices]
    )
    q = forms.CharField(
        required=False,
        max_length=100,
        label="Who or what",
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "Email or object"}
        ),
    )
