"""Forms for consent, booking and recording meetings, and a contact's safety record."""

from __future__ import annotations

from django import forms

from attend.letters.models import Message
from attend.people.models import ContactSafety

from .meetings import ARRANGEMENTS
from .models import Consent, Meeting, PlanAction

DATE_HELP = "For example, 2025-11-19"


def date_field(label: str, *, required: bool = True, help_text: str = DATE_HELP) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        error_messages={
            "required": f"Enter the {label.lower()}",
            "invalid": f"Enter the {label.lower()} as a real date, like 2025-11-19",
        },
    )


def contact_choices(links, blank: str) -> list[tuple[str, str]]:
    return [("", blank)] + [(str(link.contact_id), f"{link.contact} ({link.relationship})") for link in links]


class ConsentForm(forms.Form):
    contact = forms.ChoiceField(label="Which parent or carer gave consent", required=False)
    how = forms.ChoiceField(
        label="How was consent given",
        choices=Consent.How.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how consent was given"},
    )
    given_on = date_field("Date consent was given")
    expires_on = date_field("Date consent ends", required=False, help_text="Leave empty if no end was agreed")
    parent_at_home = forms.BooleanField(
        label="The parent will be at home during each session", required=False, initial=True
    )
    contact_number = forms.CharField(
        label="The parent's number used to reach the child",
        max_length=20,
        required=False,
        help_text="Never the child's own number",
    )
    arrangement = forms.ChoiceField(
        label="A different arrangement (only if the parent's consent is not the right route)",
        required=False,
        choices=[("", "No: the parent consents")] + list(ARRANGEMENTS.items()),
    )
    given_by_name = forms.CharField(
        label="Who agreed, if not a parent listed above",
        max_length=150,
        required=False,
        help_text="For example, 'Sam Okoro, social worker'",
    )
    arrangement_reason = forms.CharField(
        label="Reason for the different arrangement", required=False, widget=forms.Textarea
    )

    def __init__(self, *args, links, **kwargs):
        super().__init__(*args, **kwargs)
        self.links = {str(link.contact_id): link for link in links}
        self.fields["contact"].choices = contact_choices(links, "Choose a parent or carer")

    def clean(self):
        data = super().clean()
        if data.get("contact"):
            data["contact_obj"] = self.links[data["contact"]].contact
        else:
            data["contact_obj"] = None
        return data


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="Why was consent withdrawn (optional)", max_length=300, required=False)


METHOD_CHOICES = [
    (Meeting.Method.TELEPHONE, "Telephone"),
    (Meeting.Method.VIDEO, "Video call"),
    (Meeting.Method.IN_PERSON, "In person"),
]


class MeetingForm(forms.Form):
    method = forms.ChoiceField(
        label="How will it happen",
        choices=METHOD_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the meeting will happen"},
    )
    purpose = forms.ChoiceField(
        label="What is it",
        choices=Meeting.Purpose.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the meeting is"},
    )
    date = date_field("Meeting date")
    time = forms.TimeField(
        label="Start time",
        help_text="24-hour clock, for example 10:00 or 14:30",
        error_messages={"required": "Enter the start time", "invalid": "Enter the start time like 10:00"},
    )
    length_minutes = forms.IntegerField(
        label="Length in minutes",
        min_value=10,
        max_value=180,
        initial=30,
        error_messages={
            "required": "Enter how long the meeting will take",
            "invalid": "Enter the length as a number of minutes",
            "min_value": "A meeting takes at least 10 minutes",
            "max_value": "A meeting takes at most 180 minutes",
        },
    )
    agenda = forms.CharField(
        label="Agenda",
        help_text="One item a line: each becomes a heading of the written record",
        widget=forms.Textarea,
        error_messages={"required": "Enter the agenda, one item a line"},
    )
    joining_details = forms.CharField(
        label="How to join",
        required=False,
        widget=forms.Textarea,
        help_text="The number we will call, or the video link",
    )
    series = forms.CharField(
        label="Series name (direct-work sessions)",
        max_length=100,
        required=False,
        help_text="Sessions in a series share this name, for example 'Talking about school, autumn'",
    )
    purpose_shared = forms.CharField(
        label="Purpose and outline of the session, shared in advance (direct work)",
        required=False,
        widget=forms.Textarea,
    )
    other_arrangement = forms.CharField(
        label="Direct work without a parent's consent: the arrangement and its reason",
        required=False,
        widget=forms.Textarea,
        help_text="Only for an older pupil, a young carer or a looked-after child",
    )
    invite = forms.ChoiceField(label="Send the invitation to", required=False)
    route = forms.ChoiceField(
        label="Send it as",
        choices=[
            (Message.Route.EMAIL, "Email"),
            (Message.Route.POST, "Letter by post"),
            (Message.Route.PRINT, "Letter to print and hand over"),
        ],
        widget=forms.RadioSelect,
        initial=Message.Route.EMAIL,
    )

    def __init__(self, *args, links, **kwargs):
        super().__init__(*args, **kwargs)
        self.links = {str(link.contact_id): link for link in links}
        self.fields["invite"].choices = contact_choices(links, "Do not send an invitation")

    def clean(self):
        data = super().clean()
        data["invite_obj"] = self.links[data["invite"]].contact if data.get("invite") else None
        if not data.get("route"):
            data["route"] = Message.Route.EMAIL
        return data


