"""Pages: attendance contracts and notices to improve (new, the record with its actions, the PDF document).

Thin views: the rules live in contracts.py, ntis.py and documents_ladder.py. A record is reached through its case
(attend.casework.access): out of scope is a 404 and nothing changes."""

from __future__ import annotations

from django.contrib import messages as flash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from attend.accounts.permissions import permission_required_for
from attend.casework.access import get_case_for_user
from attend.core import clock

from . import contracts, ntis
from .documents_ladder import contract_pdf, nti_pdf
from .forms_ladder import ContractActionForm, ContractForm, NtiForm, NtiOutcomeForm
from .models import AttendanceContract, FormalCheck, NoticeToImprove
from .steps_ladder import StepRefused
from .views_ladder import choose_pupil, parent_links, parents_from_post, pupil_for_write


def _pdf(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


# ----- contracts


@permission_required_for("enforcement.formal")
def contract_new(request: HttpRequest) -> HttpResponse:
    if not request.GET.get("upn"):
        return choose_pupil(request, "Attendance contract")
    pupil = pupil_for_write(request, request.GET.get("upn", ""))
    form = ContractForm(request.POST or None, initial={"starts_on": clock.today()})
    if request.method == "POST" and form.is_valid():
        try:
            made = contracts.create_contract(pupil, parents=parents_from_post(request, pupil), by=request.user,
                                             request=request, **form.cleaned_data)  # fmt: skip
        except StepRefused as e:
            form.add_error(None, str(e))
        else:
            flash.success(request, "Attendance contract drafted: print it for signature.")
            return redirect("enforcement:contract", pk=made.pk)
    context = {"pupil": pupil, "form": form, "links": parent_links(pupil), "ticked": request.POST.getlist("parents"),
               "purpose": FormalCheck.Purpose.CONTRACT}  # fmt: skip
    return render(request, "enforcement/ladder/contract_new.html", context)


def _contract_action(request, contract, form) -> None:
    d, by = form.cleaned_data, request.user
    action = d["action"]
    if action == "sign":
        contracts.sign(contract, by=by, on=d["on"], request=request)
    elif action == "decline":
        contracts.decline(contract, by=by, on=d["on"], reason=d["reason"], request=request)
    elif action == "review":
        contracts.add_review(contract, by=by, held_on=d["on"], kept=d["kept"] == "yes",
                             next_review_on=d["next_review_on"], request=request)  # fmt: skip
    else:
        contracts.end_contract(
            contract, by=by, on=d["on"], outcome=d["outcome"], note=d["reason"], request=request
        )


@permission_required_for("enforcement.formal")
def contract(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(AttendanceContract.objects.select_related("case", "pupil", "school"), pk=pk)
    case = get_case_for_user(request.user, row.case.ref, write=request.method == "POST")
    form = ContractActionForm(request.POST or None, initial={"on": clock.today()})
    if request.method == "POST":
        if form.is_valid():
            try:
                _contract_action(request, row, form)
            except StepRefused as e:
                form.add_error(None, str(e))
            else:
                flash.success(request, "Attendance contract updated.")
                return redirect("enforcement:contract", pk=row.pk)
        else:
            form.add_error(None, "Enter the date as a real date")
    context = {"c": row, "case": case, "form": form, "reviews": row.reviews.all(), "parents": row.parents.all(),
               "since": contracts.attendance_since_start(row, clock.today())}  # fmt: skip
    return render(request, "enforcement/ladder/contract.html", context)


@permission_required_for("enforcement.formal")
def contract_document(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(AttendanceContract, pk=pk)
    get_case_for_user(request.user, row.case.ref)
    try:
        data = contract_pdf(row, by=request.user, on=clock.today())
    except StepRefused as e:
        flash.error(request, str(e))
        return redirect("enforcement:contract", pk=row.pk)
    return _pdf(data, f"attendance-contract-{row.pk}.pdf")


# ----- notices to improve


@permission_required_for("enforcement.formal")
def nti_new(request: HttpRequest) -> HttpResponse:
    if not request.GET.get("upn"):
        return choose_pupil(request, "Notice to improve")
    pupil = pupil_for_write(request, request.GET.get("upn", ""))
    form = NtiForm(request.POST or None, initial={"issued_on": clock.today()})
    if request.method == "POST" and form.is_valid():
        try:
            made = ntis.issue_nti(pupil, parents=parents_from_post(request, pupil), by=request.user, request=request,
                                  **form.cleaned_data)  # fmt: skip
        except StepRefused as e:
            form.add_error(None, str(e))
        else:
            flash.success(request, "Notice to improve issued: print it and give or post it to each parent.")
            return redirect("enforcement:nti", pk=made.pk)
    context = {"pupil": pupil, "form": form, "links": parent_links(pupil), "ticked": request.POST.getlist("parents"),
               "purpose": FormalCheck.Purpose.NOTICE_TO_IMPROVE}  # fmt: skip
    return render(request, "enforcement/ladder/nti_new.html", context)


@permission_required_for("enforcement.formal")
def nti(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(NoticeToImprove.objects.select_related("case", "pupil"), pk=pk)
    case = get_case_for_user(request.user, row.case.ref, write=request.method == "POST")
    today = clock.today()
    form = NtiOutcomeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ntis.record_outcome(row, by=request.user, on=today, note=form.cleaned_data["note"],
                                withdraw=form.cleaned_data["action"] == "withdraw", request=request)  # fmt: skip
        except StepRefused as e:
            form.add_error(None, str(e))
        else:
            flash.success(request, "Outcome recorded.")
            return redirect("enforcement:nti", pk=row.pk)
    figures = ntis.tracking([row], today)[row.pk]
    suggested = ntis.suggested_outcome(row, figures)
    context = {"n": row, "case": case, "form": form, "figures": figures, "parents": row.parents.all(),
               "suggested": NoticeToImprove.Outcome(suggested[0]).label, "next_step": suggested[1],
               "ended": today > row.period_end}  # fmt: skip
    return render(request, "enforcement/ladder/nti.html", context)


@permission_required_for("enforcement.formal")
def nti_document(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(NoticeToImprove, pk=pk)
    get_case_for_user(request.user, row.case.ref)
    try:
        data = nti_pdf(row, by=request.user, on=clock.today())
    except StepRefused as e:
        flash.error(request, str(e))
        return redirect("enforcement:nti", pk=row.pk)
    return _pdf(data, f"notice-to-improve-{row.pk}.pdf")
