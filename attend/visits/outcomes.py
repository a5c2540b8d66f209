"""Recording what happened at a visit: the outcome row, the visit marked done, the case chronology, and what
follows from it (the children-missing-education prompt, a safeguarding entry, the agreement letter, the written
report of a visit cancelled for safety).

`record_outcome` does it all for a page or a script; the page (views_outcomes) only checks scope and the form.
Every chronology entry goes through `attend.casework.chronology.record_entry`; the work-list prompts follow from
the entries' next steps (attend.casework.prompts: a next step due today is on the work list today).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from attend import audit
from attend.accounts.permissions import has_permission
from attend.casework.caseload import contact_cutoff
from attend.casework.cases import open_case, open_case_for
from attend.casework.chronology import EntryRefused, record_entry
from attend.casework.models import EntryKind
from attend.core.scoping import current_pupil_ids
from attend.letters.compose import Draft, MessageError, compose, enrolment_on
from attend.letters.context import Meeting, contact_name
from attend.letters.models import Message
from attend.letters.services import message_create, message_send

from .models import Visit, VisitOutcome

AGREEMENT_TEMPLATE = "visit_agreement"
CARD_TEMPLATE = "home_visit_card"
CONCERN_TO = {"police": "police", "front_door": "children's services front door"}
AGREEMENT_ROUTES = (
    ("", "Do not send it now"),
    (Message.Route.EMAIL, "Email it to the parent seen"),
    (Message.Route.PRINT, "Print it here to hand over or post"),
    (Message.Route.POST, "Post it (GOV.UK Notify, first class)"),
)


class OutcomeRefused(Exception):
    """The outcome cannot be recorded, with a reason a person can act on."""


def visit_for_user(user, pk: int, *, today: dt.date) -> Visit:
    """The visit if the user may record visits for its pupil (their school's or LA's current pupils); 404
    otherwise, never saying whether the visit exists."""
    visit = Visit.objects.select_related("pupil", "case", "contact", "round").filter(pk=pk).first()
    if visit is None or visit.pupil_id is None or not has_permission(user, "visits.write"):
        raise Http404("No visit with that number in your scope.")
    if visit.pupil_id not in current_pupil_ids(user, [visit.pupil_id], today=today):
        raise Http404("No visit with that number in your scope.")
    return visit


def case_for_visit(visit: Visit, *, by, now: dt.datetime):
    """The visit's case if it is open, else the pupil's open case, else a new one at the pupil's school."""
    if visit.case_id and visit.case.is_open:
        return visit.case
    case = open_case_for(visit.pupil)
    if case is None:
        enrolment = enrolment_on(visit.pupil, timezone.localdate(now))
        case, _ = open_case(
            by=by,
            pupil=visit.pupil,
            school=enrolment.school if enrolment else None,
            reason="Opened to record a home visit",
            occurred_at=now,
        )
    return case


def parent_words(outcome: VisitOutcome) -> str:
    if outcome.parent_contact_id:
        return contact_name(outcome.parent_contact)
    return outcome.parent_seen_who


def entry_summary(visit: Visit, outcome: VisitOutcome) -> str:
    """The visit's chronology entry, in sentences."""
    kind = "Doorstep visit" if visit.mode == Visit.Mode.DOORSTEP else "Home visit"
    lines = [f"{kind} to {visit.address.splitlines()[0] if visit.address else visit.postcode}."]
    if outcome.parent_seen:
        lines.append(f"Parent or carer seen: {parent_words(outcome)}.")
    if outcome.child_seen:
        company = "alone" if outcome.child_seen_alone else f"with {outcome.child_seen_with}"
        spoke = " and spoken with" if outcome.child_spoken_with else ""
        lines.append(f"Child seen {company}{spoke}, {outcome.child_seen_where}.")
    else:
        lines.append("Child not seen.")
    if outcome.no_answer:
        lines.append("No answer." + (" Visit card left." if outcome.card_left else ""))
    if outcome.neighbour_enquiries:
        lines.append(f"Enquiries with neighbours: {outcome.neighbour_enquiries}")
    if outcome.moved_away:
        where = f" New address: {outcome.new_address}." if outcome.new_address else " New address not known."
        lines.append("The family has moved away." + where)
    if outcome.agreements:
        lines.append(f"Agreed: {outcome.agreements}")
    if outcome.next_steps:
        lines.append(f"Next steps: {outcome.next_steps}")
    return "\n".join(lines)


