"""Work lists: open alerts grouped one row per pupil (or per school for school-level alerts), scored and routed.

How an attendance team works (WTISA 2024, domain.md §4): the day starts with what cannot wait (first-day calls,
registers not taken, children possibly missing education, part-time timetables without a record) and with the
statutory thresholds a pupil has *newly* crossed (penalty notice to consider, LA notification, severe absence).
Persistent absence, "at risk" and the patterns are worked through the school's list at termly targeting-support
meetings, not called one by one each morning. So:

- **my list** (today): the rows routed to me (I am the school's named officer on that alert's side) with at
  least one item for today, highest score first, the top `TOP_N` shown with a link to the rest;
- **team list**: the same for schools with no named officer on a side (nobody's list is not nobody's work);
- **school list**: every open alert at one school, grouped by pupil (the monitored list);
- **LA list**: every open LA-side alert across the user's schools.

The score is the sum of named parts, all shown to the user (`Row.because`): the weightiest rule, a little for
each other open alert, the pupil's vulnerability, newly crossed, and worse than when raised.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from attend.accounts.permissions import has_permission
from attend.core.scoping import current_pupil_ids, period_visible, pupil_access, schools_visible_to
from attend.people.models import Pupil
from attend.schools.models import School

from . import wording
from .models import OPEN_STATUSES, Alert, OfficerAssignment
from .worklist_rules import (  # noqa: F401  (the rule tables are part of this module's interface)
    CASE_RULES,
    DAILY_RULES,
    LADDER_RULES,
    LISTS,
    NEW_DAYS,
    NEXT_STEP,
    NEXT_STEP_ANCHOR,
    RULE_SIDE,
    RULE_TITLES,
    RULE_WEIGHT,
    THRESHOLD_RULES,
    TIMETABLE_RULES,
    TODAY_RULES,
    TOP_N,
    URGENT_RULES,
)

LA, SCHOOL = OfficerAssignment.Side.LA, OfficerAssignment.Side.SCHOOL


def rule_title(rule: str) -> str:
    return RULE_TITLES.get(rule, rule.replace("_", " ").capitalize())


def side_of(rule: str) -> str:
    return RULE_SIDE.get(rule, SCHOOL)


def case_officers(alert: Alert) -> list[int]:
    """The users holding the case a casework item is about (its LA officer and school lead)."""
    return (alert.details or {}).get("officers", []) if alert.rule in CASE_RULES else []


def _since(alert: Alert) -> dt.date:
    since = (alert.details or {}).get("since")
    return dt.date.fromisoformat(since) if since else alert.raised_on


def is_newly_raised(alert: Alert, today: dt.date) -> bool:
    return _since(alert) > today - dt.timedelta(days=NEW_DAYS)


def returned(alert: Alert) -> bool:
    return bool((alert.details or {}).get("returned_after_dismissed_alert"))


def is_for_today(alert: Alert, today: dt.date) -> bool:
    """Does this alert put its pupil on today's list? Only alerts nobody has acknowledged yet."""
    if alert.status != Alert.Status.NEW:
        return False
    if alert.rule in DAILY_RULES:
        return alert.key[:10] == today.isoformat()
    if alert.rule in URGENT_RULES or alert.rule in CASE_RULES or alert.rule in TIMETABLE_RULES:
        return True
    if alert.rule in THRESHOLD_RULES:
        return is_newly_raised(alert, today) or returned(alert)
    return False


@dataclass
class Row:
    """One pupil's (or, for school-level alerts, one school's) open alerts, scored."""

    pupil: Pupil | None
    school: School
    alerts: list[Alert]
    score: int = 0
    because: list[tuple[str, int]] = field(default_factory=list)
    # The same parts in a few words each, for the sentence saying why the row is high on the list (issue 23).
    why: list[str] = field(default_factory=list)
    # What to weigh before acting (an EHC plan, a current circumstance), when an alert says "review context first".
    context: list[str] = field(default_factory=list)
    today: bool = False
    routed_to: dict[str, str] = field(default_factory=dict)
    social_worker: bool = False  # a social worker is linked to the pupil in Attend (PupilLink)
    # The pupil has left the user's schools: their old alerts are shown as they were, without actions, and
    # without the pupil's current flags in the score (attend.core.scoping, "each school sees its own period").
    read_only: bool = False

    @property
    def top(self) -> Alert:
        return self.alerts[0]

    @property
    def reason(self) -> str:
        return self.top.reason

    @property
    def next_step(self) -> str:
        return NEXT_STEP.get(self.top.rule, "Review the alert")

    @property
    def next_step_anchor(self) -> str:
        """The pupil page panel where the next step is done, if it is done there (issue 23)."""
        return NEXT_STEP_ANCHOR.get(self.top.rule, "") if self.pupil is not None else ""

    @property
    def case(self):
        """The open case any of the row's alerts is linked to (casework.Case), or None."""
        for alert in self.alerts:
            if alert.case_id and alert.case.status in ("open", "monitoring"):
                return alert.case
        return None

    @property
    def because_text(self) -> str:
        return "; ".join(
            f"{label} {'+' if i else ''}{points}" for i, (label, points) in enumerate(self.because)
        )

    @property
    def why_text(self) -> str:
        """Why the row is where it is, in words: 'Severe absence, a social worker, and newly raised'."""
        return wording.and_list(self.why)

    @property
    def review_context_first(self) -> bool:
        return any(a.review_context_first for a in self.alerts)

    @property
    def context_text(self) -> str:
        """What to review before acting, in words (see `context_of`). A pupil who has left the user's schools: not
        their circumstances as they are now (attend.core.scoping, "each school sees its own period")."""
        if self.read_only:
            return "When the alert was raised, the pupil had an EHC plan or a circumstance to weigh."
        return context_words(self.context)

    @property
    def key(self) -> str:
        return f"p{self.pupil.pk}" if self.pupil is not None else f"s{self.school.pk}"


