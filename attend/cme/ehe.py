"""Elective home education: the LA's record of a child whose parent educates them otherwise than at school.

Sources (each rule below cites its own):
- EA 1996 s7: a parent's duty is to cause the child to receive suitable full-time education, at school or otherwise.
- 2024 Regs (Education (Pupil Registration) (England) Regulations 2024) reg 9(1)(f): the name is deleted when the
  school receives the parent's notice in writing that the child is receiving education otherwise than at school;
  reg 9(3): for a child at a special school under arrangements made by the LA, not without the LA's consent.
- DfE "Elective home education: departmental guidance for local authorities", April 2019 (EHE guidance 2019):
  the LA's informal enquiries about suitability (ch.6), a school attendance order where it appears education is not
  suitable (EA 1996 s437; ch.6-7), extra steps for children with an EHC plan (ch.9; Children and Families Act 2014
  s42(5): the LA's duty to secure the plan's provision falls away only while the parent's arrangements are suitable,
  and the plan is still reviewed) and children on a child protection plan (ch.5: contact promptly, with the social
  worker).
- Not built as law: the Children's Wellbeing and Schools Act 2026 s38 (EA 1996 s436B-436G, "children not in school"
  registers) is enacted but not commenced.

Scope: LA staff keep the records of their LA (`cme.ehe`); school staff may record a notice received at their school
for their own pupil and see that record's status, never the LA's contacts (`records_visible_to`, `is_la_side`).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet

from attend import audit
from attend.casework.cases import open_case
from attend.casework.chronology import record_entry
from attend.core import clock
from attend.people.models import Enrolment, Pupil

from .ehe_access import (  # noqa: F401  (the area's scope, importable from here)
    get_record_for_user,
    is_la_side,
    notice_enrolment,
    records_visible_to,
)
from .models_ehe import EheContact, HomeEducation

Status = HomeEducation.Status
Consent = HomeEducation.Consent
Suitability = EheContact.Suitability
CURRENT = (Status.AWAITING_CONSENT, Status.HOME_EDUCATED)

# The LA's first contact after a notice, in working days (Monday to Friday). The 2019 guidance sets no number; it asks
# for prompt contact where a child has a CP plan (ch.5) and for the EHC plan's provision to be checked (ch.9). Reasonable
# practice in LA EHE policies: 10 working days for a child with a CP plan or an EHC plan, 20 for other children. An LA
# changes them in settings.ATTEND_EHE_FIRST_CONTACT_WORKING_DAYS.
FIRST_CONTACT_WORKING_DAYS = {"flagged": 10, "other": 20}
# After a contact that set no next date: EHE guidance 2019 ch.6, enquiries at least once a year.
REVIEW_INTERVAL_DAYS = 365

END_REASONS = {
    "moved_away": "Moved away from the local authority",
    "past_school_age": "No longer of compulsory school age",
}


class EheRefused(ValueError):
    """The step cannot be recorded; the message says why, in words for the person who tried."""


# ----- references, the chronology and the roll


def next_ref() -> str:
    """EHE- and six digits, one more than the highest so far (a clash on save is retried)."""
    last = (
        HomeEducation.objects.filter(ref__startswith="EHE-")
        .order_by("-ref")
        .values_list("ref", flat=True)
        .first()
    )
    number = int(last[4:]) + 1 if last and last[4:].isdigit() else 1
    return f"EHE-{number:06d}"


def _log(record: HomeEducation, by, summary: str, request=None) -> None:
    """Every step about the child goes on the case chronology (kind CME)."""
    if record.case_id:
        record_entry(record.case, kind="cme", summary=summary, by=by, source="home_education",
                     source_ref=record.ref, request=request)  # fmt: skip


def _enrolment_for(record: HomeEducation) -> Enrolment | None:
    if record.pupil_id is None or record.school_id is None:
        return None
    return (
        Enrolment.objects.filter(pupil_id=record.pupil_id, school_id=record.school_id)
        .order_by("-admission_date")
        .first()
    )


def delete_from_roll(record: HomeEducation, *, by, on: dt.date):
    """The deletion under reg 9(1)(f) the parent's notice allows. Refused for a child at a special school placed
    there by the LA until the LA has consented (2024 Regs reg 9(3))."""
    from . import roll

    if record.special_school_la_placed and record.consent != Consent.GIVEN:
        raise EheRefused(
            "The child is at a special school under arrangements made by the local authority: the name cannot be "
            "deleted until the local authority consents (2024 Regs reg 9(3))"
        )
    enrolment = _enrolment_for(record)
    if enrolment is None:
        raise EheRefused("The child has no enrolment at the school to delete")
    try:
        return roll.record_deletion(by=by, enrolment=enrolment, ground="f", deleted_on=on, source="home_education",
                                    home_education=record)  # fmt: skip
    except roll.DeletionRefused as error:
        raise EheRefused(str(error)) from error


def first_contact_days(record: HomeEducation) -> int:
    days = getattr(settings, "ATTEND_EHE_FIRST_CONTACT_WORKING_DAYS", FIRST_CONTACT_WORKING_DAYS)
    return days["flagged"] if (record.ehc_plan or record.child_protection_plan) else days["other"]


def add_working_days(day: dt.date, n: int) -> dt.date:
    while n > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


# ----- the notice and the LA's consent


def record_notice(
    *,
    by,
    pupil: Pupil,
    school,
    received_on: dt.date,
    from_contact=None,
    from_name: str,
    note: str = "",
    special_school_la_placed: bool = False,
    request=None,
) -> HomeEducation:
    """The parent's notice in writing that the child is educated otherwise than at school (EA 1996 s7), received
    by the school or the LA. Not at an LA-placed special school: the name is deleted at once under reg 9(1)(f) and
    the child is home educated from the next day. At one: awaiting the LA's consent (reg 9(3)); no deletion yet."""
    if not (from_name or "").strip():
        raise EheRefused("Enter the name of the parent who gave notice")
    if received_on > clock.today():
        raise EheRefused("The notice cannot have been received in the future")
    on_roll = Enrolment.objects.filter(pupil=pupil, school=school, admission_date__lte=received_on).filter(
        Q(leaving_date__isnull=True) | Q(leaving_date__gte=received_on)
    )
    if not on_roll.exists():
        raise EheRefused(
            f"{pupil.display_name} was not on the roll at {school.name} on {received_on:%-d %B %Y}"
        )
    if HomeEducation.objects.filter(pupil=pupil, status__in=CURRENT).exists():
        raise EheRefused(f"{pupil.display_name} already has a current home education record")
    for attempt in range(5):
        try:
            with transaction.atomic():  # a refused deletion leaves no record and no new case
                case, _ = open_case(
                    by=by, pupil=pupil, school=school, reason="Notice of elective home education"
                )
                record = _create_record(by, pupil, school, case, received_on, from_contact, from_name, note,
                                        special_school_la_placed)  # fmt: skip
                _after_notice(record, by, request)
            break
        except IntegrityError:
            if attempt == 4:
                raise
    sync_ehe_prompts(clock.today(), records=HomeEducation.objects.filter(pk=record.pk))
    return record


