"""Subject access download: a page that says what the archive holds, and a POST that makes and sends it."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from attend.accounts.permissions import permission_required_for
from attend.core import clock
from attend.core.scoping import get_pupil_access

from .subject_access import subject_access_export


@permission_required_for("pupil.subject_access")
@require_http_methods(["GET", "POST"])
def subject_access(request: HttpRequest, upn: str) -> HttpResponse:
    """GET: what the archive holds. POST (a button, so links and prefetching never make one): the zip."""
    access = get_pupil_access(request.user, upn, today=clock.today())
    pupil = access.pupil
    if request.method == "POST":
        # A school the pupil has left exports its own period only (attend.core.scoping.pupil_access).
        archive = subject_access_export(pupil=pupil, by=request.user, request=request, access=access)
        response = HttpResponse(archive.content, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{archive.file_name}"'
        return response
    return render(request, "privacy/subject_access.html", {"pupil": pupil, "access": access})
