"""Children missing education enquiries (EA 1996 s436A; CME statutory guidance, August 2024): opening one per
child, recording the reasonable enquiries (append-only evidence), closing with an outcome, and the joint-enquiry
gate for a ground (i) deletion (2024 Regs reg 9(1)(i)). Work-list prompts and the /cme/ panel are in
enquiry_prompts.py (re-exported here)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Q

from attend import audit
from attend.casework.cases import open_case, open_case_for
from attend.casework.chronology import EntryRefused, record_entry
from attend.casework.models import EntryKind
from attend.core import clock
from attend.people.models import Enrolment

from .enquiry_prompts import index_panel, sync_enquiry_prompts  # noqa: F401
from .models_enquiries import CmeEnquiry, EnquiryCheck, LaReferral

Source, Outcome, Kind, Party = CmeEnquiry.Source, CmeEnquiry.Outcome, EnquiryCheck.Kind, EnquiryCheck.Party
ALERT_RULES = ("cme_20_days", "returned_post")  # the work-list alerts an enquiry may start from
# A safeguarding referral is recorded on the checklist but is not an enquiry to locate the child.
LOCATING_KINDS = [k for k in Kind.values if k != Kind.SAFEGUARDING_REFERRAL]


class EnquiryRefused(EntryRefused):
    """Bad input for an enquiry, with the reason in words; `field` names the form field at fault."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def next_ref() -> str:
    last = (
        CmeEnquiry.objects.filter(ref__startswith="CME-")
        .order_by("-ref")
        .values_list("ref", flat=True)
        .first()
    )
    number = int(last[4:]) + 1 if last and last[4:].isdigit() else 1
    return f"CME-{number:06d}"


def open_for(pupil) -> CmeEnquiry | None:
    return CmeEnquiry.objects.filter(pupil=pupil, status=CmeEnquiry.Status.OPEN).first()


def last_school(pupil, on: dt.date):
    """The school the pupil is on the roll of on `on`, else the one they were last on."""
    enrolments = Enrolment.objects.filter(pupil=pupil, admission_date__lte=on).select_related("school")
    on_roll = enrolments.filter(Q(leaving_date__isnull=True) | Q(leaving_date__gte=on)).order_by(
        "-admission_date"
    )
    chosen = on_roll.first() or enrolments.order_by("-admission_date").first()
    return chosen.school if chosen else None


def _who(user) -> str:
    if user is None or not getattr(user, "pk", None):
        return "the system"
    return user.get_full_name() or user.get_username()


def _check_source(source, source_alert, pupil, child, concern):
    if source not in Source.values:
        raise EnquiryRefused(f"'{source}' is not a source of an enquiry", "source")
    if source_alert is not None and source_alert.rule not in ALERT_RULES:
        raise EnquiryRefused("Only a 20 days' absence or returned post alert starts an enquiry", "alert")
    if pupil is None and not (child and (child.get("surname") or "").strip()):
        raise EnquiryRefused("Enter the child's surname", "surname")
    if not (concern or "").strip():
        raise EnquiryRefused("Say why the child may be missing education", "concern")


def open_enquiry(
    *, by, source, pupil=None, child=None, school=None, lives_in_la=None, placing_la=None, concern,
    source_alert=None, source_ref="", at=None, request=None,
) -> CmeEnquiry:  # fmt: skip
    """Open a CME enquiry (a pupil who already has an open one gets it back). The responsible LA is the LA where
    the child lives (`lives_in_la`) if given, else the school's LA (CME statutory guidance, August 2024: "the LA
    in whose area the child lives"). On the pupil's open case, or a new one (for a child never on a roll,
    `open_case(child=...)`). From an alert: the alert is linked to the case. Scope is the caller's job."""
    if source_alert is not None:
        pupil = pupil or source_alert.pupil
        school = school or source_alert.school
    _check_source(source, source_alert, pupil, child, concern)
    at = at or clock.now()
    if pupil is not None:
        existing = open_for(pupil)
        if existing is not None:
            _link_alert(source_alert, existing, by)
            return existing
        school = school or last_school(pupil, at.date())
    responsible = lives_in_la or (school.local_authority if school else None)
    if responsible is None:
        raise EnquiryRefused("Say which local authority the child lives in", "lives_in_la")
    try:
        enquiry = _create(by, source, pupil, child, school, responsible, lives_in_la, placing_la, concern,
                          source_alert, source_ref, at, request)  # fmt: skip
    except IntegrityError:  # someone opened one for this pupil at the same moment: theirs
        if pupil is not None and (existing := open_for(pupil)) is not None:
            return existing
        raise
    _link_alert(source_alert, enquiry, by)
    return enquiry