def _create_record(by, pupil, school, case, received_on, from_contact, from_name, note, la_placed):
    return HomeEducation.objects.create(
        ref=next_ref(), case=case, pupil=pupil, local_authority=school.local_authority, school=school,
        notice_received_on=received_on, notice_from=from_contact, notice_from_name=from_name.strip(),
        notice_note=note.strip(), special_school_la_placed=la_placed,
        consent=Consent.PENDING if la_placed else Consent.NOT_NEEDED,
        status=Status.AWAITING_CONSENT if la_placed else Status.NOTICE_RECEIVED,
        # The LA's extra steps (EHE guidance 2019 ch.9 and ch.5), as the child was at notice.
        ehc_plan=pupil.sen_status == Pupil.SenStatus.EHCP, child_protection_plan=pupil.child_protection_plan,
        recorded_by=by if getattr(by, "pk", None) else None,
    )  # fmt: skip


def _after_notice(record: HomeEducation, by, request) -> None:
    flags = [label for flag, label in ((record.ehc_plan, "EHC plan"), (record.child_protection_plan,
             "child protection plan")) if flag]  # fmt: skip
    summary = (
        f"Notice of elective home education ({record.ref}) from {record.notice_from_name}, received "
        f"{record.notice_received_on:%-d %B %Y} at {record.school.name}."
        + (f" Flagged for the LA's extra steps: {', '.join(flags)}." if flags else "")
    )
    if record.special_school_la_placed:
        summary += " LA-placed special school: the name stays on the roll until the LA consents (reg 9(3))."
    else:
        delete_from_roll(record, by=by, on=record.notice_received_on)
        record.status, record.started_on = (
            Status.HOME_EDUCATED,
            record.notice_received_on + dt.timedelta(days=1),
        )
        record.save(update_fields=["status", "started_on"])  # the deletion's own chronology entry says so
    _log(record, by, summary, request)
    audit.record("cme.home_education.recorded", by=by, obj=record, pupil=record.pupil, school=record.school,
                 data={"ref": record.ref, "status": record.status}, request=request)  # fmt: skip


