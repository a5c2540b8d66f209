"""Notices to improve (WTISA ch.6; domain.md §3.1): a final chance to engage with support before a penalty notice.

The improvement period (3 to 6 weeks) and what counts as sufficient improvement come from the LA's code of conduct
in force on the day of issue, and are stored on the notice. During the period the notice is tracked live: sessions
possible, attended and unauthorised, counted from the pupil's marks by the DfE definitions (attend.stats). At the
end the outcome is the code's measure (at most `max_unauthorised` unauthorised sessions is sufficient) and the next
step is suggested. Not required where support is inappropriate (a term-time holiday): `nti_requirement`.
The notice relies on no sessions for a penalty notice (NoticeSessionUse is the notices helper's table).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q

from attend import audit
from attend.alerts.events import clear_alerts, raise_prompt
from attend.casework.models import Stage
from attend.core import clock
from attend.people.models import Contact, Pupil

from .checks import latest_check
from .codes import code_for
from .models import FormalCheck, NoticeToImprove
from .steps_ladder import StepRefused, case_for_step, la_of, measures_by_pupil, parents_named, record_step

Outcome = NoticeToImprove.Outcome
NEXT_IF_IMPROVED = "Continue support; no penalty notice"
NEXT_IF_NOT = "Consider a penalty notice (national framework), after a fresh check"


@dataclass(frozen=True)
class Tracking:
    """Sessions from the start of the period to the day asked about (or the end of the period)."""

    possible: int
    attended: int
    unauthorised: int
    to: dt.date

    @property
    def attendance_perc(self) -> float | None:
        return round(100 * self.attended / self.possible, 1) if self.possible else None


def period_for(issued_on: dt.date, weeks: int) -> tuple[dt.date, dt.date]:
    """The improvement period: from the day of issue for `weeks` weeks (the last day included)."""
    return issued_on, issued_on + dt.timedelta(weeks=weeks) - dt.timedelta(days=1)


def in_force(pupil: Pupil, on: dt.date) -> NoticeToImprove | None:
    return (
        NoticeToImprove.objects.filter(pupil=pupil, period_start__lte=on, period_end__gte=on)
        .exclude(outcome=Outcome.WITHDRAWN)
        .first()
    )


def issue_nti(
    pupil: Pupil,
    *,
    parents: list[Contact],
    by,
    issued_on: dt.date,
    support_offered: str,
    request=None,
) -> NoticeToImprove:
    """Issue a notice to improve to the named parents. Refused (StepRefused) without a check recorded for a notice
    to improve, without support offered, to someone who is not the child's parent, or while another is in force."""
    parents = parents_named(pupil, parents)
    if issued_on > clock.today():
        raise StepRefused(
            "The date of issue cannot be in the future: issue the notice on the day it is given"
        )
    if not (support_offered or "").strip():
        raise StepRefused("Say what support is offered: a notice to improve is a chance to engage with it")
    check = latest_check(pupil, FormalCheck.Purpose.NOTICE_TO_IMPROVE)
    if check is None or check.done_at.date() > issued_on:
        raise StepRefused("Record the check before a formal step (for a notice to improve) first")
    if in_force(pupil, issued_on) is not None:
        raise StepRefused("A notice to improve is already in force for this child")
    code = code_for(la_of(pupil, issued_on), issued_on)
    start, end = period_for(issued_on, code.nti_period_weeks)
    with transaction.atomic():
        case = case_for_step(pupil, by=by, on=issued_on, reason="Notice to improve", request=request)
        nti = NoticeToImprove.objects.create(
            case=case,
            pupil=pupil,
            issued_on=issued_on,
            period_start=start,
            period_end=end,
            support_offered=support_offered.strip(),
            sufficient_improvement=code.sufficient_improvement,
            max_unauthorised=code.sufficient_max_unauthorised,
            formal_check=check,
            code=code,
            issued_by=by,
        )
        nti.parents.set(parents)
        names = ", ".join(f"{p.forename} {p.surname}" for p in parents)
        record_step(
            case,
            stage=Stage.FORMALISE,
            summary=f"Notice to improve issued to {names}: improvement period {start:%d/%m/%Y} to {end:%d/%m/%Y}",
            by=by,
            request=request,
            next_step="Notice to improve: outcome",
            next_step_due=end + dt.timedelta(days=1),
        )
        audit.record(
            "enforcement.nti.issued",
            by=by,
            obj=nti,
            pupil=pupil,
            data={"case": case.ref, "period_end": end.isoformat(), "code_version": code.version},
            request=request,
        )
    sync_nti_prompts(clock.today(), pupils=[pupil])
    return nti


