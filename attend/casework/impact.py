"""Before vs after: a pupil's attendance in the same-length window before a plan (or action) started and after it.

The after window runs from the start date to the as-of date (today, or the day of a review); the before window
is the same number of calendar days ending the day before the start. Each window's figures come from one query
of per-code session counts over all of the pupil's enrolments (a pupil who moved school counts at both), turned
into DfE measures by `attend.stats.measures_from_counts`, the definitions the statistics store and the letters'
figures use (attend/letters/figures.py `enrolment_figures`). Nothing is recounted mark by mark here.

Children are usually picked for support when their attendance is at its worst; their attendance tends to
improve afterwards whatever is done (regression to the mean). `REGRESSION_NOTE` says so wherever a change is shown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count

from attend.letters.figures import days_words
from attend.registers.models import Mark
from attend.stats import measures_from_counts
from attend.stats.codes import code_specs

REGRESSION_NOTE = (
    "Children are often picked for support when their attendance is at its worst, and attendance like that "
    "tends to improve afterwards even without help (regression to the mean). So the change shown here is not "
    "all the plan's doing."
)


@dataclass(frozen=True)
class Window:
    start: dt.date
    end: dt.date
    possible_sessions: int
    sessions_missed: int
    attendance_perc: float | None  # unrounded; None without possible sessions

    @property
    def days_missed(self) -> Decimal:
        return Decimal(self.sessions_missed) / 2

    @property
    def days_missed_text(self) -> str:
        return days_words(self.days_missed)

    @property
    def possible_days(self) -> Decimal:
        return Decimal(self.possible_sessions) / 2

    @property
    def perc_text(self) -> str:
        return f"{self.attendance_perc:.1f}%" if self.attendance_perc is not None else "no sessions"

    @property
    def period_text(self) -> str:
        return f"{_day(self.start)} to {_day(self.end)}"


@dataclass(frozen=True)
class Impact:
    before: Window
    after: Window

    @property
    def change_points(self) -> float | None:
        """Attendance after minus before, in percentage points (None if either window has no sessions)."""
        if self.before.attendance_perc is None or self.after.attendance_perc is None:
            return None
        return self.after.attendance_perc - self.before.attendance_perc

    @property
    def change_text(self) -> str:
        change = self.change_points
        if change is None:
            return "Not enough sessions to compare"
        if round(change, 1) == 0:
            return "No change"
        return f"{'Up' if change > 0 else 'Down'} {abs(change):.1f} percentage points"


def _day(d: dt.date) -> str:
    return f"{d.day} {d:%B %Y}"


def window(pupil_id: int, start: dt.date, end: dt.date) -> Window:
    """The pupil's sessions in [start, end] across every enrolment, as DfE measures (one query)."""
    known = code_specs()
    rows = (
        Mark.objects.filter(enrolment__pupil_id=pupil_id, date__gte=start, date__lte=end)
        .values("code")
        .annotate(n=Count("id"))
    )
    counts = {r["code"]: r["n"] for r in rows if r["code"] in known}
    measures = measures_from_counts(counts)
    possible = measures["possible_sessions"]
    perc = measures["attendance_perc"]
    return Window(
        start=start,
        end=end,
        possible_sessions=possible,
        sessions_missed=measures["overall_absence"] if possible else 0,
        attendance_perc=float(perc) if perc is not None else None,
    )


def before_after(pupil_id: int | None, started: dt.date, as_of: dt.date) -> Impact | None:
    """Attendance before vs after `started`, the after window ending at `as_of`. None when there is no pupil
    record yet or the start is still to come."""
    if pupil_id is None or as_of < started:
        return None
    length = (as_of - started).days + 1
    before_end = started - dt.timedelta(days=1)
    before_start = started - dt.timedelta(days=length)
    return Impact(before=window(pupil_id, before_start, before_end), after=window(pupil_id, started, as_of))


def plan_impact(plan, as_of: dt.date) -> dict:
    """{"plan": Impact | None, "actions": {action_id: Impact | None}} for a plan and each of its actions."""
    pupil_id = plan.case.pupil_id
    return {
        "plan": before_after(pupil_id, plan.started_on, as_of),
        "actions": {a.pk: before_after(pupil_id, a.starts_on, as_of) for a in plan.actions.all()},
    }
