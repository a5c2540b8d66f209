"""The work lists (my list today, team list, school list, LA list), their CSV exports, and acting on alerts.

The lists themselves are built in attend.alerts.worklist; these views only read the request, check scope and
render. Acting on an alert is a plain POST form (works without JavaScript) naming the version the page showed:
if someone else changed the alert first, nothing is saved and the officer is told who, when and what it says now.
"""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from attend import audit
from attend.accounts.permissions import has_permission, permission_required_for
from attend.alerts import worklist, worklist_csv
from attend.alerts.events import EVENT_RULES
from attend.alerts.models import Alert, OfficerAssignment
from attend.alerts.rules import RULE_IDS
from attend.alerts.services import (
    AlertConflict,
    AlertError,
    alert_acknowledge,
    alert_dismiss,
    alert_link,
    alert_reopen,
)
from attend.core import clock, spreadsheet
from attend.core.scoping import get_pupil_access, schools_visible_to
from attend.schools.models import School

from .back import back_url
from .views import upper_case_upn

PAGE_SIZE = 100


def _choose(request: HttpRequest) -> tuple[str, School | None, str]:
    """(list, school, rule) from the query string, defaulting to my list (or the team list if I am nobody's
    named officer); a rule filter on its own means all open alerts with that rule."""
    rule = request.GET.get("rule", "")
    rule = rule if rule in RULE_IDS or rule in worklist.RULE_TITLES else ""
    school = None
    urn = request.GET.get("school", "")
    if urn.isdigit():
        school = schools_visible_to(request.user).filter(urn=int(urn)).first()
        if school is None:
            raise Http404("No school with that URN in your scope.")
    which = request.GET.get("list", "")
    if which not in worklist.LISTS:
        if rule or school:
            which = "all"
        elif OfficerAssignment.objects.filter(officer=request.user).exists():
            which = "mine"
        else:
            which = "team"
    if which == "la" and not has_permission(request.user, "la.dashboard"):
        which = "all"
    if which == "school" and school is None:
        school = default_school(request.user)
    return which, school, rule


def default_school(user) -> School | None:
    """The school a school list opens on when none is asked for: the first (by name) of the schools the user is
    the named officer for, else the first school they can see."""
    visible = schools_visible_to(user)
    named = visible.filter(officer_assignments__officer=user).order_by("name").first()
    return named or visible.order_by("name").first()


def _query(which: str, school: School | None, rule: str, **extra) -> str:
    parts = {"list": which, "school": school.urn if school else "", "rule": rule, **extra}
    return "&".join(f"{k}={v}" for k, v in parts.items() if v != "")


@permission_required_for("pupil.view")
def work_list(request: HttpRequest) -> HttpResponse:
    which, school, rule = _choose(request)
    today = clock.today()
    listing = worklist.work_list(request.user, which, today, school=school, rule=rule)
    fallback = None
    if not listing.rows and which in ("mine", "team") and "list" not in request.GET:
        # Nothing that cannot wait today: open the school list of my (first named, or first visible) school.
        school = default_school(request.user)
        fallback = listing.title
        which = "school"
        listing = worklist.work_list(request.user, which, today, school=school)
    show_all = request.GET.get("show") == "all"
    if show_all:
        page = Paginator(listing.rows, PAGE_SIZE).get_page(request.GET.get("page"))
        rows, first_rank = page.object_list, page.start_index()
    else:
        page, rows, first_rank = None, listing.rows[: worklist.TOP_N], 1
    tabs = [
        (key, title)
        for key, title in worklist.LISTS.items()
        if key != "la" or has_permission(request.user, "la.dashboard")
    ]
    context = {
        "listing": listing,
        "rows": rows,
        "first_rank": first_rank,
        "page": page,
        "show_all": show_all,
        "which": which,
        "tabs": tabs,
        "school": school,
        "rule": rule,
        "rules": [(r, worklist.rule_title(r)) for r in (*RULE_IDS, *sorted(EVENT_RULES))],
        "schools": schools_visible_to(request.user).order_by("name"),
        "query": _query(which, school, rule),
        "top_n": worklist.TOP_N,
        "today": today,
        "can_act": has_permission(request.user, "alerts.act"),
        "next": request.get_full_path(),
        "titles": worklist.RULE_TITLES,
        "fallback": fallback,
    }
    return render(request, "web/work_list.html", context)


