"""The LA's duty to arrange suitable education for a child of compulsory school age who, because of illness,
exclusion or otherwise, would not receive it (Education Act 1996 s19).

Health: DfE "Arranging education for children who cannot attend school because of health needs" (December 2023):
the LA should arrange suitable full-time education (or as much as the child's health allows) for a child who would
otherwise miss 15 school days or more, whether consecutive or cumulative across the school year.

- Counted from the register: every I (illness) or M (medical or dental appointment) session in the academic year
  (1 August to 31 July) is half a school day, so a day with both sessions I is one day and a day with one I
  session is half a day. All the child's enrolments that year count (a move of school does not reset the count).
- "Will miss": a current medical condition (casework PupilCircumstance) with an expected end date, while the child
  is off sick (the latest marked session is I or M): the school days from the day after `on` to that end (or to
  31 July) are added as expected. A condition with no end date projects nothing: the officer judges it.

Exclusion: E marks (suspended or permanently excluded, no alternative provision). From the sixth consecutive school
day the school must provide full-time education for a suspended pupil (Education (Provision of Full-Time Education
for Excluded Pupils) (England) Regulations 2007 reg 3) and the LA for a permanently excluded one (EA 1996 s19(3A)).
E marks cannot tell the two apart: the officer says which on the decision. A school day is a date on which the
enrolment has a mark for a possible session; K (LA-arranged education, s19) or B on the sixth day shows provision.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Max, Min, Q

from attend.people.models import Enrolment, Pupil
from attend.registers.codes import code_table
from attend.registers.models import Mark
from attend.schools.models import AcademicYear, Term
from attend.stats import counts

from .models_s19 import ProvisionDecision

HEALTH_CODES = ("I", "M")  # illness (incl. mental health) and medical/dental appointments: domain.md §1.1
EXCLUSION_CODE = "E"  # suspended or permanently excluded, no alternative provision
PROVISION_CODES = ("K", "B")  # K: LA-arranged education (s19(1)); B: other approved educational activity
THRESHOLD_DAYS = Decimal(15)  # health guidance 2023: 15 school days, consecutive or cumulative
SIXTH_DAY = 6  # 2007 Regs reg 3 / s19(3A): full-time provision from the sixth school day


def year_start_for(day: dt.date) -> dt.date:
    return dt.date(AcademicYear.start_year_for(day), 8, 1)


def _possible_codes() -> list[str]:
    return [c for c, info in code_table().items() if info.is_possible_session]


def _enrolments(enrolment_or_pupil) -> tuple[Pupil, Q]:
    if isinstance(enrolment_or_pupil, Enrolment):
        return enrolment_or_pupil.pupil, Q(enrolment=enrolment_or_pupil)
    return enrolment_or_pupil, Q(enrolment__pupil=enrolment_or_pupil)


def _day(n: Decimal) -> str:
    return f"{n.normalize():f}"


@dataclass
class HealthCount:
    pupil: Pupil
    year_start: dt.date
    on: dt.date
    sessions: int  # I and M sessions
    possible_sessions: int
    first: dt.date | None
    last: dt.date | None
    by_term: list[tuple[str, Decimal]] = field(default_factory=list)
    expected: Decimal = Decimal(0)  # more school days expected from a current medical condition
    expected_to: dt.date | None = None
    condition: str = ""

    @property
    def days(self) -> Decimal:
        return Decimal(self.sessions) / 2

    @property
    def total(self) -> Decimal:
        return self.days + self.expected

    @property
    def reaches_threshold(self) -> bool:
        return self.total >= THRESHOLD_DAYS

    def words(self) -> str:
        text = f"{_day(self.days)} school days missed for health (I and M marks, two sessions a day)"
        if self.first:
            text += f" from {self.first:%-d %B %Y} to {self.last:%-d %B %Y}"
        if self.by_term:
            text += " (" + "; ".join(f"{name}: {_day(d)}" for name, d in self.by_term) + ")"
        if self.expected:
            text += (
                f", and {_day(self.expected)} more expected to {self.expected_to:%-d %B %Y} "
                f"({self.condition}): {_day(self.total)} in all"
            )
        return text + "."


def health_days(enrolment_or_pupil, year_start: dt.date, on: dt.date) -> HealthCount:
    """School days missed for health from `year_start` (1 August) to `on`, from I and M marks: one aggregate query
    over the marks, split by the schools' terms; plus the school days a current medical condition is expected to
    add (module docstring)."""
    pupil, scope = _enrolments(enrolment_or_pupil)
    marks = Mark.objects.filter(scope, date__range=(year_start, on))
    health = Q(code__in=HEALTH_CODES)
    terms = list(
        Term.objects.filter(
            school__enrolments__in=Enrolment.objects.filter(pupil=pupil),
            start_date__lte=on,
            end_date__gte=year_start,
        )
        .distinct()
        .order_by("start_date")
    )
    per_term = {
        f"t{t.pk}": Count("id", filter=health & Q(date__range=(t.start_date, t.end_date))) for t in terms
    }
    row = marks.aggregate(
        n=Count("id", filter=health),
        possible=Count("id", filter=Q(code__in=_possible_codes())),
        first=Min("date", filter=health),
        last=Max("date", filter=health),
        **per_term,
    )
    by_term: dict[str, Decimal] = {}
    for t in terms:
        if row[f"t{t.pk}"]:
            by_term[t.name] = by_term.get(t.name, Decimal(0)) + Decimal(row[f"t{t.pk}"]) / 2
    count = HealthCount(
        pupil=pupil,
        year_start=year_start,
        on=on,
        sessions=row["n"],
        possible_sessions=row["possible"],
        first=row["first"],
        last=row["last"],
        by_term=list(by_term.items()),
    )
    _add_expected(count, marks)
    return count


def _add_expected(count: HealthCount, marks) -> None:
    """'Will miss': a current medical condition with an end date, while the child is off sick (latest session)."""
    from attend.casework.models import PupilCircumstance
    from attend.registers.calendar import school_days

    condition = (
        PupilCircumstance.objects.filter(
            pupil=count.pupil,
            kind=PupilCircumstance.Kind.MEDICAL_CONDITION,
            start__lte=count.on,
            end__gt=count.on,
        )
        .order_by("-end")
        .first()
    )
    if condition is None:
        return
    latest = (
        marks.filter(code__in=_possible_codes()).order_by("-date", "-session").values_list("code", flat=True)
    )
    if latest[:1] and latest[0] not in HEALTH_CODES:
        return
    enrolment = (
        Enrolment.objects.filter(pupil=count.pupil, admission_date__lte=count.on)
        .filter(Q(leaving_date__isnull=True) | Q(leaving_date__gte=count.on))
        .select_related("school")
        .first()
    )
    if enrolment is None:
        return
    school = enrolment.school
    end = min(condition.end, dt.date(count.year_start.year + 1, 7, 31))
    start = count.on + dt.timedelta(days=1)
    if Term.objects.filter(school=school, academic_year__start_year=count.year_start.year).exists():
        days = len(school_days(school, start, end))
    else:  # no imported calendar: the weekdays the school meets on
        days = sum(1 for i in range((end - start).days + 1) if school.meets_on(start + dt.timedelta(days=i)))
    if days:
        count.expected, count.expected_to, count.condition = Decimal(days), end, condition.summary


@dataclass
class ExclusionRun:
    enrolment: Enrolment
    start: dt.date
    e_days: list[dt.date]  # consecutive school days with an E session
    sixth_day: dt.date | None = None  # the sixth school day, if the run reached it
    sixth_day_codes: str = ""  # the codes on the sixth day, e.g. "EE" or "KK"
    last: dt.date | None = None

    @property
    def provision_on_sixth_day(self) -> str:
        """'K' or 'B' when the sixth day shows provision (LA-arranged education or approved activity)."""
        return next((c for c in PROVISION_CODES if c in self.sixth_day_codes), "")

    def words(self) -> str:
        text = f"E for {len(self.e_days)} school days from {self.start:%-d %B %Y}"
        if self.sixth_day is None:
            return text + "."
        provision = self.provision_on_sixth_day
        if provision == "K":
            what = "coded K: LA-arranged education is in place"
        elif provision == "B":
            what = "coded B: an approved educational activity"
        else:
            what = "still E: no alternative provision recorded"
        return f"{text}; the sixth school day, {self.sixth_day:%-d %B %Y}, is {what}."


def _school_days(enrolment: Enrolment, start: dt.date, end: dt.date) -> list[tuple[dt.date, str]]:
    """The enrolment's school days with their codes ("AM code + PM code"), from one query over its marks."""
    rows = (
        Mark.objects.filter(enrolment=enrolment, date__range=(start, end), code__in=_possible_codes())
        .order_by("date", "session")
        .values_list("date", "code")
    )
    days: dict[dt.date, str] = {}
    for day, code in rows:
        days[day] = days.get(day, "") + code
    return list(days.items())


