"""Forms for recording and reviewing a part-time timetable: GOV.UK error messages; the rules themselves (time limit,
a parent the pupil lives with, the fuller justification of a behaviour-related reason) are in timetables.py."""

from __future__ import annotations

from django import forms

from attend.casework.forms_plans import Form, date_field
from attend.casework.models import TimetableReason

from .timetables import JUSTIFICATION_MIN, parents_living_with


class TimetableForm(Form):
    hours_per_week = forms.DecimalField(
        label="Hours a week in school",
        min_value=0,
        max_value=40,
        decimal_places=1,
        help_text="For example, 12.5",
        error_messages={"required": "Enter the hours a week the pupil is in school"},
    )
    sessions_per_week = forms.IntegerField(
        label="Sessions a week in school (of 10)",
        min_value=0,
        max_value=9,
        help_text="Mornings and afternoons the pupil attends; the rest are marked C2",
        error_messages={
            "required": "Enter the sessions a week the pupil attends",
            "max_value": "A part-time timetable leaves out at least one session: enter 9 or fewer",
        },
    )
    start = date_field("Start date", missing="Enter the date the timetable starts")
    end = date_field(
        "Planned end date",
        missing="Enter the planned end date: a part-time timetable must be time-limited",
    )
    review_date = date_field("First review date", missing="Enter the date of the first review")
    parent_contact = forms.TypedChoiceField(
        label="Agreed with",
        coerce=int,
        help_text="A parent the pupil lives with (2024 Regs reg 11)",
        error_messages={"required": "Choose the parent the timetable was agreed with"},
    )
    reason_category = forms.ChoiceField(
        label="Reason",
        choices=TimetableReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the reason for the timetable"},
    )
    reason = forms.CharField(
        label="The reason, in full",
        widget=forms.Textarea,
        max_length=3000,
        error_messages={"required": "Write the reason for the timetable"},
    )
    behaviour_related = forms.BooleanField(
        label="The pupil's behaviour is part of the reason",
        required=False,
        help_text="The timetable then goes to the LA for scrutiny",
    )
    behaviour_justification = forms.CharField(
        label="Why the timetable is in the pupil's best interests and not to manage behaviour",
        widget=forms.Textarea,
        required=False,
        max_length=5000,
        help_text=f"Needed when behaviour is part of the reason (at least {JUSTIFICATION_MIN} characters)",
    )
    return_plan = forms.CharField(
        label="The plan back to full time",
        widget=forms.Textarea,
        max_length=3000,
        help_text="For example, one more afternoon every two weeks, full time by the planned end",
        error_messages={"required": "Write the plan back to full time"},
    )

    def __init__(self, *args, pupil, **kwargs):
        super().__init__(*args, **kwargs)
        self.parents = {pc.contact_id: pc.contact for pc in parents_living_with(pupil)}
        self.fields["parent_contact"].choices = [("", "Choose a parent")] + [
            (pk, f"{c.title} {c.forename} {c.surname}".strip()) for pk, c in self.parents.items()
        ]
        self.fields["parent_contact"].widget = forms.Select()

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["parent_contact"] = self.parents.get(data["parent_contact"])
        return data


class ReviewForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    reviewed_on = date_field("Date of the review", missing="Enter the date of the review")
    notes = forms.CharField(
        label="What the review found, with the family's views",
        widget=forms.Textarea,
        max_length=5000,
        error_messages={"required": "Write what the review found"},
    )
    outcome = forms.ChoiceField(
        label="Outcome",
        widget=forms.RadioSelect,
        choices=[("continue", "Continue, with a next review date"), ("end", "End it: back to full time")],
        error_messages={"required": "Choose whether the timetable continues or ends"},
    )
    next_review_date = date_field("Next review date", required=False)
    end = date_field("Planned end date (leave as it is unless it changes)", required=False)
    sessions_per_week = forms.IntegerField(
        label="Sessions a week in school (of 10)", min_value=0, max_value=9
    )
    hours_per_week = forms.DecimalField(
        label="Hours a week in school", min_value=0, max_value=40, decimal_places=1, required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("outcome") == "continue" and not data.get("next_review_date"):
            self.add_error("next_review_date", "Enter the date of the next review")
        return data


class ScrutinyForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    decision = forms.ChoiceField(
        label="The LA's decision",
        widget=forms.RadioSelect,
        choices=[("agreed", "Agreed: in the pupil's best interests"), ("challenged", "Challenged")],
        error_messages={"required": "Choose whether the LA agrees or challenges the timetable"},
    )
    note = forms.CharField(
        label="What the LA found and told the school",
        widget=forms.Textarea,
        max_length=3000,
        error_messages={"required": "Write what the LA found and told the school"},
    )
