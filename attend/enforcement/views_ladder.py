"""Pages: the code of conduct, the check before a formal step, school requests and the LA's vetting.

Thin views: the rules live in codes.py, checks.py and requests.py. Scope: pupils in the user's write scope
(attend.core.scoping), cases through attend.casework.access; anything else is a 404 and nothing changes."""

from __future__ import annotations

from django.contrib import messages as flash
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from attend import audit
from attend.accounts import identity
from attend.accounts.permissions import has_permission, permission_required_for
from attend.casework.access import cases_visible_to, get_case_for_user, is_la_side
from attend.casework.models import OPEN_CASE_STATUSES
from attend.core import clock
from attend.core.scoping import get_pupil_access
from attend.people.models import Contact, PupilContact
from attend.schools.models import LocalAuthority

from . import checks, codes
from . import requests as svc
from .forms_ladder import CodeForm, DecisionForm, PeriodForm, RequestForm
from .models import FormalCheck, NoticeRequest
from .steps_ladder import StepRefused, school_on


def pupil_for_write(request: HttpRequest, upn: str):
    """The pupil if current in the user's scope (404 otherwise, never saying whether the UPN exists)."""
    access = get_pupil_access(request.user, upn or "", today=clock.today())
    if not access.current:
        raise Http404("No pupil with that UPN whose record you can change.")
    return access.pupil


def choose_pupil(request: HttpRequest, title: str) -> HttpResponse:
    """The page a step starts from when no pupil is named yet: enter the UPN (GET, so it is the same page)."""
    return render(request, "enforcement/ladder/choose_pupil.html", {"title": title})


def parent_links(pupil):
    return PupilContact.objects.filter(pupil=pupil).select_related("contact").order_by("priority", "id")


def parents_from_post(request: HttpRequest, pupil) -> list[Contact]:
    """The ticked contacts, among this pupil's own contacts only."""
    ids = [i for i in request.POST.getlist("parents") if i.isdigit()]
    return list(Contact.objects.filter(pk__in=ids, pupil_links__pupil=pupil).distinct())


# ----- /enforcement/code/


def _las(user) -> list[LocalAuthority]:
    if identity.is_superuser(user):
        return list(LocalAuthority.objects.order_by("name"))
    ids = [m.local_authority_id for m in user.memberships.all() if m.local_authority_id]
    return list(LocalAuthority.objects.filter(pk__in=ids).order_by("name"))


@permission_required_for("enforcement.code")
def code_home(request: HttpRequest) -> HttpResponse:
    return render(request, "enforcement/ladder/code_choose.html", {"las": _las(request.user)})


@permission_required_for("enforcement.code")
def code(request: HttpRequest, la: int) -> HttpResponse:
    authority = next((x for x in _las(request.user) if x.pk == la), None)
    if authority is None:
        raise Http404("No LA of yours with that number.")
    today = clock.today()
    current = codes.code_for(authority, today)
    initial = {k: getattr(current, k) for k in codes.FIELDS} | {"effective_from": today}
    form = CodeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            made = codes.new_version(
                authority,
                by=request.user,
                effective_from=data.pop("effective_from"),
                values=data,
                request=request,
            )
        except codes.CodeRefused as e:
            form.add_error(None, str(e))
        else:
            flash.success(request, f"Version {made.version} of the code of conduct saved.")
            return redirect("enforcement:code", la=authority.pk)
    context = {"la": authority, "form": form, "current": current, "versions": codes.versions(authority)}
    return render(request, "enforcement/ladder/code.html", context)


# ----- /enforcement/check/new/?upn=&purpose=