def tracking(ntis, on: dt.date) -> dict[int, Tracking]:
    """Live figures for many notices at once, keyed by notice id: one grouped query per distinct period (a work
    list of notices issued the same day is one query). Possible, attended and unauthorised by the DfE definitions
    (attend.stats.measures_from_counts), from the period's start to `on` or its end."""
    by_period: dict[tuple, list[NoticeToImprove]] = defaultdict(list)
    for nti in ntis:
        by_period[(nti.period_start, min(nti.period_end, on))].append(nti)
    out = {}
    for (start, to), group in by_period.items():
        measures = measures_by_pupil({n.pupil_id for n in group}, start, to)
        for nti in group:
            m = measures[nti.pupil_id]
            out[nti.pk] = Tracking(
                m["possible_sessions"], m["overall_attendance"], m["unauthorised_absence"], to
            )
    return out


def suggested_outcome(nti: NoticeToImprove, figures: Tracking) -> tuple[str, str]:
    """The code's measure (stored on the notice): at most `max_unauthorised` unauthorised sessions in the period
    is sufficient improvement."""
    if figures.unauthorised <= nti.max_unauthorised:
        return Outcome.IMPROVED, NEXT_IF_IMPROVED
    return Outcome.NOT_IMPROVED, NEXT_IF_NOT


def record_outcome(
    nti: NoticeToImprove, *, by, on: dt.date, note: str = "", withdraw: bool = False, request=None
):
    """The end of the notice: after the period, the outcome by the code's measure and the next step suggested;
    at any time, withdrawn (with the reason in `note`). Refused (StepRefused) twice, or before the period ends."""
    if nti.outcome:
        raise StepRefused("The outcome of this notice to improve is already recorded")
    if withdraw:
        if not (note or "").strip():
            raise StepRefused("Say why the notice to improve is withdrawn")
        outcome, next_step, figures = Outcome.WITHDRAWN, "", None
    else:
        if on <= nti.period_end:
            raise StepRefused(
                f"The improvement period runs to {nti.period_end:%d/%m/%Y}: record the outcome after it ends"
            )
        figures = tracking([nti], on)[nti.pk]
        outcome, next_step = suggested_outcome(nti, figures)
    with transaction.atomic():
        nti.outcome, nti.outcome_on, nti.outcome_note, nti.next_step = (
            outcome,
            on,
            (note or "").strip(),
            next_step,
        )
        nti.save(update_fields=["outcome", "outcome_on", "outcome_note", "next_step"])
        summary = f"Notice to improve: {Outcome(outcome).label.lower()}"
        if figures is not None:
            summary += (
                f" ({figures.unauthorised} unauthorised of {figures.possible} possible sessions; "
                f"sufficient was at most {nti.max_unauthorised}). Next: {next_step}"
            )
        record_step(nti.case, stage=Stage.FORMALISE, summary=summary, by=by, request=request)
        audit.record(
            "enforcement.nti.concluded",
            by=by,
            obj=nti,
            pupil=nti.pupil,
            data={"case": nti.case.ref, "outcome": Outcome(outcome).label},
            request=request,
        )
    sync_nti_prompts(clock.today(), pupils=[nti.pupil])
    return nti


