"""Pages of penalty notices: thin views over notices.py, notice_events.py and payments.py.

Penalty notices are criminal-offence data (UK GDPR Art. 10): reading needs `enforcement.view` and every page that
shows a notice is audited; issuing, service, payments and the 28-day decision need `enforcement.issue` (and the
s444B capacity, checked by issue_notice). Rows are those of schools in the user's scope: anything else is 404,
never revealing it exists, and nothing changes.
"""

from __future__ import annotations

from django.contrib import messages as flash
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from attend import audit
from attend.accounts.permissions import has_permission, permission_required_for
from attend.core import clock
from attend.core.scoping import contact_links_visible, get_pupil_for_user, schools_visible_to
from attend.people.models import Enrolment, PupilContact

from . import notices
from .api_notices import relied_on, visible_notices
from .forms_notices import DecisionForm, IssueForm, PaymentForm, ServeForm, UploadForm
from .models import NoticeEvent
from .notice_document import notice_pdf
from .notice_events import EventRefused, decide_prosecute, serve, withdraw
from .payments import reconcile_csv, record_payment
from .prosecutions import lay_by


def _pupil_in_write_scope(request: HttpRequest, upn: str):
    """The pupil, on roll today at a school in the user's scope; 404 otherwise."""
    pupil = get_pupil_for_user(request.user, upn)
    today = clock.today()
    on_roll = (
        Enrolment.objects.filter(
            pupil=pupil, school__in=schools_visible_to(request.user), admission_date__lte=today
        )
        .filter(Q(leaving_date__isnull=True) | Q(leaving_date__gte=today))
        .exists()
    )
    if not on_roll:
        raise Http404("The pupil is not on roll at a school in your scope.")
    return pupil


def _notice(request: HttpRequest, number: str):
    notice = visible_notices(request.user).filter(number=number).prefetch_related("events").first()
    if notice is None:
        raise Http404("No penalty notice with that number in your scope.")
    return notice


def _viewed(request: HttpRequest, notice, page: str) -> None:
    audit.record(
        "enforcement.notice.viewed",
        request=request,
        obj=notice,
        pupil=notice.pupil,
        school=notice.school,
        data={"notice": notice.number, "via": page},
    )


@permission_required_for("enforcement.view")
def pupil_notices(request: HttpRequest, upn: str) -> HttpResponse:
    pupil = get_pupil_for_user(request.user, upn)
    rows = list(visible_notices(request.user).filter(pupil=pupil).prefetch_related("events"))
    audit.record(
        "enforcement.notices.viewed", request=request, pupil=pupil, data={"notices": [n.number for n in rows]}
    )
    today = clock.today()
    context = {
        "pupil": pupil,
        "rows": [(n, notices.notice_status(n, today), notices.outstanding(n, today)) for n in rows],
        "may_issue": has_permission(request.user, "enforcement.issue"),
    }
    return render(request, "enforcement/notices/pupil_notices.html", context)


@permission_required_for("enforcement.issue")
def notice_new(request: HttpRequest, upn: str) -> HttpResponse:
    """Choose the parent, date and reason; "Check" shows what issuing would do (the eligibility, the sessions and
    amounts); "Issue" issues it."""
    pupil = _pupil_in_write_scope(request, upn)
    links = list(
        PupilContact.objects.filter(pupil=pupil)
        .filter(contact_links_visible(request.user))
        .select_related("contact")
    )
    form = IssueForm(
        request.POST or None, links=links, initial={"issue_date": clock.today(), "reason": "other"}
    )
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        parent = next(link.contact for link in links if link.contact_id == data["parent"])
        args = {"pupil": pupil, "parent": parent, "issue_date": data["issue_date"], "by": request.user}
        try:
            if request.POST.get("confirm") == "1":
                notice = notices.issue_notice(**args, reason=data["reason"], request=request)
                flash.success(request, f"Penalty notice {notice.number} issued. Now print it and serve it.")
                return redirect("enforcement:notice", number=notice.number)
            preview = notices.preview(**args, reason=data["reason"])
        except notices.NoticeRefused as refused:
            form.add_error(None, refused.detail)
    context = {"form": form, "pupil": pupil, "preview": preview}
    return render(request, "enforcement/notices/issue.html", context)


