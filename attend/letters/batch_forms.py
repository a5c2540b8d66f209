"""Forms of the batch pages: prepare a batch, skip a held letter."""

from __future__ import annotations

import datetime as dt

from django import forms

from .batch_pages import pupils_in_scope, template_choices
from .batches import MAX_PUPILS
from .models import Message


class BatchForm(forms.Form):
    """The template, the route and the pupils. Pupils come ticked from the work list (`upn`, repeated) or typed
    as UPNs; every one must be a pupil whose current record is in the person's scope."""

    template = forms.ChoiceField(label="Letter", error_messages={"required": "Choose a letter"})
    route = forms.ChoiceField(
        label="How the letters go",
        choices=[
            (Message.Route.POST, "By post through GOV.UK Notify (first class)"),
            (Message.Route.PRINT, "Printed and posted or handed over by staff"),
        ],
        widget=forms.RadioSelect,
        initial=Message.Route.POST,
    )
    title = forms.CharField(label="Name for the batch (optional)", max_length=200, required=False)
    others = forms.CharField(
        label="Other pupils (optional)",
        help_text="UPNs of pupils not on the list above, one a line",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, user, today: dt.date, ticked: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [("", "Choose a letter"), *template_choices()]
        self.user, self.today, self.ticked = user, today, ticked
        self.pupils = []

    def clean(self):
        data = super().clean()
        upns = [*self.ticked, *(data.get("others") or "").split()]
        self.pupils, refused = pupils_in_scope(self.user, upns, today=self.today)
        if refused:
            self.add_error(
                "others" if set(refused) - set(self.ticked) else None,
                f"No pupil in your scope with UPN {', '.join(refused)}: nothing was prepared.",
            )
        elif not self.pupils:
            self.add_error(None, "Choose at least one pupil")
        elif len(self.pupils) > MAX_PUPILS:
            self.add_error(
                None,
                f"A batch holds at most {MAX_PUPILS:,} pupils; you chose {len(self.pupils):,}. Choose fewer.",
            )
        return data


class SkipForm(forms.Form):
    reason = forms.CharField(
        label="Why is this letter skipped?",
        max_length=300,
        error_messages={"required": "Say why this letter is skipped"},
    )
