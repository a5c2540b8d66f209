"""Referral pages: thin views over attend.partnership.referrals.

Reading needs `cases.view` and the case in scope; every POST needs `cases.write` and a case the user may write to
(`get_case_for_user(..., write=True)`: 404 otherwise, never revealing the case exists)."""

from __future__ import annotations

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from attend.accounts.permissions import has_permission, permission_required_for
from attend.casework.access import get_case_for_user, may_write
from attend.core import clock

from . import referrals
from .forms_referrals import ReferralForm, UpdateForm
from .models_referrals import Referral

VIEW = "cases.view"


def _case(request: HttpRequest, ref: str):
    writing = request.method == "POST"
    if writing and not has_permission(request.user, "cases.write"):
        raise PermissionDenied("You cannot change cases.")
    return get_case_for_user(request.user, ref, write=writing)


def _refused(form, exc: referrals.ReferralRefused) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, str(exc))


def _others(case, but=None):
    found = Referral.objects.filter(case=case).select_related("service")
    return found.exclude(pk=but.pk) if but is not None else found


@permission_required_for(VIEW)
def referral_new(request: HttpRequest) -> HttpResponse:
    ref = (request.GET.get("case") or request.POST.get("case") or "").strip()
    if not ref:  # a referral is made from a case: say so, and where to find one
        return render(request, "partnership/referrals/choose_case.html")
    case = _case(request, ref)
    services = list(referrals.services_for(case))
    today = clock.today()
    form = ReferralForm(request.POST or None, services=services, initial={"sent_on": today})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        chosen = data.pop("service")
        service = next(s for s in services if s.pk == chosen)
        try:
            referral = referrals.referral_make(
                case, by=request.user, service=service, request=request, **data
            )
        except referrals.ReferralRefused as exc:
            _refused(form, exc)
        else:
            flash.success(request, f"Referral to {service.name} recorded on case {case.ref}.")
            return redirect("partnership:referral", referral_id=referral.pk)
    return render(
        request,
        "partnership/referrals/new.html",
        {"case": case, "form": form, "services": services, "referrals": _others(case)},
    )


@permission_required_for(VIEW)
def referral_detail(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = Referral.objects.select_related("case", "service", "made_by").filter(pk=referral_id).first()
    if referral is None:
        raise Http404("No such referral")
    case = _case(request, referral.case.ref)
    form = UpdateForm(request.POST or None, initial={"on": clock.today()})
    if request.method == "POST" and form.is_valid():
        try:
            referrals.referral_update(referral, by=request.user, request=request, **form.cleaned_data)
        except referrals.ReferralRefused as exc:
            _refused(form, exc)
        else:
            flash.success(
                request, f"Referral {referral.get_status_display().lower()}: saved on the chronology."
            )
            return redirect("partnership:referral", referral_id=referral.pk)
    today = clock.today()
    return render(
        request,
        "partnership/referrals/detail.html",
        {
            "case": case,
            "referral": referral,
            "updates": referral.updates.select_related("by"),
            "reply_due": referrals.reply_due(referral),
            "overdue": referral.status == Referral.Status.SENT and referrals.reply_due(referral) < today,
            "form": form if referral.status != Referral.Status.CLOSED else None,
            "may_write": may_write(request.user, case, today=today),
            "referrals": _others(case, referral),
        },
    )
