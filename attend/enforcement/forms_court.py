"""Forms for the court steps on a case: GOV.UK error messages; the rules themselves are in orders.py and
prosecutions.py (their refusals are shown as form errors)."""

from __future__ import annotations

from django import forms

from attend.casework.forms_plans import Form, date_field
from attend.people.models import Contact

from .models import Prosecution
from .orders import END_REASONS
from .prosecutions import DEFENCES


class ConsiderForm(Form):
    considered_on = date_field("Date considered")
    consideration = forms.CharField(
        label="Why an education supervision order would or would not help",
        widget=forms.Textarea,
        max_length=5000,
        error_messages={"required": "Enter why an order would or would not help (EA 1996 s447)"},
    )
    pursue = forms.TypedChoiceField(
        label="Will the LA apply for an order?",
        choices=[("yes", "Yes, apply"), ("no", "No, not pursued")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the LA will apply for an order"},
    )


class ProsecutionForm(Form):
    parent = forms.ModelChoiceField(
        label="Parent to be prosecuted",
        queryset=Contact.objects.none(),
        error_messages={
            "required": "Choose the parent",
            "invalid_choice": "Choose one of the child's contacts",
        },
    )
    offence = forms.ChoiceField(
        label="Offence", choices=Prosecution.Offence.choices, widget=forms.RadioSelect,
        error_messages={"required": "Choose the offence"},
    )  # fmt: skip
    period_start = date_field("First day of the offence period")
    period_end = date_field("Last day of the offence period")
    reasons = forms.CharField(
        label="Why prosecution, and why now", widget=forms.Textarea, max_length=5000,
        error_messages={"required": "Enter why prosecution, and why now"},
    )  # fmt: skip

    def __init__(self, *args, pupil=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Contact.objects.filter(pupil_links__pupil=pupil).distinct()
        for key, label in DEFENCES.items():
            self.fields[f"defence_{key}"] = forms.CharField(
                label=f"Defence considered: {label}", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000,
                error_messages={"required": f"Answer the defence: {label}"},
            )  # fmt: skip

    def defences(self) -> dict:
        return {key: self.cleaned_data.get(f"defence_{key}", "") for key in DEFENCES}


class OrderStepForm(Form):
    """One step of an order (the fields the step needs; the rules say which are missing)."""

    STEPS = [
        ("consulted", "Children's social care consulted"), ("applied", "Applied to the court"),
        ("hearing", "Hearing"), ("made", "Order made"), ("refused", "Refused by the court"),
        ("extension_applied", "Extension applied for"), ("extended", "Extended by the court"),
        ("review", "Review"), ("direction", "Direction given"), ("parent_breach", "Persistent breach by a parent"),
        ("child_breach", "Persistent breach by the child"), ("ended", "Order ended"),
    ]  # fmt: skip
    step = forms.ChoiceField(label="What happened", choices=STEPS, widget=forms.RadioSelect,
                             error_messages={"required": "Choose what happened"})  # fmt: skip
    on = date_field("Date")
    note = forms.CharField(label="Details", required=False, widget=forms.Textarea, max_length=5000)
    supervisor = forms.CharField(label="Supervisor (when the order is made)", required=False, max_length=150)
    new_expiry = date_field("New expiry (when extended)", required=False)
    told_on = date_field("Date social care was told (a child's breach)", required=False)
    end_reason = forms.ChoiceField(
        label="Why it ended", required=False, choices=[("", "Choose"), *END_REASONS.items()]
    )


class ProsecutionStepForm(Form):
    STEPS = [
        ("laid", "Information laid"), ("interview", "Interview under caution"), ("hearing", "Hearing"),
        ("outcome", "Outcome"), ("discontinued", "Discontinued"),
    ]  # fmt: skip
    step = forms.ChoiceField(label="What happened", choices=STEPS, widget=forms.RadioSelect,
                             error_messages={"required": "Choose what happened"})  # fmt: skip
    on = date_field("Date")
    time = forms.TimeField(label="Time (interview or hearing)", required=False)
    place = forms.CharField(label="Where (interview) or court (hearing)", required=False, max_length=200)
    kind = forms.CharField(label="Kind of hearing", required=False, max_length=60)
    sjp = forms.BooleanField(label="Single Justice Procedure", required=False)
    caution_given = forms.BooleanField(label="The caution was given", required=False)
    legal_advice_offered = forms.BooleanField(label="Free legal advice was offered", required=False)
    interpreter = forms.CharField(label="Interpreter (if needed)", required=False, max_length=150)
    outcome = forms.ChoiceField(
        label="Outcome", required=False, choices=[("", "Choose"), *Prosecution.Outcome.choices]
    )
    note = forms.CharField(label="Summary or details", required=False, widget=forms.Textarea, max_length=5000)
