"""Forms for planning a visit (from a case or a TSM action) and moving a visit on a round."""

from __future__ import annotations

from django import forms

DATE_HELP = "For example, 2025-11-19"


def date_field(label: str, *, help_text: str = DATE_HELP) -> forms.DateField:
    return forms.DateField(
        label=label,
        help_text=help_text,
        error_messages={
            "required": f"Enter the {label.lower()}",
            "invalid": f"Enter the {label.lower()} as a real date, like 2025-11-19",
        },
    )


class AnyChoiceField(forms.ChoiceField):
    """Radios offering only the visitable addresses; the value posted is checked by lists.choose_address, which
    says why a confidential address is refused (rather than "not one of the choices")."""

    def valid_value(self, value) -> bool:
        return True


class PlanForm(forms.Form):
    contact = AnyChoiceField(
        label="Address to visit",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the address to visit",
            "invalid_choice": "Choose the address to visit",
        },
    )
    planned_for = date_field("Day of the visit")
    reason = forms.CharField(
        label="Why this visit",
        max_length=300,
        widget=forms.Textarea,
        help_text="For you and the office only: it never goes on the visit card",
        error_messages={"required": "Enter why you are visiting"},
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Confidential addresses are offered to nobody: a post naming one is refused by lists.choose_address.
        self.fields["contact"].choices = [
            (str(c.contact.pk), f"{', '.join(c.lines)} ({c.contact.forename} {c.contact.surname}, "
             f"{c.relationship})") for c in choices if not c.confidential
        ]  # fmt: skip


class MoveForm(forms.Form):
    visit = forms.IntegerField()
    direction = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down"), ("remove", "Take off the round")])
