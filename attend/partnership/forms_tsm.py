"""Forms for targeting support meetings: GOV.UK error messages; the rules themselves live in tsm.py."""

from __future__ import annotations

from django import forms

from attend.casework.forms_plans import Form, date_field

from .models_tsm import AgreedAction, SupportMeeting


class MeetingForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    status = forms.ChoiceField(
        label="The meeting this term",
        choices=SupportMeeting.Status.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the meeting was offered, held or declined"},
    )
    meeting_date = date_field("Date of the meeting", required=False)
    attendees = forms.CharField(
        label="Who attended", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Names and roles, one a line",
    )  # fmt: skip
    record = forms.CharField(
        label="Meeting record", required=False, widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What was discussed and agreed; actions for named pupils are added after saving",
    )  # fmt: skip
    declined_reason = forms.CharField(
        label="Why the school declined", required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed when a maintained school or academy declines; an independent school need not say",
    )  # fmt: skip


class ActionForm(Form):
    upn = forms.CharField(
        label="Pupil's UPN", max_length=13, error_messages={"required": "Enter the pupil's UPN"},
        help_text="From the pack's list of persistent and severe absentees",
    )  # fmt: skip
    action = forms.CharField(
        label="Action agreed", widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the action agreed"},
    )  # fmt: skip
    lead_practitioner = forms.CharField(
        label="Lead practitioner", max_length=200,
        error_messages={"required": "Enter the lead practitioner: every agreed action needs a named lead"},
        help_text="The named person who makes sure it happens",
    )  # fmt: skip
    due_date = date_field("Date due", required=False)


class ReviewForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(
        label="What became of it",
        choices=[(v, label) for v, label in AgreedAction.Status.choices if v != AgreedAction.Status.CARRIED],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose done, no longer needed or not finished"},
    )
    note = forms.CharField(label="Review note", required=False, widget=forms.Textarea(attrs={"rows": 3}))
