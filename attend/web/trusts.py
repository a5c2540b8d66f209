"""The trust dashboard: a trust's schools side by side with benchmarks, for trust staff (and LA staff, for the
trust's schools in their LA). Drill down school -> group -> pupil as on the LA dashboard."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from attend.accounts.permissions import permission_required_for
from attend.core import clock
from attend.core.scoping import schools_visible_to
from attend.schools.models import School, Trust

from . import dashboards


def trusts_visible_to(user):
    """Trusts the user is a member of, and trusts with a school in the user's scope."""
    if user.is_superuser:
        return Trust.objects.all()
    member = user.memberships.exclude(trust=None).values("trust_id")
    return Trust.objects.filter(
        Q(pk__in=member) | Q(pk__in=schools_visible_to(user).exclude(trust=None).values("trust_id"))
    ).distinct()


@permission_required_for("trust.dashboard")
def trusts(request: HttpRequest) -> HttpResponse:
    found = trusts_visible_to(request.user).order_by("name")
    return render(request, "web/trusts.html", {"trusts": found})


@permission_required_for("trust.dashboard")
def trust_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    trust = trusts_visible_to(request.user).filter(pk=pk).first()
    if trust is None:
        raise Http404("No trust with that id in your scope.")
    schools = list(schools_visible_to(request.user).filter(trust=trust).select_related("local_authority"))
    sort = request.GET.get("sort", "school_name")
    descending = request.GET.get("order") == "desc"
    today = clock.today()
    data = dashboards.la_overview(schools, today, sort=sort, descending=descending, by="trust")
    # A member who sees only some of the trust's schools (a school's officer) must not read them as the trust's.
    in_trust = School.objects.filter(trust=trust).count()
    seen = len(schools)
    partial = (
        {
            "seen": seen,
            "all": in_trust,
            "names": ", ".join(sorted(school.name for school in schools)),
            "label": f"{trust.name}: only the {seen} school{'s' if seen != 1 else ''} you can see",
        }
        if seen < in_trust
        else None
    )
    return render(
        request,
        "web/trust_dashboard.html",
        {
            **data,
            "trust": trust,
            "partial": partial,
            "columns": dashboards.sort_columns(data["sort"], descending),
            "descending": descending,
            "today": today,
            "figures": dashboards.freshness(),
        },
    )