class RecordForm(forms.Form):
    held = forms.ChoiceField(
        label="Did the meeting take place",
        choices=[("yes", "Yes, it was held"), ("no", "No, it did not take place")],
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the meeting took place"},
    )
    why_not_held = forms.CharField(label="If not, why not", max_length=300, required=False)
    participants = forms.CharField(
        label="Who took part", required=False, widget=forms.Textarea, help_text="One a line"
    )
    child_seen = forms.BooleanField(label="The child was seen", required=False)
    child_heard = forms.BooleanField(label="The child was heard (spoke for themselves)", required=False)
    child_words = forms.CharField(label="The child's own words", required=False, widget=forms.Textarea)
    parent_words = forms.CharField(label="The parent's own words", required=False, widget=forms.Textarea)
    next_step = forms.CharField(label="Next step", max_length=300, required=False)
    next_step_due = date_field("Next step due", required=False, help_text="For example, 2025-12-03")
    version = forms.IntegerField(widget=forms.HiddenInput)

    ACTION_ROWS = 3

    def __init__(self, *args, headings: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.headings = headings
        for i, heading in enumerate(headings):
            self.fields[f"note_{i}"] = forms.CharField(label=heading, required=False, widget=forms.Textarea)
        owners = [("", "Choose who")] + list(PlanAction.Owner.choices)
        for i in range(self.ACTION_ROWS):
            self.fields[f"action_{i}_what"] = forms.CharField(
                label=f"Action {i + 1}: what", max_length=300, required=False
            )
            self.fields[f"action_{i}_owner"] = forms.ChoiceField(
                label=f"Action {i + 1}: who", choices=owners, required=False
            )
            self.fields[f"action_{i}_due"] = date_field(f"Action {i + 1} due date", required=False)

    def note_fields(self):
        return [self[f"note_{i}"] for i in range(len(self.headings))]

    def action_rows(self):
        return [
            (i + 1, self[f"action_{i}_what"], self[f"action_{i}_owner"], self[f"action_{i}_due"])
            for i in range(self.ACTION_ROWS)
        ]

    def clean(self):
        data = super().clean()
        if data.get("held") == "no" and not (data.get("why_not_held") or "").strip():
            self.add_error("why_not_held", "Say why the meeting did not take place")
        actions = []
        for i in range(self.ACTION_ROWS):
            what = (data.get(f"action_{i}_what") or "").strip()
            owner, due = data.get(f"action_{i}_owner"), data.get(f"action_{i}_due")
            if not what and not owner and not due:
                continue
            if not what:
                self.add_error(f"action_{i}_what", f"Say what action {i + 1} is")
            if not owner:
                self.add_error(f"action_{i}_owner", f"Choose who owns action {i + 1}")
            if not due and f"action_{i}_due" not in self.errors:
                self.add_error(f"action_{i}_due", f"Enter when action {i + 1} is due")
            if what and owner and due:
                actions.append((what, owner, due))
        data["actions"] = actions
        data["notes"] = [data.get(f"note_{i}", "") for i in range(len(self.headings))]
        return data


class SendRecordForm(forms.Form):
    contact = forms.ChoiceField(label="Send to", error_messages={"required": "Choose who it goes to"})
    route = forms.ChoiceField(
        label="Send it as",
        choices=[
            (Message.Route.EMAIL, "Email"),
            (Message.Route.POST, "Letter by post"),
            (Message.Route.PRINT, "Letter to print and hand over"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how to send it"},
    )

    def __init__(self, *args, links, **kwargs):
        super().__init__(*args, **kwargs)
        self.links = {str(link.contact_id): link for link in links}
        self.fields["contact"].choices = contact_choices(links, "Choose a parent or carer")


class SafetyForm(forms.Form):
    contact_confidential = forms.BooleanField(
        label="This contact is confidential: do not show them to the other parent's side", required=False
    )
    address_confidential = forms.BooleanField(
        label="Their address is confidential: never show or print it to anyone else", required=False
    )
    confidential_reason = forms.CharField(
        label="Reason",
        max_length=200,
        required=False,
        help_text="For example, non-molestation order, or a refuge",
    )
    barriers = forms.MultipleChoiceField(
        label="Barriers to communication", choices=ContactSafety.Barrier.choices, required=False
    )
    barriers_note = forms.CharField(label="Note on barriers", max_length=300, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        confidential = data.get("contact_confidential") or data.get("address_confidential")
        if confidential and not (data.get("confidential_reason") or "").strip():
            self.add_error("confidential_reason", "Give the reason the contact or address is confidential")
        return data