def repeated_no_answer(visit: Visit, *, today: dt.date) -> bool:
    """Is this the second (or later) no-answer visit to the pupil within 20 school days?"""
    enrolment = enrolment_on(visit.pupil, today)
    cutoff, _ = contact_cutoff(enrolment.school if enrolment else None, today)
    since = timezone.make_aware(dt.datetime.combine(cutoff, dt.time()))
    earlier = VisitOutcome.objects.filter(
        visit__pupil_id=visit.pupil_id, no_answer=True, occurred_at__gte=since
    ).exclude(visit=visit)
    return earlier.exists()


@dataclass
class OutcomeInput:
    """What the form gives: the VisitOutcome's fields, how to send the agreement, the time of the visit."""

    fields: dict
    agreement_route: str = ""


def agreement_draft(visit: Visit, data: OutcomeInput, *, by, as_of: dt.date) -> Draft | None:
    """The agreement letter for the parent seen, composed before anything is saved (so a missing email address
    refuses the whole outcome, with the reason)."""
    f = data.fields
    if not (data.agreement_route and f.get("agreements")):
        return None
    contact = f.get("parent_contact")
    if contact is None:
        raise MessageError("Choose which parent or carer was seen: the agreement is sent to them.")
    meeting = Meeting(
        kind="home visit",
        date=timezone.localdate(f["occurred_at"]),
        agenda=f["agreements"],
        record=f.get("next_steps", ""),
    )
    return compose(
        template_name=AGREEMENT_TEMPLATE,
        pupil=visit.pupil,
        contact=contact,
        route=data.agreement_route,
        as_of=as_of,
        by=by,
        meeting=meeting,
    )


def record_outcome(visit: Visit, data: OutcomeInput, *, by, now: dt.datetime, request=None) -> VisitOutcome:
    """Record the outcome once: the visit done (or cancelled for safety), the case chronology, the prompts, the
    agreement letter and the safety report. Refused (OutcomeRefused) when an outcome is already recorded or the
    agreement cannot be composed; then nothing is saved."""
    from .safety_reports import report_recipients, send_report

    if VisitOutcome.objects.filter(visit=visit).exists():
        raise OutcomeRefused("The outcome of this visit is already recorded.")
    today = timezone.localdate(now)
    try:
        draft = agreement_draft(visit, data, by=by, as_of=today)
    except MessageError as exc:
        raise OutcomeRefused(str(exc)) from exc
    recipients = report_recipients(visit, by) if data.fields.get("not_safe") else []
    try:
        outcome = _save(
            visit, data, draft, by=by, recipients=recipients, today=today, now=now, request=request
        )
    except (EntryRefused, MessageError) as exc:
        raise OutcomeRefused(str(exc)) from exc
    except IntegrityError as exc:  # recorded meanwhile by someone else (one outcome per visit)
        raise OutcomeRefused("The outcome of this visit is already recorded.") from exc
    if outcome.agreement_message_id:
        try:
            outcome.agreement_message = message_send(outcome.agreement_message, by=by)
        except MessageError:
            pass  # the message page shows why, and it can be sent again from there
    if outcome.not_safe:
        send_report(outcome, recipients, by=by, now=now)
    return outcome


def _save(visit, data, draft, *, by, recipients, today, now, request) -> VisitOutcome:
    with transaction.atomic():
        case = case_for_visit(visit, by=by, now=now)
        outcome = VisitOutcome.objects.create(visit=visit, case=case, recorded_by=by, **data.fields)
        visit.status = Visit.Status.CANCELLED_FOR_SAFETY if outcome.not_safe else Visit.Status.DONE
        visit.case = case
        visit.save(update_fields=["status", "case"])
        audit.record(
            "visits.outcome.recorded", by=by, obj=outcome, pupil=visit.pupil, school=case.school,
            data={"visit": visit.pk, "case": case.ref, "outcome": outcome.in_a_few_words}, request=request,
        )  # fmt: skip
        _chronology(visit, outcome, case, by=by, recipients=recipients, today=today)
        if draft is not None:
            message = message_create(
                draft, as_of=today, by=by, key=f"{AGREEMENT_TEMPLATE}/outcome-{outcome.pk}"
            )
            outcome.agreement_message = message
            outcome.save(update_fields=["agreement_message"])
    return outcome