def decide_consent(
    record: HomeEducation, by, given: bool, on: dt.date, note: str, request=None, version: int | None = None
) -> HomeEducation:
    """The LA's consent to deleting a child at a special school it placed them in (2024 Regs reg 9(3)). Given:
    the deletion follows; refused: the child stays on the school's roll and the record ends."""
    if record.status != Status.AWAITING_CONSENT:
        raise EheRefused("This record is not waiting for the local authority's consent")
    if on > clock.today() or on < record.notice_received_on:
        raise EheRefused("The consent date must be between the notice and today")
    if not given and not (note or "").strip():
        raise EheRefused("Enter why the local authority refused consent")
    with transaction.atomic():
        _lock(record, version)
        record.consent, record.consent_on, record.consent_note = (
            (Consent.GIVEN if given else Consent.REFUSED),
            on,
            note,
        )
        record.consent_by = by if getattr(by, "pk", None) else None
        if given:
            delete_from_roll(record, by=by, on=on)
            record.status, record.started_on = Status.HOME_EDUCATED, on + dt.timedelta(days=1)
            summary = (
                f"The LA consented to home education ({record.ref}): deleted from the roll under reg 9(1)(f)."
            )
        else:
            record.status, record.ended_on = Status.ENDED, on
            record.ended_note = "The LA refused consent: the child stays on the school's roll (reg 9(3))"
            summary = f"The LA refused consent to home education ({record.ref}): the child stays on the roll."
        record.version += 1
        record.save()
        _log(record, by, f"{summary} {note}".strip(), request)
        audit.record("cme.home_education.consent_decided", by=by, obj=record, pupil=record.pupil,
                     data={"ref": record.ref, "consent": record.consent}, request=request)  # fmt: skip
    sync_ehe_prompts(clock.today(), records=HomeEducation.objects.filter(pk=record.pk))
    return record


# ----- contacts and suitability


def record_contact(
    record: HomeEducation, by, kind: str, on: dt.date, note: str, suitability: str,
    next_contact_on: dt.date | None, with_whom: str = "", request=None,
) -> EheContact:  # fmt: skip
    """The LA's contact with the family and its view on whether the education appears suitable (EHE guidance
    2019 ch.6)."""
    if record.status not in CURRENT:
        raise EheRefused(
            "Contacts are recorded while the child is home educated (or the notice is awaiting consent)"
        )
    if kind not in EheContact.Kind.values:
        raise EheRefused("Choose how the contact was made")
    if suitability not in Suitability.values:
        raise EheRefused("Choose the view on suitability")
    if not (note or "").strip():
        raise EheRefused("Enter what was found")
    if on > clock.today() or on < record.notice_received_on:
        raise EheRefused("The contact date must be between the notice and today")
    if next_contact_on is not None and next_contact_on <= on:
        raise EheRefused("The next contact must be after this one")
    with transaction.atomic():
        contact = EheContact.objects.create(
            home_education=record, kind=kind, on=on, note=note.strip(), suitability=suitability, with_whom=with_whom,
            next_contact_on=next_contact_on, by=by if getattr(by, "pk", None) else None,
        )  # fmt: skip
        _log(record, by, f"Home education contact ({contact.get_kind_display().lower()}, {on:%-d %B %Y}): "
             f"{contact.get_suitability_display()}.", request)  # fmt: skip
        audit.record("cme.ehe_contact.recorded", by=by, obj=record, pupil=record.pupil,
                     data={"ref": record.ref, "kind": kind, "suitability": suitability}, request=request)  # fmt: skip
    sync_ehe_prompts(clock.today(), records=HomeEducation.objects.filter(pk=record.pk))
    return contact


