"""The checks behind a deletion from the roll: the ground (i) conditions, census days, and what looks like
off-rolling (the concerns stored on a deletion return in words). Plain functions; attend/cme/roll.py records."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Exists, OuterRef, Q

from attend.people.models import Enrolment, Pupil
from attend.registers.calendar import school_days, school_sessions
from attend.registers.models import Mark

from .models_roll import DeletionGround, RollDeletion

# 2024 Regs reg 9(1)(i): every session in the run coded G, N or O (any other code defeats the ground; brownejacobson,
# "the 20 day rule explained"; domain.md §5).
GROUND_I_CODES = frozenset({"G", "N", "O"})
GROUND_I_DAYS = 20  # reg 9(1)(i): "at least 20 school days"
CLUSTER_WINDOW_DAYS = (
    20  # school days before a census day (the LA's off-rolling check, not a statutory figure)
)
NOT_COMPULSORY_YEARS = frozenset({"N1", "N2", "R", "12", "13", "14"})  # reg 9(1) is for compulsory school age


def cluster_size() -> int:
    """How many deletions at one school in the window before a census day make a cluster (setting, default 3)."""
    return int(getattr(settings, "CME_OFF_ROLLING_CLUSTER", 3))


def current_deletions():
    """Deletion returns not replaced by a correction (the return the LA relies on)."""
    return RollDeletion.objects.filter(~Exists(RollDeletion.objects.filter(corrects=OuterRef("pk"))))


# ----- ground (i)


def continuous_absence(enrolment: Enrolment, on: dt.date) -> tuple[int, dt.date | None, str | None]:
    """School days of continuous G/N/O absence ending at `on`: (whole days, first day of the run, the code and
    date that broke it). School days are the sessions the school met (registers.calendar: its calendar, or the
    marks), so a weekend or a holiday does not break the run; sessions not marked yet at the end are skipped (the
    register of the day of deletion), like the cme_20_days alert."""
    start = max(enrolment.admission_date, on - dt.timedelta(days=120))
    sessions = school_sessions(enrolment.school, start, on)
    marks = dict(
        ((d, s), c)
        for d, s, c in Mark.objects.filter(enrolment=enrolment, date__range=(start, on)).values_list(
            "date", "session", "code"
        )
    )
    run: list[tuple[dt.date, str]] = []
    trailing = True
    broken = None
    for day, session in reversed(sessions):
        code = marks.get((day, session))
        if code is None and trailing:
            continue
        trailing = False
        if code not in GROUND_I_CODES:
            broken = f"{code or 'no mark'} on {day:%-d %B %Y} ({session})"
            break
        run.append((day, session))
    by_day: dict[dt.date, int] = {}
    for day, _ in sessions:
        by_day[day] = by_day.get(day, 0) + 1
    in_run: dict[dt.date, int] = {}
    for day, _ in run:
        in_run[day] = in_run.get(day, 0) + 1
    whole = sorted(d for d, n in in_run.items() if n == by_day[d])
    return len(whole), (whole[0] if whole else None), broken


def sickness_recorded(pupil: Pupil, on: dt.date) -> list[str]:
    """Current medical circumstances: reasonable grounds to believe the absence is through sickness (reg 9(1)(i)
    excludes them; "sickness" includes mental health, brownejacobson)."""
    from attend.casework.models import PupilCircumstance

    rows = PupilCircumstance.objects.filter(
        pupil=pupil, kind=PupilCircumstance.Kind.MEDICAL_CONDITION, start__lte=on
    ).filter(Q(end__isnull=True) | Q(end__gte=on))
    return [r.summary for r in rows]


def joint_gaps(pupil: Pupil, on: dt.date) -> list[str]:
    """The joint-enquiry gate (reg 9(1)(i): "the school and the local authority have failed, after reasonable
    enquiry, to locate the pupil"), owned by the enquiries area."""
    from attend.cme.enquiries import joint_enquiry_gaps

    return list(joint_enquiry_gaps(pupil, on))


def ground_i_gaps(enrolment: Enrolment, on: dt.date) -> list[str]:
    """What stops a deletion under reg 9(1)(i) on `on`, in words; empty when every condition is met."""
    gaps: list[str] = []
    days, first, broken = continuous_absence(enrolment, on)
    if days < GROUND_I_DAYS:
        text = f"Only {days} continuous school days of G, N or O absence up to {on:%-d %B %Y} (at least 20 needed)"
        gaps.append(text + (f": the run is broken by {broken}." if broken else "."))
    for summary in sickness_recorded(enrolment.pupil, on):
        gaps.append(
            f"A current medical condition is recorded ({summary}): the absence may be through sickness."
        )
    gaps += joint_gaps(enrolment.pupil, on)
    return gaps


# ----- census days (DfE school census guide: autumn the first Thursday in October, spring the third Thursday in
# January, summer the third Thursday in May)


def _nth_thursday(year: int, month: int, n: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(3 - first.weekday()) % 7 + 7 * (n - 1))


def census_days(academic_year_start: int) -> list[dt.date]:
    y = academic_year_start
    return [_nth_thursday(y, 10, 1), _nth_thursday(y + 1, 1, 3), _nth_thursday(y + 1, 5, 3)]


def _academic_year(day: dt.date) -> int:
    return day.year if day.month >= 8 else day.year - 1


def next_census(day: dt.date) -> dt.date:
    """The first census day on or after `day`."""
    year = _academic_year(day)
    return next(c for c in census_days(year) + census_days(year + 1) if c >= day)


def census_window(school, census: dt.date, *, days: list[dt.date] | None = None) -> list[dt.date]:
    """The 20 school days before a census day, and the day itself: the school's days from its calendar (or its
    marks), with Monday to Friday after the last day they know of (registers not imported yet). `days`: the
    school's days over a longer span covering the 70 days before the census, when the caller has read them."""
    first, last = census - dt.timedelta(days=70), census - dt.timedelta(days=1)
    known = school_days(school, first, last) if days is None else [d for d in days if first <= d <= last]
    day = (known[-1] if known else census - dt.timedelta(days=70)) + dt.timedelta(days=1)
    while day < census:
        if day.weekday() < 5:
            known.append(day)
        day += dt.timedelta(days=1)
    return [*known[-CLUSTER_WINDOW_DAYS:], census]


def _counts_for_cluster(d: RollDeletion) -> bool:
    """Grounds that are plainly not off-rolling: (a) with a destination school named, (l) end of Year 11. A return
    with no ground yet (an import) counts once the school gives it: most are ordinary moves."""
    if d.ground in (DeletionGround.L, DeletionGround.NOT_GIVEN):
        return False
    return not (d.ground == DeletionGround.A and d.destination_school_id)


def cluster_at(
    school, day: dt.date, *, extra: RollDeletion | None = None, window: list[dt.date] | None = None
) -> tuple[dt.date, list[RollDeletion]]:
    """The census day after `day` and the school's current deletions in its window that count for a cluster
    (`extra`: one not saved yet; `window`: census_window of that census day, when the caller has it)."""
    census = next_census(day)
    window = window or census_window(school, census)
    if not window[0] <= day <= census:
        return census, []
    rows = list(
        current_deletions()
        .filter(school=school, deleted_on__range=(window[0], census))
        .select_related("pupil", "destination_school")
        .order_by("deleted_on", "id")
    )
    if extra is not None:
        rows.append(extra)
    return census, [d for d in rows if _counts_for_cluster(d)]


# ----- concerns: what looks like off-rolling, in words


def concerns_for(d: RollDeletion) -> list[str]:
    """The concerns to store on a new deletion return (it is append-only: written once)."""
    concerns: list[str] = []
    pupil, ground = d.pupil, d.ground
    if ground == DeletionGround.NOT_GIVEN:
        concerns.append("No ground of regulation 9 was given: the leaving date came from an import.")
    if ground == DeletionGround.A and not d.destination_school_id:
        concerns.append(
            "Ground (a) with no destination school named: the new school's registration is unconfirmed."
        )
    if (
        ground == DeletionGround.G
        and d.destination_la_id
        and d.destination_la_id == d.school.local_authority_id
    ):
        concerns.append(
            "Ground (g) but the family still lives in this LA: is the school really beyond reasonable distance?"
        )
    if ground not in (DeletionGround.K, DeletionGround.L):
        if pupil.sen_status == Pupil.SenStatus.EHCP:
            concerns.append("The pupil has an EHC plan (off-rolling falls hardest on pupils with SEND).")
        elif pupil.sen_status == Pupil.SenStatus.SEN_SUPPORT:
            concerns.append("The pupil has SEN support (off-rolling falls hardest on pupils with SEND).")
        if pupil.child_protection_plan:
            concerns.append("The pupil is on a child protection plan.")
        if pupil.looked_after:
            concerns.append("The pupil is looked after: tell the virtual school.")
    census, cluster = cluster_at(d.school, d.deleted_on, extra=d)
    if len(cluster) >= cluster_size():
        concerns.append(
            f"One of {len(cluster)} deletions at this school in the {CLUSTER_WINDOW_DAYS} school days before the "
            f"census on {census:%-d %B %Y}."
        )
    if _year_11_before_january(d):
        concerns.append("A Year 11 pupil removed before the January census (not a ground (a) move or (l)).")
    return concerns


def _year_11_before_january(d: RollDeletion) -> bool:
    if d.enrolment.nc_year != "11" or not _counts_for_cluster(d):
        return False
    year = _academic_year(d.deleted_on)
    return dt.date(year, 9, 1) <= d.deleted_on <= census_days(year)[1]
