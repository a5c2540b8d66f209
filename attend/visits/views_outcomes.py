"""Pages for a visit's outcome: record it, print the visit card, read the safety report, confirm the risk marker.
Scope: `outcomes.visit_for_user` (the pupil must be a current pupil of the user's school or LA), else 404."""

from __future__ import annotations

from django.contrib import messages as flash
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from attend import audit
from attend.accounts.permissions import permission_required_for
from attend.core import clock

from . import outcomes, safety_reports
from .forms_outcomes import MarkerForm, OutcomeForm
from .models import VisitOutcome

WRITE = "visits.write"


def _links(visit):
    return visit.pupil.contact_links.select_related("contact").order_by("priority", "id")


def _outcome_page(request, visit, outcome: VisitOutcome, marker_form=None) -> HttpResponse:
    if outcome.not_safe and outcome.risk_marker_id is None and marker_form is None:
        marker_form = MarkerForm(initial=safety_reports.proposed_marker(outcome), postcode=visit.postcode)
    report = outcome.safety_reports.prefetch_related("recipients").first()
    return render(
        request,
        "visits/outcomes/outcome_detail.html",
        {"visit": visit, "outcome": outcome, "report": report, "marker_form": marker_form},
    )


@permission_required_for(WRITE)
def visit_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    today = clock.today()
    visit = outcomes.visit_for_user(request.user, pk, today=today)
    outcome = VisitOutcome.objects.filter(visit=visit).first()
    if outcome is not None:
        return _outcome_page(request, visit, outcome)
    form = OutcomeForm(
        request.POST or None, links=_links(visit), initial={"visit_date": visit.planned_for.isoformat()}
    )
    if request.method == "POST" and form.is_valid():
        data = outcomes.OutcomeInput(form.outcome_fields(), form.cleaned_data.get("agreement_route") or "")
        try:
            outcomes.record_outcome(visit, data, by=request.user, now=clock.now(), request=request)
        except outcomes.OutcomeRefused as exc:
            form.add_error(None, str(exc))
        else:
            flash.success(request, "The outcome of the visit is recorded on the case.")
            return redirect("visits:visit-outcome", pk=visit.pk)
    return render(request, "visits/outcomes/outcome_form.html", {"visit": visit, "form": form})


@require_POST
@permission_required_for(WRITE)
def visit_risk_marker(request: HttpRequest, pk: int) -> HttpResponse:
    visit = outcomes.visit_for_user(request.user, pk, today=clock.today())
    outcome = VisitOutcome.objects.filter(visit=visit, not_safe=True, risk_marker__isnull=True).first()
    if outcome is None:
        flash.info(request, "There is no risk marker waiting to be confirmed for this visit.")
        return redirect("visits:visit-outcome", pk=visit.pk)
    form = MarkerForm(request.POST, postcode=visit.postcode)
    if not form.is_valid():
        return _outcome_page(request, visit, outcome, marker_form=form)
    outcome.risk_marker = safety_reports.confirm_marker(
        outcome, **form.cleaned_data, by=request.user, now=clock.now()
    )
    outcome.save(update_fields=["risk_marker"])
    flash.success(request, "The risk marker is recorded: it shows at the risk check before the next visit.")
    return redirect("visits:visit-outcome", pk=visit.pk)


@require_POST
@permission_required_for(WRITE)
def safety_report_resend(request: HttpRequest, pk: int) -> HttpResponse:
    visit = outcomes.visit_for_user(request.user, pk, today=clock.today())
    report = visit.safety_reports.first()
    if report is None:
        raise Http404("No safety report for this visit.")
    rows = safety_reports.resend_failed(report, by=request.user, now=clock.now())
    sent = sum(1 for r in rows if r.status == r.Status.SENT)
    flash.info(request, f"The report was sent to {sent} of the {len(rows)} it had not reached.")
    return redirect("visits:visit-outcome", pk=visit.pk)


@permission_required_for(WRITE)
def visit_card(request: HttpRequest, pk: int) -> HttpResponse:
    visit = outcomes.visit_for_user(request.user, pk, today=clock.today())
    pdf = outcomes.card_pdf(visit, by=request.user, as_of=visit.planned_for)
    audit.record(
        "visits.card.printed", request=request, obj=visit, pupil=visit.pupil, data={"visit": visit.pk}
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="visit-card-{visit.pk}.pdf"'
    return response


@permission_required_for(WRITE)
def safety_report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    visit = outcomes.visit_for_user(request.user, pk, today=clock.today())
    report = visit.safety_reports.first()
    if report is None:
        raise Http404("No safety report for this visit.")
    response = HttpResponse(bytes(report.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="visit-{visit.pk}-safety-report.pdf"'
    return response