def _create(by, source, pupil, child, school, responsible, lives_in_la, placing_la, concern, source_alert,
            source_ref, at, request) -> CmeEnquiry:  # fmt: skip
    with transaction.atomic():
        if pupil is not None:
            case = open_case_for(pupil) or open_case(by=by, pupil=pupil, school=school, occurred_at=at,
                                                     reason="possible child missing education")[0]  # fmt: skip
        else:
            case = open_case(by=by, child=child, local_authority=responsible, occurred_at=at,
                             reason="possible child missing education")[0]  # fmt: skip
        for attempt in range(5):
            try:
                with transaction.atomic():
                    enquiry = CmeEnquiry.objects.create(
                        ref=next_ref(), case=case, pupil=pupil, school=school, local_authority=responsible,
                        lives_in_la=lives_in_la, placing_la=placing_la, source=source, source_alert=source_alert,
                        source_ref=(source_ref or "")[:60], concern=concern.strip(), opened_at=at,
                        opened_by=by if getattr(by, "pk", None) else None,
                    )  # fmt: skip
                break
            except IntegrityError:
                if attempt == 4 or (pupil is not None and open_for(pupil) is not None):
                    raise
        summary = f"Children missing education enquiry {enquiry.ref} opened ({Source(source).label.lower()})"
        if school is not None and responsible.pk != school.local_authority_id:
            summary += f"; the child lives in {responsible.name}, which is responsible for the enquiry"
        record_entry(case, kind=EntryKind.CME, summary=f"{summary}: {enquiry.concern}", by=by, occurred_at=at,
                     request=request)  # fmt: skip
        audit.record("cme.enquiry.opened", by=by, obj=enquiry, pupil=pupil, school=school, request=request,
                     data={"enquiry": enquiry.ref, "source": source, "la": responsible.name})  # fmt: skip
    return enquiry


def _link_alert(alert, enquiry: CmeEnquiry, by) -> None:
    """The source alert is linked to the enquiry's case (linked = acknowledged: someone is acting on it)."""
    if alert is None or not alert.is_open or alert.case_id == enquiry.case_id or enquiry.pupil_id is None:
        return
    from attend.alerts.services import AlertError, alert_acknowledge, alert_link

    try:
        alert_link(alert=alert, case=enquiry.case, by=by, expected_version=alert.version)
    except AlertError:  # changed meanwhile, or about another pupil: at least acknowledge it
        alert.refresh_from_db()
        if alert.is_open and alert.status == alert.Status.NEW:
            alert_acknowledge(alert=alert, by=by, expected_version=alert.version)


# ----- the checklist of reasonable enquiries


def current_checks(enquiry: CmeEnquiry, on: dt.date | None = None) -> list[EnquiryCheck]:
    """The checks that stand: not corrected by a later one (a correction replaces what it corrects)."""
    checks = list(enquiry.checks.select_related("done_by").order_by("done_on", "id"))
    if on is not None:
        checks = [c for c in checks if c.done_on <= on]
    corrected = {c.corrects_id for c in checks if c.corrects_id}
    return [c for c in checks if c.pk not in corrected]


