"""The evidence bundle as a download (criminal-offence data: the build is audited)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse

from attend.accounts.permissions import permission_required_for
from attend.casework.access import get_case_for_user
from attend.core import clock

from .bundle import build_bundle
from .models import Prosecution


@permission_required_for("enforcement.prosecute")
def bundle_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    prosecution = Prosecution.objects.select_related("case", "pupil", "parent").filter(pk=pk).first()
    if prosecution is None:
        raise Http404("No prosecution with that number in your scope.")
    get_case_for_user(request.user, prosecution.case.ref)  # 404 outside the user's scope
    built = build_bundle(prosecution, by=request.user, as_of=clock.today())
    response = HttpResponse(built.pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="bundle-{prosecution.case.ref}-{pk}.pdf"'
    response["Cache-Control"] = "no-store"
    return response
