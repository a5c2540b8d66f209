"""Forms for making a referral and recording its steps: GOV.UK error messages; the rules are in referrals.py."""

from __future__ import annotations

from django import forms

from attend.casework.forms_plans import Form, date_field

from .models_referrals import LawfulBasis, Referral


class ReferralForm(Form):
    service = forms.TypedChoiceField(
        label="Service",
        coerce=int,
        error_messages={
            "required": "Choose the service to refer to",
            "invalid_choice": "Choose a service from the list: a service no longer active cannot be referred to",
        },
    )
    reason = forms.CharField(
        label="Reason for the referral",
        help_text="What the family needs from the service, in words the service will understand",
        widget=forms.Textarea,
        max_length=4000,
        error_messages={"required": "Enter the reason for the referral"},
    )
    consent_given_by = forms.CharField(
        label="Consent given by (if the family agreed)",
        help_text="For example, Mrs Jones (mother). Leave blank if sharing without consent",
        required=False,
        max_length=200,
    )
    consent_given_on = date_field("Date consent was given", required=False)
    lawful_basis = forms.ChoiceField(
        label="Lawful basis for sharing without consent",
        help_text="Only when the family has not consented. A safeguarding referral is never held up for consent",
        required=False,
        choices=[("", "Not needed: the family consented"), *LawfulBasis.choices],
    )
    lawful_basis_note = forms.CharField(
        label="Why sharing without consent is justified",
        required=False,
        widget=forms.Textarea,
        max_length=2000,
    )
    sent_on = date_field("Date sent")

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", "Choose a service")] + [
            (s.pk, f"{s.name}{' (needs consent)' if s.consent_required and not s.is_safeguarding else ''}")
            for s in services
        ]


class UpdateForm(Form):
    status = forms.ChoiceField(
        label="What happened",
        choices=[(s, label) for s, label in Referral.Status.choices if s != Referral.Status.SENT],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what happened to the referral"},
    )
    on = date_field("Date")
    note = forms.CharField(
        label="What the service said", required=False, widget=forms.Textarea, max_length=4000
    )
    outcome = forms.CharField(
        label="Outcome",
        help_text="Needed to close the referral: what support the family got, or why none",
        required=False,
        widget=forms.Textarea,
        max_length=4000,
    )