@permission_required_for("enforcement.view")
def notice_detail(request: HttpRequest, number: str) -> HttpResponse:
    notice = _notice(request, number)
    _viewed(request, notice, "notice page")
    today = clock.today()
    status = notices.notice_status(notice, today)
    context = {
        "notice": notice,
        "status": status,
        "outstanding": notices.outstanding(notice, today),
        "received_on": notices.received_on(notice),
        "amounts": notices.due_dates(notice),
        "events": sorted(notice.events.all(), key=lambda e: (e.on, e.pk)),
        "sessions": relied_on([notice])[notice.number],
        "may_act": has_permission(request.user, "enforcement.issue"),
        "decision_due": status == "unpaid",
        # If it goes unpaid, the original offence is prosecuted: the information must be laid within six months of
        # the absences relied on (Magistrates' Courts Act 1980 s127), counted as the notice's code says.
        "lay_by": lay_by(notice.period_start, notice.period_end, notice.code),
    }
    return render(request, "enforcement/notices/detail.html", context)


def _event_page(request, number: str, form_class, template: str, act, success: str, initial=None):
    notice = _notice(request, number)
    form = form_class(request.POST or None, initial=initial or {"on": clock.today()})
    if request.method == "POST" and form.is_valid():
        try:
            act(notice, form.cleaned_data)
        except EventRefused as refused:
            form.add_error(None, str(refused))
        else:
            flash.success(request, success)
            return redirect("enforcement:notice", number=notice.number)
    _viewed(request, notice, template)
    return render(request, f"enforcement/notices/{template}.html", {"form": form, "notice": notice})


@permission_required_for("enforcement.view")
def notice_document(request: HttpRequest, number: str) -> HttpResponse:
    """The notice as a PDF for first-class post (or to hand over), from the letters template."""
    notice = _notice(request, number)
    _viewed(request, notice, "notice PDF")
    response = HttpResponse(notice_pdf(notice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{notice.number}.pdf"'
    return response


@permission_required_for("enforcement.issue")
def notice_serve(request: HttpRequest, number: str) -> HttpResponse:
    def act(notice, data):
        serve(
            notice, method=data["method"], on=data["on"], served_by=data["served_by"], address=data["address"],
            by=request.user, request=request,
        )  # fmt: skip

    return _event_page(request, number, ServeForm, "serve", act, "Service recorded.")


@permission_required_for("enforcement.issue")
def notice_payment(request: HttpRequest, number: str) -> HttpResponse:
    def act(notice, data):
        _, notes = record_payment(
            notice, amount=data["amount"], on=data["on"], reference=data["reference"], by=request.user,
            request=request,
        )  # fmt: skip
        for note in notes:
            flash.warning(request, f"This payment is a {note}.")

    return _event_page(request, number, PaymentForm, "payment", act, "Payment recorded.")


@permission_required_for("enforcement.issue")
def notice_decide(request: HttpRequest, number: str) -> HttpResponse:
    def act(notice, data):
        if data["decision"] == "prosecute":
            if not has_permission(request.user, "enforcement.prosecute"):
                raise EventRefused("Only the LA's officers decide to prosecute.")
            decide_prosecute(notice, on=data["on"], note=data["note"], by=request.user, request=request)
        else:
            withdraw(
                notice,
                ground=data["ground"],
                on=data["on"],
                note=data["note"],
                by=request.user,
                request=request,
            )

    return _event_page(request, number, DecisionForm, "decide", act, "Decision recorded.")


@permission_required_for("enforcement.issue")
def payments_upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = reconcile_csv(form.cleaned_data["file"], request.user, scope=visible_notices(request.user))
        if result.refused:
            form.add_error(
                None, "Nothing was applied: correct the lines below and upload the whole file again."
            )
        else:
            flash.success(request, f"{result.applied} payments applied.")
    context = {"form": form, "result": result, "withdrawal_grounds": NoticeEvent.WithdrawalGround.choices}
    return render(request, "enforcement/notices/upload.html", context)
