"""Forms of the CSV import pages: the upload and the choice of how to commit."""

from typing import Any

from django import forms

from cairn.deals.imports.reader import MAX_FILE_BYTES
from cairn.deals.models_import import ImportMode
from cairn.partners.models import Program


class UploadForm(forms.Form):
    """A CSV file of at most MAX_FILE_BYTES; registrations also name the program."""

    program = forms.ModelChoiceField(queryset=Program.objects.none(), empty_label=None)
    file = forms.FileField(
        label="CSV file",
        help_text="UTF-8, comma or semicolon separated, at most 5 MB and 5,000 rows.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args: Any, programs: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if programs is None:
            del self.fields["program"]
        else:
            program_field: Any = self.fields["program"]
            program_field.queryset = programs

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / (1024 * 1024):.1f} MB; the limit is "
                f"{MAX_FILE_BYTES / (1024 * 1024):.1f} MB. Split it into smaller "
                "files."
            )
        return upload

    def file_data(self) -> tuple[str, bytes]:
        """Return the uploaded file's name and bytes (at most the size limit)."""
        upload = self.cleaned_data["file"]
        return str(upload.name), upload.read(MAX_FILE_BYTES + 1)


class CommitForm(forms.Form):
    """How to import a validated file."""

    mode = forms.ChoiceField(choices=ImportMode.choices)