def exclusion_runs(enrolment: Enrolment, start: dt.date, end: dt.date) -> list[ExclusionRun]:
    """Runs of consecutive school days with an E session. A run of five E days continues to a sixth day that is E,
    K or B (the sixth day is then recorded, with its codes), and on through E, K or B days (its `last`)."""
    runs: list[ExclusionRun] = []
    run: ExclusionRun | None = None
    for day, codes in _school_days(enrolment, start, end):
        is_e = EXCLUSION_CODE in codes
        covered = is_e or any(c in codes for c in PROVISION_CODES)
        if run is not None and run.sixth_day is None and len(run.e_days) == SIXTH_DAY - 1 and covered:
            run.sixth_day, run.sixth_day_codes, run.last = day, codes, day
            if is_e:
                run.e_days.append(day)
            continue
        if run is not None and run.sixth_day is not None and covered:
            run.last = day
            if is_e:
                run.e_days.append(day)
            continue
        if run is not None and is_e and run.sixth_day is None:
            run.e_days.append(day)
            run.last = day
            continue
        run = None
        if is_e:
            run = ExclusionRun(enrolment=enrolment, start=day, e_days=[day], last=day)
            runs.append(run)
    return runs


def health_decision_for(pupil: Pupil, year_start: dt.date) -> ProvisionDecision | None:
    """The latest health decision recorded for the pupil in this academic year."""
    return (
        ProvisionDecision.objects.filter(
            pupil=pupil,
            trigger=ProvisionDecision.Trigger.HEALTH,
            counted_to__range=(year_start, dt.date(year_start.year + 1, 7, 31)),
        )
        .order_by("-decided_on", "-id")
        .first()
    )


