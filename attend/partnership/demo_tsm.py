"""Targeting support meetings for the demo LA: `add_demo_tsm(la_code, by=officer, as_of=today)`.

Every school has this term's meeting: most held (with a record, attendees and actions for their most absent
pupils), one offered and not yet held, and the last school by name is made an independent school that declines
(ordinary: it need not take part). With six or more schools a maintained school also declines, with its reason, and
the LA's page shows it as "Declined (not independent)". Held schools also had last term's meeting: one of its two
actions was done, the other carried over unfinished and is now overdue. The pack is made on demand from each
school's page (or `attend tsm pack`). Everything goes through attend.partnership.tsm, so cases, chronologies and
the audit trail show it as they would for an officer's work.
"""

from __future__ import annotations

import datetime as dt

from attend.schools.models import School
from attend.stats import queries as q

from . import tsm

ACTIONS = [
    ("Home visit with the family to agree a return plan", "Attendance officer"),
    ("Referral to Early Help for a family assessment", "Early Help key worker"),
    ("Daily check-in with a trusted adult for six weeks", "Pastoral lead"),
    ("Attendance support plan meeting with parents", "Attendance lead"),
]


def _most_absent(schools: list[School], as_of: dt.date) -> dict[int, list[str]]:
    """Each school's persistent absentees' UPNs, most absent first (one statistics query for all schools)."""
    df = q.enrolment_measures(end=as_of, schools=schools, extras=False)
    df = df[df["persistent_absence"]].sort_values(["school_urn", "attendance_pct", "upn"])
    return {int(urn): list(g["upn"]) for urn, g in df.groupby("school_urn")}


def add_demo_tsm(la_code: str, *, by, as_of: dt.date) -> dict[str, int]:
    schools = list(School.objects.filter(local_authority__code=la_code).order_by("name"))
    if not schools:
        return {"held": 0, "offered": 0, "declined": 0, "actions": 0}
    absent = _most_absent(schools, as_of)
    start_year, term = tsm.term_of(as_of)
    last_year, last_term = tsm.previous_term(start_year, term)
    last_day = {"autumn": dt.date(last_year, 12, 10), "spring": dt.date(last_year + 1, 3, 18)}.get(
        last_term, dt.date(last_year + 1, 6, 18)
    )
    this_day = as_of - dt.timedelta(days=7)
    if tsm.term_of(this_day) != (start_year, term):
        this_day = as_of
    counts = {"held": 0, "offered": 0, "declined": 0, "actions": 0}
    for i, school in enumerate(schools):
        if len(schools) >= 3 and i == len(schools) - 1:
            School.objects.filter(pk=school.pk).update(independent=True)
            school.independent = True
            tsm.record_meeting(school, by=by, status="declined", day=as_of)
            counts["declined"] += 1
            continue
        if len(schools) >= 6 and i == len(schools) - 3:
            tsm.record_meeting(
                school, by=by, status="declined", day=as_of,
                declined_reason="The head asked to meet in the spring term instead; data shared by email.",
            )  # fmt: skip
            counts["declined"] += 1
            continue
        if len(schools) >= 2 and i == len(schools) - 2:
            tsm.record_meeting(school, by=by, status="offered", day=as_of)
            counts["offered"] += 1
            continue
        upns = absent.get(school.urn, [])
        attendees = f"LA attendance officer\nHeadteacher, {school.name}\nAttendance lead, {school.name}"
        last = tsm.record_meeting(
            school, by=by, status="held", meeting_date=last_day, day=last_day, attendees=attendees,
            record="Reviewed the pack: persistent absence by year group, the pupils most absent, and the "
            "actions from the previous meeting. Agreed joint actions for two pupils.",
        )  # fmt: skip
        agreed = []
        for n, upn in enumerate(upns[:2]):
            text, lead = ACTIONS[n]
            due = last_day + dt.timedelta(days=21)
            try:
                agreed.append(
                    tsm.agree_action(last, by=by, upn=upn, action=text, lead_practitioner=lead, due_date=due)
                )
            except tsm.TsmRefused:
                continue  # not on the roll last term (joined this September): no action from then
        if agreed:
            tsm.review_action(agreed[0], by=by, status="done", note="Done: the family agreed a return plan.")
        this = tsm.record_meeting(
            school, by=by, status="held", meeting_date=this_day, day=as_of, attendees=attendees,
            record="Reviewed this term's pack. One action from last term is still open and carried over; "
            "agreed new actions for the two most absent pupils not yet supported.",
        )  # fmt: skip
        for n, upn in enumerate(upns[2:4]):
            text, lead = ACTIONS[2 + n]
            tsm.agree_action(
                this,
                by=by,
                upn=upn,
                action=text,
                lead_practitioner=lead,
                due_date=as_of + dt.timedelta(days=14),
            )
        counts["held"] += 1
        counts["actions"] += len(agreed) + min(2, max(0, len(upns) - 2))
    return counts
