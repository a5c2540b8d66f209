from __future__ import annotations

from django import forms

from .fields import TemplateProblem
from .library import check_version_text
from .models import Message


class VersionForm(forms.Form):
    subject = forms.CharField(label="Subject or heading", max_length=200, required=False)
    body = forms.CharField(
        label="Text",
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text="A blank line starts a paragraph; '- ' starts a bullet; '## ' starts a heading. "
        "Merge fields look like {{ pupil.forename }}: see the list below.",
        error_messages={"required": "Enter the text of the template"},
    )
    note = forms.CharField(label="What changed (optional)", max_length=200, required=False)
    preview_upn = forms.CharField(label="Preview for pupil (UPN)", max_length=13, required=False)

    def __init__(self, *args, channel: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.channel = channel

    def clean(self):
        data = super().clean()
        if "body" in data:
            try:
                check_version_text(self.channel, data.get("subject", ""), data["body"])
            except TemplateProblem as exc:
                self.add_error("body", str(exc))
        return data


class SendForm(forms.Form):
    template = forms.ChoiceField(label="Template", error_messages={"required": "Choose a template"})
    contact = forms.ChoiceField(label="To", error_messages={"required": "Choose who it goes to"})
    route = forms.ChoiceField(label="How", choices=Message.Route.choices)
    meeting_kind = forms.ChoiceField(
        label="Meeting (for invitations and records)",
        required=False,
        choices=[
            ("", "No meeting"),
            ("telephone call", "Telephone call"),
            ("online meeting", "Online meeting"),
            ("meeting at school", "Meeting at school"),
            ("home visit", "Home visit"),
        ],
    )
    meeting_date = forms.DateField(
        label="Meeting date (YYYY-MM-DD)",
        required=False,
        error_messages={"invalid": "Enter the meeting date like 2026-12-02"},
    )
    meeting_time = forms.CharField(label="Meeting time", max_length=20, required=False)
    meeting_length = forms.CharField(label="How long", max_length=40, required=False)
    meeting_how_to_join = forms.CharField(label="How to join", max_length=300, required=False)
    meeting_agenda = forms.CharField(
        label="What we will talk about, or what was agreed",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, templates, contacts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [("", "Choose a template")] + [
            (t.name, f"{t.title}{' (placeholder)' if t.placeholder else ''}") for t in templates
        ]
        from attend.people.models import ContactSafety

        confidential = set(
            ContactSafety.objects.filter(
                contact_id__in=[pc.contact_id for pc in contacts], address_confidential=True
            ).values_list("contact_id", flat=True)
        )
        self.fields["contact"].choices = [
            (
                str(pc.contact_id),
                f"{pc.contact} ({pc.relationship}"
                f"{', parental responsibility' if pc.parental_responsibility else ''}"
                f"{', address confidential: never printed in a letter to anyone else' if pc.contact_id in confidential else ''})",
            )
            for pc in contacts
        ]