def exclusion_decision_for(pupil: Pupil, run_start: dt.date) -> ProvisionDecision | None:
    return (
        ProvisionDecision.objects.filter(pupil=pupil, counted_from=run_start)
        .exclude(trigger=ProvisionDecision.Trigger.HEALTH)
        .order_by("-decided_on", "-id")
        .first()
    )


def _current_enrolments(today: dt.date, schools=None, pupils=None):
    rows = Enrolment.objects.filter(admission_date__lte=today).filter(
        Q(leaving_date__isnull=True) | Q(leaving_date__gte=today)
    )
    if schools is not None:
        rows = rows.filter(school__in=schools)
    if pupils is not None:
        rows = rows.filter(pupil__in=pupils)
    return rows.select_related("pupil", "school")


def _over_health_threshold(current, year_start: dt.date, today: dt.date, *, whole: bool) -> set[int]:
    """Pupils on roll (`current` enrolments) with 15 days (30 sessions) of health codes this year by the marks,
    over all their enrolments. Whole schools or LAs count in the statistics store when it is up to date (one
    columnar count); a few pupils, or a stale store, count in the database."""
    need = int(THRESHOLD_DAYS * 2)
    found = (
        counts.marked_at_least(HEALTH_CODES, year_start, today, minimum=need, per="pupil") if whole else None
    )
    if found is not None:
        return found & set(current.values_list("pupil_id", flat=True))
    return set(
        Mark.objects.filter(
            enrolment__pupil_id__in=current.values("pupil_id"),
            date__range=(year_start, today),
            code__in=HEALTH_CODES,
        )
        .values("enrolment__pupil_id")
        .annotate(n=Count("id"))
        .filter(n__gte=need)
        .values_list("enrolment__pupil_id", flat=True)
    )


