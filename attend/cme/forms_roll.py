"""The deletion form (a school's deletion from its admission register, with its ground) and the filters of the LA's
list of deletion returns."""

from __future__ import annotations

from django import forms

from attend.schools.models import LocalAuthority, School

from .models_ehe import HomeEducation
from .models_roll import DeletionGround

FORM_GROUNDS = [(v, label) for v, label in DeletionGround.choices if v != DeletionGround.NOT_GIVEN]


class DeletionForm(forms.Form):
    ground = forms.ChoiceField(
        label="Ground of regulation 9(1)",
        choices=FORM_GROUNDS,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the ground of regulation 9 that applies"},
    )
    deleted_on = forms.DateField(
        label="Date the name is deleted (YYYY-MM-DD)",
        help_text="The day the ground was met, for example 2025-11-19. Not in the future.",
        error_messages={
            "required": "Enter the date the name is deleted",
            "invalid": "Enter the date like 2025-11-19",
        },
    )
    destination_urn = forms.CharField(
        label="New school's URN (ground (a))",
        required=False,
        max_length=7,
        help_text="Six digits, for example 100123",
    )
    destination_la = forms.ChoiceField(label="LA the pupil has moved to (if known)", required=False)
    destination_note = forms.CharField(label="Where the pupil went, if known", required=False, max_length=300)
    home_education = forms.ChoiceField(label="Home education notice (ground (f))", required=False)
    note = forms.CharField(
        label="What the school checked and knows",
        required=False,
        max_length=4000,
        widget=forms.Textarea,
        help_text="Needed for the grounds stated in words, for example (h), (j), (k) and (o).",
    )

    def __init__(self, *args, pupil, **kwargs):
        super().__init__(*args, **kwargs)
        las = LocalAuthority.objects.order_by("name").values_list("code", "name")
        self.fields["destination_la"].choices = [("", "Not known or not moved")] + [
            (code, f"{name} ({code})") for code, name in las
        ]
        notices = HomeEducation.objects.filter(pupil=pupil).order_by("-notice_received_on")
        self.fields["home_education"].choices = [("", "None")] + [
            (
                str(h.pk),
                f"{h.ref}: notice received {h.notice_received_on:%-d %B %Y} ({h.get_consent_display()})",
            )
            for h in notices
        ]
        self._pupil = pupil

    def clean_destination_urn(self) -> School | None:
        urn = (self.cleaned_data.get("destination_urn") or "").strip()
        if not urn:
            return None
        if not urn.isdigit():
            raise forms.ValidationError("Enter the URN in digits, for example 100123")
        school = School.objects.filter(urn=int(urn)).first()
        if school is None:
            raise forms.ValidationError(
                "No school with that URN: check it, or say where the pupil went instead"
            )
        return school

    def clean_destination_la(self) -> LocalAuthority | None:
        code = self.cleaned_data.get("destination_la")
        return LocalAuthority.objects.filter(code=code).first() if code else None

    def clean_home_education(self) -> HomeEducation | None:
        pk = self.cleaned_data.get("home_education")
        return HomeEducation.objects.filter(pk=pk, pupil=self._pupil).first() if pk else None


def _short(label: str, width: int = 32) -> str:
    label = label.split(":")[0].split(" (a leaving")[0]
    return label if len(label) <= width else label[: width - 1].rstrip() + "…"


class DeletionFilterForm(forms.Form):
    school = forms.ChoiceField(label="School", required=False)
    ground = forms.ChoiceField(
        label="Ground",
        required=False,  # short labels: the select must fit a 375 px phone
        choices=[("", "All")] + [(v, _short(label)) for v, label in DeletionGround.choices],
    )
    concerns = forms.ChoiceField(
        label="Concerns",
        required=False,
        choices=[("", "All"), ("yes", "With concerns"), ("no", "Without concerns")],
    )

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].choices = [("", "All schools")] + [
            (str(s.urn), _short(s.name)) for s in schools
        ]
