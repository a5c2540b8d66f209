"""Prosecutions under EA 1996 s444(1) and s444(1A) (domain.md §3.2): the decision record, the time limit, the
interview under caution, hearings and the outcome.

Refused, with the reason and nothing changed: a person who is not the child's parent; a child not of compulsory
school age in the period (s444(1)); no education supervision order considered first (EA 1996 s447: any
`SupervisionOrder` row for the pupil considered on or before the decision); an order in force (CA 1989 Sch 3 para
13); a decision after the last date to lay the information (Magistrates' Courts Act 1980 s127: six months); a
statutory defence not answered; for an unpaid penalty notice, one paid, withdrawn or still inside its 28 days.

The LA's code comes from `codes.code_for`; the sessions relied on are written for the parent by
`notices.relied_on` (never relied on again for that parent); what is unpaid comes from `notices.outstanding`.
"""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Q

from attend import audit
from attend.casework.models import Case
from attend.core import clock
from attend.letters.age import of_compulsory_school_age
from attend.people.models import Enrolment, PupilContact
from attend.registers.models import Mark

from .codes import code_for
from .models import (
    CautionInterview,
    CodeOfConduct,
    Hearing,
    NoticeEvent,
    PenaltyNotice,
    Prosecution,
    SupervisionOrder,
)
from .notices import outstanding, relied_on
from .orders import _d, case_for, order_in_force, record_step
from .prosecutions_prompts import WARN_BEFORE, sync_time_limit_prompts  # noqa: F401

P = Prosecution
TIME_LIMIT = relativedelta(months=6)  # Magistrates' Courts Act 1980 s127(1)
UNAUTHORISED = ("G", "N", "O", "U")  # domain.md §1.1, §3.1: the unauthorised absence codes
PAY_DAYS = 28  # 2007 Regulations as amended (SI 2024/210): 28 days from and including receipt
# EA 1996 s444: each defence considered and answered in the decision record.
DEFENCES = {
    "leave": "Absent with leave (s444(3)(a))",
    "sickness": "Sickness or unavoidable cause (s444(3)(b))",
    "religious": "A day set apart for religious observance (s444(3)(c))",
    "transport": "Transport and walking distance (s444(3A)-(5))",
    "travelling": "A parent whose trade or business requires travel (s444(6))",
}


class ProsecutionRefused(ValueError):
    """The step cannot be taken; the message says why."""


# ----- the rules


def lay_by(period_start: dt.date, period_end: dt.date, code: CodeOfConduct) -> dt.date:
    """The last day to lay the information: six months from the offence period relied on (MCA 1980 s127(1)),
    counted from its first or last session as the LA's code says. The day of the offence is not counted
    (Radcliffe v Bartholomew [1892]), so the same date six calendar months on is the last day (31 August -> 28 or
    29 February)."""
    first = code.time_limit_from == CodeOfConduct.TimeLimitFrom.FIRST_SESSION
    return (period_start if first else period_end) + TIME_LIMIT


def _is_parent(pupil, parent) -> bool:
    """EA 1996 s576: parental responsibility or care of the child (a contact linked as neither is refused)."""
    return (
        PupilContact.objects.filter(pupil=pupil, contact=parent)
        .filter(Q(parental_responsibility=True) | Q(lives_with_pupil=True))
        .exists()
    )


def sessions_in(pupil, start: dt.date, end: dt.date) -> list[tuple[int, dt.date, str]]:
    """The unauthorised absences (G, N, O, U) in the period, at every school the child was registered at."""
    marks = Mark.objects.filter(
        enrolment__pupil=pupil, date__gte=start, date__lte=end, code__in=UNAUTHORISED
    ).order_by("date", "session")
    return list(marks.values_list("enrolment_id", "date", "session"))