def _excluded_five_days(current, year_start: dt.date, today: dt.date, *, whole: bool) -> set[int]:
    """`current` enrolments with E marks on five school days or more this year (candidates for a sixth day)."""
    need = SIXTH_DAY - 1
    found = (
        counts.marked_at_least((EXCLUSION_CODE,), year_start, today, minimum=need, distinct_days=True)
        if whole
        else None
    )
    if found is not None:
        return found & set(current.values_list("pk", flat=True))
    return set(
        Mark.objects.filter(
            enrolment__in=current.values("pk"), date__range=(year_start, today), code=EXCLUSION_CODE
        )
        .values("enrolment_id")
        .annotate(days=Count("date", distinct=True))
        .filter(days__gte=need)
        .values_list("enrolment_id", flat=True)
    )


def health_due(today: dt.date, *, schools=None, pupils=None) -> list[tuple[Enrolment, HealthCount]]:
    """Current enrolments whose child has missed (or is expected to miss) 15 school days for health this year and
    has no health decision recorded for the year. Candidates come from one grouped count over the marks."""
    return _health_due(today, schools=schools, pupils=pupils)  # type: ignore[return-value]


def _health_due(
    today: dt.date, *, schools=None, pupils=None, listed: frozenset[str] = frozenset()
) -> list[tuple[Enrolment, HealthCount | None]]:
    """health_due; a child already past 15 days by the marks alone whose item key is in `listed` (on the work
    list already) comes with None instead of the full count (the sync needs only to know it is still due)."""
    from attend.casework.models import PupilCircumstance

    year_start = year_start_for(today)
    # Subqueries, not lists of every current pupil: the enrolments are loaded for the candidates only.
    current = _current_enrolments(today, schools, pupils)
    on_roll = current.values("pupil_id")
    counted = _over_health_threshold(current, year_start, today, whole=pupils is None)
    ill = set(
        PupilCircumstance.objects.filter(
            pupil_id__in=on_roll,
            kind=PupilCircumstance.Kind.MEDICAL_CONDITION,
            start__lte=today,
            end__gt=today,
        ).values_list("pupil_id", flat=True)
    )
    candidates = sorted(counted | ill)
    enrolments = {e.pupil_id: e for e in current.filter(pupil_id__in=candidates)}
    decided = set(
        ProvisionDecision.objects.filter(
            pupil_id__in=candidates,
            trigger=ProvisionDecision.Trigger.HEALTH,
            counted_to__range=(year_start, dt.date(year_start.year + 1, 7, 31)),
        ).values_list("pupil_id", flat=True)
    )  # health_decision_for, for every candidate at once
    due: list[tuple[Enrolment, HealthCount | None]] = []
    for pupil_id in candidates:
        if pupil_id in decided:
            continue
        enrolment = enrolments[pupil_id]
        if pupil_id in counted and health_key(enrolment, year_start) in listed:
            due.append((enrolment, None))  # 15 days or more by the marks: still due, and listed already
            continue
        count = health_days(enrolment.pupil, year_start, today)
        if count.reaches_threshold:
            due.append((enrolment, count))
    return due


