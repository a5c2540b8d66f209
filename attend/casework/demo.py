"""Part-time timetables for the demo LA: the school records most of the timetables behind its C2 marks.

The generator writes C2 (part-time timetable) afternoons for a block of weeks. A school that follows the guidance
records each timetable (agreed with a parent, with a review date); to show rule 8 (part_time_timetable) at work, the
demo leaves every fourth one unrecorded and sets each review date six weeks after the start, so a long timetable
runs past its review.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Max, Min

from attend.registers.models import Mark

from .models import PartTimeTimetable

REVIEW_AFTER = dt.timedelta(weeks=6)


def record_demo_part_time_timetables(*, school_ids, by=None) -> int:
    """Record a timetable for three in four enrolments with C2 marks at these schools; returns how many."""
    spans = (
        Mark.objects.filter(enrolment__school_id__in=school_ids, code="C2")
        .values("enrolment_id", "enrolment__pupil_id", "enrolment__school_id")
        .annotate(first=Min("date"), last=Max("date"))
        .order_by("enrolment_id")
    )
    rows = [
        PartTimeTimetable(
            pupil_id=span["enrolment__pupil_id"],
            school_id=span["enrolment__school_id"],
            start=span["first"],
            end=span["last"],
            review_date=span["first"] + REVIEW_AFTER,
            reason="Reintegration after a long absence (demo)",
            agreed_with_parent=True,
            sessions_per_week=5,
            recorded_by=by,
        )
        for i, span in enumerate(spans)
        if i % 4 != 3
    ]
    PartTimeTimetable.objects.bulk_create(rows)
    return len(rows)


# ----- cases (issue 16)

DEMO_CASES = (
    # (stage path after opening, status, close reason) per pupil, in order.
    ("listen", [], None),
    ("listen", ["facilitate"], None),
    ("listen", ["facilitate", "formalise"], None),
    ("listen", ["facilitate", "formalise", "enforce"], None),
    ("listen", ["facilitate", "monitor"], None),
    ("listen", ["facilitate"], "improved"),
)


def _when(as_of: dt.date, days_before: int, hour: int, minute: int = 0) -> dt.datetime:
    from django.utils import timezone

    day = as_of - dt.timedelta(days=days_before)
    while day.weekday() >= 5:  # officers' calls and visits happen on weekdays
        day -= dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def record_demo_cases(
    *, school_ids, as_of: dt.date, la_officer=None, school_officer=None, rounds: int = 3
) -> int:
    """Realistic cases at every stage for the demo LA, from pupils with open persistent-absence alerts (the school
    officer's school first, so both demo users have cases to open): a case at listen and understand, facilitate
    support, formalise support, enforce, monitoring, one closed as improved, and a child not on any roll. Their
    chronologies hold calls with every outcome, visits, meetings, notes, stage changes and a correction; each
    case's alert is linked to it. Returns how many cases were opened."""
    from attend.alerts.models import OPEN_STATUSES, Alert
    from attend.alerts.services import AlertError, alert_link

    from .cases import assign, change_stage, close_case, open_case
    from .chronology import correct_entry, record_entry

    lead_school = school_officer.memberships.filter(school__isnull=False).first() if school_officer else None
    alerts = list(
        Alert.objects.filter(school_id__in=school_ids, rule="persistent_absence", status__in=OPEN_STATUSES)
        .exclude(pupil=None)
        .select_related("pupil", "school")
        .order_by("pk")
    )
    if lead_school is not None:
        alerts.sort(key=lambda a: (a.school_id != lead_school.school_id, a.pk))
    by = la_officer
    opened = 0
    # Rounds of the six kinds of case: three are enough for caseloads and work lists to look like a real week.
    for n, (alert, (start, path, closed)) in enumerate(zip(alerts, DEMO_CASES * rounds, strict=False)):
        pupil, school = alert.pupil, alert.school
        k = n % len(DEMO_CASES)  # the dates of each round follow the first round's
        name = pupil.preferred_forename or pupil.legal_forename
        case, created = open_case(
            by=by,
            pupil=pupil,
            school=school,
            stage=start,
            reason=f"Persistent absence alert: {alert.reason}",
            occurred_at=_when(as_of, 40 - k - n // len(DEMO_CASES), 9),
        )
        if not created:
            continue
        opened += 1
        try:
            alert_link(alert=alert, case=case, by=by)
        except AlertError:
            pass
        if la_officer is not None:
            lead = school_officer if lead_school and school.pk == lead_school.school_id else None
            practitioner = "Sam Patel, Early Help key worker" if n % 2 else ""
            assign(
                case,
                la_officer,
                lead,
                practitioner,
                by,
                case.version,
                occurred_at=_when(as_of, 39 - k - n // len(DEMO_CASES), 9, 30),
            )
        _demo_contacts(case, name, as_of, k, by, record_entry, correct_entry)
        for step, stage in enumerate(path):
            change_stage(
                case,
                stage,
                STAGE_REASONS[stage].format(name=name),
                by,
                occurred_at=_when(as_of, 21 - 6 * step - k, 14),
            )
            record_entry(
                case,
                kind=STAGE_FOLLOW_UP[stage][0],
                summary=STAGE_FOLLOW_UP[stage][1].format(name=name),
                by=by,
                occurred_at=_when(as_of, 20 - 6 * step - k, 15),
            )
        if closed:
            close_case(
                case,
                closed,
                f"{name}'s attendance has been above 95% for six weeks since the plan began.",
                by,
                occurred_at=_when(as_of, 1, 12),
            )
    if la_officer is not None and _demo_child_not_on_roll(la_officer, as_of):
        opened += 1
    return opened


def _demo_child_not_on_roll(by, as_of: dt.date) -> bool:
    """A new arrival with no school place: a CME enquiry and a home visit with an interpreter."""
    from .cases import open_case
    from .chronology import record_entry

    la = by.memberships.filter(local_authority__isnull=False).first()
    if la is None:
        return False
    child = {
        "forename": "Ada",
        "surname": "Nowak",
        "date_of_birth": as_of.replace(year=as_of.year - 9),
        "address": "Flat 3, 12 Quay Street\nDemoport",
        "postcode": "DE1 4QQ",
    }
    case, _ = open_case(
        by=by,
        local_authority=la.local_authority,
        child=child,
        reason="New arrival from Poland; no school place yet",
        occurred_at=_when(as_of, 6, 10),
    )
    record_entry(
        case,
        kind="cme",
        summary="Children missing education enquiry opened; admissions asked for a Year 4 place",
        by=by,
        occurred_at=_when(as_of, 5, 11),
        next_step="Confirm a school place with admissions",
        next_step_due=as_of + dt.timedelta(days=5),
    )
    record_entry(
        case,
        kind="home_visit",
        summary="Visited with a Polish interpreter; Ada seen and well",
        by=by,
        occurred_at=_when(as_of, 3, 14),
        child_seen=True,
        child_heard=True,
        child_words="I want to go to school with my cousin",
        interpreter_needed=True,
        interpreter_used=True,
        participants="Marta Nowak (mother)\nInterpreter (Polish)",
    )
    return True


STAGE_REASONS = {
    "facilitate": "{name}'s family agreed to support after the first conversations",
    "formalise": "Support in place for six weeks without improvement; attendance still below 80%",
    "enforce": "Parenting contract not kept; the panel agreed to move to a notice to improve",
    "monitor": "Attendance improving with support: monitoring for the rest of term",
}
STAGE_FOLLOW_UP = {
    "facilitate": ("school_meeting", "Meeting in school with mother and the SENCo about {name}'s support"),
    "formalise": ("attendance_panel", "Attendance panel: parenting contract offered for {name}"),
    "enforce": ("pre_legal_meeting", "Pre-legal planning meeting: evidence reviewed for {name}"),
    "monitor": ("note", "{name}'s attendance 94% over the last four weeks"),
}


def _demo_contacts(case, name, as_of, n, by, record_entry, correct_entry) -> None:
    """Calls with each outcome, a doorstep visit and a note, with a correction on the second case."""
    calls = [
        ("no_answer", "No answer on mother's mobile", {}),
        ("voicemail", "Left a voicemail asking mother to call school back", {}),
        ("wrong_number", "Number on file reached someone else: asked the school to check contacts", {}),
        ("unobtainable", "Landline unobtainable", {}),
        (
            "spoke_to_parent",
            f"Spoke to mother about {name}'s absences",
            {
                "parent_words": f"{name} says her tummy hurts on Monday mornings",
                "next_step": "Invite mother to a meeting in school",
                "next_step_due": as_of + dt.timedelta(days=3),
                "support_offered": ["mentoring", "school_nurse"],
                "support_declined": ["school_nurse"],
            },
        ),
    ]
    for i, (outcome, summary, extra) in enumerate(calls[n % 2 :: 1 + n % 2] if n else calls):
        entry = record_entry(
            case,
            kind="phone_call",
            outcome=outcome,
            summary=summary,
            by=by,
            occurred_at=_when(as_of, 38 - n - 2 * i, 9 + i, 15),
            **extra,
        )
        if n == 1 and outcome == "voicemail":
            correct_entry(entry, by, "Voicemail left on father's mobile, not mother's", outcome="voicemail")
    record_entry(
        case,
        kind="doorstep_visit",
        summary=f"Doorstep visit: mother answered; {name} not seen",
        by=by,
        occurred_at=_when(as_of, 30 - n, 16),
        child_seen=False,
        child_heard=False,
        participants="Mother",
    )