def _check_notice(notice, pupil, parent, on) -> None:
    if notice is None:
        raise ProsecutionRefused("Choose the unpaid penalty notice this prosecution is for")
    if notice.pupil_id != pupil.pk or notice.parent_id != parent.pk:
        raise ProsecutionRefused("That penalty notice is for another child or parent")
    served = notice.events.filter(kind=NoticeEvent.Kind.SERVED).order_by("pk").first()
    if served is None or served.received_on is None:
        raise ProsecutionRefused("The notice has not been served: it cannot be unpaid yet")
    last_day = served.received_on + dt.timedelta(days=PAY_DAYS - 1)
    if on <= last_day:
        raise ProsecutionRefused(f"The notice can be paid until {_d(last_day)} (28 days from receipt)")
    if notice.events.filter(kind=NoticeEvent.Kind.WITHDRAWN).exists():
        raise ProsecutionRefused("The notice was withdrawn")
    if outstanding(notice, on) <= 0:
        raise ProsecutionRefused("The notice is paid: payment discharges the liability (no prosecution)")


def check(
    *, pupil, parent, on: dt.date, period_start: dt.date, period_end: dt.date, code: CodeOfConduct
) -> dt.date:
    """Refuse (ProsecutionRefused) a prosecution that may not be started; returns the last day to lay."""
    if not _is_parent(pupil, parent):
        raise ProsecutionRefused("This person is not recorded as the child's parent (EA 1996 s576)")
    if period_start > period_end or period_end > on:
        raise ProsecutionRefused("The offence period must start before it ends, and end by the decision date")
    dob = pupil.date_of_birth
    if not (of_compulsory_school_age(dob, period_start) and of_compulsory_school_age(dob, period_end)):
        raise ProsecutionRefused("The child was not of compulsory school age throughout the period (s444(1))")
    if not SupervisionOrder.objects.filter(pupil=pupil, considered_on__lte=on).exists():
        raise ProsecutionRefused(
            "Record the consideration of an education supervision order first (EA 1996 s447)"
        )
    order = order_in_force(pupil, on)
    if order is not None:
        raise ProsecutionRefused(
            f"An education supervision order is in force until {_d(order.expires_on)}: no prosecution can be "
            "started meanwhile (Children Act 1989 Sch 3 para 13)"
        )
    last = lay_by(period_start, period_end, code)
    if on > last:
        raise ProsecutionRefused(
            f"Out of time: the information had to be laid by {_d(last)} (Magistrates' Courts Act 1980 s127)"
        )
    return last


def _defences(answers: dict) -> dict:
    missing = [label for key, label in DEFENCES.items() if not str(answers.get(key) or "").strip()]
    if missing:
        raise ProsecutionRefused("Answer each defence considered: " + "; ".join(missing))
    return {key: str(answers[key]).strip() for key in DEFENCES}


def decide(
    *,
    pupil,
    parent,
    offence: str,
    basis: str = P.Basis.ABSENCE,
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
    notice: PenaltyNotice | None = None,
    reasons: str,
    defences: dict,
    by,
    on: dt.date | None = None,
    school=None,
    request=None,
) -> Prosecution:
    """Record the decision to prosecute (the decision record: who, why, each defence answered)."""
    on = on or clock.today()
    if offence not in P.Offence.values:
        raise ProsecutionRefused("Choose the offence: s444(1) or s444(1A)")
    if basis not in P.Basis.values:
        raise ProsecutionRefused("Choose what the prosecution is for")
    if not (reasons or "").strip():
        raise ProsecutionRefused("Enter why prosecution, and why now")
    if basis == P.Basis.UNPAID_NOTICE:
        _check_notice(notice, pupil, parent, on)
        period_start, period_end = notice.period_start, notice.period_end
    elif notice is not None:
        raise ProsecutionRefused("A notice is linked only to a prosecution for an unpaid notice")
    if period_start is None or period_end is None:
        raise ProsecutionRefused("Enter the offence period relied on")
    school = school or _school(pupil, period_end)
    code = code_for(school.local_authority if school else None, on)
    last = check(
        pupil=pupil, parent=parent, on=on, period_start=period_start, period_end=period_end, code=code
    )
    answers = _defences(defences)
    sessions = sessions_in(pupil, period_start, period_end)
    if basis == P.Basis.ABSENCE and not sessions:
        raise ProsecutionRefused("There is no unauthorised absence (G, N, O or U) in that period")
    considered = SupervisionOrder.objects.filter(pupil=pupil, considered_on__lte=on).order_by(
        "-considered_on"
    )
    with transaction.atomic():
        case = case_for(pupil, by=by, school=school, request=request)
        prosecution = Prosecution.objects.create(
            case=case,
            pupil=pupil,
            parent=parent,
            offence=offence,
            basis=basis,
            notice=notice,
            period_start=period_start,
            period_end=period_end,
            lay_by=last,
            decided_on=on,
            decided_by=by,
            reasons=reasons.strip(),
            defences_considered=answers,
            supervision_order_considered=considered.first(),
            code=code,
        )
        if basis == P.Basis.ABSENCE:  # an unpaid notice's sessions are already the notice's
            try:
                relied_on(
                    pupil=pupil,
                    parent=parent,
                    sessions=sessions,
                    kind="prosecution",
                    ref=f"PR-{prosecution.pk}",
                    prosecution=prosecution,
                )
            except ValueError as problem:
                raise ProsecutionRefused(str(problem)) from None
        record_step(
            case,
            f"Decision to prosecute {parent.forename} {parent.surname} under {prosecution.get_offence_display()} "
            f"for {_d(period_start)} to {_d(period_end)}. Information to be laid by {_d(last)}.",
            by,
            on=on,
            request=request,
            next_step=f"Lay the information by {_d(last)} (Magistrates' Courts Act 1980 s127)",
        )
        _audit("decided", prosecution, by, request, lay_by=last.isoformat(), basis=basis)
        sync_time_limit_prompts(clock.today(), prosecutions=[prosecution])
    return prosecution


