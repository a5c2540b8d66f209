"""The targeting support meeting pack for one school, as a PDF (WeasyPrint, like attend/letters/render.py).

Every figure comes from the statistics layer through the dashboards' functions (attend/web/dashboards.py: DfE
definitions, computed in the analytics engine, never by looping over marks in Python); the DfE comparators are
the shipped LA, region and England figures (attend/stats/benchmarks.py).
"""

from __future__ import annotations

import datetime as dt

from django.template.loader import render_to_string

from attend.casework.models import OPEN_CASE_STATUSES, Case, SupportPlan
from attend.letters.render import pdf_bytes
from attend.schools.models import School
from attend.web import dashboards

from . import tsm
from .models_tsm import AgreedAction, SupportMeeting


def _support(pupil_ids: list[int]) -> dict[int, dict]:
    """Each pupil's current support: open case (ref, stage) and active plan, two queries for the whole list."""
    cases = {
        c.pupil_id: c
        for c in Case.objects.filter(pupil_id__in=pupil_ids, status__in=OPEN_CASE_STATUSES).only(
            "pk", "ref", "stage", "pupil_id"
        )
    }
    plans = {
        p.case_id: p
        for p in SupportPlan.objects.filter(
            case__in=[c.pk for c in cases.values()], status=SupportPlan.Status.ACTIVE
        ).only("pk", "title", "case_id", "review_date")
    }
    out = {}
    for pupil_id, case in cases.items():
        plan = plans.get(case.pk)
        out[pupil_id] = {
            "case": case.ref,
            "stage": case.get_stage_display(),
            "plan": f"{plan.title} (review {plan.review_date:%-d %b %Y})" if plan else "",
        }
    return out


def absentees(school: School, as_of: dt.date) -> list[dict]:
    """Every persistent and severe absentee at the school over the academic year to `as_of`, most absent first,
    with name, UPN, year, days missed and current support."""
    rows = dashboards.pupil_rows(school, as_of, which="pa", filters={})
    support = _support([r["pupil"].pk for r in rows])
    out = []
    for r in rows:
        pupil = r["pupil"]
        out.append(
            {
                "name": f"{pupil.legal_surname}, {pupil.legal_forename}",
                "upn": r["upn"],
                "nc_year": r["nc_year"],
                "days_missed": (r["overall_absence"] or 0) / 2,
                "possible_days": (r["possible_sessions"] or 0) / 2,
                "attendance": r["attendance_pct"],
                "severe": bool(r["severe_absence"]),
                "support": support.get(pupil.pk),
            }
        )
    return out


def _actions(school: School, as_of: dt.date) -> tuple[SupportMeeting | None, SupportMeeting | None, list]:
    """This term's meeting, last term's, and last term's agreed actions with what became of them."""
    start_year, term = tsm.school_term(school, as_of).key
    this = SupportMeeting.objects.filter(school=school, start_year=start_year, term=term).first()
    last_year, last_term = tsm.previous_term(start_year, term)
    last = SupportMeeting.objects.filter(school=school, start_year=last_year, term=last_term).first()
    actions = []
    if last is not None:
        for a in AgreedAction.objects.filter(meeting=last).select_related("pupil", "carried_to"):
            overdue = a.status in (a.Status.OPEN, a.Status.CARRIED) and a.due_date and a.due_date < as_of
            actions.append({"action": a, "overdue": overdue})
    return this, last, actions


def pack_context(school: School, as_of: dt.date) -> dict:
    overview = dashboards.school_overview(school, as_of)
    pupils = absentees(school, as_of)
    this, last, actions = _actions(school, as_of)
    term_now = tsm.school_term(school, as_of)
    start_year, term = term_now.key
    carried = list(
        AgreedAction.objects.filter(
            meeting=this, status=AgreedAction.Status.OPEN, carried_from__isnull=False
        ).select_related("pupil")
        if this
        else []
    )
    return {
        "school": school,
        "as_of": as_of,
        "year_start": dt.date(start_year, 8, 1) if term else None,
        "term": tsm.term_label(start_year, term),
        "term_by_months": not term_now.from_calendar,
        "month_rule": tsm.MONTH_RULE,
        "overview": overview,
        "trend": overview["trend"][-16:],
        "pupils": pupils,
        "persistent": sum(1 for p in pupils if not p["severe"]),
        "severe": sum(1 for p in pupils if p["severe"]),
        "meeting": this,
        "last_meeting": last,
        "last_actions": actions,
        "open_actions": carried,
    }


def pack_html(school: School, as_of: dt.date) -> str:
    return render_to_string("partnership/tsm/pack.html", pack_context(school, as_of))


def pack_pdf(school: School, as_of: dt.date) -> bytes:
    return pdf_bytes(pack_html(school, as_of))
