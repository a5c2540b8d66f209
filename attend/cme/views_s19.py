"""The s19 pages: the list of decisions due and recorded (/cme/s19/), and the decision page
(/cme/s19/<upn>/decide/?trigger=health|exclusion|suspension). Thin views over s19.py and decisions_s19.py.

Scope: the pupil must be visible to the user and on roll at a school the user sees as staff (404 otherwise, never
revealing the pupil exists); recording needs `cme.s19` (LA staff)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages as flash
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from attend import audit
from attend.accounts import identity
from attend.accounts.permissions import has_permission, permission_required_for
from attend.core import clock
from attend.core.scoping import get_pupil_for_user, staff_school_ids
from attend.letters.compose import enrolment_on

from . import s19
from .decisions_s19 import DecisionRefused, due_alerts, record_decision, visible_decisions, what_was_counted
from .forms_s19 import DecisionForm
from .models_s19 import ProvisionDecision
from .responsibility import responsible_las

T = ProvisionDecision.Trigger


@permission_required_for("cme.view")
def s19_list(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    return render(
        request,
        "cme/s19/list.html",
        {
            "today": today,
            "due": list(due_alerts(request.user)),
            "decided": list(
                visible_decisions(request.user).filter(decided_on__gte=s19.year_start_for(today))
            ),
            "can_decide": has_permission(request.user, "cme.s19"),
        },
    )


def _run_start(request: HttpRequest) -> dt.date | None:
    try:
        return dt.date.fromisoformat(request.GET.get("run", ""))
    except ValueError:
        return None


@permission_required_for("cme.s19")
def s19_decide(request: HttpRequest, upn: str) -> HttpResponse:
    today = clock.today()
    pupil = get_pupil_for_user(request.user, upn)
    enrolment = enrolment_on(pupil, today)
    if enrolment is None or not (
        identity.is_superuser(request.user) or enrolment.school_id in staff_school_ids(request.user)
    ):
        raise Http404("The pupil is not on roll at a school in your scope.")
    trigger = request.GET.get("trigger", T.HEALTH)
    trigger = trigger if trigger in T.values else T.HEALTH
    run_start = _run_start(request)
    form = DecisionForm(request.POST or None, trigger=trigger)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record_decision(
                by=request.user, pupil=pupil, trigger=data["trigger"], decision=data["decision"],
                reason=data["reason"], provision=data["provision"], provision_starts=data["provision_starts"],
                review_on=data["review_on"], on=today, run_start=run_start, request=request,
            )  # fmt: skip
        except DecisionRefused as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            flash.success(
                request, f"Decision recorded for {pupil.display_name} and added to the case chronology."
            )
            return redirect("cme:s19-list")
    if request.method == "GET":
        audit.pupil_viewed(request, pupil, page="s19 decision")
    counted = what_was_counted(pupil, trigger, today, run_start)
    return render(
        request,
        "cme/s19/decide.html",
        {
            "pupil": pupil,
            "enrolment": enrolment,
            "form": form,
            "trigger": trigger,
            "for_health": trigger == T.HEALTH,
            "counted": counted,
            "counted_words": counted.words() if counted is not None else "",
            "responsible": [d for d in responsible_las(pupil, school=enrolment.school).values() if d],
            "earlier": visible_decisions(request.user).filter(pupil=pupil)[:5],
            "today": today,
        },
    )


def _user_la(request: HttpRequest):
    """The user's LA; a superuser picks one with ?la=<code> (else the first). None when there is none."""
    from attend.schools.models import LocalAuthority

    if identity.is_superuser(request.user):
        las = LocalAuthority.objects.order_by("code")
        return las.filter(code=request.GET.get("la", "")).first() or las.first()
    return next((m.local_authority for m in request.user.memberships.all() if m.local_authority_id), None)


@permission_required_for("cme.returns")
def returns(request: HttpRequest) -> HttpResponse:
    """The LA's termly return (returns.py), as a page or, with ?format=csv, a CSV file."""
    import csv

    from . import returns as termly

    la = _user_la(request)
    if la is None:
        return render(request, "cme/s19/returns.html", {"no_la": True}, status=403)
    term = termly.term_for(la, request.GET.get("term"), clock.today())
    if term is not None and request.GET.get("format") == "csv":
        audit.record("cme.returns.exported", request=request, data={"term": term.label, "la": la.code})
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        name = f"cme-return-{la.code}-{term.start_year}-{term.name}".replace(" ", "-").lower()
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        csv.writer(response).writerows(termly.csv_lines(la, term))
        return response
    context = {"la": la, "term": term, "terms": termly.la_terms(la)}
    if term is not None:
        context["rows"] = termly.termly_return(la, term)
    return render(request, "cme/s19/returns.html", context)
