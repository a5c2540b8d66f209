"""A school asks the LA for a penalty notice; the LA vets it against its code and issues, returns or refuses it.

Where the LA's code says schools request notices through the LA (SI 2024/210; WTISA ch.6: "all bound by the LA's
code"), the school sends the evidence: the register extract for the period (generated from the marks, never
typed), the letters sent to the parents (letters.Message for the pupil), and the notice to improve or, for a
term-time holiday, the refused leave request. The LA checks it against the code (`vet`): a notice to improve
required and done, the period within the national framework's window, the check before a formal step recorded.
Every step is on the case chronology; the school sees the status and the LA's note.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q

from attend import audit
from attend.casework.models import Stage
from attend.core import clock
from attend.letters.models import Message
from attend.people.models import Contact, Enrolment, Pupil
from attend.registers.models import Mark
from attend.schools.models import School

from .checks import latest_check
from .codes import code_for
from .models import FormalCheck, NoticeRequest
from .ntis import nti_in_force_or_done, nti_requirement
from .steps_ladder import StepRefused, case_for_step, parents_named, record_step

S = NoticeRequest.Status
# National framework (SI 2024/210; domain.md §3.1): a notice is considered at 10 sessions of unauthorised absence
# (G, N, O or U) within a rolling 10 school weeks. The statute module (the notices helper's) owns these for
# issuing; vetting reads the same numbers.
THRESHOLD_SESSIONS = 10
WINDOW_SCHOOL_WEEKS = 10
UNAUTHORISED_CODES = ("G", "N", "O", "U")


def register_extract(pupil: Pupil, school: School, start: dt.date, end: dt.date) -> dict:
    """Every session's date and code at this school in the period, and the counts the vetting reads."""
    marks = list(
        Mark.objects.filter(enrolment__pupil=pupil, enrolment__school=school, date__gte=start, date__lte=end)
        .order_by("date", "session")
        .values_list("date", "session", "code")
    )
    weeks = {d.isocalendar()[:2] for d, _, _ in marks}
    return {
        "kind": "register",
        "title": f"Register extract, {start:%d/%m/%Y} to {end:%d/%m/%Y}",
        "marks": [[d.isoformat(), s, c] for d, s, c in marks],
        "unauthorised": sum(1 for _, _, c in marks if c in UNAUTHORISED_CODES),
        "school_weeks": len(weeks),
    }


def letters_sent(pupil: Pupil) -> list[dict]:
    """The messages sent to the pupil's contacts so far (sent, delivered or returned), oldest first."""
    rows = (
        Message.objects.filter(pupil=pupil, sent_at__isnull=False)
        .exclude(status__in=[Message.Status.QUEUED])
        .select_related("template_version__template")
        .order_by("sent_at")
    )
    return [
        {
            "kind": "letter",
            "ref": m.pk,
            "title": f"{m.template_version.template.title} ({m.sent_at:%d/%m/%Y})",
        }
        for m in rows
    ]


def submit(
    pupil: Pupil,
    *,
    school: School,
    by,
    reason: str,
    period_start: dt.date,
    period_end: dt.date,
    parents: list[Contact],
    summary: str,
    leave_request: str = "",
    request=None,
) -> NoticeRequest:
    """The school's request, with its evidence gathered from the data. Refused (StepRefused) for a pupil not on
    the school's roll in the period, a period in the future or back to front, no summary, or a non-parent."""
    if reason not in NoticeRequest.Reason.values:
        raise StepRefused("Choose the reason: term-time holiday, late arrival or other unauthorised absence")
    today = clock.today()
    if period_end < period_start:
        raise StepRefused("The period's last day is before its first")
    if period_end > today:
        raise StepRefused("The period cannot end after today: a notice is for absences that have happened")
    on_roll = Enrolment.objects.filter(pupil=pupil, school=school, admission_date__lte=period_end).filter(
        Q(leaving_date__isnull=True) | Q(leaving_date__gte=period_start)
    )
    if not on_roll.exists():
        raise StepRefused(f"The pupil was not on {school.name}'s roll in that period")
    parents = parents_named(pupil, parents)
    if not (summary or "").strip():
        raise StepRefused("Say what happened and what the school has done")
    code = code_for(school.local_authority, today)
    if not code.schools_request_through_la:
        raise StepRefused(
            f"Under the LA's code of conduct (version {code.version}) schools do not request notices through the "
            "LA: the head, or a deputy or assistant head the head authorises, issues them (s444B)"
        )
    evidence = [register_extract(pupil, school, period_start, period_end), *letters_sent(pupil)]
    if leave_request.strip():
        evidence.append({"kind": "leave_request", "ref": "", "title": leave_request.strip()})
    for parent in parents:
        nti = nti_in_force_or_done(pupil, parent, today)
        if nti is not None:
            evidence.append(
                {"kind": "nti", "ref": nti.pk, "title": f"Notice to improve of {nti.issued_on:%d/%m/%Y}"}
            )
    with transaction.atomic():
        case = case_for_step(
            pupil, by=by, on=today, reason="Penalty notice requested by the school", request=request
        )
        notice_request = NoticeRequest.objects.create(
            pupil=pupil, school=school, case=case, reason=reason, period_start=period_start, period_end=period_end,
            summary=summary.strip(), evidence=evidence, code=code, requested_by=by, requested_at=clock.now(),
        )  # fmt: skip
        notice_request.parents.set(parents)
        record_step(
            case, stage=Stage.FORMALISE, by=by, request=request,
            summary=f"{school.name} asked the LA for a penalty notice ({notice_request.get_reason_display().lower()}, "
            f"{period_start:%d/%m/%Y} to {period_end:%d/%m/%Y})",
        )  # fmt: skip
        audit.record("enforcement.request.submitted", by=by, obj=notice_request, pupil=pupil, school=school,
                     data={"case": case.ref, "reason": reason}, request=request)  # fmt: skip
    return notice_request