def _lower(title: str) -> str:
    return title[0].lower() + title[1:]


def score_row(row: Row, today: dt.date, primary: set[int] | None = None) -> None:
    """Order the row's alerts by weight (the alerts that put the row on this list first) and work out its score,
    every part named."""
    primary = primary or set()
    row.alerts.sort(
        key=lambda a: (
            bool(primary) and a.pk not in primary,
            -RULE_WEIGHT.get(a.rule, 10),
            a.priority,
            -a.measure,
            a.pk,
        )
    )
    top = row.top
    weight = RULE_WEIGHT.get(top.rule, 10)
    if top.rule == "first_day" and "vulnerable" in top.flags:
        weight += 5  # called first (the rule's own priority 0)
    because = [(rule_title(top.rule), weight)]
    why = [rule_title(top.rule)]
    others = sorted({a.rule for a in row.alerts[1:]} - {top.rule}, key=lambda r: -RULE_WEIGHT.get(r, 10))
    if others:
        because.append((f"also {', '.join(_lower(rule_title(r)) for r in others)}", 5 * min(len(others), 4)))
        why.append("another open alert" if len(others) == 1 else f"{len(others)} other open alerts")
    pupil = row.pupil
    if pupil is not None and not row.read_only:
        care = [
            (label, points)
            for label, points, on in (
                ("looked after", 30, pupil.looked_after),
                ("child protection plan", 30, pupil.child_protection_plan),
                ("child in need", 20, pupil.child_in_need),
            )
            if on
        ]
        if care:
            because.append(
                (
                    f"{', '.join(label for label, _ in care).capitalize()} (has a social worker)",
                    max(p for _, p in care),
                )
            )
            why.append(f"a social worker ({', '.join(label for label, _ in care)})")
        elif row.social_worker:
            because.append(("Has a social worker (linked in Attend)", 20))
            why.append("a social worker")
        if pupil.sen_status == "E":
            because.append(("EHC plan", 10))
            why.append("an EHC plan")
    fresh = [
        a
        for a in row.alerts
        if a.status == Alert.Status.NEW and a.rule not in DAILY_RULES and is_newly_raised(a, today)
    ]
    if fresh:
        first = min(_since(a) for a in fresh)
        because.append((f"newly raised (since {first.day} {first:%b})", 15))
        why.append("newly raised")
    back = [a for a in row.alerts if returned(a)]
    worse = [a for a in row.alerts if a.raised_measure is not None and a.measure > a.raised_measure]
    if back:
        because.append((f"back after being dismissed, and worse ({_lower(rule_title(back[0].rule))})", 10))
        why.append("back after being dismissed because it got worse")
    elif worse:
        a = worse[0]
        because.append(
            (f"worse since raised ({_lower(rule_title(a.rule))}: {a.raised_measure:g} to {a.measure:g})", 10)
        )
        why.append("worse since it was raised")
    row.because = because
    row.why = why
    row.score = sum(points for _, points in because)
    row.today = any(is_for_today(a, today) for a in row.alerts)


def _with_social_worker(pupil_ids: list[int]) -> set[int]:
    """Pupils a user with the social worker role is linked to (accounts.PupilLink)."""
    from attend.accounts.models import Membership, PupilLink

    found: set[int] = set()
    for start in range(0, len(pupil_ids), 500):
        found.update(
            PupilLink.objects.filter(
                pupil_id__in=pupil_ids[start : start + 500],
                user__memberships__role=Membership.Role.SOCIAL_WORKER,
            ).values_list("pupil_id", flat=True)
        )
    return found


