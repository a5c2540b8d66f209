from __future__ import annotations

from django import forms

from .services import REPORTS


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label="What the file holds",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the file holds"},
    )
    file = forms.FileField(
        label="Upload a file",
        error_messages={"required": "Choose a file to upload", "empty": "The file is empty"},
    )

    def __init__(self, *args, kinds: dict[str, str], refusal: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = list(kinds.items())
        # Why the upload handler stopped reading the file (attend.jobs.uploads), if it did.
        self.refusal = refusal
        if refusal:
            self.fields["file"].required = False

    def clean_file(self):
        if self.refusal:
            raise forms.ValidationError(self.refusal)
        return self.cleaned_data["file"]


class ReportForm(forms.Form):
    report = forms.ChoiceField(
        label="Which report",
        choices=list(REPORTS.items()),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a report"},
    )
