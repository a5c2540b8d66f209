import csv

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from attend import audit
from attend.accounts.permissions import permission_required_for
from attend.core.scoping import get_pupil_for_user
from attend.core.spreadsheet import cell as _cell

from .models import AuditEvent


def _events_for(pupil):
    return AuditEvent.objects.filter(pupil=pupil).select_related("actor", "pupil", "school")


@permission_required_for("audit.view")
def pupil_events(request: HttpRequest, upn: str) -> HttpResponse:
    pupil = get_pupil_for_user(request.user, upn)
    # Reading the trail is itself recorded, before listing, so the reader sees their own visit.
    audit.record("audit.pupil_trail.viewed", request=request, obj=pupil)
    return render(request, "audit/pupil_events.html", {"pupil": pupil, "events": _events_for(pupil)[:500]})


@permission_required_for("audit.view")
def pupil_events_csv(request: HttpRequest, upn: str) -> HttpResponse:
    pupil = get_pupil_for_user(request.user, upn)
    audit.record("audit.pupil_trail.exported", request=request, obj=pupil)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{pupil.upn}.csv"'
    writer = csv.writer(response)
    writer.writerow(["When", "Who", "Action", "What happened", "Object", "Object id", "School URN"])
    for event in _events_for(pupil).order_by("at", "id"):
        writer.writerow(
            [
                _cell(timezone.localtime(event.at).isoformat(timespec="seconds")),
                _cell(event.actor_username or "system"),
                _cell(event.action),
                _cell(event.sentence),
                _cell(event.object_type),
                _cell(event.object_id),
                _cell(event.school.urn if event.school_id else ""),
            ]
        )
    return response
