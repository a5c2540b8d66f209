"""The visit outcome form and the risk-marker confirmation form."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from attend.core import clock

from .models import RiskKind, VisitOutcome
from .outcomes import AGREEMENT_ROUTES

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


def time_field(label: str, *, required: bool = True) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        required=required,
        help_text="For example, 14:30",
        error_messages={
            "required": f"Enter the {label.lower()}",
            "invalid": f"Enter the {label.lower()} as a time, like 14:30",
        },
    )


def text(label: str, *, help_text: str = "", area: bool = False, max_length: int | None = 150):
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        max_length=None if area else max_length,
        widget=forms.Textarea if area else None,
    )


class OutcomeForm(forms.Form):
    visit_date = date_field("Date of the visit")
    visit_time = time_field("Time of the visit")
    parent_seen = forms.BooleanField(label="A parent or carer was seen", required=False)
    parent_contact = forms.ChoiceField(label="Which parent or carer", required=False)
    parent_seen_who = text(
        "Someone else seen", help_text="If not on the contacts list: name and relationship"
    )
    child_seen = forms.BooleanField(label="The child was seen", required=False)
    child_seen_alone = forms.ChoiceField(
        label="Was the child seen alone",
        required=False,
        choices=[("yes", "Yes, alone"), ("no", "No, with someone")],
        widget=forms.RadioSelect,
    )
    child_seen_with = text("Who the child was with", help_text="For example, 'mother and baby brother'")
    child_seen_where = text("Where the child was seen", help_text="For example, 'in the living room'")
    child_spoken_with = forms.BooleanField(label="The child was spoken with", required=False)
    child_words = text("The child's own words", help_text="What the child said, as they said it", area=True)
    no_answer = forms.BooleanField(label="No answer", required=False)
    card_left = forms.BooleanField(label="A visit card was left", required=False)
    neighbour_enquiries = text(
        "Enquiries with neighbours", help_text="Who you asked and what you learnt", area=True
    )
    not_safe = forms.BooleanField(
        label="Not safe to proceed: the visit was cancelled for safety",
        required=False,
        help_text="A written report goes to the headteacher (school officers) or your line manager",
    )
    not_safe_reason = text(
        "Why it was not safe",
        help_text="For example, 'two large dogs not shut away; the parent refused to put them in another room'",
        area=True,
    )
    moved_away = forms.BooleanField(label="The family has moved away", required=False)
    new_address = text("New address, if known", area=True)
    concern = forms.ChoiceField(
        label="A concern that needed the front door or the police now",
        required=False,
        choices=VisitOutcome.Concern.choices,
        widget=forms.RadioSelect,
    )
    concern_reference = text("Reference given", help_text="The front door's or the police incident number")
    concern_time = time_field("Time the concern was reported", required=False)
    agreements = text(
        "Agreements reached", help_text="What the parent and you agreed, one per line", area=True
    )
    agreement_route = forms.ChoiceField(
        label="Send the agreement to the parent seen", required=False, choices=AGREEMENT_ROUTES
    )
    follow_up_on = date_field(
        "Check the agreement is kept on",
        required=False,
        help_text="On this date it is on your work list: if the agreement was not kept, letters follow",
    )
    next_steps = text("Next steps", area=True)

    def __init__(self, *args, links, **kwargs):
        super().__init__(*args, **kwargs)
        self.links = {str(link.contact_id): link.contact for link in links}
        self.fields["parent_contact"].choices = [("", "Choose a parent or carer")] + [
            (str(link.contact_id), f"{link.contact} ({link.relationship})") for link in links
        ]

    def clean(self):
        data = super().clean()
        self._check_something(data)
        if data.get("visit_date") and data["visit_date"] > clock.today():
            self.add_error("visit_date", "The date of the visit cannot be in the future")
        if data.get("parent_seen") and not (data.get("parent_contact") or data.get("parent_seen_who")):
            self.add_error("parent_contact", "Choose which parent or carer was seen, or name who was seen")
        if data.get("child_seen"):
            if not data.get("child_seen_where"):
                self.add_error("child_seen_where", "Enter where the child was seen")
            if not data.get("child_seen_alone"):
                self.add_error("child_seen_alone", "Say whether the child was seen alone")
            elif data["child_seen_alone"] == "no" and not data.get("child_seen_with"):
                self.add_error("child_seen_with", "Enter who the child was with")
        if data.get("child_words") and not data.get("child_spoken_with"):
            data["child_spoken_with"] = True
        if data.get("not_safe") and not data.get("not_safe_reason", "").strip():
            self.add_error("not_safe_reason", "Enter why it was not safe to go ahead with the visit")
        if data.get("concern") and not data.get("concern_reference", "").strip():
            self.add_error("concern_reference", "Enter the reference the front door or the police gave you")
        if data.get("card_left") and not data.get("no_answer"):
            self.add_error("card_left", "A visit card is left when there is no answer: tick 'No answer' too")
        if data.get("agreement_route") and not data.get("agreements"):
            self.add_error("agreements", "Enter what was agreed before sending it")
        if data.get("agreement_route") and not data.get("parent_contact"):
            self.add_error("parent_contact", "Choose the parent or carer seen: the agreement is sent to them")
        return data

    def _check_something(self, data) -> None:
        recorded = [
            "parent_seen", "child_seen", "no_answer", "neighbour_enquiries", "not_safe", "moved_away", "concern",
        ]  # fmt: skip
        if not any(data.get(name) for name in recorded):
            raise forms.ValidationError(
                "Record what happened: who was seen, no answer, enquiries with neighbours, not safe to proceed, "
                "moved away, or a concern"
            )

    def outcome_fields(self) -> dict:
        """The cleaned data as VisitOutcome fields."""
        d = self.cleaned_data
        at = timezone.make_aware(dt.datetime.combine(d["visit_date"], d["visit_time"]))
        concern_at = None
        if d.get("concern"):
            concern_at = timezone.make_aware(
                dt.datetime.combine(d["visit_date"], d.get("concern_time") or d["visit_time"])
            )
        alone = {"yes": True, "no": False}.get(d.get("child_seen_alone") or "")
        return {
            "occurred_at": at,
            "parent_seen": d["parent_seen"],
            "parent_contact": self.links.get(d.get("parent_contact") or "") if d["parent_seen"] else None,
            "parent_seen_who": d["parent_seen_who"] if d["parent_seen"] else "",
            "child_seen": d["child_seen"],
            "child_seen_alone": alone if d["child_seen"] else None,
            "child_seen_with": d["child_seen_with"] if d["child_seen"] and alone is False else "",
            "child_seen_where": d["child_seen_where"] if d["child_seen"] else "",
            "child_spoken_with": d["child_spoken_with"],
            "child_words": d["child_words"],
            "no_answer": d["no_answer"],
            "card_left": d["card_left"],
            "neighbour_enquiries": d["neighbour_enquiries"],
            "not_safe": d["not_safe"],
            "not_safe_reason": d["not_safe_reason"] if d["not_safe"] else "",
            "moved_away": d["moved_away"],
            "new_address": d["new_address"] if d["moved_away"] else "",
            "concern": d.get("concern") or "",
            "concern_reference": d["concern_reference"] if d.get("concern") else "",
            "concern_at": concern_at,
            "agreements": d["agreements"],
            "follow_up_on": d.get("follow_up_on"),
            "next_steps": d["next_steps"],
        }


class MarkerForm(forms.Form):
    kind = forms.ChoiceField(label="Kind of risk", choices=RiskKind.choices)
    about = forms.ChoiceField(
        label="The risk is about",
        choices=[
            ("person", "The person (it goes with them)"),
            ("address", "The address (it stays with the place)"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the risk is about the person or the address"},
    )
    reason = forms.CharField(
        label="Reason", widget=forms.Textarea, help_text="What happened: facts, not opinions",
        error_messages={"required": "Enter the reason for the risk marker"},
    )  # fmt: skip
    review_on = date_field(
        "Review the marker on", help_text="After this date it expires until someone reviews it"
    )

    def __init__(self, *args, postcode: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.postcode = postcode

    def clean(self):
        data = super().clean()
        if data.get("about") == "address" and not self.postcode:
            self.add_error("about", "The visit has no postcode: put the marker on the person instead")
        return data