def record_check(
    enquiry: CmeEnquiry, *, by, kind, party, done_on, done_by_name, result, located=False, corrects=None,
    request=None,
) -> EnquiryCheck:  # fmt: skip
    """Record one reasonable enquiry (or a correction of one: a new row pointing at it; rows are never changed)."""
    if enquiry.status != CmeEnquiry.Status.OPEN:
        raise EnquiryRefused(f"Enquiry {enquiry.ref} is closed: open a new one to record more")
    if kind not in Kind.values:
        raise EnquiryRefused("Choose what enquiry was made", "kind")
    if party not in Party.values:
        raise EnquiryRefused("Say whether the school or the local authority made it", "party")
    if done_on is None or done_on > clock.today():
        raise EnquiryRefused("Enter the date it was made (it cannot be in the future)", "done_on")
    if not (done_by_name or "").strip():
        raise EnquiryRefused("Enter who made the enquiry", "done_by_name")
    if not (result or "").strip():
        raise EnquiryRefused("Enter what was found out", "result")
    if corrects is not None and corrects.enquiry_id != enquiry.pk:
        raise EnquiryRefused("A correction must be of an enquiry recorded on this enquiry", "corrects")
    with transaction.atomic():
        check = EnquiryCheck.objects.create(
            enquiry=enquiry, kind=kind, party=party, done_on=done_on, done_by_name=done_by_name.strip(),
            done_by=by if getattr(by, "pk", None) else None, result=result.strip(), located=bool(located),
            corrects=corrects,
        )  # fmt: skip
        what = (
            f"{Kind(kind).label} ({Party(party).label.lower()}, {done_by_name.strip()}, {done_on:%d %B %Y})"
        )
        if corrects is not None:
            what = f"Correction of an earlier entry: {what}"
        summary = f"{enquiry.ref}: {what}: {check.result}" + (" The child was located." if located else "")
        if kind == Kind.SAFEGUARDING_REFERRAL:
            summary += " (Also made to the DSL / children's social care the usual way.)"
        record_entry(enquiry.case, kind=EntryKind.CME, summary=summary, by=by, request=request)
        audit.record("cme.check.recorded", by=by, obj=check, pupil=enquiry.pupil, request=request,
                     data={"enquiry": enquiry.ref, "kind": kind, "party": party,
                           "corrects": corrects.pk if corrects else ""})  # fmt: skip
    sync_enquiry_prompts(clock.today(), enquiries=[enquiry])
    return check


def checklist(enquiry: CmeEnquiry) -> list[dict]:
    """Each kind of reasonable enquiry with the standing checks of that kind (empty: not yet made)."""
    standing = current_checks(enquiry)
    return [
        {"kind": value, "label": label, "checks": [c for c in standing if c.kind == value]}
        for value, label in Kind.choices
    ]


# ----- closing


def _check_outcome(enquiry, outcome, on, found_school, found_la, sent_to) -> None:
    if enquiry.status != CmeEnquiry.Status.OPEN:
        raise EnquiryRefused(
            f"Enquiry {enquiry.ref} is already closed ({enquiry.get_outcome_display().lower()})"
        )
    if outcome not in Outcome.values:
        raise EnquiryRefused("Choose the outcome", "outcome")
    if on is None or on > clock.today() or on < enquiry.opened_at.date():
        raise EnquiryRefused(
            "Enter the date of the outcome: not in the future, nor before the enquiry opened", "on"
        )
    if outcome == Outcome.NOT_FOUND and not [c for c in current_checks(enquiry) if c.kind in LOCATING_KINDS]:
        # CME statutory guidance (August 2024): "not found" only after reasonable enquiries, recorded.
        raise EnquiryRefused(
            "An enquiry cannot close as not found with no reasonable enquiries recorded", "outcome"
        )
    if outcome == Outcome.FOUND_HERE:
        if found_school is None:
            raise EnquiryRefused("Choose the school the child was found on the roll of", "found_school")
        if found_school.local_authority_id != enquiry.local_authority_id:
            raise EnquiryRefused("That school is in another LA: close as found in another LA", "found_school")
    if outcome == Outcome.FOUND_OTHER_LA:
        if found_la is None:
            raise EnquiryRefused("Choose the local authority the child was found in", "found_la")
        if found_la.pk == enquiry.local_authority_id:
            raise EnquiryRefused(
                "That is this enquiry's own LA: choose found here, or another LA", "found_la"
            )
        if not (sent_to or "").strip():
            raise EnquiryRefused("Say who at that local authority the referral goes to", "sent_to")