# How each kind of circumstance (casework.PupilCircumstance.Kind) reads in a sentence.
CIRCUMSTANCE_WORDS = {
    "medical_condition": "a medical condition",
    "bereavement": "a bereavement",
    "other": "a circumstance",
}


def context_of(pupil_ids: list[int], today: dt.date) -> dict[int, list[str]]:
    """What an officer should weigh before acting on a pupil's alerts (the reasons an alert says "review context
    first": rules/base.py PupilInput.review_context_first): an EHC plan, and each circumstance recorded in
    casework that is current today, with its one-line summary."""
    from django.apps import apps

    found: dict[int, list[str]] = defaultdict(list)
    model = apps.get_model("casework", "PupilCircumstance") if apps.is_installed("attend.casework") else None
    for start in range(0, len(pupil_ids), 500):  # bounded IN lists, as _with_social_worker
        chunk = pupil_ids[start : start + 500]
        for pk in Pupil.objects.filter(pk__in=chunk, sen_status="E").values_list("pk", flat=True):
            found[pk].append("an EHC plan")
        if model is None:
            continue
        current = (
            model.objects.filter(pupil_id__in=chunk, start__lte=today)
            .filter(Q(end__isnull=True) | Q(end__gte=today))
            .order_by("pupil_id", "start", "pk")
            .values_list("pupil_id", "kind", "summary")
        )
        for pk, kind, summary in current:
            found[pk].append(f"{CIRCUMSTANCE_WORDS.get(kind, 'a circumstance')} ({summary})")
    return found


def context_words(context: list[str]) -> str:
    """'Before acting, weigh the pupil's EHC plan and a bereavement (grandparent died in October).'"""
    if not context:
        return (
            "Before acting, check the pupil's EHC plan or circumstances: one was recorded when the alert was "
            "raised, and none is current now."
        )
    return f"Before acting, weigh {wording.and_list(context)}."


def add_context(rows: list[Row], today: dt.date) -> None:
    """Fill in `Row.context` for rows whose alerts say "review context first"."""
    wanted = [r for r in rows if r.pupil is not None and not r.read_only and r.review_context_first]
    found = context_of([r.pupil.pk for r in wanted], today)
    for row in wanted:
        row.context = found.get(row.pupil.pk, [])


def group_rows(
    alerts: list[Alert],
    today: dt.date,
    assignments: dict | None = None,
    *,
    read_only: set[int] | frozenset[int] = frozenset(),
) -> list[Row]:
    """One row per pupil (school-level alerts: one row per school), highest score first. Pupils in `read_only`
    have left the user's schools (their rows are read-only)."""
    rows: dict[tuple, Row] = {}
    for alert in alerts:
        key = ("p", alert.pupil_id) if alert.pupil_id else ("s", alert.school_id)
        row = rows.get(key)
        if row is None:
            row = rows[key] = Row(pupil=alert.pupil, school=alert.school, alerts=[])
        row.alerts.append(alert)
    out = list(rows.values())
    linked = _with_social_worker([r.pupil.pk for r in out if r.pupil is not None])
    for row in out:
        row.social_worker = row.pupil is not None and row.pupil.pk in linked and row.pupil.pk not in read_only
        row.read_only = row.pupil is not None and row.pupil.pk in read_only
        score_row(row, today)
        if assignments is not None:
            for side in {side_of(a.rule) for a in row.alerts}:
                officer = assignments.get((row.school.pk, side))
                row.routed_to[side] = (officer.get_full_name() or officer.get_username()) if officer else ""
    add_context(out, today)
    out.sort(
        key=lambda r: (
            -r.score,
            r.school.name,
            r.pupil.legal_surname if r.pupil else "",
            r.pupil.legal_forename if r.pupil else "",
            r.key,
        )
    )
    return out


def alerts_in_scope(user) -> QuerySet[Alert]:
    """Alerts (any status) the user may see: those of their schools (an alert belongs to the school, and so to
    the enrolment period, it was raised for; a school a pupil has left keeps its own alerts and sees none of the
    new school's), plus, for read-only roles, alerts about pupils linked to them."""
    scope = period_visible(user)
    alerts = Alert.objects.select_related("pupil", "school")
    return alerts if scope is None else alerts.filter(scope)


def alert_for_user(user, pk: int, *, today: dt.date, act: bool = False) -> Alert:
    """One alert in the user's scope (404 otherwise, never revealing that it exists). With `act`, also refuse
    (403) an alert about a pupil whose current enrolment is outside the user's scope: a school the pupil has
    left sees its own alerts read-only."""
    alert = alerts_in_scope(user).filter(pk=pk).first()
    if alert is None:
        raise Http404("No such alert in your scope.")
    if act and alert.pupil_id is not None and not pupil_access(user, alert.pupil, today=today).current:
        raise PermissionDenied("This pupil has left your school: their alerts there are read-only.")
    return alert


