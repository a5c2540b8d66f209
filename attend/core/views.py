from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.templatetags.static import static

from attend.accounts.permissions import has_permission, permission_required_for, public
from attend.core import clock
from attend.schools.models import School

from .scoping import schools_visible_to


@permission_required_for("home.view")
def home(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    on_roll = Q(enrolments__admission_date__lte=today) & (
        Q(enrolments__leaving_date__isnull=True) | Q(enrolments__leaving_date__gte=today)
    )
    schools = (
        schools_visible_to(request.user)
        .select_related("local_authority", "trust")
        .annotate(on_roll=Count("enrolments", filter=on_roll))
        .order_by("phase", "name")
    )
    context = {
        "schools": schools,
        "today": today,
        "phases": School.Phase,
        "memberships": request.user.memberships.all(),
    }
    if has_permission(request.user, "pupil.view"):
        context.update(_my_work(request.user))
    return render(request, "core/home.html", context)


HOME_ROWS = 5


def _my_work(user) -> dict:
    """The top of my list today and the size of the team list (attend.alerts.worklist), for the home page."""
    from attend.alerts import worklist
    from attend.alerts.models import OfficerAssignment

    today = clock.today()
    named = OfficerAssignment.objects.filter(officer=user).select_related("school").order_by("school__name")
    mine = worklist.work_list(user, "mine", today)
    team = worklist.work_list(user, "team", today)
    return {
        "work": {
            "named_for": list(named),
            "mine": mine.rows[:HOME_ROWS],
            "mine_total": mine.total,
            "team_total": team.total,
        },
        "titles": worklist.RULE_TITLES,
    }


@public
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


@public
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says: send them to the service's icon, not a 404 (which
    also filled the logs)."""
    response = HttpResponsePermanentRedirect(static("core/favicon.svg"))
    response["Cache-Control"] = "public, max-age=86400"
    return response
