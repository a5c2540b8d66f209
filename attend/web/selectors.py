"""Read-only queries behind the web pages. Scoping stays here: every function takes the signed-in user or
objects already fetched through attend.core.scoping."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from django.db.models import Prefetch, Q, QuerySet, Value
from django.db.models.functions import Coalesce, Lower, NullIf

from attend.alerts import worklist
from attend.alerts.events import EVENT_RULES
from attend.alerts.models import Alert
from attend.alerts.rules import RULE_IDS
from attend.core.scoping import PupilAccess, period_visible, pupils_visible_to
from attend.people.models import Enrolment, Pupil
from attend.registers.codes import code_table
from attend.registers.models import Mark
from attend.schools.models import AcademicYear

# One list of rule titles, kept with the rules' work lists.
rule_title = worklist.rule_title


def alerts_visible_to(user) -> QuerySet[Alert]:
    return worklist.visible_alerts(user)


def work_today(user, today: dt.date) -> dict:
    alerts = alerts_visible_to(user)
    calls = list(
        alerts.filter(rule="first_day", key=today.isoformat()).order_by(
            "priority", "pupil__legal_surname", "pupil__legal_forename", "id"
        )[:50]
    )
    registers = list(alerts.filter(rule="missing_register", key__startswith=today.isoformat())[:20])
    others = alerts.exclude(rule__in=("first_day", "missing_register"))
    counts = Counter(others.values_list("rule", flat=True))
    return {
        "today": today,
        "calls": calls,
        "calls_total": alerts.filter(rule="first_day", key=today.isoformat()).count(),
        "registers": registers,
        # Every alert raised today, counted in the database (not the length of a list capped for display).
        "raised_today": others.filter(raised_on=today).count(),
        "open_by_rule": [
            {"rule": r, "title": rule_title(r), "count": counts[r]}
            for r in (*RULE_IDS, *sorted(EVENT_RULES))
            if counts.get(r)
        ],
        "open_total": sum(counts.values()),
    }


def work_list(user, *, rule: str = "", school: str = "") -> QuerySet[Alert]:
    alerts = alerts_visible_to(user)
    if rule:
        alerts = alerts.filter(rule=rule)
    if school:
        alerts = alerts.filter(school__urn=school)
    return alerts.order_by("priority", "-raised_on", "school__name", "pupil__legal_surname", "id")


SEARCH_LIMIT = 50


def search_pupils(user, query: str, limit: int = SEARCH_LIMIT) -> list[Pupil]:
    """Pupils in scope whose UPN is `query`, or whose names (legal or preferred) hold every word of it, by
    preferred surname and forename; at most `limit` (ask for one more to know whether there are more)."""
    query = query.strip()
    if not query:
        return []
    # Each result lists only the enrolments the user may see: a school a pupil has left is not told where to.
    enrolments = Enrolment.objects.select_related("school").order_by("admission_date", "pk")
    scope = period_visible(user, pupil="pupil_id")
    if scope is not None:
        enrolments = enrolments.filter(scope)
    pupils = pupils_visible_to(user).prefetch_related(Prefetch("enrolments", queryset=enrolments))
    if len(query) == 13 and query[0].isalpha() and query[1:12].isdigit():
        by_upn = list(pupils.filter(upn__iexact=query))
        if by_upn:
            return by_upn
    condition = Q()
    for term in query.split():
        condition &= (
            Q(legal_forename__icontains=term)
            | Q(legal_surname__icontains=term)
            | Q(preferred_forename__icontains=term)
            | Q(preferred_surname__icontains=term)
            | Q(upn__istartswith=term)
        )
    # Sorted by the name the page shows (the preferred name where there is one), matched on either.
    return list(
        pupils.filter(condition)
        .annotate(
            shown_surname=Lower(Coalesce(NullIf("preferred_surname", Value("")), "legal_surname")),
            shown_forename=Lower(Coalesce(NullIf("preferred_forename", Value("")), "legal_forename")),
        )
        .order_by("shown_surname", "shown_forename", "upn")[:limit]
    )


def visible_enrolment(access: PupilAccess, today: dt.date) -> Enrolment | None:
    """The enrolment a user's view of a pupil centres on: of the periods they may see, the one on roll today,
    else the latest (a school the pupil has left sees its own, last, period)."""
    enrolments = Enrolment.objects.filter(pupil=access.pupil).select_related(
        "school", "school__local_authority"
    )
    if not access.whole:
        enrolments = enrolments.filter(pk__in=access.enrolment_ids)
    enrolments = enrolments.order_by("-admission_date", "-pk")
    on_roll = enrolments.filter(admission_date__lte=today).filter(
        Q(leaving_date__isnull=True) | Q(leaving_date__gte=today)
    )
    return on_roll.first() or enrolments.first()


# Calendar and key: colours are SVG presentation attributes (the Content Security Policy forbids inline styles).
CATEGORIES = [
    ("present", "Present", "#00703c"),
    ("approved_educational_activity", "Approved educational activity", "#85994b"),
    ("authorised_absence", "Authorised absence", "#f47738"),
    ("unauthorised_absence", "Unauthorised absence", "#d4351c"),
    ("not_possible", "Not a possible session", "#b1b4b6"),
    ("no_mark", "No mark yet", "#ffffff"),
]
CATEGORY_LABEL = {key: label for key, label, _ in CATEGORIES}


def year_start(today: dt.date) -> dt.date:
    return dt.date(AcademicYear.start_year_for(today), 8, 1)


def pupil_year(enrolment: Enrolment, today: dt.date) -> dict:
    """This academic year's marks for one enrolment, within its period on roll (a school sees its own period
    only), with the pupil's own figures worked out from them."""
    start = max(year_start(today), enrolment.admission_date)
    end = min(today, enrolment.leaving_date) if enrolment.leaving_date else today
    codes = code_table()
    marks = list(
        Mark.objects.filter(enrolment=enrolment, date__gte=start, date__lte=end)
        .order_by("date", "session")
        .values_list("date", "session", "code")
    )
    sessions = []
    possible = attended = authorised = unauthorised = 0
    reasons: Counter = Counter()
    weeks: dict[dt.date, list[int]] = defaultdict(lambda: [0, 0])
    for day, session, code in marks:
        info = codes.get(code)
        category = info.statistical_category if info else "no_mark"
        sessions.append(
            {
                "date": day,
                "session": session,
                "code": code,
                "category": category,
                "meaning": info.meaning if info else "Unknown code",
            }
        )
        if info is None or not info.is_possible_session:
            continue
        possible += 1
        week = weeks[day - dt.timedelta(days=day.weekday())]
        week[0] += 1
        if info.counts_as_attendance:
            attended += 1
            week[1] += 1
        else:
            if category == "authorised_absence":
                authorised += 1
            elif category == "unauthorised_absence":
                unauthorised += 1
            reasons[code] += 1
    absent = possible - attended
    hours_per_session = float(enrolment.school.school_day_hours) / 2
    return {
        "start": start,
        "end": end,
        "sessions": sessions,
        "possible": possible,
        "attended": attended,
        "absent": absent,
        "authorised": authorised,
        "unauthorised": unauthorised,
        "attendance_perc": 100 * attended / possible if possible else None,
        "absence_perc": 100 * absent / possible if possible else None,
        "days_missed": absent / 2,
        "hours_missed": absent * hours_per_session,
        "reasons": [
            {
                "code": code,
                "meaning": codes[code].meaning,
                "category": CATEGORY_LABEL.get(codes[code].statistical_category, ""),
                "sessions": n,
                "share": 100 * n / absent if absent else 0,
            }
            for code, n in reasons.most_common()
        ],
        "weekly": [
            {"week": week, "possible": p, "attended": a, "attendance_perc": 100 * a / p if p else None}
            for week, (p, a) in sorted(weeks.items())
        ],
    }


def pupil_flags(pupil: Pupil) -> list[tuple[str, bool]]:
    """(label, safeguarding?) for each flag that applies; safeguarding flags come first and show in red."""
    flags = []
    for field, label, safeguarding in (
        ("child_protection_plan", "Child protection plan", True),
        ("looked_after", "Looked after", True),
        ("child_in_need", "Child in need", True),
        ("previously_looked_after", "Previously looked after", True),
        ("young_carer", "Young carer", True),
        ("fsm", "Free school meals", False),
        ("eal", "English as an additional language", False),
    ):
        if getattr(pupil, field):
            flags.append((label, safeguarding))
    # In words, without repeating "SEN" (issue 23): support, or the plan by its name.
    if pupil.sen_status == Pupil.SenStatus.SEN_SUPPORT:
        flags.append(("Special educational needs: SEN support", False))
    elif pupil.sen_status == Pupil.SenStatus.EHCP:
        flags.append(("Education, health and care (EHC) plan", False))
    return flags
