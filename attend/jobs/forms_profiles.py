"""The mapping page's form: pick a profile, or match each Attend field to one of the file's columns; and the
optional "save this mapping as a profile" (attend/jobs/drafts.py for the flow)."""

from __future__ import annotations

from django import forms

from attend.accounts.permissions import PERMISSIONS
from attend.registers.models import ImportProfile

NOT_IN_FILE = ""
OWN_MAPPING = ""
# The fields each layout maps to a column (the wide layout finds its session columns by their headers).
LAYOUT_FIELDS = {"long": ["upn", "school_urn", "date", "session", "code"], "wide": ["upn", "school_urn"]}
DATE_FORMATS = [
    ("auto", "Work it out from the dates in the file"),
    ("dd/mm/yyyy", "Day/month/year, like 19/11/2025"),
    ("yyyy-mm-dd", "Year-month-day, like 2025-11-19"),
    ("dd-mmm-yyyy", "Day-month name-year, like 19-Nov-2025"),
    ("excel", "Spreadsheet day numbers, like 45980"),
]
LAYOUTS = [
    ("long", "One row per pupil per session (a date, AM or PM, and the mark)"),
    ("wide", "One row per pupil, one column per session (like a printed register)"),
]
WIDE_HEADERS = [
    ("auto", "Work it out from the file"),
    ("one_row", "One header row, like “Mon 08/09/2025 AM”"),
    ("two_rows", "A row of dates, then a row of AM and PM"),
]


def profile_key(named) -> str:
    return f"saved:{named.pk}" if getattr(named, "pk", None) else f"shipped:{named.name}"


def save_targets(user) -> list[tuple[str, str]]:
    """Where the user may save a profile: each school and LA they import for (the engine checks again)."""
    roles = PERMISSIONS["import.run"].roles
    targets: dict[str, str] = {}
    for m in user.memberships.filter(role__in=roles).select_related("school", "local_authority", "trust"):
        if m.school_id:
            targets[f"school:{m.school_id}"] = f"{m.school.name} only"
        if m.trust_id:
            for school in m.trust.schools.order_by("name"):
                targets[f"school:{school.pk}"] = f"{school.name} only"
        if m.local_authority_id:
            targets[f"la:{m.local_authority_id}"] = f"Every school in {m.local_authority.name}"
    return list(targets.items())


class MappingForm(forms.Form):
    profile = forms.ChoiceField(
        label="How to read this file",
        required=False,
        help_text="Choose a saved profile, or match the columns yourself below.",
    )
    layout = forms.ChoiceField(label="How the report is laid out", choices=LAYOUTS, widget=forms.RadioSelect)
    date_format = forms.ChoiceField(label="How dates are written", choices=DATE_FORMATS, initial="auto")
    wide_header = forms.ChoiceField(
        label="Session headers (one row per pupil only)", choices=WIDE_HEADERS, initial="auto"
    )
    fill_upn = forms.BooleanField(
        label="Each pupil's UPN is printed once, with blank cells below it for the same pupil",
        required=False,
        help_text="Reports with merged cells export them as blanks. Without this, a blank UPN is a problem.",
    )
    fill_date = forms.BooleanField(
        label="Each date is printed once, with blank cells below it for the same day", required=False
    )
    school = forms.ChoiceField(
        label="Which school the report is from",
        required=False,
        help_text="Needed when the file has no school URN column.",
    )
    save = forms.BooleanField(label="Save this mapping as a profile for next time", required=False)
    save_name = forms.CharField(label="Profile name", required=False, max_length=100)
    save_for = forms.ChoiceField(label="Who can use the profile", required=False, widget=forms.RadioSelect)

    def __init__(
        self, *args, header, suggested, fields, profiles, schools, targets, date_formats=None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        if date_formats:  # the engine's, described in words
            self.fields["date_format"].choices = [(k, v[:1].upper() + v[1:]) for k, v in date_formats.items()]
        self.profiles = {profile_key(p): p for p in profiles}
        self.fields["profile"].choices = [(OWN_MAPPING, "Match the columns myself")] + [
            (key, f"{p.name} ({'shipped with Attend' if p.shipped else p.owner})")
            for key, p in self.profiles.items()
        ]
        columns = [(NOT_IN_FILE, "Not in the file")] + [(h, h) for h in header if str(h).strip()]
        self.column_fields = []
        for field, label in fields.items():
            name = f"col_{field}"
            self.fields[name] = forms.ChoiceField(label=label, choices=columns, required=False)
            self.initial[name] = suggested.columns.get(field, NOT_IN_FILE)
            self.column_fields.append(name)
        self.fields["school"].choices = [("", "Choose a school")] + [
            (s.urn, f"{s.name} ({s.urn})") for s in schools
        ]
        if len(schools) == 1:
            self.initial["school"] = schools[0].urn
        elif suggested.school_urn:
            self.initial["school"] = suggested.school_urn
        self.initial.setdefault("layout", suggested.layout)
        self.initial.setdefault("date_format", suggested.date_format or "auto")
        self.initial.setdefault("wide_header", getattr(suggested, "wide_header", "auto") or "auto")
        self.fields["save_for"].choices = targets
        if len(targets) == 1:
            self.initial["save_for"] = targets[0][0]

    def chosen_profile(self):
        return self.profiles.get(self.cleaned_data.get("profile") or "")

    def columns(self) -> dict[str, str]:
        layout = self.cleaned_data.get("layout") or "long"
        keep = LAYOUT_FIELDS.get(layout, LAYOUT_FIELDS["long"])
        out = {}
        for name in self.column_fields:
            field = name.removeprefix("col_")
            if self.cleaned_data.get(name) and field in keep:
                out[field] = self.cleaned_data[name]
        return out

    def fill_down(self) -> list[str]:
        wanted = [("upn", "fill_upn"), ("date", "fill_date")]
        return [field for field, name in wanted if self.cleaned_data.get(name)]

    def clean(self):
        data = super().clean()
        if data.get("profile"):
            for name in ("layout", "date_format", "wide_header"):
                self.errors.pop(name, None)  # a profile says these itself
        if data.get("save"):
            if data.get("profile"):
                self.add_error("save", "A saved profile is already saved: choose “Match the columns myself”")
            if not (data.get("save_name") or "").strip():
                self.add_error("save_name", "Enter a name for the profile")
            if not data.get("save_for"):
                self.add_error("save_for", "Choose who can use the profile")
            elif data.get("save_name") and _name_taken(data["save_for"], data["save_name"].strip()):
                self.add_error(
                    "save_name", f"A profile called “{data['save_name'].strip()}” already exists there"
                )
        return data


def _name_taken(target: str, name: str) -> bool:
    kind, _, pk = target.partition(":")
    owner = {"school_id": int(pk)} if kind == "school" else {"local_authority_id": int(pk)}
    return ImportProfile.objects.filter(name__iexact=name, **owner).exists()


class ImportDraftForm(forms.Form):
    """The preview page's "Import" button (no fields: the mapping is the draft's)."""