def close_enquiry(
    enquiry: CmeEnquiry, *, by, outcome, on, note, found_school=None, found_la=None, sent_to="", request=None
) -> CmeEnquiry:
    """Close with an outcome (refused with the reason for bad input). Found in another LA records a referral to
    that LA (`referrals.refer_to_la`, emailed when `sent_to` is an email address)."""
    from .referrals import refer_to_la

    _check_outcome(enquiry, outcome, on, found_school, found_la, sent_to)
    note = (note or "").strip()
    now = clock.now()
    with transaction.atomic():
        changed = CmeEnquiry.objects.filter(pk=enquiry.pk, status=CmeEnquiry.Status.OPEN).update(
            status=CmeEnquiry.Status.CLOSED, outcome=outcome, outcome_on=on, outcome_note=note,
            found_school=found_school if outcome == Outcome.FOUND_HERE else None,
            found_la=found_la if outcome == Outcome.FOUND_OTHER_LA else None,
            closed_at=now, closed_by=by if getattr(by, "pk", None) else None, version=enquiry.version + 1,
        )  # fmt: skip
        if not changed:  # closed by someone else meanwhile
            raise EnquiryRefused(f"Enquiry {enquiry.ref} is already closed")
        enquiry.refresh_from_db()
        summary = f"{enquiry.ref} closed: {Outcome(outcome).label}"
        if enquiry.found_school_id:
            summary += f" ({enquiry.found_school.name})"
        if enquiry.found_la_id:
            summary += f" ({enquiry.found_la.name})"
        record_entry(enquiry.case, kind=EntryKind.CME, summary=summary + (f". {note}" if note else "."), by=by,
                     request=request)  # fmt: skip
        audit.record("cme.enquiry.closed", by=by, obj=enquiry, pupil=enquiry.pupil, request=request,
                     data={"enquiry": enquiry.ref, "outcome": outcome})  # fmt: skip
    if outcome == Outcome.FOUND_OTHER_LA:
        refer_to_la(
            by=by, to_la=enquiry.found_la, reason=LaReferral.Reason.FOUND_THERE, sent_to=sent_to, on=on,
            summary=note or f"The child has been found in {enquiry.found_la.name}.", enquiry=enquiry,
            request=request,
        )  # fmt: skip
    sync_enquiry_prompts(clock.today(), enquiries=[enquiry])
    return enquiry


# ----- the reg 9(1)(i) gate


def joint_enquiry_gaps(pupil, on: dt.date) -> list[str]:
    """Why a ground (i) deletion is not yet possible, in words; empty when a CME enquiry for the pupil shows
    reasonable enquiries by BOTH the school and the LA (on or before `on`) and none located the child. The
    Education (Pupil Registration) (England) Regulations 2024 reg 9(1)(i): "the proprietor of the school and the
    local authority have failed, after reasonable enquiry, to locate the pupil"."""
    enquiries = CmeEnquiry.objects.filter(pupil=pupil, opened_at__date__lte=on).order_by("-opened_at", "-id")
    enquiry = enquiries.filter(status=CmeEnquiry.Status.OPEN).first() or enquiries.first()
    if enquiry is None:
        return ["No children missing education enquiry has been opened for this pupil"]
    gaps = []
    if enquiry.status == CmeEnquiry.Status.CLOSED and enquiry.outcome != Outcome.NOT_FOUND:
        gaps.append(f"Enquiry {enquiry.ref} closed with the outcome: {enquiry.get_outcome_display().lower()}")
    checks = [c for c in current_checks(enquiry, on) if c.kind in LOCATING_KINDS]
    if not [c for c in checks if c.party == Party.SCHOOL]:
        gaps.append(f"Enquiry {enquiry.ref} shows no reasonable enquiry by the school")
    if not [c for c in checks if c.party == Party.LA]:
        gaps.append(f"Enquiry {enquiry.ref} shows no reasonable enquiry by the local authority")
    for check in checks:
        if check.located:
            gaps.append(
                f"An enquiry located the child ({check.get_kind_display().lower()}, {check.done_on:%d %B %Y})"
            )
    return gaps
