"""Attend's web pages: the work list, pupil search and page, and the school and LA dashboards."""

from __future__ import annotations

import csv

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from attend import audit
from attend.accounts.permissions import has_permission, permission_required_for
from attend.alerts import worklist
from attend.core import clock, spreadsheet
from attend.core.scoping import contact_links_visible, get_pupil_access, schools_visible_to
from attend.schools.models import School

from . import charts, dashboards, pupil_filters, pupil_panels, selectors
from .back import back_url


def _school_for_user(user, urn: int) -> School:
    try:
        return schools_visible_to(user).select_related("local_authority", "trust").get(urn=urn)
    except School.DoesNotExist:
        raise Http404("No school with that URN in your scope.") from None


@permission_required_for("pupil.view")
def pupil_search(request: HttpRequest) -> HttpResponse:
    """Searches are POSTed (with CSRF), so a pupil's name never sits in a URL: not in access logs, browser
    history or Referer headers (issue 14). A GET shows the empty form, whatever its query string says."""
    query = request.POST.get("q", "").strip()[:100] if request.method == "POST" else ""
    limit = selectors.SEARCH_LIMIT
    results = selectors.search_pupils(request.user, query, limit=limit + 1) if query else []
    context = {"query": query, "results": results[:limit], "more": len(results) > limit, "limit": limit}
    response = render(request, "web/pupil_search.html", context)
    response["Cache-Control"] = "no-store"
    return response


def upper_case_upn(request: HttpRequest, url_name: str, upn: str) -> HttpResponse | None:
    """UPNs are upper case by definition: a page asked for with a lower-case one (typed, or pasted from a
    search) redirects to the upper-case address, query string kept; None when the UPN is upper case already.
    The redirect does not say whether the pupil exists: the upper-case page decides that, in scope."""
    if upn == upn.upper():
        return None
    query = request.META.get("QUERY_STRING", "")
    return redirect(reverse(url_name, args=[upn.upper()]) + (f"?{query}" if query else ""), permanent=True)


def _pupil_parent(user, enrolment) -> str:
    """Where a pupil page's back link goes when the person did not come from a page of the service: the pupil's
    school (for those who see its dashboard), else the pupil search."""
    if enrolment is not None and has_permission(user, "school.dashboard"):
        return reverse("web:school", args=[enrolment.school.urn])
    return reverse("web:pupil-search")


@permission_required_for("pupil.view")
def pupil_detail(request: HttpRequest, upn: str) -> HttpResponse:
    if response := upper_case_upn(request, "web:pupil", upn):
        return response
    today = clock.today()
    access = get_pupil_access(request.user, upn, today=today)
    pupil = access.pupil
    audit.pupil_viewed(request, pupil, page="web.pupil")
    enrolment = selectors.visible_enrolment(access, today)
    # A school the pupil has left sees its own period only: not their contacts, addresses or flags as they are
    # now, nor the alerts of any other school.
    context = {
        "pupil": pupil,
        "access": access,
        "enrolment": enrolment,
        "back": back_url(request, fallback=_pupil_parent(request.user, enrolment)),
        "flags": selectors.pupil_flags(pupil) if access.current else [],
        "today": today,
        "rule_title": selectors.rule_title,
        "timetables": pupil_panels.pupil_timetables(access),
        "timetable_rules": sorted(worklist.NEXT_STEP_ANCHOR),
        "alerts": list(
            pupil.alerts.filter(access.rows())
            .select_related("school")
            .order_by("-raised_on", "priority", "id")[:30]
        ),
        "contacts": (
            pupil.contact_links.filter(contact_links_visible(request.user))
            .select_related("contact", "contact__safety")
            .order_by("priority", "id")
            if access.current
            else []
        ),
    }
    if enrolment is not None:
        year = selectors.pupil_year(enrolment, today)
        school = enrolment.school
        school_row, trend = dashboards.school_figures(school, today)
        comparators = dashboards.comparator_columns(school)
        england = next((c for c in comparators if c["comparator"] == "england"), None)
        school_by_week = {r["week_commencing"]: r["attendance_perc"] for r in trend}
        national_by_week = {
            r["week_commencing"]: (
                100 - r["national_overall_absence_perc"]
                if r["national_overall_absence_perc"] is not None
                else None
            )
            for r in trend
        }
        weeks = year["weekly"]
        for w in weeks:
            w["school"] = school_by_week.get(w["week"])
            w["england"] = national_by_week.get(w["week"])
        colours = {key: colour for key, _, colour in selectors.CATEGORIES}
        context.update(
            year=year,
            school_row=school_row,
            england=england,
            comparisons=[
                ("This pupil", year["attendance_perc"]),
                (school.name, school_row.get("attendance_perc")),
                (
                    "England (" + school.get_phase_display().lower() + " schools)",
                    england["attendance_perc"] if england else None,
                ),
            ],
            categories=selectors.CATEGORIES,
            calendar=charts.session_calendar(
                "calendar",
                "Attendance this year, session by session: morning above afternoon, one column per week",
                year["sessions"],
                colours,
                year["sessions"][0]["date"] if year["sessions"] else today,
                today,
            ),
            trend_chart=charts.line_chart(
                "trend",
                "Attendance week by week: this pupil, the school and England",
                [f"{w['week']:%-d %b}" for w in weeks],
                [
                    {
                        "name": "This pupil",
                        "values": [w["attendance_perc"] for w in weeks],
                        "colour": "#1d70b8",
                    },
                    {"name": "School", "values": [w["school"] for w in weeks], "colour": "#f47738"},
                    {
                        "name": "England",
                        "values": [w["england"] for w in weeks],
                        "colour": "#0b0c0c",
                        "dashed": True,
                    },
                ],
                y_max=100,
            ),
            not_present=[s for s in year["sessions"] if s["category"] not in ("present",)],
            figures=dashboards.freshness(),
        )
    return render(request, "web/pupil_detail.html", context)


