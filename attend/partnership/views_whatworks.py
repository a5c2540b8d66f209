"""The what-works report for LA staff (page and CSV). Thin: the figures come from attend/partnership/whatworks.py."""

from __future__ import annotations

import csv

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from attend.accounts.permissions import permission_required_for
from attend.core import clock
from attend.core.scoping import schools_visible_to
from attend.stats import store
from attend.web import dashboards

from . import whatworks


def _report(request: HttpRequest) -> whatworks.Report:
    schools = list(schools_visible_to(request.user).values_list("id", "local_authority_id"))
    la_ids = sorted({la for _, la in schools if la})
    # Like the dashboards: the last good statistics store, never waiting for a rebuild (the page says its age).
    with store.serving_last_good():
        return whatworks.report_for(la_ids, [s for s, _ in schools], clock.today())


def _pp(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


@permission_required_for("la.dashboard")
def report(request: HttpRequest) -> HttpResponse:
    rep = _report(request)
    sections = [
        ("By intervention", rep.by("intervention")),
        ("By stage of the case (now)", rep.by("stage")),
        ("By barrier (from the case's assessment)", rep.by("barrier")),
    ]
    context = {
        "report": rep,
        "figures": dashboards.freshness(),
        "sections": sections,
        "min_group": whatworks.MIN_GROUP,
        "bands": [label for _, label in whatworks.BANDS],
        "can_and_cannot": whatworks.CAN_AND_CANNOT,
    }
    return render(request, "partnership/whatworks/report.html", context)


@permission_required_for("la.dashboard")
def report_csv(request: HttpRequest) -> HttpResponse:
    rep = _report(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="what-works-{rep.as_of.isoformat()}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "Grouped by",
            "Group",
            "Episodes",
            "Matched pupils",
            "Comparison matches",
            "Attendance before %",
            "Attendance after %",
            "Change (points)",
            "Comparison change (points)",
            "Difference (points)",
            "95% CI low",
            "95% CI high",
            "Reading",
        ]
    )
    for g in rep.groups:
        writer.writerow(
            [g.dimension, g.label, g.episodes, g.matched, g.comparison_matches]
            + [_pp(v) for v in (g.treated_before, g.treated_after, g.treated_change, g.comparison_change)]
            + [_pp(g.difference), _pp(g.ci_low), _pp(g.ci_high), g.verdict]
        )
    return response
