"""Where registers came from, per school, and the schools whose registers stopped arriving (issue 21 part 3).

Every import run that carries registers names its schools and the latest day it held a mark for
(`ImportRun.schools`, `.latest_mark_date`) and the service's day it arrived (`.received_on`, clock.today(), so a
pinned clock pins it too): a marks file names the schools of its enrolments (even when every mark was unchanged: a
school re-sending its cumulative export has still sent data); a CTF names its destination school.

The rule `registers_not_received` (docs/data-received.md): registers arrived on day D; when two of the school's
school days after D have passed with nothing (D itself and today not counted), the school is on the LA's work list
from then on: with a school day today, that is the third school day after D. School days are the school's own
calendar (terms, non-school days, planned closures: attend.registers.calendar) in years it has one, else the
weekdays it meets on. Only schools that have sent registers at least once, and only those with pupils on roll today:
a school that never sent anything shows "Never" on the page instead. The item is keyed by the school and D, so it
clears as soon as registers arrive again (after the import, and in the nightly sync), and a dismissal stands for
that gap only.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path

from django.db.models import Max, OuterRef, Q, Subquery
from lxml import etree

from attend.core import clock
from attend.people.models import Enrolment
from attend.schools.models import AcademicYear, School, Term

from .models import ImportRun

log = logging.getLogger(__name__)

RULE = "registers_not_received"  # attend.alerts.events.REGISTERS_NOT_RECEIVED
OVERDUE_AFTER = 2  # school days passed with no registers


# ----- recording where registers came from (called by the importers, in the import's transaction)


def record_arrival(run: ImportRun, *, school_ids, latest_mark_date: dt.date | None) -> None:
    """Note on `run` the schools whose registers it carried, the latest day it held a mark for, and today as the
    day they arrived. Nothing is noted for a run that carried no school's registers."""
    school_ids = sorted(set(school_ids or ()))
    if not school_ids:
        return
    run.received_on = clock.today()
    run.latest_mark_date = latest_mark_date
    run.save(update_fields=["received_on", "latest_mark_date"])
    run.schools.set(school_ids)


def ctf_arrival(path: Path) -> tuple[list[int], dt.date | None]:
    """The CTF's destination school (Header/DestSchool LEA + Estab, when it is a school Attend knows) and the latest
    day the file holds a mark for at that school. ([], None) for a CTF addressed to no known school."""
    try:
        root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
    except (etree.XMLSyntaxError, OSError):
        return [], None
    lea, estab = (root.findtext(f"Header/DestSchool/{name}") or "" for name in ("LEA", "Estab"))
    school = School.objects.filter(laestab=f"{lea.strip()}{estab.strip()}").first()
    if school is None:
        return [], None
    latest = None
    for year in root.iterfind("CTFpupilData/Pupil/Attendance/YearData"):
        if (year.findtext("LEA") or "").strip() + (year.findtext("Estab") or "").strip() != school.laestab:
            continue
        day = _last_marked_day(school, year)
        if day and (latest is None or day > latest):
            latest = day
    return [school.pk], latest


