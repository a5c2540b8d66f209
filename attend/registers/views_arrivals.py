"""The "registers received" page: per school, when registers last arrived, how and from what, and which schools'
registers have stopped arriving (attend.registers.arrivals). Schools only, no pupils: nothing personal to audit.

Permission `school.dashboard` (school staff and LA staff, the people who see a school's attendance): read-only
roles and administrators are refused. Scope: the schools the user's memberships cover (an LA officer's LA, a school
officer's own school), as on the dashboards; a school outside it is a 404."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from attend.accounts.permissions import permission_required_for
from attend.core import clock
from attend.core.scoping import schools_visible_to

from .arrivals import arrivals


@permission_required_for("school.dashboard")
def arrivals_page(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    schools = schools_visible_to(request.user)
    one = request.GET.get("school", "").strip()
    if one:
        if not one.isdigit() or not schools.filter(urn=int(one)).exists():
            raise Http404("No such school in your schools")
        schools = schools.filter(urn=int(one))
    rows = arrivals(schools, today)
    return render(
        request,
        "registers/arrivals.html",
        {"rows": rows, "today": today, "one": one, "overdue": sum(r.overdue for r in rows)},
    )