def _school(pupil, on: dt.date):
    enrolment = (
        Enrolment.objects.filter(pupil=pupil, admission_date__lte=on)
        .select_related("school__local_authority")
        .order_by("-admission_date")
        .first()
    )
    return enrolment.school if enrolment else None


def _audit(action: str, prosecution: Prosecution, by, request=None, **data) -> None:
    audit.record(
        f"enforcement.prosecution.{action}",
        by=by,
        obj=prosecution,
        pupil=prosecution.pupil,
        data={"case": prosecution.case.ref, "status": prosecution.status, **data},
        request=request,
    )


def lay_information(prosecution: Prosecution, *, on: dt.date, by, request=None) -> Prosecution:
    if prosecution.status != P.Status.DECIDED:
        raise ProsecutionRefused("The information has already been laid, or the prosecution has ended")
    if on > prosecution.lay_by:
        raise ProsecutionRefused(
            f"Out of time: the information had to be laid by {_d(prosecution.lay_by)} (MCA 1980 s127)"
        )
    if on < prosecution.decided_on or on > clock.today():
        raise ProsecutionRefused("The date laid must be between the decision and today")
    with transaction.atomic():
        prosecution.status, prosecution.laid_on = P.Status.LAID, on
        prosecution.save(update_fields=["status", "laid_on"])
        record_step(prosecution.case, f"Information laid at the magistrates' court on {_d(on)}", by, on=on)
        _audit("laid", prosecution, by, request, laid_on=on.isoformat())
        sync_time_limit_prompts(clock.today(), prosecutions=[prosecution])
    return prosecution


def record_interview(
    prosecution: Prosecution,
    *,
    held_on: dt.datetime,
    place: str,
    caution_given: bool,
    legal_advice_offered: bool,
    legal_advice_taken: bool = False,
    interpreter_needed: bool = False,
    interpreter: str = "",
    second_officer: str = "",
    record_ref: str = "",
    summary: str,
    by,
    request=None,
) -> CautionInterview:
    """An interview under caution (PACE 1984 Code C): the caution given (C 10.1), free legal advice offered
    (C 3.21, 6.1), an interpreter where needed (C 13)."""
    if not caution_given:
        raise ProsecutionRefused("An interview under caution starts with the caution (PACE Code C 10.1)")
    if not legal_advice_offered:
        raise ProsecutionRefused(
            "The parent must be told of the right to free legal advice (PACE Code C 3.21)"
        )
    if interpreter_needed and not (interpreter or "").strip():
        raise ProsecutionRefused("Name the interpreter: one is needed (PACE Code C 13)")
    if not (place or "").strip() or not (summary or "").strip():
        raise ProsecutionRefused("Enter where the interview was held and a summary")
    with transaction.atomic():
        interview = CautionInterview.objects.create(
            prosecution=prosecution,
            held_on=held_on,
            place=place.strip(),
            interviewer=by,
            second_officer=second_officer,
            caution_given=True,
            legal_advice_offered=True,
            legal_advice_taken=legal_advice_taken,
            interpreter_needed=interpreter_needed,
            interpreter=interpreter.strip(),
            record_ref=record_ref,
            summary=summary.strip(),
        )
        extra = f", interpreter {interpreter.strip()}" if interpreter_needed else ""
        record_step(
            prosecution.case,
            f"Interview under caution at {place.strip()}: caution given, legal advice offered"
            f"{' and taken' if legal_advice_taken else ''}{extra}",
            by,
            on=held_on.date(),
        )
        _audit("interviewed", prosecution, by, request)
    return interview