def _last_marked_day(school: School, year) -> dt.date | None:
    start_text = (year.findtext("AttendSessions/AttendanceStartDate") or "").strip()
    marks = year.findtext("AttendSessions/AttendanceMarks") or ""
    try:
        start = dt.date.fromisoformat(start_text)
    except ValueError:
        return None
    for i in range(len(marks) - 1, -1, -1):
        day = start + dt.timedelta(days=i // 2)
        if marks[i] not in "- " and not (marks[i] == "#" and not school.meets_on(day)):
            return day
    return None


# ----- counting school days


def school_days_between(school: School, after: dt.date, before: dt.date) -> list[dt.date]:
    """The school's school days strictly after `after` and strictly before `before`: its calendar's in the years
    it has one (terms less non-school days and closures), else the weekdays it meets on."""
    start, end = after + dt.timedelta(days=1), before - dt.timedelta(days=1)
    if end < start:
        return []
    from .calendar import school_days

    years = set(
        Term.objects.filter(school=school).values_list("academic_year__start_year", flat=True).distinct()
    )
    from_calendar = set(school_days(school, start, end)) if years else set()
    days = []
    day = start
    while day <= end:
        if AcademicYear.start_year_for(day) in years:
            if day in from_calendar:
                days.append(day)
        elif school.meets_on(day):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


# ----- the page's rows and the rule


@dataclass
class Arrival:
    """One school's registers as the LA sees them on `today`."""

    school: School
    run: ImportRun | None  # the latest run that carried its registers; None: never
    latest_mark_date: dt.date | None  # the latest day any of its runs held a mark for
    on_roll: bool
    missed: int  # school days passed since the last arrival (0 when never)

    @property
    def overdue(self) -> bool:
        return self.run is not None and self.on_roll and self.missed >= OVERDUE_AFTER

    @property
    def since(self) -> dt.date | None:
        return self.run.received_on if self.run else None

    @property
    def read_by(self) -> str:
        """The import profile or the CTF's supplier that read the file, if any."""
        if self.run is None:
            return ""
        return self.run.profile_name or self.run.supplier

    @property
    def reason(self) -> str:
        return f"No registers received since {self.since:%A %-d %B %Y}"


def arrivals(schools, today: dt.date) -> list[Arrival]:
    """One Arrival per school in `schools` (a School queryset), overdue first (longest gap first), then by name."""
    through = ImportRun.schools.through
    latest_run = (
        through.objects.filter(school_id=OuterRef("pk"), importrun__received_on__isnull=False)
        .order_by("-importrun__received_on", "-importrun_id")
        .values("importrun_id")[:1]
    )
    rows = list(
        schools.annotate(last_run_id=Subquery(latest_run), latest_mark=Max("import_runs__latest_mark_date"))
        .select_related("local_authority")
        .order_by("name", "urn")
    )
    runs = ImportRun.objects.in_bulk([r.last_run_id for r in rows if r.last_run_id])
    on_roll = set(
        Enrolment.objects.filter(school__in=[r.pk for r in rows], admission_date__lte=today)
        .filter(Q(leaving_date__isnull=True) | Q(leaving_date__gte=today))
        .values_list("school_id", flat=True)
        .distinct()
    )
    out = []
    for school in rows:
        run = runs.get(school.last_run_id)
        missed = len(school_days_between(school, run.received_on, today)) if run else 0
        out.append(Arrival(school, run, school.latest_mark, school.pk in on_roll, missed))
    out.sort(key=lambda a: (not a.overdue, a.since if a.overdue else dt.date.min))
    return out


def prompt_key(arrival: Arrival) -> str:
    return f"nr{arrival.school.pk}-{arrival.since:%Y%m%d}"  # Alert.key holds 20 characters


def sync_arrival_prompts(today: dt.date, *, schools=None) -> dict[str, int]:
    """Raise `registers_not_received` for each school in `schools` (all when None) whose registers are overdue and
    clear the items of those whose registers have arrived since (an item someone dismissed stays dismissed)."""
    from django.db import transaction

    from attend.alerts.events import clear_alerts, raise_prompt
    from attend.alerts.models import Alert

    scope = School.objects.all() if schools is None else School.objects.filter(pk__in=[s.pk for s in schools])
    scope = scope.filter(import_runs__received_on__isnull=False).distinct()
    wanted = {prompt_key(a): a for a in arrivals(scope, today) if a.overdue}
    existing = Alert.objects.filter(rule=RULE)
    if schools is not None:
        existing = existing.filter(school__in=[s.pk for s in schools])
    latest = {a.key: a for a in existing.order_by("id")}
    raised = 0
    with transaction.atomic():
        for key, a in wanted.items():
            if key in latest:
                continue  # open already, or dismissed (a dismissal stands for this gap)
            run = a.run
            raise_prompt(
                rule=RULE,
                key=key,
                enrolment=None,
                school=a.school,
                today=today,
                reason=(
                    f"{a.reason}: {a.missed} school days have passed without any (the last file was "
                    f"{run.file_name}, {run.get_source_display().lower()})."
                ),
                details={"since": a.since.isoformat(), "school_days": a.missed, "import_run": run.pk},
                measure=float(a.missed),
            )
            raised += 1
        stale = [alert.pk for key, alert in latest.items() if key not in wanted]
        cleared = clear_alerts(stale, today)
    return {"raised": raised, "cleared": cleared}


def after_import(school_ids) -> None:
    """After a committed import that carried registers: clear the touched schools' items at once (the nightly
    sync would otherwise leave them until tomorrow). The import has committed; a failure here is logged only."""
    if not school_ids:
        return
    try:
        sync_arrival_prompts(clock.today(), schools=list(School.objects.filter(pk__in=school_ids)))
    except Exception:
        log.exception("could not sync the registers-received items after an import")
