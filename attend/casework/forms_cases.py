"""Forms of the case pages. Validation words are the GOV.UK error summary's; services check the rules again."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from attend.core import clock
from attend.schools.models import LocalAuthority

from .models import CallOutcome, Case, EntryKind, Stage, Support

YES_NO = [("", "Not recorded"), ("yes", "Yes"), ("no", "No")]

# What an officer logs by hand; letters, stage changes and the rest are recorded by the pages that do them.
LOGGABLE_KINDS = [
    EntryKind.PHONE_CALL,
    EntryKind.DOORSTEP_VISIT,
    EntryKind.HOME_VISIT,
    EntryKind.TELEPHONE_MEETING,
    EntryKind.VIDEO_MEETING,
    EntryKind.SCHOOL_MEETING,
    EntryKind.ATTENDANCE_PANEL,
    EntryKind.PRE_LEGAL_MEETING,
    EntryKind.MULTI_AGENCY_MEETING,
    EntryKind.DIRECT_WORK,
    EntryKind.NOTE,
]


def _yes_no(label: str) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=YES_NO, required=False, widget=forms.RadioSelect)


def as_bool(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class OpenCaseForm(forms.Form):
    stage = forms.ChoiceField(
        label="Stage",
        choices=[(s.value, s.label) for s in Stage if s not in (Stage.EXPECT, Stage.MONITOR)],
        initial=Stage.LISTEN,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the stage the case starts at"},
    )
    reason = forms.CharField(
        label="Why you are opening a case",
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"required": "Enter why you are opening a case"},
    )


class ChildForm(OpenCaseForm):
    forename = forms.CharField(
        label="First name", max_length=100, error_messages={"required": "Enter the child's first name"}
    )
    surname = forms.CharField(
        label="Last name", max_length=100, error_messages={"required": "Enter the child's last name"}
    )
    date_of_birth = forms.DateField(
        label="Date of birth (YYYY-MM-DD)",
        required=False,
        help_text="Leave empty if it is not known yet",
        error_messages={"invalid": "Enter the date of birth like 2014-03-27"},
    )
    address = forms.CharField(
        label="Address",
        widget=forms.Textarea,
        max_length=500,
        required=False,
        help_text="Where the child is living, one line per line",
    )
    postcode = forms.CharField(label="Postcode", max_length=10, required=False)
    local_authority = forms.ModelChoiceField(
        label="Local authority responsible",
        queryset=LocalAuthority.objects.none(),
        empty_label="Choose a local authority",
        error_messages={
            "required": "Choose the local authority responsible for the child",
            "invalid_choice": "Choose a local authority you work for",
        },
    )

    field_order = [
        "forename",
        "surname",
        "date_of_birth",
        "address",
        "postcode",
        "local_authority",
        "stage",
        "reason",
    ]

    def __init__(self, *args, authorities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["local_authority"].queryset = authorities
        if authorities.count() == 1:
            self.fields["local_authority"].initial = authorities.first().pk

    def clean_date_of_birth(self):
        born = self.cleaned_data.get("date_of_birth")
        if born is not None and born > clock.today():
            raise forms.ValidationError("The date of birth must be in the past")
        return born


class EntryForm(forms.Form):
    kind = forms.ChoiceField(
        label="What happened",
        choices=[("", "Choose")] + [(k.value, k.label) for k in LOGGABLE_KINDS],
        error_messages={"required": "Choose what happened (a call, a visit, a meeting or a note)"},
    )
    outcome = forms.ChoiceField(
        label="Outcome of the call",
        choices=CallOutcome.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    date = forms.DateField(
        label="Date (YYYY-MM-DD)",
        error_messages={
            "required": "Enter the date it happened",
            "invalid": "Enter the date like 2025-11-19",
        },
    )
    time = forms.TimeField(
        label="Time (24-hour, like 14:30)",
        error_messages={"required": "Enter the time it happened", "invalid": "Enter the time like 14:30"},
    )
    participants = forms.CharField(
        label="Who took part",
        widget=forms.Textarea,
        required=False,
        max_length=1000,
        help_text="One person per line, with their role",
    )
    child_seen = _yes_no("Was the child seen?")
    child_heard = _yes_no("Was the child heard (did they give their views)?")
    child_words = forms.CharField(
        label="The child's words",
        widget=forms.Textarea,
        required=False,
        max_length=4000,
        help_text="What the child said, in their own words",
    )
    parent_words = forms.CharField(
        label="The parent's or carer's words",
        widget=forms.Textarea,
        required=False,
        max_length=4000,
        help_text="What the parent or carer said, in their own words",
    )
    summary = forms.CharField(
        label="Summary",
        widget=forms.Textarea,
        max_length=8000,
        error_messages={"required": "Enter a summary of what happened"},
    )
    next_step = forms.CharField(label="Next step", widget=forms.Textarea, required=False, max_length=2000)
    next_step_due = forms.DateField(
        label="Next step due (YYYY-MM-DD)",
        required=False,
        error_messages={"invalid": "Enter the due date like 2025-11-26"},
    )
    interpreter_needed = _yes_no("Was an interpreter needed?")
    interpreter_used = _yes_no("Was an interpreter used?")
    support_offered = forms.MultipleChoiceField(
        label="Support offered", choices=Support.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    support_declined = forms.MultipleChoiceField(
        label="Support declined", choices=Support.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, kind_fixed: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind_fixed = kind_fixed
        if kind_fixed:  # a correction keeps the kind of the entry it corrects
            del self.fields["kind"]
            self.fields["summary"].label = "The corrected summary"

    @property
    def entry_kind(self) -> str:
        return self.kind_fixed or self.cleaned_data.get("kind", "")

    def clean(self):
        data = super().clean()
        if self.entry_kind == EntryKind.PHONE_CALL and not data.get("outcome"):
            self.add_error("outcome", "Choose the outcome of the call")
        if data.get("date") and data.get("time"):
            when = timezone.make_aware(dt.datetime.combine(data["date"], data["time"]))
            if when > timezone.now() + dt.timedelta(minutes=5) or data["date"] > clock.today():
                self.add_error("date", "The date cannot be in the future: log what has happened")
            data["occurred_at"] = when
        if data.get("next_step_due") and not (data.get("next_step") or "").strip():
            self.add_error("next_step", "Enter the next step that is due")
        if data.get("interpreter_used") == "yes" and data.get("interpreter_needed") == "no":
            self.add_error(
                "interpreter_used", "An interpreter was used: say one was needed, or that none was used"
            )
        both = set(data.get("support_declined") or []) - set(data.get("support_offered") or [])
        if both:
            self.add_error("support_declined", "Support declined must also be ticked as offered")
        return data

    def entry_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "occurred_at": data["occurred_at"],
            "participants": data["participants"].strip(),
            "outcome": data["outcome"] if self.entry_kind == EntryKind.PHONE_CALL else "",
            "child_seen": as_bool(data["child_seen"]),
            "child_heard": as_bool(data["child_heard"]),
            "child_words": data["child_words"].strip(),
            "parent_words": data["parent_words"].strip(),
            "next_step": data["next_step"].strip(),
            "next_step_due": data["next_step_due"],
            "interpreter_needed": as_bool(data["interpreter_needed"]),
            "interpreter_used": as_bool(data["interpreter_used"]),
            "support_offered": list(data["support_offered"]),
            "support_declined": list(data["support_declined"]),
        }


class RemovalForm(forms.Form):
    reason = forms.CharField(
        label="Why is this entry on the wrong child?",
        help_text="For example 'Filed on Maya's case; it is about her brother'. A manager decides.",
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"required": "Enter why the entry is on the wrong child"},
    )


class StageForm(forms.Form):
    stage = forms.ChoiceField(
        label="Stage",
        choices=Stage.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a stage"},
    )
    pathway_step = forms.ChoiceField(label="Step of your LA's pathway (optional)", required=False)
    reason = forms.CharField(
        label="Why",
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"required": "Enter why the stage is changing"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, steps, **kwargs):
        super().__init__(*args, **kwargs)
        self.steps = {str(s.pk): s for s in steps}
        self.fields["pathway_step"].choices = [("", "No step")] + [
            (str(s.pk), f"{s.name} ({s.get_stage_display()})") for s in steps
        ]


class CloseForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why is the case closing?",
        choices=Case.CloseReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why the case is closing"},
    )
    summary = forms.CharField(
        label="Closing summary",
        widget=forms.Textarea,
        max_length=4000,
        help_text="Where things stand, and what the family and school were told",
        error_messages={"required": "Enter a closing summary"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label="Why is the case reopening?",
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"required": "Enter why the case is reopening"},
    )


class AssignForm(forms.Form):
    la_officer = forms.ChoiceField(label="LA officer", required=False)
    school_lead = forms.ChoiceField(label="School lead", required=False)
    lead_practitioner = forms.CharField(
        label="Lead practitioner",
        max_length=150,
        required=False,
        help_text="Name and role, e.g. 'Sam Patel, Early Help key worker'",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, la_choices, school_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {str(u.pk): u for u in [*la_choices, *school_choices]}
        name = lambda u: u.get_full_name() or u.get_username()  # noqa: E731
        self.fields["la_officer"].choices = [("", "None")] + [(str(u.pk), name(u)) for u in la_choices]
        self.fields["school_lead"].choices = [("", "None")] + [(str(u.pk), name(u)) for u in school_choices]

    def person(self, name: str):
        return self.people.get(self.cleaned_data.get(name) or "")