def _chronology(visit, outcome, case, *, by, recipients, today) -> None:
    at = outcome.occurred_at
    if outcome.not_safe:
        to = "; ".join(f"{r.name} ({r.role_label})" for r in recipients) or "nobody on record"
        record_entry(
            case, kind=EntryKind.NOTE, by=by, occurred_at=at, source="visits",
            summary=f"Home visit to {visit.address.splitlines()[0]} cancelled for safety: "
            f"{outcome.not_safe_reason}\nWritten report to: {to}.",
            next_step=outcome.next_steps or "Plan the next visit with the risk in mind", next_step_due=today,
        )  # fmt: skip
    else:
        follow_up = {}
        if outcome.agreements and outcome.follow_up_on:
            follow_up = {
                "next_step": "Check the agreement made at the home visit is kept; if not, send the letter",
                "next_step_due": outcome.follow_up_on,
            }
        elif outcome.next_steps:
            follow_up = {"next_step": outcome.next_steps}
        doorstep = visit.mode == Visit.Mode.DOORSTEP
        record_entry(
            case, kind=EntryKind.DOORSTEP_VISIT if doorstep else EntryKind.HOME_VISIT, by=by, occurred_at=at,
            summary=entry_summary(visit, outcome), participants=parent_words(outcome) if outcome.parent_seen else "",
            child_seen=outcome.child_seen, child_heard=outcome.child_spoken_with, child_words=outcome.child_words,
            source="visits", source_ref=f"visits.Visit:{visit.pk}", **follow_up,
        )  # fmt: skip
    if outcome.concern:
        record_entry(
            case, kind=EntryKind.SAFEGUARDING, by=by, occurred_at=outcome.concern_at or at, source="visits",
            summary=f"Concern at the home visit referred to the {CONCERN_TO[outcome.concern]} "
            f"at {timezone.localtime(outcome.concern_at or at):%H:%M on %d %B %Y}, reference "
            f"{outcome.concern_reference}.",
        )  # fmt: skip
    repeated = outcome.no_answer and repeated_no_answer(visit, today=today)
    if outcome.moved_away or repeated:
        why = (
            "The family has moved away"
            if outcome.moved_away
            else "No answer at a second visit in 20 school days"
        )
        where = f" New address: {outcome.new_address}." if outcome.new_address else ""
        record_entry(
            case, kind=EntryKind.CME, by=by, occurred_at=at, source="visits",
            summary=f"{why}: start the children missing education enquiry.{where}",
            next_step="Children missing education enquiry: make the checks and tell the LA's CME officer",
            next_step_due=today,
        )  # fmt: skip
        outcome.cme_prompted = True
        outcome.save(update_fields=["cme_prompted"])


def outcomes_for_pupil(pupil, user) -> list[VisitOutcome]:
    """The pupil page's "Home visits" panel: outcomes on cases the user may see, newest first."""
    from attend.casework.access import cases_visible_to

    if not has_permission(user, "visits.view"):
        return []
    return list(
        VisitOutcome.objects.filter(visit__pupil=pupil, case__in=cases_visible_to(user))
        .select_related("visit", "recorded_by")
        .order_by("-occurred_at")[:10]
    )


def card_pdf(visit: Visit, *, by, as_of: dt.date) -> bytes:
    """The visit card left when nobody is in: the shipped `home_visit_card` letter, for the contact visited (or
    the first with parental responsibility). It says who called, when and how to reach us, never why."""
    from attend.letters.compose import liable_contacts

    contact = visit.contact or next((pc.contact for pc in liable_contacts(visit.pupil)), None)
    draft = compose(
        template_name=CARD_TEMPLATE,
        pupil=visit.pupil,
        contact=contact,
        route=Message.Route.PRINT,
        as_of=as_of,
        by=by,
        check_address=False,
    )
    return draft.pdf