def record_hearing(
    prosecution: Prosecution,
    *,
    on: dt.datetime,
    court: str,
    kind: str,
    result: str = "",
    sjp: bool = False,
    by,
    request=None,
) -> Hearing:
    """A hearing date (or the Single Justice Procedure, Criminal Justice and Courts Act 2015 s48)."""
    if prosecution.status not in (P.Status.LAID, P.Status.HEARING):
        raise ProsecutionRefused("Lay the information before recording a hearing")
    if not (court or "").strip() or not (kind or "").strip():
        raise ProsecutionRefused("Enter the court and the kind of hearing")
    with transaction.atomic():
        hearing = Hearing.objects.create(
            prosecution=prosecution, on=on, court=court.strip(), kind=kind.strip(), result=result
        )
        prosecution.status = P.Status.HEARING
        prosecution.single_justice_procedure = prosecution.single_justice_procedure or sjp
        prosecution.save(update_fields=["status", "single_justice_procedure"])
        how = " (Single Justice Procedure)" if sjp else ""
        record_step(prosecution.case, f"{kind.strip()} at {court.strip()} on {_d(on.date())}{how}", by)
        _audit("hearing_recorded", prosecution, by, request, on=on.isoformat())
    return hearing


def record_outcome(
    prosecution: Prosecution, *, outcome: str, on: dt.date, detail: str = "", by, request=None
) -> Prosecution:
    if prosecution.status not in (P.Status.LAID, P.Status.HEARING):
        raise ProsecutionRefused("Only a prosecution before the court has an outcome")
    if outcome not in P.Outcome.values:
        raise ProsecutionRefused("Choose the outcome")
    if on > clock.today():
        raise ProsecutionRefused("The outcome date cannot be in the future")
    with transaction.atomic():
        prosecution.status = P.Status.CONCLUDED
        prosecution.outcome, prosecution.outcome_on, prosecution.outcome_detail = outcome, on, detail.strip()
        prosecution.save(update_fields=["status", "outcome", "outcome_on", "outcome_detail"])
        label = P.Outcome(outcome).label
        record_step(
            prosecution.case, f"Prosecution concluded on {_d(on)}: {label}. {detail}".strip(), by, on=on
        )
        _audit("concluded", prosecution, by, request, outcome=outcome)
    return prosecution


def discontinue(prosecution: Prosecution, *, on: dt.date, reason: str, by, request=None) -> Prosecution:
    if prosecution.status in (P.Status.CONCLUDED, P.Status.DISCONTINUED):
        raise ProsecutionRefused("The prosecution has already ended")
    if not (reason or "").strip():
        raise ProsecutionRefused("Enter why the prosecution is discontinued")
    with transaction.atomic():
        prosecution.status, prosecution.outcome_on, prosecution.outcome_detail = (
            P.Status.DISCONTINUED,
            on,
            reason,
        )
        prosecution.save(update_fields=["status", "outcome_on", "outcome_detail"])
        record_step(prosecution.case, f"Prosecution discontinued on {_d(on)}: {reason.strip()}", by, on=on)
        _audit("discontinued", prosecution, by, request)
        sync_time_limit_prompts(clock.today(), prosecutions=[prosecution])
    return prosecution


def for_case(case: Case):
    return Prosecution.objects.filter(case=case).select_related("parent").order_by("-decided_on", "-pk")