def visible_alerts(user) -> QuerySet[Alert]:
    """Open alerts in the user's scope: what the work lists are made of."""
    return alerts_in_scope(user).filter(status__in=OPEN_STATUSES)


def _assignments(school_ids=None) -> dict[tuple[int, str], object]:
    rows = OfficerAssignment.objects.select_related("officer")
    if school_ids is not None:
        rows = rows.filter(school_id__in=school_ids)
    return {(a.school_id, a.side): a.officer for a in rows}


def _routed(alerts: QuerySet[Alert], pairs: set[tuple[int, str]]) -> QuerySet[Alert]:
    """Only alerts whose (school, side) is among `pairs`."""
    condition = Q(pk__in=[])
    by_side: dict[str, list[int]] = defaultdict(list)
    for school_id, side in pairs:
        by_side[side].append(school_id)
    la_rules = [r for r, s in RULE_SIDE.items() if s == LA]
    for side, schools in by_side.items():
        rules = Q(rule__in=la_rules) if side == LA else ~Q(rule__in=la_rules)
        condition |= Q(school_id__in=schools) & rules
    return alerts.filter(condition)


def user_sides(user) -> set[str]:
    """Which sides' unrouted work a user picks up from the team list: LA staff the LA side, school staff the
    school side (a superuser both)."""
    sides = set()
    if has_permission(user, "la.dashboard"):
        sides.add(LA)
    if user.is_superuser or not has_permission(user, "la.dashboard"):
        sides.add(SCHOOL)
    return sides


@dataclass
class WorkList:
    which: str
    title: str
    rows: list[Row]
    school: School | None = None

    @property
    def total(self) -> int:
        return len(self.rows)


def work_list(user, which: str, today: dt.date, *, school: School | None = None, rule: str = "") -> WorkList:
    """The rows of one list for this user (see the module docstring). `school` narrows any list to one school."""
    # The evidence (every session behind an alert, ~1 kB each) is for the pupil's page, not for a list.
    alerts = visible_alerts(user).defer("evidence").select_related("case")
    if school is not None:
        alerts = alerts.filter(school=school)
    if rule:
        alerts = alerts.filter(rule=rule)
    assignments = _assignments()
    if which in ("mine", "team"):
        alerts = alerts.filter(status=Alert.Status.NEW, rule__in=TODAY_RULES)
        if which == "mine":
            pairs = {key for key, officer in assignments.items() if officer.pk == user.pk}
        else:
            sides = user_sides(user)
            visible = set(schools_visible_to(user).values_list("pk", flat=True))
            pairs = {(s, side) for s in visible for side in sides if (s, side) not in assignments}
        held = [a for a in alerts.filter(rule__in=CASE_RULES) if case_officers(a)]
        candidates = [a for a in _routed(alerts, pairs) if is_for_today(a, today) and not case_officers(a)]
        if which == "mine":  # a case's items go to the officers holding the case
            candidates += [a for a in held if user.pk in case_officers(a)]
    elif which == "la":
        alerts = alerts.filter(rule__in=[r for r, s in RULE_SIDE.items() if s == LA])
        candidates = list(alerts)
    else:
        candidates = list(alerts)
    pupil_ids = sorted({a.pupil_id for a in candidates if a.pupil_id is not None})
    read_only = set(pupil_ids) - current_pupil_ids(user, pupil_ids, today=today)
    rows = group_rows(candidates, today, assignments, read_only=read_only)
    if which in ("mine", "team"):
        # Today's row shows the pupil's whole picture: their other open alerts explain and add to the score.
        rows = _with_other_alerts(rows, visible_alerts(user).defer("evidence"), today, assignments)
    return WorkList(which=which, title=LISTS[which], rows=rows, school=school)


def _with_other_alerts(rows: list[Row], alerts: QuerySet[Alert], today, assignments) -> list[Row]:
    pupil_ids = [r.pupil.pk for r in rows if r.pupil is not None]
    extra: dict[int, list[Alert]] = defaultdict(list)
    seen = {a.pk for r in rows for a in r.alerts}
    for start in range(0, len(pupil_ids), 500):
        for alert in alerts.filter(pupil_id__in=pupil_ids[start : start + 500]):
            if alert.pk not in seen:
                extra[alert.pupil_id].append(alert)
    for row in rows:
        if row.pupil is not None and extra.get(row.pupil.pk):
            primary = {a.pk for a in row.alerts}
            row.alerts.extend(extra[row.pupil.pk])
            score_row(row, today, primary)
    add_context(rows, today)
    rows.sort(key=lambda r: (-r.score, r.school.name, r.pupil.legal_surname if r.pupil else "", r.key))
    return rows


def today_counts(user, today: dt.date) -> dict[str, int]:
    """Rows on my list and on the team list today (for the home page)."""
    return {which: work_list(user, which, today).total for which in ("mine", "team")}
