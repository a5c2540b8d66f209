"""The check recorded before any formal step (issue 19): quick for a term-time holiday, thorough otherwise.

Each question is pre-filled from the data where Attend knows the answer (`from_data`, with where it came from);
the officer answers the rest. An answer that raises a concern (`flagged`) must be addressed in words before going
on: a flagged answer without a note is refused. The answers, as asked, are stored with the decision
(`FormalCheck.answers`) together with the code of conduct version in force.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from attend import audit
from attend.casework.models import Assessment, Barrier, PartTimeTimetable
from attend.casework.models.support import TimetableStatus
from attend.core import clock
from attend.letters.age import (
    compulsory_school_age_ends,
    compulsory_school_age_starts,
    of_compulsory_school_age,
)
from attend.people.models import Enrolment, Pupil
from attend.registers.models import Mark
from attend.schools.models import School

from .codes import code_for
from .models import FormalCheck
from .steps_ladder import StepRefused, la_of

P = FormalCheck.Purpose
YES, NO, UNKNOWN = "yes", "no", "unknown"


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    concern_if: str  # the answer that raises a concern
    quick: bool  # asked in the quick check (a term-time holiday) too
    source: str  # where Attend looks


QUESTIONS = [
    # EA 1996 s8, s444: the offence needs a child of compulsory school age on every date relied on.
    Question("school_age", "Was the child of compulsory school age on the dates relied on?", NO, True,
             "date of birth (Education Act 1996 s8)"),
    # WTISA: a notice is unlikely to be appropriate without first working with children's social care.
    Question("safeguarding", "Is the child looked after, on a child protection plan or a child in need?", YES, True,
             "pupil record"),
    Question("send", "Does the child have an EHC plan or SEN support?", YES, False, "pupil record (SEN status)"),
    Question("barriers", "Are there medical, anxiety (EBSA) or young-carer barriers?", YES, False,
             "the case assessment's barriers and the young carer flag"),
    # 2024 Regs reg 11: sessions on an agreed part-time timetable are authorised (C2), never unauthorised.
    Question("part_time", "Is a part-time timetable in place?", YES, False, "part-time timetables"),
    # WTISA: code N must be resolved within 5 school days; an unresolved N is not yet evidence of anything.
    Question("code_n", "Are any sessions in the period still coded N (reason not yet provided)?", YES, True,
             "the register marks"),
    # Children Act 1989 Sch 3 para 13: no notice or prosecution while an education supervision order is in force.
    Question("eso", "Is an education supervision order in force?", YES, True, "supervision orders"),
    Question("dual_ap", "Is the child dual registered or in alternative provision?", YES, False, "enrolments"),
]  # fmt: skip
BY_KEY = {q.key: q for q in QUESTIONS}


def questions_for(kind: str) -> list[Question]:
    return [q for q in QUESTIONS if kind == FormalCheck.Kind.THOROUGH or q.quick]


def kind_for(purpose: str, *, holiday: bool) -> str:
    """Quick for a term-time holiday penalty notice or request (support is inappropriate there: WTISA), thorough
    for everything else."""
    quick = holiday and purpose in (P.PENALTY_NOTICE,)
    return FormalCheck.Kind.QUICK if quick else FormalCheck.Kind.THOROUGH


def _order_in_force(pupil: Pupil, on: dt.date):
    """(True, the order in force or None): Attend knows the answer from its supervision orders."""
    from . import orders

    return True, orders.order_in_force(pupil, on)


def _known(answer: bool, detail: str) -> dict:
    return {"answer": YES if answer else NO, "from_data": True, "detail": detail}


def _school_age(pupil: Pupil, start: dt.date, end: dt.date) -> dict:
    dob = pupil.date_of_birth
    ok = of_compulsory_school_age(dob, start) and of_compulsory_school_age(dob, end)
    return _known(
        ok,
        f"Compulsory school age from {compulsory_school_age_starts(dob):%d/%m/%Y} to "
        f"{compulsory_school_age_ends(dob):%d/%m/%Y}",
    )


def _safeguarding(pupil: Pupil) -> dict:
    flags = [
        label
        for flag, label in (
            (pupil.looked_after, "looked after"),
            (pupil.child_protection_plan, "child protection plan"),
            (pupil.child_in_need, "child in need"),
        )
        if flag
    ]
    return _known(bool(flags), ", ".join(flags) or "None recorded")


def _barriers(pupil: Pupil, case) -> dict:
    kinds = (Barrier.Kind.PHYSICAL_HEALTH, Barrier.Kind.MENTAL_HEALTH, Barrier.Kind.YOUNG_CARER)
    found = []
    assessment = Assessment.objects.filter(case=case).first() if case is not None else None
    if assessment is not None:
        found = [
            Barrier.Kind(k).label
            for k in assessment.barriers.filter(kind__in=kinds).values_list("kind", flat=True)
        ]
    if pupil.young_carer and Barrier.Kind.YOUNG_CARER.label not in found:
        found.append("Young carer (pupil record)")
    if found:
        return _known(True, "; ".join(found))
    if assessment is None:
        return {"answer": UNKNOWN, "from_data": False, "detail": "No assessment on the case yet"}
    return _known(False, "None in the case assessment")


def _part_time(pupil: Pupil, start: dt.date, end: dt.date) -> dict:
    rows = PartTimeTimetable.objects.filter(pupil=pupil, start__lte=end, end__gte=start)
    active = [t for t in rows if t.status == TimetableStatus.ACTIVE]
    return _known(
        bool(active),
        "; ".join(f"from {t.start:%d/%m/%Y}, {t.sessions_per_week} sessions a week" for t in active)
        or "None",
    )


def _code_n(pupil: Pupil, start: dt.date, end: dt.date) -> dict:
    n = Mark.objects.filter(enrolment__pupil=pupil, date__gte=start, date__lte=end, code="N").count()
    return _known(
        n > 0, f"{n} session{'' if n == 1 else 's'} coded N from {start:%d/%m/%Y} to {end:%d/%m/%Y}"
    )


def _eso(pupil: Pupil, end: dt.date) -> dict:
    available, order = _order_in_force(pupil, end)
    if not available:
        return {
            "answer": UNKNOWN,
            "from_data": False,
            "detail": "Supervision orders are not recorded here yet",
        }
    return _known(order is not None, str(order) if order is not None else "None in force")


def _dual_ap(pupil: Pupil, start: dt.date, end: dt.date) -> dict:
    rows = (
        Enrolment.objects.filter(pupil=pupil, admission_date__lte=end)
        .filter(Q(leaving_date__isnull=True) | Q(leaving_date__gte=start))
        .select_related("school")
    )
    found = [
        f"{e.school.name} ({e.get_registration_display().lower()})"
        for e in rows
        if e.registration != Enrolment.Registration.SINGLE or e.school.phase == School.Phase.PRU_AP
    ]
    return _known(bool(found), "; ".join(found) or "Single registration at a mainstream school")


def prefill(pupil: Pupil, *, kind: str, start: dt.date, end: dt.date, case=None) -> dict[str, dict]:
    """Each question of `kind` with the answer the data gives (`from_data`) or `unknown`, and `flagged`."""
    found = {
        "school_age": lambda: _school_age(pupil, start, end),
        "safeguarding": lambda: _safeguarding(pupil),
        "send": lambda: _known(
            pupil.sen_status != Pupil.SenStatus.NONE, pupil.get_sen_status_display() or "None recorded"
        ),
        "barriers": lambda: _barriers(pupil, case),
        "part_time": lambda: _part_time(pupil, start, end),
        "code_n": lambda: _code_n(pupil, start, end),
        "eso": lambda: _eso(pupil, end),
        "dual_ap": lambda: _dual_ap(pupil, start, end),
    }
    out = {}
    for q in questions_for(kind):
        row = {"question": q.text, "source": q.source, **found[q.key]()}
        row["flagged"] = row["answer"] == q.concern_if
        out[q.key] = row
    return out


def record_check(
    pupil: Pupil,
    *,
    purpose: str,
    by,
    start: dt.date,
    end: dt.date,
    answers: dict[str, str] | None = None,
    notes: dict[str, str] | None = None,
    holiday: bool = False,
    concerns: str = "",
    case=None,
    request=None,
) -> FormalCheck:
    """Record the check for a step of `purpose` about the dates start..end. Answers the data gives are the data's;
    the officer answers the others (`answers`: yes/no). Refused (StepRefused) when a question is unanswered or a
    flagged answer has no note saying how it was weighed."""
    if purpose not in P.values:
        raise StepRefused("Choose the step this check is for")
    if end < start:
        raise StepRefused("The last date relied on is before the first")
    answers, notes = answers or {}, {k: (v or "").strip() for k, v in (notes or {}).items()}
    kind = kind_for(purpose, holiday=holiday)
    rows = prefill(pupil, kind=kind, start=start, end=end, case=case)
    problems = []
    for key, row in rows.items():
        if not row["from_data"]:
            given = answers.get(key, "")
            if given not in (YES, NO):
                problems.append(f"Answer: {row['question']}")
                continue
            row["answer"] = given
            row["flagged"] = given == BY_KEY[key].concern_if
        row["note"] = notes.get(key, "")
        if row["flagged"] and not row["note"]:
            problems.append(f"Say how this was weighed before going on: {row['question']}")
    if problems:
        raise StepRefused(". ".join(problems))
    on = clock.today()
    check = FormalCheck.objects.create(
        pupil=pupil,
        case=case,
        kind=kind,
        purpose=purpose,
        answers={"period": [start.isoformat(), end.isoformat()], "questions": rows},
        concerns=(concerns or "").strip(),
        code=code_for(la_of(pupil, on), on),
        done_by=by,
        done_at=clock.now(),
    )
    audit.record(
        "enforcement.check.recorded",
        by=by,
        obj=check,
        pupil=pupil,
        data={
            "purpose": check.get_purpose_display(),
            "kind": kind,
            "flagged": [k for k, r in rows.items() if r["flagged"]],
        },
        request=request,
    )
    return check


def latest_check(pupil: Pupil, purpose: str) -> FormalCheck | None:
    """The newest check recorded for this pupil and purpose (answers the notices and court helpers)."""
    return FormalCheck.objects.filter(pupil=pupil, purpose=purpose).order_by("-done_at", "-pk").first()
