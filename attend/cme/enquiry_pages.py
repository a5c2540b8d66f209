"""What the enquiry pages need beyond the forms: who and what an enquiry is opened for (scope), and the enquiry
page's context."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import Http404

from attend.accounts.permissions import has_permission
from attend.alerts.models import Alert
from attend.core import clock, scoping
from attend.schools.models import LocalAuthority

from . import access, enquiries
from .forms_enquiries import CheckForm
from .models_enquiries import CmeEnquiry
from .referral_pages import may_refer, referral_targets

SOURCES_FROM_PAGES = ("school", "visit", "returned_letter", "deletion")


@dataclass
class Target:
    """Who the new enquiry is about: an alert's pupil, a pupil by UPN, or (neither) a child by hand."""

    alert: Alert | None = None
    pupil: object = None
    school: object = None
    source: str = ""
    fixed_source: str | None = None
    ref: str = ""
    existing: CmeEnquiry | None = None
    authorities: object = field(default_factory=LocalAuthority.objects.none)
    school_staff: bool = False


def _la_authorities(user):
    if user.is_superuser:
        return LocalAuthority.objects.order_by("name")
    return LocalAuthority.objects.filter(pk__in=access.la_ids(user)).order_by("name")


def _school_for(user, pupil):
    """The school the enquiry is opened at for this user: LA staff (and superusers), the pupil's school on roll
    or last; school staff, the latest of the user's own schools the pupil was enrolled at (else 404)."""
    today = clock.today()
    school = enquiries.last_school(pupil, today)
    if user.is_superuser or (school is not None and school.local_authority_id in access.la_ids(user)):
        return school, False
    mine = scoping.schools_visible_to(user)
    enrolment = (
        pupil.enrolments.filter(school__in=mine).order_by("-admission_date").select_related("school").first()
    )
    if enrolment is None:
        raise Http404("No pupil with that UPN in your scope.")
    return enrolment.school, True


def open_target(request) -> Target:
    user, params = request.user, request.GET
    alert_id = (params.get("alert") or "").strip()
    if alert_id:
        if not alert_id.isdigit():
            raise Http404("No such alert.")
        alert = Alert.objects.filter(
            pk=int(alert_id), rule__in=enquiries.ALERT_RULES, pupil__isnull=False
        ).first()
        if alert is None or not scoping.schools_visible_to(user).filter(pk=alert.school_id).exists():
            raise Http404("No such alert in your scope.")
        scoping.get_pupil_for_user(user, alert.pupil.upn)
        school_staff = not (user.is_superuser or alert.school.local_authority_id in access.la_ids(user))
        return Target(alert=alert, pupil=alert.pupil, school=alert.school, source="alert", fixed_source="alert",
                      existing=enquiries.open_for(alert.pupil), school_staff=school_staff)  # fmt: skip
    upn = (params.get("upn") or "").strip()
    if upn:
        pupil = scoping.get_pupil_for_user(user, upn)
        school, school_staff = _school_for(user, pupil)
        source = params.get("source") if params.get("source") in SOURCES_FROM_PAGES else "school"
        return Target(pupil=pupil, school=school, source=source, fixed_source="school" if school_staff else None,
                      ref=(params.get("ref") or "")[:60], existing=enquiries.open_for(pupil),
                      school_staff=school_staff)  # fmt: skip
    return Target(authorities=_la_authorities(user))


def closed_note(enquiry: CmeEnquiry) -> str:
    note = enquiry.get_outcome_display()
    if enquiry.found_school_id:
        note += f", {enquiry.found_school.name}"
    if enquiry.found_la_id:
        note += f", {enquiry.found_la.name}"
    return note


def detail_context(request, enquiry: CmeEnquiry) -> dict:
    user, today = request.user, clock.today()
    checks = list(enquiry.checks.select_related("corrects").order_by("done_on", "id"))
    corrected = {c.corrects_id: c for c in checks if c.corrects_id}
    for check in checks:
        check.corrected_by = corrected.get(check.pk)
    la_side = access.is_la_side(user, enquiry)
    is_open = enquiry.status == CmeEnquiry.Status.OPEN
    can_record = is_open and has_permission(user, "cme.enquire")
    form = None
    if can_record:
        form = CheckForm(
            school_side=not la_side,
            initial={"party": "la" if la_side else "school", "done_on": today.isoformat(),
                     "done_by_name": user.get_full_name() or user.username},
        )  # fmt: skip
    end = enquiry.outcome_on or today
    return {
        "enquiry": enquiry, "case": enquiry.case, "checklist": enquiries.checklist(enquiry), "checks": checks,
        "referrals": list(enquiry.la_referrals.select_related("to_la", "from_la").order_by("sent_on", "id")),
        "days_open": (end - enquiry.opened_at.date()).days, "form": form, "can_record": can_record,
        "can_close": is_open and access.may_decide(user, enquiry), "la_side": la_side, "today": today,
        "lives_elsewhere": bool(enquiry.school_id and enquiry.school.local_authority_id != enquiry.local_authority_id),
        "gaps": enquiries.joint_enquiry_gaps(enquiry.pupil, today) if enquiry.pupil_id else [],
        "to_refer": [t for t in referral_targets(enquiry) if may_refer(user, enquiry, t)] if is_open else [],
    }  # fmt: skip