@permission_required_for("enforcement.formal")
def check_new(request: HttpRequest) -> HttpResponse:
    if not request.GET.get("upn"):
        return choose_pupil(request, "Check before a formal step")
    pupil = pupil_for_write(request, request.GET.get("upn", ""))
    purpose = request.GET.get("purpose", "")
    if purpose not in FormalCheck.Purpose.values:
        purpose = FormalCheck.Purpose.PENALTY_NOTICE
    holiday = request.GET.get("holiday") == "1"
    today = clock.today()
    form = PeriodForm(request.POST or request.GET or None, initial={"start": today, "end": today})
    start, end = today, today
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    case = cases_visible_to(request.user).filter(pupil=pupil, status__in=OPEN_CASE_STATUSES).first()
    kind = checks.kind_for(purpose, holiday=holiday)
    rows = checks.prefill(pupil, kind=kind, start=start, end=end, case=case)
    if request.method == "POST" and form.is_valid():
        answers = {k: request.POST.get(f"answer_{k}", "") for k in rows}
        notes = {k: request.POST.get(f"note_{k}", "") for k in rows}
        try:
            checks.record_check(pupil, purpose=purpose, by=request.user, start=start, end=end, answers=answers,
                                notes=notes, holiday=holiday, concerns=request.POST.get("concerns", ""), case=case,
                                request=request)  # fmt: skip
        except StepRefused as e:
            form.add_error(None, str(e))
        else:
            flash.success(request, "Check recorded.")
            back = request.POST.get("next", "")
            if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
                back = ""  # only back to a page of this site
            return redirect(back or f"{request.path}?upn={pupil.upn}&purpose={purpose}")
    context = {
        "pupil": pupil, "form": form, "rows": rows, "kind": kind, "purpose": FormalCheck.Purpose(purpose).label,
        "latest": checks.latest_check(pupil, purpose), "next": request.GET.get("next", ""),
    }  # fmt: skip
    return render(request, "enforcement/ladder/check.html", context)


# ----- /enforcement/requests/


@permission_required_for("enforcement.view")
def request_list(request: HttpRequest) -> HttpResponse:
    cases = cases_visible_to(request.user)
    rows = NoticeRequest.objects.filter(case__in=cases).select_related("pupil", "school")[:200]
    return render(request, "enforcement/ladder/requests.html", {"rows": rows})


@permission_required_for("enforcement.request")
def request_new(request: HttpRequest) -> HttpResponse:
    if not request.GET.get("upn"):
        return choose_pupil(request, "Ask the LA for a penalty notice")
    pupil = pupil_for_write(request, request.GET.get("upn", ""))
    today = clock.today()
    school = school_on(pupil, today)
    if school is None:
        raise Http404("The pupil is on no school's roll.")
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            made = svc.submit(pupil, school=school, by=request.user, reason=d["reason"], period_start=d["period_start"],
                              period_end=d["period_end"], parents=parents_from_post(request, pupil),
                              summary=d["summary"], leave_request=d["leave_request"], request=request)  # fmt: skip
        except StepRefused as e:
            form.add_error(None, str(e))
        else:
            flash.success(request, "Request sent to the LA.")
            return redirect("enforcement:request", pk=made.pk)
    context = {"pupil": pupil, "school": school, "form": form, "links": parent_links(pupil),
               "ticked": request.POST.getlist("parents")}  # fmt: skip
    return render(request, "enforcement/ladder/request_new.html", context)


@permission_required_for("enforcement.view")
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    nr = get_object_or_404(NoticeRequest.objects.select_related("pupil", "school", "case"), pk=pk)
    deciding = request.method == "POST"
    case = get_case_for_user(request.user, nr.case.ref, write=deciding)
    may_decide = has_permission(request.user, "enforcement.issue") and is_la_side(request.user, case)
    if deciding and not may_decide:
        raise Http404("No request that you may decide.")
    form = DecisionForm(request.POST or None)
    if deciding and form.is_valid():
        try:
            svc.decide(nr, action=form.cleaned_data["action"], by=request.user, note=form.cleaned_data["note"],
                       request=request)  # fmt: skip
        except StepRefused as e:
            form.add_error(None, str(e))
        else:
            flash.success(request, f"Request {nr.get_status_display().lower()}.")
            return redirect("enforcement:request", pk=nr.pk)
    audit.record("enforcement.request.viewed", by=request.user, obj=nr, pupil=nr.pupil, school=nr.school,
                 data={"case": case.ref}, request=request)  # fmt: skip
    context = {
        "nr": nr, "case": case, "form": form, "may_decide": may_decide and nr.status == NoticeRequest.Status.SUBMITTED,
        "missing": svc.vet(nr, clock.today()) if may_decide else [],
        "extract": next((e for e in nr.evidence if e.get("kind") == "register"), None),
        "others": [e for e in nr.evidence if e.get("kind") != "register"],
    }  # fmt: skip
    return render(request, "enforcement/ladder/request_detail.html", context)
