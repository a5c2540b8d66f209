"""Caseload pages: mine (/cases/caseload/) and the team's (/cases/caseload/team/, cases.manage)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from attend.accounts.permissions import permission_required_for
from attend.core import clock

from . import access
from .caseload import NO_CONTACT_SCHOOL_DAYS, caseload_for, team_caseload
from .models import Stage


@permission_required_for("cases.view")
def caseload(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    load = caseload_for(request.user, today)
    return render(
        request,
        "casework/caseload/mine.html",
        {"load": load, "today": today, "days": NO_CONTACT_SCHOOL_DAYS},
    )


@permission_required_for("cases.manage")
def team(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    rows, counted = team_caseload(access.cases_visible_to(request.user), today)
    return render(
        request,
        "casework/caseload/team.html",
        {
            "rows": rows,
            "counted": counted,
            "stages": [s.label for s in Stage],
            "today": today,
            "days": NO_CONTACT_SCHOOL_DAYS,
        },
    )
