"""Subject access download: a page that says what the archive holds, and a POST that makes and sends it."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from attend.accounts.permissions import permission_required_for
from attend.core.scoping import get_pupil_for_user

from .subject_access import subject_access_export


@permission_required_for("pupil.subject_access")
@require_http_methods(["GET", "POST"])
def subject_access(request: HttpRequest, upn: str) -> HttpResponse:
    """GET: what the archive holds. POST (a button, so links and prefetching never make one): the zip."""
    pupil = get_pupil_for_user(request.user, upn)
    if request.method == "POST":
        archive = subject_access_export(pupil=pupil, by=request.user, request=request)
        response = HttpResponse(archive.content, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{archive.file_name}"'
        return response
    return render(request, "privacy/subject_access.html", {"pupil": pupil})
