"""The officer's lone-worker profile, the manager's view of expiring training and DBS checks, and the team's
escalation contacts (trust policy 2.2, 2.6, 6.1; issue 18)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.db.models import Q

from attend import audit
from attend.accounts.models import Membership
from attend.accounts.permissions import PERMISSIONS

from .lone import profile_of, team_of
from .models import EscalationContact, OfficerProfile

# Current (AB12 CDE), prefix (A123 BCD), suffix (ABC 123D), dateless and Northern Ireland (1234 AB, ABC 1234).
_REGISTRATION = re.compile(
    r"^(?:[A-Z]{2}\d{2}[A-Z]{3}|[A-Z]\d{1,3}[A-Z]{3}|[A-Z]{3}\d{1,3}[A-Z]|\d{1,4}[A-Z]{1,3}|[A-Z]{1,3}\d{1,4})$"
)

# The profile's fields, with the words the audit trail uses for them (the names of what changed, never the values).
AUDIT_NAMES = {
    "mobile": "mobile",
    "vehicle_make": "vehicle make",
    "vehicle_model": "vehicle model",
    "vehicle_registration": "vehicle registration",
    "vehicle_colour": "vehicle colour",
    "description": "description",
    "emergency_contact_name": "emergency contact's name",
    "emergency_contact_phone": "emergency contact's phone",
    "lone_worker_training_on": "lone-worker training date",
    "dbs_checked_on": "DBS check date",
}
PROFILE_FIELDS = list(AUDIT_NAMES)


def normalise_mobile(text: str) -> str:
    """A UK mobile as digits in the national form (07700900123), from what a person typed or Notify sends
    (447700900123, +44 7700 900123); "" if it is not a UK mobile number."""
    digits = re.sub(r"[\s\-()]", "", text or "")
    if digits.startswith("+44"):
        digits = "0" + digits[3:]
    elif digits.startswith("0044"):
        digits = "0" + digits[4:]
    elif digits.startswith("447") and len(digits) == 12:
        digits = "0" + digits[2:]
    return digits if re.fullmatch(r"07\d{9}", digits) else ""


def display_mobile(national: str) -> str:
    return f"{national[:5]} {national[5:]}" if len(national) == 11 else national


class ProfileForm(forms.ModelForm):
    class Meta:
        model = OfficerProfile
        fields = PROFILE_FIELDS
        labels = {
            "mobile": "Mobile number you carry on visits",
            "vehicle_make": "Make",
            "vehicle_model": "Model",
            "vehicle_registration": "Registration",
            "vehicle_colour": "Colour",
            "description": "How to recognise you",
            "emergency_contact_name": "Emergency contact's name",
            "emergency_contact_phone": "Emergency contact's phone number",
            "lone_worker_training_on": "Date of your lone-worker (safe-working) training",
            "dbs_checked_on": "Date of your enhanced DBS check with barred list",
        }
        help_texts = {
            "mobile": "For example, 07700 900123 or +44 7700 900123",
            "vehicle_registration": "For example, AB12 CDE",
            "description": "Height, hair, usual coat: what the police would need",
            "lone_worker_training_on": "For example, 2025-09-15",
            "dbs_checked_on": "For example, 2024-03-01",
        }
        widgets = {
            "lone_worker_training_on": forms.DateInput(attrs={"type": "date"}),
            "dbs_checked_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["mobile"].required = True
        self.fields["mobile"].error_messages["required"] = (
            "Enter a UK mobile number, like 07700 900123 or +44 7700 900123"
        )
        self.fields["lone_worker_training_on"].error_messages["invalid"] = (
            "Enter the training date as a real date, for example 2025-09-15"
        )
        self.fields["dbs_checked_on"].error_messages["invalid"] = (
            "Enter the DBS check date as a real date, for example 2024-03-01"
        )

    def clean_mobile(self):
        national = normalise_mobile(self.cleaned_data["mobile"])
        if not national:
            raise forms.ValidationError("Enter a UK mobile number, like 07700 900123 or +44 7700 900123")
        return display_mobile(national)

    def clean_emergency_contact_phone(self):
        text = self.cleaned_data["emergency_contact_phone"].strip()
        if text and not re.fullmatch(r"\+?[\d\s\-()]{10,20}", text):
            raise forms.ValidationError("Enter the emergency contact's phone number, like 01632 960123")
        return text

    def clean_vehicle_registration(self):
        text = re.sub(r"\s+", "", self.cleaned_data["vehicle_registration"]).upper()
        if text and not _REGISTRATION.match(text):
            raise forms.ValidationError("Enter the registration as it is on the number plate, like AB12 CDE")
        if len(text) == 7 and re.match(r"^[A-Z]{2}\d{2}", text):
            return f"{text[:4]} {text[4:]}"
        return text

    def _not_future(self, name: str, what: str):
        value = self.cleaned_data.get(name)
        if value is not None and value > self.today:
            raise forms.ValidationError(f"The {what} date must be today or in the past")
        return value

    def clean_lone_worker_training_on(self):
        return self._not_future("lone_worker_training_on", "training")

    def clean_dbs_checked_on(self):
        return self._not_future("dbs_checked_on", "DBS check")

    def clean(self):
        data = super().clean()
        vehicle = [data.get(f) for f in ("vehicle_make", "vehicle_model", "vehicle_colour")]
        if (
            any(vehicle)
            and not data.get("vehicle_registration")
            and "vehicle_registration" not in self.errors
        ):
            self.add_error("vehicle_registration", "Enter the registration of the vehicle you use on visits")
        return data


def save_profile(profile: OfficerProfile, form: ProfileForm, *, by) -> list[str]:
    """Save the form; audit which fields changed (the names, not the values). Returns the changed labels."""
    before = {f: getattr(OfficerProfile.objects.get(pk=profile.pk), f) for f in PROFILE_FIELDS}
    profile = form.save(commit=False)
    changed = [f for f in PROFILE_FIELDS if getattr(profile, f) != before[f]]
    if not changed:
        return []
    profile.updated_by = by
    profile.save()
    labels = [AUDIT_NAMES[f] for f in changed]
    audit.record(
        "visits.profile.changed",
        by=by,
        obj=profile,
        data={"officer": profile.user.get_full_name() or profile.user.username, "fields": ", ".join(labels)},
    )
    return labels


# ----- the manager's view: expiring training and DBS


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@dataclass
class Check:
    label: str  # "Lone-worker training" / "Enhanced DBS"
    on: dt.date | None
    due: dt.date | None
    state: str  # "missing", "expired", "expiring" (within 60 days), "ok"

    @property
    def warn(self) -> bool:
        return self.state != "ok"


def check_state(label: str, on: dt.date | None, years: int, today: dt.date) -> Check:
    if on is None:
        return Check(label, None, None, "missing")
    due = _years_after(on, years)
    if due <= today:
        return Check(label, on, due, "expired")
    if due <= today + dt.timedelta(days=60):
        return Check(label, on, due, "expiring")
    return Check(label, on, due, "ok")


@dataclass
class OfficerRow:
    user: object
    profile: OfficerProfile
    training: Check
    dbs: Check

    @property
    def warn(self) -> bool:
        return self.training.warn or self.dbs.warn or not self.profile.mobile


def team_filter(user) -> Q:
    """Memberships in the user's team: their school(s), or for LA staff the LA's own team (not its schools)."""
    q = Q(pk__in=[])
    for m in user.memberships.all():
        if m.school_id:
            q |= Q(school_id=m.school_id)
        elif m.local_authority_id:
            q |= Q(local_authority_id=m.local_authority_id, school__isnull=True)
    return q


def officers_for_manager(manager, today: dt.date) -> list[OfficerRow]:
    """The officers (anyone who may go on visits) in the manager's team; missing and expiring checks first."""
    roles = PERMISSIONS["visits.write"].roles
    ids = (
        Membership.objects.filter(team_filter(manager), role__in=roles, user__is_active=True)
        .values_list("user_id", flat=True)
        .distinct()
    )
    rows = []
    from attend.accounts.models import User

    for officer in User.objects.filter(pk__in=list(ids)).order_by("last_name", "first_name", "username"):
        profile = profile_of(officer)
        rows.append(
            OfficerRow(
                officer,
                profile,
                check_state(
                    "Lone-worker training",
                    profile.lone_worker_training_on,
                    settings.ATTEND_VISITS_TRAINING_YEARS,
                    today,
                ),
                check_state("Enhanced DBS", profile.dbs_checked_on, settings.ATTEND_VISITS_DBS_YEARS, today),
            )
        )
    rows.sort(key=lambda r: (not r.warn, r.user.last_name, r.user.username))
    return rows


