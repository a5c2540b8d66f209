"""/enforcement/register/: the LA's enforcement register and the parental responsibility measures return, and their
CSV exports. `enforcement.register` (LA staff); an LA officer sees their own LA's figures, a superuser every LA's.
Every view and export is audited (criminal-offence data, UK GDPR Art. 10)."""

from __future__ import annotations

import csv

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from attend import audit
from attend.accounts import identity
from attend.accounts.permissions import permission_required_for
from attend.core import clock

from . import register


def _la(request):
    """The user's LA (None for a superuser: every LA)."""
    if identity.is_superuser(request.user):
        return None
    la_ids = [m.local_authority for m in request.user.memberships.all() if m.local_authority_id]
    return la_ids[0] if la_ids else False


def _year(request) -> int:
    current = register.year_of(clock.today())
    try:
        year = int(request.GET.get("year", current))
    except ValueError:
        return current
    return year if 2000 <= year <= current + 1 else current


class _Echo:
    def write(self, value):
        return value


@permission_required_for("enforcement.register")
def register_page(request: HttpRequest) -> HttpResponse:
    la, year = _la(request), _year(request)
    if la is False:
        return render(request, "enforcement/register/register.html", {"no_la": True}, status=403)
    summary = register.register_summary(la)
    prm = register.prm_return(la, year)
    audit.record(
        "enforcement.register.viewed", request=request, data={"year": f"{year}/{(year + 1) % 100:02d}"}
    )
    context = {
        "la": la,
        "year": year,
        "year_label": f"{year} to {year + 1}",
        "years": range(register.year_of(clock.today()), 2023, -1),
        "summary": summary,
        "totals": register.totals(summary),
        "prm": prm.rows(),
    }
    return render(request, "enforcement/register/register.html", context)


@permission_required_for("enforcement.register")
def register_csv(request: HttpRequest) -> HttpResponse:
    la = _la(request)
    if la is False:
        return HttpResponse("No local authority in your account.", status=403)
    audit.record("enforcement.register.exported", request=request, data={"what": "notices", "year": "all"})
    writer = csv.writer(_Echo())
    lines = _chain([register.NOTICE_CSV_HEADER], register.notice_rows(la))
    response = StreamingHttpResponse((writer.writerow(row) for row in lines), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="enforcement-register-notices.csv"'
    return response


def _chain(*parts):
    for part in parts:
        yield from part


@permission_required_for("enforcement.register")
def prm_csv(request: HttpRequest) -> HttpResponse:
    la, year = _la(request), _year(request)
    if la is False:
        return HttpResponse("No local authority in your account.", status=403)
    audit.record("enforcement.register.exported", request=request, data={"what": "prm", "year": str(year)})
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="parental-responsibility-measures-{year}.csv"'
    writer = csv.writer(response)
    writer.writerow(["Academic year", "Measure", "Number"])
    for label, n in register.prm_return(la, year).rows():
        writer.writerow([f"{year}/{(year + 1) % 100:02d}", label, n])
    return response
