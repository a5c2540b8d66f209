"""/enforcement/cases/<ref>/...: record an education supervision order's consideration and a decision to
prosecute on a case, and see a prosecution. `enforcement.prosecute` (LA staff) writes, `enforcement.view` reads;
the case must be in the user's write scope (404 otherwise, nothing changed). Thin: the rules are in orders.py and
prosecutions.py. Criminal-offence data: the prosecution page is audited (`enforcement.prosecution.viewed`)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from attend import audit
from attend.accounts.permissions import has_permission, permission_required_for
from attend.casework.access import get_case_for_user
from attend.core import clock

from . import orders, prosecutions
from .forms_court import ConsiderForm, ProsecutionForm
from .models import Prosecution


def _case(request, ref):
    case = get_case_for_user(request.user, ref, write=True)
    if case.pupil_id is None:
        raise Http404("This case is not about a pupil on a roll.")
    return case


@permission_required_for("enforcement.prosecute")
def consider(request: HttpRequest, ref: str) -> HttpResponse:
    case = _case(request, ref)
    form = ConsiderForm(request.POST or None, initial={"considered_on": clock.today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            orders.consider(
                case.pupil, on=data["considered_on"], consideration=data["consideration"], pursue=data["pursue"],
                by=request.user, case=case, request=request,
            )  # fmt: skip
        except orders.OrderRefused as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(request, "The consideration of an education supervision order is recorded.")
            return redirect("casework:case", ref=case.ref)
    return render(request, "enforcement/court/consider.html", {"case": case, "form": form})


@permission_required_for("enforcement.prosecute")
def prosecution_new(request: HttpRequest, ref: str) -> HttpResponse:
    case = _case(request, ref)
    form = ProsecutionForm(request.POST or None, pupil=case.pupil)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            prosecution = prosecutions.decide(
                pupil=case.pupil, parent=data["parent"], offence=data["offence"], period_start=data["period_start"],
                period_end=data["period_end"], reasons=data["reasons"], defences=form.defences(), by=request.user,
                school=case.school, request=request,
            )  # fmt: skip
        except prosecutions.ProsecutionRefused as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(
                request, f"Decision recorded. Lay the information by {prosecution.lay_by:%-d %B %Y}."
            )
            return redirect("enforcement:court-prosecution", ref=case.ref, pk=prosecution.pk)
    return render(request, "enforcement/court/prosecution_form.html", {"case": case, "form": form})


@permission_required_for("enforcement.view")
def prosecution_detail(request: HttpRequest, ref: str, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, ref)
    prosecution = Prosecution.objects.filter(case=case, pk=pk).select_related("parent", "decided_by").first()
    if prosecution is None:
        raise Http404("No such prosecution on this case.")
    audit.record(
        "enforcement.prosecution.viewed", request=request, obj=prosecution, pupil=case.pupil,
        data={"case": case.ref},
    )  # fmt: skip
    context = {
        "case": case,
        "p": prosecution,
        "defences": [
            (label, prosecution.defences_considered.get(key, ""))
            for key, label in prosecutions.DEFENCES.items()
        ],
        "warn": prosecution.status == Prosecution.Status.DECIDED
        and prosecution.lay_by - prosecutions.WARN_BEFORE <= clock.today(),
        "may_build_bundle": has_permission(request.user, "enforcement.prosecute"),
    }
    return render(request, "enforcement/court/prosecution.html", context)
