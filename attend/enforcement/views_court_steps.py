"""/enforcement/cases/<ref>/supervision-orders/<pk>/step/ and /prosecutions/<pk>/step/: record what happened next
to an order or a prosecution. `enforcement.prosecute`, the case in the user's write scope (404 otherwise). Thin:
each step calls its function in orders.py or prosecutions.py, whose refusals are shown as form errors."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from attend.accounts.permissions import permission_required_for

from . import orders, prosecutions
from .forms_court import OrderStepForm, ProsecutionStepForm
from .models import Prosecution, SupervisionOrder
from .views_court import _case


def _order_step(order: SupervisionOrder, d: dict, by, request) -> None:
    on, note, step = d["on"], d.get("note") or "", d["step"]
    kw = {"by": by, "request": request}
    simple = {
        "hearing": orders.record_hearing, "review": orders.record_review, "direction": orders.give_direction,
        "parent_breach": orders.record_parent_breach, "refused": orders.court_refused,
    }  # fmt: skip
    if step in simple:
        simple[step](order, on=on, note=note, **kw)
    elif step == "consulted":
        orders.record_consultation(order, on=on, response=note, **kw)
    elif step == "applied":
        orders.apply(order, on=on, **kw)
    elif step == "made":
        orders.order_made(order, on=on, supervisor=d.get("supervisor") or "", directions=note, **kw)
    elif step == "extension_applied":
        orders.apply_for_extension(order, on=on, note=note, **kw)
    elif step == "extended":
        if d.get("new_expiry") is None:
            raise orders.OrderRefused("Enter the new expiry date the court set")
        orders.extend(order, on=on, new_expiry=d["new_expiry"], **kw)
    elif step == "child_breach":
        orders.record_child_breach(order, on=on, note=note, social_care_told_on=d.get("told_on"), **kw)
    elif step == "ended":
        orders.end_order(order, on=on, reason=d.get("end_reason") or "", **kw)


@permission_required_for("enforcement.prosecute")
def order_step(request: HttpRequest, ref: str, pk: int) -> HttpResponse:
    case = _case(request, ref)
    order = SupervisionOrder.objects.filter(case=case, pk=pk).select_related("pupil", "case").first()
    if order is None:
        raise Http404("No such order on this case.")
    form = OrderStepForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _order_step(order, form.cleaned_data, request.user, request)
        except orders.OrderRefused as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(request, "Recorded on the order and the case chronology.")
            return redirect("casework:case", ref=case.ref)
    return render(request, "enforcement/court/step.html", {"case": case, "form": form, "what": "order"})


def _at(d: dict) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(d["on"], d.get("time") or dt.time(10)))


def _prosecution_step(p: Prosecution, d: dict, by, request) -> None:
    on, note, step = d["on"], d.get("note") or "", d["step"]
    kw = {"by": by, "request": request}
    if step == "laid":
        prosecutions.lay_information(p, on=on, **kw)
    elif step == "interview":
        prosecutions.record_interview(
            p, held_on=_at(d), place=d.get("place") or "", caution_given=d.get("caution_given", False),
            legal_advice_offered=d.get("legal_advice_offered", False),
            interpreter_needed=bool(d.get("interpreter")), interpreter=d.get("interpreter") or "", summary=note, **kw,
        )  # fmt: skip
    elif step == "hearing":
        prosecutions.record_hearing(
            p, on=_at(d), court=d.get("place") or "", kind=d.get("kind") or "", result=note,
            sjp=d.get("sjp", False), **kw,
        )  # fmt: skip
    elif step == "outcome":
        prosecutions.record_outcome(p, outcome=d.get("outcome") or "", on=on, detail=note, **kw)
    elif step == "discontinued":
        prosecutions.discontinue(p, on=on, reason=note, **kw)


@permission_required_for("enforcement.prosecute")
def prosecution_step(request: HttpRequest, ref: str, pk: int) -> HttpResponse:
    case = _case(request, ref)
    prosecution = Prosecution.objects.filter(case=case, pk=pk).select_related("case", "pupil").first()
    if prosecution is None:
        raise Http404("No such prosecution on this case.")
    form = ProsecutionStepForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _prosecution_step(prosecution, form.cleaned_data, request.user, request)
        except prosecutions.ProsecutionRefused as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(request, "Recorded on the prosecution and the case chronology.")
            return redirect("enforcement:court-prosecution", ref=case.ref, pk=prosecution.pk)
    return render(request, "enforcement/court/step.html", {"case": case, "form": form, "what": "prosecution"})
