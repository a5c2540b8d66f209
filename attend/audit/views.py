import csv

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from attend import audit
from attend.accounts.permissions import permission_required_for
from attend.core import clock
from attend.core.scoping import get_pupil_access
from attend.core.spreadsheet import cell as _cell

from .models import AuditEvent


def _events_for(access):
    """The pupil's events that the reader's own enrolment periods cover: a school the pupil left does not see
    what the new school's staff did (nor a joined school what happened before the pupil arrived)."""
    events = AuditEvent.objects.filter(pupil=access.pupil).select_related("actor", "pupil", "school")
    if not access.whole:
        events = events.filter(access.during("at__date")).filter(
            Q(school__isnull=True) | Q(school_id__in=access.school_ids)
        )
    return events


@permission_required_for("audit.view")
def pupil_events(request: HttpRequest, upn: str) -> HttpResponse:
    access = get_pupil_access(request.user, upn, today=clock.today())
    # Reading the trail is itself recorded, before listing, so the reader sees their own visit.
    audit.record("audit.pupil_trail.viewed", request=request, obj=access.pupil)
    return render(
        request, "audit/pupil_events.html", {"pupil": access.pupil, "events": _events_for(access)[:500]}
    )


@permission_required_for("audit.view")
def pupil_events_csv(request: HttpRequest, upn: str) -> HttpResponse:
    access = get_pupil_access(request.user, upn, today=clock.today())
    pupil = access.pupil
    audit.record("audit.pupil_trail.exported", request=request, obj=pupil)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{pupil.upn}.csv"'
    writer = csv.writer(response)
    writer.writerow(["When", "Who", "Action", "What happened", "Object", "Object id", "School URN"])
    for event in _events_for(access).order_by("at", "id"):
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
