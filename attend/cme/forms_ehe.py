"""Forms for the home education pages (attend/cme/views_ehe.py). The rules live in attend/cme/ehe.py."""

from __future__ import annotations

from django import forms

from .ehe import END_REASONS
from .models_ehe import EheContact

DATE_ERRORS = {"invalid": "Enter the date like 2025-11-19"}


def _date(label: str, required_message: str, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=f"{label} (YYYY-MM-DD)",
        required=required,
        error_messages={**DATE_ERRORS, "required": required_message},
    )


class NoticeForm(forms.Form):
    upn = forms.CharField(
        label="The pupil's UPN",
        max_length=13,
        error_messages={"required": "Enter the pupil's UPN"},
    )
    received_on = _date("Date the notice in writing was received", "Enter the date the notice was received")
    from_name = forms.CharField(
        label="Parent who gave notice",
        max_length=200,
        help_text="As they signed it",
        error_messages={"required": "Enter the name of the parent who gave notice"},
    )
    note = forms.CharField(
        label="Reasons given (optional)",
        required=False,
        max_length=4000,
        widget=forms.Textarea,
        help_text="Parents need not give reasons",
    )
    special_school_la_placed = forms.BooleanField(
        label="The child is at a special school under arrangements made by the local authority",
        required=False,
        help_text="The name stays on the roll until the local authority consents (2024 Regs reg 9(3))",
    )


class ConsentForm(forms.Form):
    decision = forms.ChoiceField(
        label="Does the local authority consent to the deletion?",
        choices=[("given", "Yes, consent given"), ("refused", "No, consent refused")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the local authority consents"},
    )
    on = _date("Date of the decision", "Enter the date of the decision")
    note = forms.CharField(
        label="Reasons",
        required=False,
        max_length=4000,
        widget=forms.Textarea,
        help_text="Needed when consent is refused",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class ContactForm(forms.Form):
    kind = forms.ChoiceField(
        label="How was the contact made?",
        choices=EheContact.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the contact was made"},
    )
    on = _date("Date of the contact", "Enter the date of the contact")
    with_whom = forms.CharField(label="With whom (optional)", required=False, max_length=200)
    note = forms.CharField(
        label="What was found",
        max_length=4000,
        widget=forms.Textarea,
        error_messages={"required": "Enter what was found"},
    )
    suitability = forms.ChoiceField(
        label="Does the education appear suitable?",
        choices=EheContact.Suitability.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the view on suitability"},
    )
    next_contact_on = _date("Next contact due (optional)", "", required=False)


class ReturnForm(forms.Form):
    school_urn = forms.IntegerField(
        label="URN of the school the child joined",
        error_messages={
            "required": "Enter the school's URN",
            "invalid": "Enter the URN as digits, like 100123",
        },
    )
    on = _date("Date the child started at the school", "Enter the date the child started")
    version = forms.IntegerField(widget=forms.HiddenInput)


class EndForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why does home education end here?",
        choices=list(END_REASONS.items()),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why the record ends"},
    )
    on = _date("Date it ended", "Enter the date it ended")
    note = forms.CharField(label="Details (optional)", required=False, max_length=250)
    version = forms.IntegerField(widget=forms.HiddenInput)


class RegisterFilter(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        required=False,
        help_text="Current: home educated, or awaiting the LA's consent",
        choices=[
            ("", "Current"),
            ("returned", "Returned to school"),
            ("ended", "Ended"),
            ("all", "All"),
        ],
    )
    flag = forms.ChoiceField(
        label="Flag",
        required=False,
        choices=[("", "Any"), ("ehc", "EHC plan"), ("cp", "Child protection plan")],
    )
    due = forms.BooleanField(label="Only those with a contact due by today", required=False)