@permission_required_for("pupil.view")
def work_list_csv(request: HttpRequest) -> HttpResponse:
    which, school, rule = _choose(request)
    listing = worklist.work_list(request.user, which, clock.today(), school=school, rule=rule)
    audit.record(
        "alerts.work_list.exported",
        request=request,
        school=school,
        data={"list": which, "rule": rule, "rows": listing.total},
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"work-{which}{'-' + str(school.urn) if school else ''}{'-' + rule if rule else ''}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    for row in worklist_csv.csv_rows(listing, base=request.build_absolute_uri("/").rstrip("/")):
        writer.writerow(spreadsheet.row(row))
    return response


@permission_required_for("pupil.view")
def work_pupil(request: HttpRequest, upn: str) -> HttpResponse:
    """One pupil's alerts, open first, with the actions (the work-list area of the pupil's record). A school the
    pupil has left sees its own alerts, without actions."""
    if response := upper_case_upn(request, "web:work-pupil", upn):
        return response
    return _work_pupil_page(request, upn)


def _work_pupil_page(request: HttpRequest, upn: str, error: dict | None = None) -> HttpResponse:
    """The pupil's alerts page; with `error` (a refused dismiss or link: alert, field, message, value) the page
    again with the GOV.UK error summary and the field's error (issue 23)."""
    today = clock.today()
    access = get_pupil_access(request.user, upn, today=today)
    pupil = access.pupil
    audit.pupil_viewed(request, pupil, page="web.work_pupil")
    alerts = list(
        Alert.objects.filter(access.rows(), pupil=pupil)
        .select_related("school", "status_changed_by", "case")
        .order_by("-raised_on", "id")[:50]
    )
    open_alerts = [a for a in alerts if a.is_open]
    open_case = None
    if has_permission(request.user, "cases.view"):
        from attend.casework.access import cases_visible_to

        open_case = (
            cases_visible_to(request.user).filter(pupil=pupil, status__in=("open", "monitoring")).first()
        )
    read_only = frozenset() if access.current else frozenset({pupil.pk})
    row = worklist.group_rows(open_alerts, today, read_only=read_only)[0] if open_alerts else None
    context = {
        "pupil": pupil,
        "row": row,
        "back": back_url(request, fallback=reverse("web:work-list")),
        "closed": [a for a in alerts if not a.is_open],
        "can_act": has_permission(request.user, "alerts.act") and access.current,
        "can_open_case": has_permission(request.user, "cases.write") and access.current,
        "open_case": open_case,
        "read_only": not access.current,
        "next": request.get_full_path(),
        "today": today,
        "titles": worklist.RULE_TITLES,
        "error": error,
        "timetable_rules": sorted(worklist.NEXT_STEP_ANCHOR),
        "errors": [(error["field"], error["message"])] if error else [],
    }
    return render(request, "web/work_pupil.html", context)


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


# The form field a refused action's error belongs to (its id is "<field>-<alert pk>" on the pupil's alerts page).
FORM_FIELDS = {"dismiss": "reason", "link": "link"}


@require_POST
@permission_required_for("alerts.act")
def alert_reopen_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Reopen a dismissed alert from the pupil's alerts page (issue 23): audited, with optimistic locking."""
    alert = worklist.alert_for_user(request.user, pk, today=clock.today(), act=True)
    back = f"/work/pupils/{alert.pupil.upn}/" if alert.pupil_id else "/work/"
    who = alert.pupil.display_name if alert.pupil_id else alert.school.name
    title = worklist.rule_title(alert.rule)
    try:
        version = int(request.POST.get("version", ""))
        alert_reopen(alert=alert, by=request.user, expected_version=version)
    except ValueError:
        messages.error(request, "The form was incomplete: reload the page and try again.")
    except AlertError as problem:
        messages.error(request, f"{title} for {who}: {problem}")
    else:
        messages.success(request, f"{title} for {who}: reopened. It is on the work lists again.")
    return redirect(back)


@require_POST
@permission_required_for("alerts.act")
def alert_action(request: HttpRequest, pk: int) -> HttpResponse:
    alert = worklist.alert_for_user(request.user, pk, today=clock.today(), act=True)
    back = _safe_next(request, f"/work/pupils/{alert.pupil.upn}/" if alert.pupil_id else "/work/")
    action = request.POST.get("action", "")
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        messages.error(request, "The form was incomplete: reload the page and try again.")
        return redirect(back)
    who = alert.pupil.display_name if alert.pupil_id else alert.school.name
    title = worklist.rule_title(alert.rule)
    try:
        if action == "acknowledge":
            alert_acknowledge(alert=alert, by=request.user, expected_version=version)
            done = f"{title} for {who}: acknowledged."
        elif action == "dismiss":
            reason = request.POST.get("reason", "")
            alert_dismiss(alert=alert, reason=reason, by=request.user, expected_version=version)
            done = f"{title} for {who}: dismissed ({reason.strip()})."
        elif action == "link":
            case = _case_to_link(request.user, alert, request.POST.get("case", ""))
            alert_link(alert=alert, case=case, by=request.user, expected_version=version)
            done = f"{title} for {who}: linked to case {case.ref}."
        else:
            raise AlertError("Choose acknowledge, dismiss or link to a case.")
    except AlertError as problem:  # AlertConflict included: it names who changed the alert first
        field = FORM_FIELDS.get(action)
        if (
            field
            and alert.pupil_id
            and not isinstance(problem, AlertConflict)
            and not request.headers.get("HX-Request")
        ):
            # A form filled in wrongly: the form again, with the error summary and the field's error.
            error = {"alert": alert.pk, "field": f"{field}-{alert.pk}", "message": str(problem),
                     "value": request.POST.get("reason", "")[:600]}  # fmt: skip
            return _work_pupil_page(request, alert.pupil.upn, error=error)
        notice, ok = f"{title} for {who}: {problem}", False
    else:
        notice, ok = done, True
    if request.headers.get("HX-Request"):
        return _row_fragment(request, alert, notice, ok)
    (messages.success if ok else messages.error)(request, notice)
    return redirect(back)


def _case_to_link(user, alert: Alert, ref: str):
    """The case named by `ref`, in the user's scope and about the alert's pupil."""
    from attend.casework.access import cases_visible_to

    case = cases_visible_to(user).filter(ref=ref.strip().upper(), pupil_id=alert.pupil_id).first()
    if case is None or not alert.pupil_id:
        raise AlertError("Choose a case about this pupil that you can see.")
    return case


def _row_fragment(request: HttpRequest, alert: Alert, notice: str, ok: bool) -> HttpResponse:
    """htmx: the work-list row again, as it is now, with the outcome in it (the page is not reloaded)."""
    today = clock.today()
    same = worklist.visible_alerts(request.user)
    same = (
        same.filter(pupil_id=alert.pupil_id)
        if alert.pupil_id
        else same.filter(pupil=None, school=alert.school)
    )
    rows = worklist.group_rows(list(same), today, worklist._assignments([alert.school_id]))
    context = {
        "row": rows[0] if rows else None,
        "rank": request.POST.get("rank", "")[:6],
        "notice": notice,
        "notice_ok": ok,
        "key": f"p{alert.pupil_id}" if alert.pupil_id else f"s{alert.school_id}",
        "can_act": True,
        "next": _safe_next(request, "/work/"),
        "titles": worklist.RULE_TITLES,
    }
    return render(request, "web/work_row.html", context)
