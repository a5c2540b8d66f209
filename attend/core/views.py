from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from attend.accounts.permissions import permission_required_for, public
from attend.schools.models import School

from .scoping import schools_visible_to


@permission_required_for("home.view")
def home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    on_roll = Q(enrolments__admission_date__lte=today) & (
        Q(enrolments__leaving_date__isnull=True) | Q(enrolments__leaving_date__gte=today)
    )
    schools = (
        schools_visible_to(request.user)
        .select_related("local_authority", "trust")
        .annotate(on_roll=Count("enrolments", filter=on_roll))
        .order_by("phase", "name")
    )
    return render(
        request,
        "core/home.html",
        {
            "schools": schools,
            "today": today,
            "phases": School.Phase,
            "memberships": request.user.memberships.all(),
        },
    )


@public
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