def latest_view(record: HomeEducation) -> EheContact | None:
    """The latest contact that gave a view on suitability."""
    return record.contacts.exclude(suitability=Suitability.NOT_ASSESSED).order_by("-on", "-id").first()


def next_contact_due(record: HomeEducation) -> dt.date | None:
    """The latest contact's next date; with no contact yet, the first contact after the notice (working days from
    it: FIRST_CONTACT_WORKING_DAYS); after a contact that set none, a year on (EHE guidance 2019 ch.6)."""
    if record.status not in CURRENT:
        return None
    contacts = sorted(record.contacts.all(), key=lambda c: (c.on, c.pk))  # uses a prefetch when there is one
    latest = contacts[-1] if contacts else None
    if latest is None:
        return add_working_days(record.notice_received_on, first_contact_days(record))
    if latest.next_contact_on:
        return latest.next_contact_on
    return latest.on + dt.timedelta(
        days=getattr(settings, "ATTEND_EHE_REVIEW_INTERVAL_DAYS", REVIEW_INTERVAL_DAYS)
    )


def next_steps(record: HomeEducation) -> list[str]:
    """What the LA should do next, in words, each with its source."""
    steps = []
    if record.status == Status.AWAITING_CONSENT:
        steps.append("Decide whether the local authority consents to the deletion (2024 Regs reg 9(3)); until it "
                     "does, the child stays on the special school's roll.")  # fmt: skip
    if record.status not in CURRENT:
        return steps
    view = latest_view(record)
    if view is not None and view.suitability == Suitability.NOT_SUITABLE:
        steps.append("The education appears not to be suitable: consider a school attendance order, EA 1996 s437 "
                     "(serve the notice under s437(1) first).")  # fmt: skip
    if record.ehc_plan:
        steps.append("EHC plan: check the education is suitable for the child's special educational needs and "
                     "review the plan (Children and Families Act 2014 s42(5); EHE guidance 2019 ch.9).")  # fmt: skip
    if record.child_protection_plan:
        steps.append("Child protection plan: make contact with the family and the child's social worker promptly "
                     "(EHE guidance 2019 ch.5).")  # fmt: skip
    return steps


# ----- return to school and end


def record_return(
    record: HomeEducation, by, school, on: dt.date, request=None, version: int | None = None
) -> HomeEducation:
    """The child is back at school (registered at `school` from `on`)."""
    if record.status != Status.HOME_EDUCATED:
        raise EheRefused("Only a child who is home educated can return to school")
    if on > clock.today() or (record.started_on and on < record.started_on):
        raise EheRefused("The return date must be between the start of home education and today")
    return _close(
        record, by, Status.RETURNED, on, f"Returned to school at {school.name}", request, version, school
    )


def record_end(
    record: HomeEducation,
    by,
    reason: str,
    on: dt.date,
    note: str = "",
    request=None,
    version: int | None = None,
) -> HomeEducation:
    """The record ends: the family moved away, or the child is past compulsory school age."""
    if record.status != Status.HOME_EDUCATED:
        raise EheRefused("Only a current home education record can end")
    if reason not in END_REASONS:
        raise EheRefused("Choose why the record ends")
    if on > clock.today() or (record.started_on and on < record.started_on):
        raise EheRefused("The end date must be between the start of home education and today")
    ended = END_REASONS[reason] + (f": {note.strip()}" if (note or "").strip() else "")
    return _close(record, by, Status.ENDED, on, ended, request, version)


