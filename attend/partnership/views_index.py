"""/partnership/: where the work with partners starts, one link per area the user may open."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from attend.accounts.permissions import has_permission, permission_required_for

# (permission, title, URL name, what it is for)
AREAS = [
    ("tsm.view", "Targeting support meetings", "partnership:tsm",
     "This term's meeting with each school, its pack, and the actions agreed for pupils."),
    ("la.dashboard", "Part-time timetables", "partnership:timetables",
     "Every current part-time timetable at the LA's schools, past review first, and those sent for scrutiny."),
    ("la.dashboard", "What works", "partnership:whatworks",
     "Attendance before and after each kind of support, against a matched comparison group."),
    ("services.view", "Services directory", "directory:services",
     "The local services officers refer families to (referrals are made from a case)."),
    ("cases.view", "My caseload", "casework:caseload", "Your cases by stage, overdue next steps, cases without contact."),
]  # fmt: skip


@permission_required_for("partnership.view")
def index(request: HttpRequest) -> HttpResponse:
    areas = [
        {"title": title, "url": reverse(name), "about": about}
        for permission, title, name, about in AREAS
        if has_permission(request.user, permission)
    ]
    return render(request, "partnership/index.html", {"areas": areas})
