"""The s19 decision form: GOV.UK error messages. The rules (a reason for "not needed", the provision and its start
for "arranging") are in decisions_s19.record_decision; the form repeats them so every error shows at once."""

from __future__ import annotations

from django import forms

from attend.casework.forms_plans import Form, date_field

from .models_s19 import ProvisionDecision

T = ProvisionDecision.Trigger
D = ProvisionDecision.Decision


class DecisionForm(Form):
    trigger = forms.ChoiceField(
        label="Is it a suspension or a permanent exclusion?",
        choices=[
            (T.SUSPENSION, "A suspension: the school provides from the sixth day"),
            (T.EXCLUSION, "A permanent exclusion: the LA provides from the sixth day (s19)"),
        ],  # fmt: skip
        widget=forms.RadioSelect,
        help_text="E marks do not say which: check with the school",
        error_messages={"required": "Say whether it is a suspension or a permanent exclusion"},
    )
    decision = forms.ChoiceField(
        label="Decision",
        choices=D.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the decision"},
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        widget=forms.Textarea,
        max_length=3000,
        help_text="Needed when education is not needed: for example, back in school full time from Monday",
    )
    provision = forms.CharField(
        label="Education arranged",
        required=False,
        widget=forms.Textarea,
        max_length=3000,
        help_text="When the LA is arranging it: hours a week, where and by whom",
    )
    provision_starts = date_field("Date the arranged education starts", required=False)
    review_on = date_field("Review date", required=False)

    def __init__(self, *args, trigger: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.for_health = trigger == T.HEALTH
        if self.for_health:
            self.fields["trigger"] = forms.CharField(
                widget=forms.HiddenInput, initial=T.HEALTH, required=False
            )
        elif not self.is_bound:
            self.initial.setdefault("trigger", trigger)

    def clean(self):
        data = super().clean()
        if self.for_health:  # the page's trigger, whatever was posted
            data["trigger"] = T.HEALTH
        decision = data.get("decision")
        if decision == D.NOT_NEEDED and not data.get("reason", "").strip():
            self.add_error("reason", "Give the reason education does not need to be arranged")
        if decision == D.ARRANGING:
            if not data.get("provision", "").strip():
                self.add_error("provision", "Say what education is arranged: hours a week, where and by whom")
            if not data.get("provision_starts") and "provision_starts" not in self.errors:
                self.add_error("provision_starts", "Enter the date the arranged education starts")
        return data
