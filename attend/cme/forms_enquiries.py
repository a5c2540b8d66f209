"""Forms of the enquiry pages. Validation words are the GOV.UK error summary's; attend.cme.enquiries checks the
rules again (and refuses with the reason)."""

from __future__ import annotations

from django import forms

from attend.schools.models import LocalAuthority, School

from . import las
from .models_enquiries import CmeEnquiry, EnquiryCheck

DATE_HELP = "For example, 2025-11-19"
PUPIL_SOURCES = [
    (v, label)
    for v, label in CmeEnquiry.Source.choices
    if v in ("school", "visit", "returned_letter", "deletion")
]


def _date(label: str, what: str) -> forms.DateField:
    return forms.DateField(
        label=f"{label} (YYYY-MM-DD)", help_text=DATE_HELP,
        error_messages={"required": f"Enter {what}", "invalid": f"Enter {what} like 2025-11-19"},
    )  # fmt: skip


def _la_field(label: str, *, required: bool, help_text: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, required=required, help_text=help_text,
        choices=[("", "Choose a local authority"), *las.la_choices()],
        error_messages={"required": "Choose the local authority", "invalid_choice": "Choose a local authority"},
    )  # fmt: skip


def la_or_none(code: str) -> LocalAuthority | None:
    return las.local_authority(code) if code else None


class PupilEnquiryForm(forms.Form):
    """An enquiry about a pupil on a roll (from an alert, the pupil page, a visit, a returned letter or a deletion)."""

    source = forms.ChoiceField(
        label="What started this enquiry", choices=PUPIL_SOURCES, widget=forms.RadioSelect,
        error_messages={"required": "Choose what started this enquiry"},
    )  # fmt: skip
    concern = forms.CharField(
        label="Why the child may be missing education", widget=forms.Textarea, max_length=4000,
        error_messages={"required": "Say why the child may be missing education"},
    )  # fmt: skip
    lives_in_la = _la_field(
        "The local authority where the child lives, if not the school's", required=False,
        help_text="The LA where the child lives is responsible for the enquiry (CME statutory guidance)",
    )  # fmt: skip
    placing_la = _la_field("If the child is looked after: the LA that looks after them", required=False)
    source_ref = forms.CharField(required=False, max_length=60, widget=forms.HiddenInput)

    def __init__(self, *args, fixed_source: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if fixed_source:  # from an alert (alert), or school staff (their notification to the LA: school)
            del self.fields["source"]
        self.fixed_source = fixed_source


class ChildEnquiryForm(forms.Form):
    """By hand, for a child never on a roll (LA staff)."""

    forename = forms.CharField(label="First name", max_length=100, required=False)
    surname = forms.CharField(
        label="Last name", max_length=100, error_messages={"required": "Enter the child's last name"}
    )
    date_of_birth = forms.DateField(
        label="Date of birth (YYYY-MM-DD)", required=False, help_text="Leave empty if it is not known",
        error_messages={"invalid": "Enter the date of birth like 2016-03-27"},
    )  # fmt: skip
    address = forms.CharField(
        label="Last known address", widget=forms.Textarea, max_length=500, required=False
    )
    postcode = forms.CharField(label="Postcode", max_length=10, required=False)
    local_authority = forms.ModelChoiceField(
        label="Local authority responsible (where the child lives)", queryset=LocalAuthority.objects.none(),
        empty_label="Choose a local authority",
        error_messages={"required": "Choose the local authority where the child lives",
                        "invalid_choice": "Choose a local authority you work for"},
    )  # fmt: skip
    concern = forms.CharField(
        label="Why the child may be missing education", widget=forms.Textarea, max_length=4000,
        error_messages={"required": "Say why the child may be missing education"},
    )  # fmt: skip

    def __init__(self, *args, authorities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["local_authority"].queryset = authorities
        if authorities.count() == 1:
            self.fields["local_authority"].initial = authorities.first().pk


class CheckForm(forms.Form):
    kind = forms.ChoiceField(
        label="Enquiry made", choices=EnquiryCheck.Kind.choices, widget=forms.RadioSelect,
        error_messages={"required": "Choose what enquiry was made"},
    )  # fmt: skip
    party = forms.ChoiceField(
        label="Made by", choices=EnquiryCheck.Party.choices, widget=forms.RadioSelect,
        error_messages={"required": "Say whether the school or the local authority made it"},
    )  # fmt: skip
    done_on = _date("Date it was made", "the date the enquiry was made")
    done_by_name = forms.CharField(
        label="Who made it", max_length=200, error_messages={"required": "Enter who made the enquiry"}
    )
    result = forms.CharField(
        label="What was found out", widget=forms.Textarea, max_length=4000,
        error_messages={"required": "Enter what was found out"},
    )  # fmt: skip
    located = forms.BooleanField(label="This enquiry found where the child is", required=False)

    def __init__(self, *args, school_side: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if school_side:  # school staff record the school's enquiries
            self.fields["party"].choices = [(EnquiryCheck.Party.SCHOOL, EnquiryCheck.Party.SCHOOL.label)]


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome", choices=CmeEnquiry.Outcome.choices, widget=forms.RadioSelect,
        error_messages={"required": "Choose the outcome"},
    )  # fmt: skip
    on = _date("Date of the outcome", "the date of the outcome")
    found_school = forms.ModelChoiceField(
        label="Found here: the school the child is on the roll of", queryset=School.objects.none(), required=False,
        empty_label="Choose a school", error_messages={"invalid_choice": "Choose a school in this LA"},
    )  # fmt: skip
    found_la = _la_field("Found in another LA: which local authority", required=False)
    sent_to = forms.CharField(
        label="Found in another LA: who at that LA (an email address, or the team)", max_length=200,
        required=False, help_text="An email address gets the referral by email; a team name is recorded only",
    )  # fmt: skip
    note = forms.CharField(label="Note", widget=forms.Textarea, max_length=4000, required=False)

    def __init__(self, *args, enquiry: CmeEnquiry, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["found_school"].queryset = School.objects.filter(
            local_authority=enquiry.local_authority
        ).order_by("name")
        own = enquiry.local_authority.code
        self.fields["found_la"].choices = [c for c in self.fields["found_la"].choices if c[0] != own]
