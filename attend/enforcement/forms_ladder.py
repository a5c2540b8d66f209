"""Forms for the ladder's pages (GOV.UK markup through attend_forms; parents are ticked from the pupil's own
contacts, rendered by the template)."""

from __future__ import annotations

from django import forms

from .models import AttendanceContract, CodeOfConduct, NoticeRequest


class DateInput(forms.DateInput):
    input_type = "date"


def date_field(label: str, **kw) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=DateInput,
        error_messages={"invalid": f"Enter {label.lower()} as a real date"},
        **kw,
    )


class CodeForm(forms.Form):
    effective_from = date_field("Takes effect from")
    nti_period_weeks = forms.IntegerField(
        label="Improvement period of a notice to improve (weeks)", min_value=3, max_value=6,
        error_messages={"min_value": "The improvement period must be 3 to 6 weeks",
                        "max_value": "The improvement period must be 3 to 6 weeks",
                        "required": "Enter the improvement period (3 to 6 weeks)"},
    )  # fmt: skip
    sufficient_improvement = forms.CharField(
        label="What counts as sufficient improvement (printed on the notice)", widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what counts as sufficient improvement"},
    )  # fmt: skip
    sufficient_max_unauthorised = forms.IntegerField(
        label="At most this many unauthorised sessions in the period counts as sufficient", min_value=0
    )
    nti_required = forms.BooleanField(
        label="A notice to improve comes before a penalty notice", required=False
    )
    schools_request_through_la = forms.BooleanField(
        label="Schools request notices through the LA", required=False
    )
    time_limit_from = forms.ChoiceField(
        label="Count the six months for laying an information from", choices=CodeOfConduct.TimeLimitFrom.choices,
        widget=forms.RadioSelect,
    )  # fmt: skip
    wording = forms.CharField(
        label="The LA's wording on its notices", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class PeriodForm(forms.Form):
    start = date_field("First date relied on")
    end = date_field("Last date relied on")

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The last date is before the first")
        return data


class RequestForm(forms.Form):
    reason = forms.ChoiceField(label="Reason", choices=NoticeRequest.Reason.choices, widget=forms.RadioSelect,
                               error_messages={"required": "Choose the reason"})  # fmt: skip
    period_start = date_field("First day of the period")
    period_end = date_field("Last day of the period")
    summary = forms.CharField(label="What happened and what the school has done", widget=forms.Textarea(attrs={"rows": 4}),
                              error_messages={"required": "Say what happened and what the school has done"})  # fmt: skip
    leave_request = forms.CharField(
        label="The refused leave request (term-time holiday): when asked, for which dates, when refused",
        required=False, widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip


class DecisionForm(forms.Form):
    action = forms.ChoiceField(
        label="Decision", widget=forms.RadioSelect,
        choices=[("issue", "Issue the notices"), ("return", "Return to the school for more"), ("refuse", "Refuse")],
        error_messages={"required": "Choose a decision"},
    )  # fmt: skip
    note = forms.CharField(
        label="What is missing, or the reason", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ContractForm(forms.Form):
    starts_on = date_field("Start")
    review_on = date_field("First review (4 to 6 weeks after the start)")
    support_offered = forms.CharField(label="Support offered", widget=forms.Textarea(attrs={"rows": 3}),
                                      error_messages={"required": "Say what support is offered"})  # fmt: skip
    parent_commitments = forms.CharField(
        label="What the parents agree to do (one a line)", widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what the parents agree to do"},
    )  # fmt: skip
    pupil_commitments = forms.CharField(label="What the pupil agrees to do", required=False,
                                        widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    pupil_party = forms.BooleanField(label="The pupil is a party", required=False, initial=True)
    la_party = forms.BooleanField(label="The LA is a party", required=False, initial=True)


class ContractActionForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in ("sign", "decline", "review", "end")])
    on = date_field("Date")
    reason = forms.CharField(required=False)
    kept = forms.ChoiceField(choices=[("yes", "Yes"), ("no", "No")], required=False)
    next_review_on = date_field("Next review", required=False)
    outcome = forms.ChoiceField(choices=[("", "")] + list(AttendanceContract.Outcome.choices), required=False)


class NtiForm(forms.Form):
    issued_on = date_field("Date of issue")
    support_offered = forms.CharField(label="Support offered", widget=forms.Textarea(attrs={"rows": 3}),
                                      error_messages={"required": "Say what support is offered"})  # fmt: skip


class NtiOutcomeForm(forms.Form):
    action = forms.ChoiceField(choices=[("outcome", "outcome"), ("withdraw", "withdraw")])
    note = forms.CharField(required=False)
