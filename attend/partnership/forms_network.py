"""The form for one person in a pupil's professional network."""

from __future__ import annotations

from django import forms


class MemberForm(forms.Form):
    name = forms.CharField(
        label="Name", max_length=150, error_messages={"required": "Enter the person's name"}
    )
    organisation = forms.CharField(
        label="Organisation",
        max_length=150,
        error_messages={"required": "Enter the organisation they work for"},
    )
    email = forms.EmailField(
        label="Email address",
        required=False,
        help_text="A secure (for example .gov.uk or .gcsx) address: notices of unexplained absence go here",
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.gov.uk"},
    )
    phone = forms.CharField(label="Phone number", max_length=30, required=False)

    def clean(self):
        data = super().clean()
        if not data.get("email") and not data.get("phone") and not self.errors:
            self.add_error("email", "Enter an email address or a phone number, so the network can be reached")
        return data