# ----- escalation contacts for the team


class ContactForm(forms.ModelForm):
    class Meta:
        model = EscalationContact
        fields = ["name", "level", "email", "mobile"]
        labels = {"name": "Name", "level": "When they are told", "email": "Email address", "mobile": "Mobile"}
        help_texts = {"mobile": "For example, 07700 900123. Give an email address, a mobile, or both"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].widget = forms.RadioSelect(choices=EscalationContact.Level.choices)

    def clean_mobile(self):
        text = self.cleaned_data["mobile"].strip()
        if not text:
            return ""
        national = normalise_mobile(text)
        if not national:
            raise forms.ValidationError("Enter a UK mobile number, like 07700 900123 or +44 7700 900123")
        return display_mobile(national)

    def clean(self):
        data = super().clean()
        if not data.get("email") and not data.get("mobile") and not self.errors.get("email"):
            if not self.errors.get("mobile"):
                self.add_error("email", "Give an email address or a mobile number, so they can be told")
        return data


def contacts_for(user):
    school, la = team_of(user)
    if school is not None:
        return EscalationContact.objects.filter(school=school)
    if la is not None:
        return EscalationContact.objects.filter(local_authority=la, school__isnull=True)
    return EscalationContact.objects.none()


def contact_add(form: ContactForm, *, by) -> EscalationContact:
    school, la = team_of(by)
    contact = form.save(commit=False)
    if school is not None:
        contact.school = school
    else:
        contact.local_authority = la
    contact.save()
    audit.record(
        "visits.escalation_contact.added",
        by=by,
        obj=contact,
        school=school,
        data={"name": contact.name, "level": contact.get_level_display()},
    )
    return contact


def contact_end(contact: EscalationContact, *, by) -> None:
    if not contact.active:
        return
    contact.active = False
    contact.save(update_fields=["active"])
    audit.record(
        "visits.escalation_contact.ended",
        by=by,
        obj=contact,
        school=contact.school,
        data={"name": contact.name, "level": contact.get_level_display()},
    )