@permission_required_for("school.dashboard")
def schools(request: HttpRequest) -> HttpResponse:
    visible = schools_visible_to(request.user).select_related("local_authority").order_by("name")
    return render(request, "web/schools.html", {"schools": visible})


@permission_required_for("school.dashboard")
def school_dashboard(request: HttpRequest, urn: int) -> HttpResponse:
    school = _school_for_user(request.user, urn)
    today = clock.today()
    data = dict(dashboards.school_overview(school, today))  # a copy: the cached figures are shared
    trend = data["trend"]
    weekday = data["weekday"]
    data["trend_chart"] = charts.line_chart(
        "school-trend",
        f"Overall absence week by week at {school.name}, with England",
        [f"{r['week_commencing']:%-d %b}" for r in trend],
        [
            {
                "name": "This school",
                "values": [r["overall_absence_perc"] for r in trend],
                "colour": "#1d70b8",
            },
            {
                "name": "England",
                "values": [r["national_overall_absence_perc"] for r in trend],
                "colour": "#0b0c0c",
                "dashed": True,
            },
        ],
    )
    england = data["england"]
    data["weekday_chart"] = charts.bar_chart(
        "school-weekday",
        f"Overall absence by day of the week at {school.name}",
        [r["weekday_name"][:3] for r in weekday],
        [r["overall_absence_perc"] for r in weekday],
        reference=england["overall_absence_perc"] if england else None,
        reference_label="England" if england else "",
    )
    can_la = has_permission(request.user, "la.dashboard")
    return render(
        request,
        "web/school_dashboard.html",
        {"school": school, "today": today, "can_la": can_la, "figures": dashboards.freshness(), **data},
    )


LISTS = {"pa": "Persistently absent pupils", "sa": "Severely absent pupils", "all": "All pupils"}


def _list_args(request: HttpRequest) -> tuple[str, dict[str, str]]:
    which = request.GET.get("list", "pa")
    which = which if which in LISTS else "pa"
    filters = {name: request.GET.get(name, "")[:10] for name in (*dashboards.LIST_FILTERS, "nc_year")}
    return which, filters


@permission_required_for("school.dashboard")
def school_pupils(request: HttpRequest, urn: int) -> HttpResponse:
    school = _school_for_user(request.user, urn)
    which, filters = _list_args(request)
    rows = dashboards.pupil_rows(school, clock.today(), which=which, filters=filters)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "school": school,
        "which": which,
        "lists": LISTS,
        "title": LISTS[which],
        "filters": filters,
        "rows": rows,
        "query": query.urlencode(),
        "sexes": dashboards.SEX,
        "sen": dashboards.SEN,
        "years": ["R", *[str(y) for y in range(1, 14)]],
        "ethnicities": pupil_filters.ethnicity_choices(filters.get("ethnicity", "")),
        "active_filters": pupil_filters.active_filters(request.GET, filters),
    }
    template = "web/_pupil_table.html" if request.headers.get("HX-Request") else "web/school_pupils.html"
    return render(request, template, context)


@permission_required_for("school.dashboard")
def school_pupils_csv(request: HttpRequest, urn: int) -> HttpResponse:
    school = _school_for_user(request.user, urn)
    which, filters = _list_args(request)
    rows = dashboards.pupil_rows(school, clock.today(), which=which, filters=filters)
    audit.record(
        "web.pupil_list.exported",
        request=request,
        school=school,
        data={"list": which, "filters": {k: v for k, v in filters.items() if v}, "rows": len(rows)},
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{school.urn}-{which}-pupils.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "UPN",
            "Surname",
            "Forename",
            "Year group",
            "Possible sessions",
            "Sessions missed",
            "Attendance %",
            "Unauthorised absence",
            "Persistent absence",
            "Severe absence",
        ]
    )
    for r in rows:
        p = r["pupil"]
        writer.writerow(
            spreadsheet.row(
                [
                    p.upn,
                    p.legal_surname,
                    p.preferred_forename or p.legal_forename,
                    r["nc_year"],
                    r["possible_sessions"],
                    r["overall_absence"],
                    f"{r['attendance_pct']:.1f}" if r["attendance_pct"] is not None else "",
                    r["unauthorised_absence"],
                    "Yes" if r["persistent_absence"] else "No",
                    "Yes" if r["severe_absence"] else "No",
                ]
            )
        )
    return response


@permission_required_for("la.dashboard")
def la_dashboard(request: HttpRequest) -> HttpResponse:
    visible = list(schools_visible_to(request.user).select_related("local_authority"))
    sort = request.GET.get("sort", "school_name")
    descending = request.GET.get("order") == "desc"
    data = dashboards.la_overview(visible, clock.today(), sort=sort, descending=descending)
    columns = [
        {
            "field": field,
            "label": label,
            "active": field == data["sort"],
            "next_order": "asc"
            if field == data["sort"] and descending
            else "desc"
            if field == data["sort"] or field not in ("school_name", "phase")
            else "asc",
        }
        for field, label in dashboards.LA_COLUMNS
    ]
    return render(
        request,
        "web/la_dashboard.html",
        {
            **data,
            "columns": columns,
            "descending": descending,
            "today": clock.today(),
            "figures": dashboards.freshness(),
        },
    )