def nti_in_force_or_done(pupil: Pupil, parent: Contact, on: dt.date) -> NoticeToImprove | None:
    """The newest notice to improve naming `parent` for `pupil`, issued on or before `on` and not withdrawn (in
    force, or ended: the caller reads `period_end` and `outcome`). None if there is none. Answers the notices
    helper; `nti_requirement` says whether one is needed at all."""
    return (
        NoticeToImprove.objects.filter(pupil=pupil, parents=parent, issued_on__lte=on)
        .exclude(outcome=Outcome.WITHDRAWN)
        .order_by("-issued_on", "-pk")
        .first()
    )


def nti_requirement(pupil: Pupil, parent: Contact, on: dt.date, *, holiday: bool) -> tuple[bool, str]:
    """Is the notice-to-improve step met before a penalty notice for `parent` on `on`? (met, reason).

    Not needed for a term-time holiday (support is inappropriate: WTISA ch.6), nor when the LA's code does not
    require one (a fresh installation's default). Otherwise an NTI must have ended without sufficient
    improvement: one still in force, or one that worked, does not lead to a notice."""
    if holiday:
        return True, "Not needed: term-time holiday"
    code = code_for(la_of(pupil, on), on)
    if not code.nti_required:
        return True, f"Not required by the code of conduct (version {code.version})"
    nti = nti_in_force_or_done(pupil, parent, on)
    if nti is None:
        return False, "The code of conduct requires a notice to improve first"
    if on <= nti.period_end:
        return False, f"The notice to improve is in force until {nti.period_end:%d/%m/%Y}"
    if nti.outcome == Outcome.IMPROVED:
        return False, "Attendance improved sufficiently under the notice to improve"
    return True, f"Notice to improve of {nti.issued_on:%d/%m/%Y} ended without sufficient improvement"


def in_force_ntis(on: dt.date, pupils=None):
    """Notices in force on `on` (for the case page and the work list)."""
    rows = NoticeToImprove.objects.filter(period_start__lte=on, period_end__gte=on).exclude(
        outcome=Outcome.WITHDRAWN
    )
    if pupils is not None:
        rows = rows.filter(Q(pupil__in=pupils))
    return rows.select_related("pupil", "case")


def sync_nti_prompts(today: dt.date, *, schools=None, pupils=None) -> dict[str, int]:
    """The work list: one `nti_in_force` item per notice in force, from its issue to its end date (cleared the day
    after, or when withdrawn or concluded), with the live figures in its reason. Raises the missing ones and clears
    the others, as the timetable and casework syncs do; an item someone dismissed stays dismissed."""

    from attend.alerts.events import NTI_IN_FORCE
    from attend.alerts.models import Alert

    from .steps_ladder import school_on

    notices = in_force_ntis(today)
    if pupils is not None:
        notices = notices.filter(pupil__in=pupils)
    if schools is not None:
        notices = notices.filter(case__school__in=schools)
    notices = list(notices)
    wanted = {f"nti{n.pk}": n for n in notices}
    figures = tracking(notices, today)
    existing = Alert.objects.filter(rule=NTI_IN_FORCE)
    if pupils is not None:
        existing = existing.filter(pupil__in=pupils)
    elif schools is not None:
        existing = existing.filter(school__in=schools)
    latest = {a.key: a for a in existing.order_by("id")}
    raised = 0
    with transaction.atomic():
        for key, nti in wanted.items():
            if key in latest:
                continue
            school = school_on(nti.pupil, today)
            enrolment = nti.pupil.enrolments.filter(school=school).order_by("-admission_date").first()
            if enrolment is None:
                continue
            f = figures[nti.pk]
            reason = (
                f"Notice to improve in force to {nti.period_end:%d %B %Y}: so far {f.unauthorised} unauthorised of "
                f"{f.possible} possible sessions (sufficient: at most {nti.max_unauthorised})."
            )
            raise_prompt(
                rule=NTI_IN_FORCE,
                key=key,
                enrolment=enrolment,
                today=today,
                reason=reason,
                details={"nti_id": nti.pk, "due": nti.period_end.isoformat()},
                school=school,
                measure=float(f.unauthorised),
            )
            raised += 1
        stale = [a.pk for key, a in latest.items() if key not in wanted]
        cleared = clear_alerts(stale, today)
    return {"raised": raised, "cleared": cleared}
