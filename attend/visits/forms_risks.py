"""Forms for risk markers (record, review, end) and the risk check before a visit."""

from __future__ import annotations

from django import forms

from .forms_lists import AnyChoiceField, date_field
from .models_risks import RiskKind
from .models_rounds import Visit
from .risks import PAIRED_KINDS

KIND_HELP = (
    "Infection precautions are a precaution (for example, wear gloves or stay on the doorstep), never a "
    "diagnosis: do not record anyone's medical condition."
)
REVIEW_HELP = "At most 12 months ahead. After this date the marker shows as expired until someone reviews it."


class MarkerForm(forms.Form):
    about = AnyChoiceField(
        label="Who or where is the risk about",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who or which address the marker is about"},
    )
    kind = forms.ChoiceField(
        label="Kind of risk",
        choices=RiskKind.choices,
        widget=forms.RadioSelect,
        help_text=KIND_HELP,
        error_messages={"required": "Choose the kind of risk"},
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea,
        help_text="What happened, when, and who said so: facts, not opinions",
        error_messages={"required": "Enter the reason for the marker: what happened, or why"},
    )
    review_on = date_field("Review date", help_text=REVIEW_HELP + " For example, 2026-05-19")

    def __init__(self, *args, about_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["about"].choices = list(about_choices)


class ReviewForm(forms.Form):
    review_on = date_field("New review date", help_text=REVIEW_HELP + " For example, 2026-05-19")
    note = forms.CharField(
        label="Why the marker still stands",
        widget=forms.Textarea,
        error_messages={"required": "Enter why the marker still stands"},
    )


class EndForm(forms.Form):
    reason = forms.CharField(
        label="Why the marker no longer applies",
        max_length=300,
        widget=forms.Textarea,
        help_text="For example: the family has moved away; the dog has been rehomed",
        error_messages={"required": "Enter why the marker no longer applies"},
    )


class RiskCheckForm(forms.Form):
    mode = forms.ChoiceField(
        label="How will you go",
        choices=Visit.Mode.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how you will go: alone, paired or doorstep only"},
    )
    paired_with = forms.CharField(
        label="Who is going with you (if paired)",
        required=False,
        max_length=150,
        help_text="Their name: they check in too",
    )
    paired_kind = forms.ChoiceField(
        label="They are (if paired)",
        required=False,
        choices=[("", "Not paired"), *PAIRED_KINDS.items()],
    )
    markers_read = forms.BooleanField(label="I have read the risks above", required=False)
    last_visit_read = forms.BooleanField(label="I have read the notes of the last visit", required=False)
    note = forms.CharField(label="Anything else (optional)", required=False, widget=forms.Textarea)


class UrgentCheckForm(forms.Form):
    """The one-minute check for an urgent welfare visit: the markers are shown, the mode chosen."""

    mode = RiskCheckForm.base_fields["mode"]
    paired_with = RiskCheckForm.base_fields["paired_with"]
    paired_kind = RiskCheckForm.base_fields["paired_kind"]
