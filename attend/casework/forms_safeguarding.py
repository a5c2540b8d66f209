"""Forms for safeguarding steps from a case."""

from __future__ import annotations

from django import forms

from .models import SafeguardingRecord

K = SafeguardingRecord.Kind


class SafeguardingForm(forms.Form):
    kind = forms.ChoiceField(
        label="What are you recording",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what you are recording",
            "invalid_choice": "Choose what you are recording from the list",
        },
    )
    summary = forms.CharField(
        label="What happened, and what you know",
        widget=forms.Textarea,
        error_messages={"required": "Describe the concern or the referral"},
        help_text="Only the school's DSL and the LA's safeguarding lead (and you) will read this",
    )
    reference = forms.CharField(
        label="The other agency's reference (referrals)", max_length=60, required=False
    )
    outcome = forms.CharField(
        label="Outcome, if known (you can add it later)", required=False, widget=forms.Textarea
    )

    def __init__(self, *args, la_side: bool, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = list(K.choices) if la_side else [(K.DSL_CONCERN.value, K.DSL_CONCERN.label)]
        self.fields["kind"].choices = kinds
        if not la_side:
            self.fields["kind"].initial = K.DSL_CONCERN.value


class OutcomeForm(forms.Form):
    outcome = forms.CharField(
        label="Outcome", widget=forms.Textarea, error_messages={"required": "Enter the outcome"}
    )


class RestrictedNoteForm(forms.Form):
    text = forms.CharField(
        label="Restricted note",
        widget=forms.Textarea,
        help_text="Visible only to the school's DSL and the LA's safeguarding lead",
        error_messages={"required": "Enter the note"},
    )
