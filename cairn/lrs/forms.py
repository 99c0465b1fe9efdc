"""Forms of the vendor console's LRS pages."""

from typing import Any, cast

from django import forms

from cairn.lrs.choices import ClientScope


class LRSClientForm(forms.Form):
    """Create LRS credentials for a tool, a program or a partner organization."""

    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="What uses these credentials, for example “Storyline courses”.",
    )
    scopes = forms.MultipleChoiceField(
        label="Access",
        choices=ClientScope.choices,
        initial=[ClientScope.STATEMENTS_WRITE, ClientScope.STATE],
        widget=forms.CheckboxSelectMultiple,
    )
    program: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="Program",
        queryset=None,
        required=False,
        empty_label="Whole vendor",
        help_text="Content of one program only (optional).",
    )
    organization: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="Partner organization",
        queryset=None,
        required=False,
        empty_label="None",
        help_text="An LRS or LMS run by one partner (optional; not with a program).",
    )

    def __init__(
        self, *args: Any, programs: Any, organizations: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField[Any], self.fields["program"]).queryset = programs
        cast(
            forms.ModelChoiceField[Any], self.fields["organization"]
        ).queryset = organizations


class StatementForwardingForm(forms.Form):
    """Forward one program's statements to an external LRS."""

    program: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="Program", queryset=None
    )
    endpoint = forms.URLField(
        label="Remote xAPI endpoint",
        max_length=200,
        assume_scheme="https",
        help_text="For example https://lrs.example.com/xapi/",
    )
    username = forms.CharField(label="Remote key", max_length=200)
    password = forms.CharField(
        label="Remote secret",
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="Leave empty to keep the secret already stored.",
    )
    is_active = forms.BooleanField(
        label="Forward statements", required=False, initial=True
    )

    def __init__(self, *args: Any, programs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField[Any], self.fields["program"]).queryset = programs