def _lock(record: HomeEducation, version: int | None) -> None:
    """Optimistic locking: refuse a change made from a page showing an older version of the record."""
    if version is None:
        return
    current = HomeEducation.objects.select_for_update().filter(pk=record.pk).values_list("version", flat=True)
    if list(current) != [version]:
        raise EheRefused(
            "Someone else changed this record while you were working on it: check it and try again"
        )


def _close(record, by, status, on, ended_note, request, version=None, school=None) -> HomeEducation:
    with transaction.atomic():
        _lock(record, version)
        record.status, record.ended_on, record.ended_note, record.return_school = (
            status,
            on,
            ended_note[:300],
            school,
        )
        record.version += 1
        record.save()
        _log(record, by, f"Home education ended ({record.ref}, {on:%-d %B %Y}): {ended_note}.", request)
        audit.record("cme.home_education.ended", by=by, obj=record, pupil=record.pupil,
                     data={"ref": record.ref, "status": status, "note": ended_note}, request=request)  # fmt: skip
    sync_ehe_prompts(clock.today(), records=HomeEducation.objects.filter(pk=record.pk))
    return record


# ----- lists, the work list and the /cme/ panel


def open_records(la) -> QuerySet[HomeEducation]:
    """The LA's current records: children home educated or whose notice awaits the LA's consent."""
    return HomeEducation.objects.filter(local_authority=la, status__in=CURRENT)


def sync_ehe_prompts(today: dt.date, *, records=None) -> dict[str, int]:
    """The work list: one `ehe_contact_due` item per current record whose next contact is due (on or after the due
    date), keyed by the due date so a new contact's date raises a new item. Raises the missing ones and clears the
    others, as the NTI sync does; an item someone dismissed stays dismissed. A child never on a roll has no
    enrolment, so no work-list item (the register shows their due date)."""
    from attend.alerts.events import EHE_CONTACT_DUE, clear_alerts, raise_prompt
    from attend.alerts.models import Alert

    scope = HomeEducation.objects.all() if records is None else records
    wanted = {}
    for record in scope.filter(pupil__isnull=False).select_related("pupil", "school"):
        due = next_contact_due(record)
        if due is not None and due <= today:
            wanted[f"ehe{record.pk}-{due:%Y%m%d}"] = (record, due)
    existing = Alert.objects.filter(rule=EHE_CONTACT_DUE)
    if records is not None:
        existing = existing.filter(pupil_id__in=scope.values("pupil_id"))
    latest = {a.key: a for a in existing.order_by("id")}
    raised = 0
    with transaction.atomic():
        for key, (record, due) in wanted.items():
            enrolment = _enrolment_for(record)
            if key in latest or enrolment is None:
                continue
            reason = (
                f"Home education ({record.ref}): the LA's contact with the family was due on {due:%-d %B %Y}."
            )
            raise_prompt(rule=EHE_CONTACT_DUE, key=key, enrolment=enrolment, today=today, reason=reason,
                         details={"ehe_ref": record.ref, "due": due.isoformat()})  # fmt: skip
            raised += 1
        cleared = clear_alerts([a.pk for key, a in latest.items() if key not in wanted], today)
    return {"raised": raised, "cleared": cleared}


def term_start(today: dt.date) -> dt.date:
    """The month rule for terms (autumn from 1 August, spring from 1 January, summer from 1 April)."""
    if today.month >= 8:
        return dt.date(today.year, 8, 1)
    return dt.date(today.year, 1 if today.month <= 3 else 4, 1)


def index_panel(user, today: dt.date) -> dict:
    """Context for this area's panel on /cme/ (template cme/ehe/_index_panel.html): children currently home
    educated, new this term, with flags."""
    current = records_visible_to(user).filter(status__in=CURRENT)
    return {
        "ehe_current": current.filter(status=Status.HOME_EDUCATED).count(),
        "ehe_awaiting_consent": current.filter(status=Status.AWAITING_CONSENT).count(),
        "ehe_new_this_term": current.filter(notice_received_on__gte=term_start(today)).count(),
        "ehe_ehc_plan": current.filter(ehc_plan=True).count(),
        "ehe_cp_plan": current.filter(child_protection_plan=True).count(),
    }