def vet(notice_request: NoticeRequest, on: dt.date) -> list[str]:
    """What is missing against the LA's code (empty: the request may be issued). Each line says what to fix."""
    missing = []
    holiday = notice_request.reason == NoticeRequest.Reason.HOLIDAY
    extract = next((e for e in notice_request.evidence if e.get("kind") == "register"), None)
    if extract is None:
        missing.append("The register extract for the period")
    else:
        # SI 2024/210 national framework: 10 unauthorised sessions (G, N, O, U) within 10 school weeks.
        if extract["unauthorised"] < THRESHOLD_SESSIONS:
            missing.append(
                f"The period has {extract['unauthorised']} unauthorised sessions (G, N, O or U): the national "
                f"threshold is {THRESHOLD_SESSIONS}"
            )
        if extract["school_weeks"] > WINDOW_SCHOOL_WEEKS:
            missing.append(
                f"The period spans {extract['school_weeks']} school weeks: the window is {WINDOW_SCHOOL_WEEKS}"
            )
    if holiday and not any(e.get("kind") == "leave_request" for e in notice_request.evidence):
        missing.append("The refused leave request (or a note that none was made)")
    if not holiday and not any(e.get("kind") == "letter" for e in notice_request.evidence):
        missing.append("Letters to the parents about the absence: none are on record")
    check = latest_check(notice_request.pupil, FormalCheck.Purpose.PENALTY_NOTICE)
    if check is None:
        missing.append("The check before a formal step (for a penalty notice) has not been recorded")
    for parent in notice_request.parents.all():
        met, why = nti_requirement(notice_request.pupil, parent, on, holiday=holiday)
        if not met:
            missing.append(f"{parent.forename} {parent.surname}: {why}")
    return missing


def _issue_notices(notice_request: NoticeRequest, *, by, on: dt.date, request=None) -> list:
    """Each named parent's notice, by the notices helper's `notices.issue_notice` (its own rules apply: one per
    parent per child, the 3-year limit, sessions not already relied on, no order in force)."""
    from . import notices  # notices imports this app's ladder modules: imported here, when first needed

    issued = []
    with transaction.atomic():  # every named parent's notice, or none
        for parent in notice_request.parents.all():
            try:
                issued.append(
                    notices.issue_notice(
                        pupil=notice_request.pupil,
                        parent=parent,
                        issue_date=on,
                        by=by,
                        reason=notice_request.reason,
                        request=request,
                        notice_request=notice_request,
                    )  # fmt: skip
                )
            except notices.NoticeRefused as refused:
                raise StepRefused(
                    f"Not issued to {parent.forename} {parent.surname}: {refused.detail}"
                ) from None
    return issued


def decide(notice_request: NoticeRequest, *, action: str, by, note: str = "", request=None) -> NoticeRequest:
    """The LA's decision: issue (only when nothing is missing), return with what is missing, or refuse with the
    reason. Refused (StepRefused) for a request already decided or a return/refusal without words."""
    if notice_request.status not in (S.SUBMITTED,):
        raise StepRefused(f"This request is already {notice_request.get_status_display().lower()}")
    on = clock.today()
    note = (note or "").strip()
    with transaction.atomic():
        if action == "issue":
            missing = vet(notice_request, on)
            if missing:
                raise StepRefused("Not issued: " + "; ".join(missing))
            issued = _issue_notices(notice_request, by=by, on=on, request=request)
            status, summary = S.ISSUED, f"LA issued {len(issued)} penalty notice(s) on the school's request"
        elif action == "return":
            if not note:
                raise StepRefused("Say what the school needs to add before the request can be issued")
            status, summary = S.RETURNED, f"LA returned the penalty notice request to the school: {note}"
        elif action == "refuse":
            if not note:
                raise StepRefused("Give the reason for refusing the request")
            status, summary = S.REFUSED, f"LA refused the penalty notice request: {note}"
        else:
            raise StepRefused("Choose: issue, return to the school or refuse")
        notice_request.status, notice_request.decision_note = status, note
        notice_request.decided_by, notice_request.decided_at = by, clock.now()
        notice_request.save(update_fields=["status", "decision_note", "decided_by", "decided_at"])
        stage = Stage.ENFORCE if status == S.ISSUED else Stage.FORMALISE
        record_step(notice_request.case, stage=stage, summary=summary, by=by, request=request)
        audit.record("enforcement.request.decided", by=by, obj=notice_request, pupil=notice_request.pupil,
                     school=notice_request.school, data={"case": notice_request.case.ref, "status": status},
                     request=request)  # fmt: skip
    return notice_request