def exclusion_due(today: dt.date, *, schools=None, pupils=None) -> list[ExclusionRun]:
    """Runs this academic year that have reached their sixth school day, with no decision recorded for the run."""
    year_start = year_start_for(today)
    current = _current_enrolments(today, schools, pupils)
    candidates = _excluded_five_days(current, year_start, today, whole=pupils is None)
    due = []
    for enrolment in current.filter(pk__in=candidates):  # loaded for the candidates only, in the same order
        for run in exclusion_runs(enrolment, year_start, today):
            if run.sixth_day and exclusion_decision_for(enrolment.pupil, run.start) is None:
                due.append(run)
    return due


def health_key(enrolment: Enrolment, year_start: dt.date) -> str:
    return f"h{enrolment.pk}-{year_start.year}"


def exclusion_key(run: ExclusionRun) -> str:
    return f"x{run.enrolment.pk}-{run.start:%Y%m%d}"  # Alert.key holds 20 characters


def sync_s19_prompts(today: dt.date, *, schools=None, pupils=None) -> dict[str, int]:
    """The work list: `s19_health` per enrolment and academic year when the child reaches 15 school days for
    health (or is expected to) with no decision for the year; `s19_exclusion` per run of E marks from its sixth
    school day with no decision. Raises the missing, clears the ones whose reason has gone (a decision recorded);
    an item someone dismissed stays dismissed; one cleared because the days fell (a corrected register) comes back when they reach 15 again."""
    from attend.alerts.events import S19_EXCLUSION, S19_HEALTH, clear_alerts, raise_prompt
    from attend.alerts.models import Alert

    existing = Alert.objects.filter(rule__in=[S19_HEALTH, S19_EXCLUSION])
    if pupils is not None:
        existing = existing.filter(pupil__in=pupils)
    elif schools is not None:
        existing = existing.filter(school__in=schools)
    latest = {(a.rule, a.key): a for a in existing.order_by("id")}
    listed = frozenset(
        k for (r, k), a in latest.items() if r == S19_HEALTH and a.status != Alert.Status.CLEARED
    )
    wanted: dict[tuple[str, str], tuple | None] = {}
    for enrolment, count in _health_due(today, schools=schools, pupils=pupils, listed=listed):
        if count is None:  # on the list already (or dismissed): nothing to raise, nothing to clear
            wanted[(S19_HEALTH, health_key(enrolment, year_start_for(today)))] = None
            continue
        details = {"days": str(count.days), "expected": str(count.expected), "trigger": "health"}
        wanted[(S19_HEALTH, health_key(enrolment, count.year_start))] = (
            enrolment, count.words(), details, float(count.total)
        )  # fmt: skip
    for run in exclusion_due(today, schools=schools, pupils=pupils):
        details = {
            "run_start": run.start.isoformat(),
            "sixth_day": run.sixth_day.isoformat(),
            "trigger": "exclusion",
        }
        wanted[(S19_EXCLUSION, exclusion_key(run))] = (
            run.enrolment,
            run.words(),
            details,
            float(len(run.e_days)),
        )
    raised = 0
    with transaction.atomic():
        for (rule, key), item in wanted.items():
            # On the list already, or dismissed (a dismissal stands); a cleared one comes back.
            if item is None or ((rule, key) in latest and latest[(rule, key)].status != Alert.Status.CLEARED):
                continue
            enrolment, reason, details, measure = item
            raise_prompt(
                rule=rule, key=key, enrolment=enrolment, today=today, reason=reason, details=details, measure=measure
            )  # fmt: skip
            raised += 1
        cleared = clear_alerts([a.pk for k, a in latest.items() if k not in wanted], today)
    return {"raised": raised, "cleared": cleared}


def index_panel(user, today: dt.date) -> dict:
    """Context for this area's panel on /cme/ (template cme/s19/_index_panel.html): decisions due and recorded in
    the user's scope this academic year."""
    from attend.accounts.permissions import has_permission

    from .decisions_s19 import due_alerts, visible_decisions

    year_start = year_start_for(today)
    return {
        "s19_due": due_alerts(user).count(),
        "s19_decided": visible_decisions(user).filter(decided_on__gte=year_start).count(),
        "s19_can_return": has_permission(user, "cme.returns"),
    }
