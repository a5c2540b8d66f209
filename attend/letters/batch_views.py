"""Batch pages: prepare a batch from the work list, review held letters, approve and send, follow progress."""

from __future__ import annotations

from django.contrib import messages as flash
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from attend import audit
from attend.accounts.permissions import permission_required_for
from attend.core import clock

from . import batch_pages as bp
from .batch_forms import BatchForm, SkipForm
from .batches import MAX_PUPILS, batch_create, batch_print_file, batch_release, held_approve, held_skip
from .compose import MessageError
from .models import Message

S = Message.Status

SEND = "letters.send"
STOP_POLLING = 286


@permission_required_for(SEND)
def batch_list(request: HttpRequest) -> HttpResponse:
    batches = bp.batches_visible_to(request.user)[:100]
    return render(request, "letters/batch_list.html", {"batches": batches})


@permission_required_for(SEND)
def batch_new(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    rules = dict(bp.rule_choices())
    rule = request.GET.get("rule", "persistent_absence")
    if rule not in rules:
        rule = "persistent_absence"
    new_only = request.GET.get("new", "1") != "0"
    found = bp.candidates(request.user, rule=rule, new_only=new_only, today=today)
    ticked = request.POST.getlist("upn") if request.method == "POST" else [c.pupil.upn for c in found]
    form = BatchForm(request.POST or None, user=request.user, today=today, ticked=ticked)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            batch = batch_create(
                template_name=data["template"],
                pupils=form.pupils,
                as_of=today,
                by=request.user,
                route=data["route"],
                title=data["title"],
            )
        except MessageError as exc:
            form.add_error(None, str(exc))
        else:
            flash.success(
                request,
                f"Preparing letters for {len(form.pupils):,} pupil{'s' if len(form.pupils) != 1 else ''}.",
            )
            return redirect("letters:batch", pk=batch.pk)
    context = {
        "form": form,
        "candidates": found,
        "ticked": set(ticked),
        "rule": rule,
        "rule_title": rules[rule],
        "rules": bp.rule_choices(),
        "new_only": new_only,
        "held_count": sum(1 for c in found if c.hold),
        "max_pupils": MAX_PUPILS,
    }
    return render(request, "letters/batch_new.html", context)


def _batch_context(batch) -> dict:
    return {
        "batch": batch,
        "progress": bp.progress(batch),
        "held": bp.letters_with_status(batch, S.HELD),
        "failed": bp.letters_with_status(batch, S.FAILED),
        "skipped": bp.letters_with_status(batch, S.SKIPPED),
        "skip_form": SkipForm(),
    }


@permission_required_for(SEND)
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = bp.batch_for_user(request.user, pk)
    if request.method == "POST":
        try:
            batch_release(batch, by=request.user)
            flash.success(request, "Batch approved: the letters are being sent.")
        except MessageError as exc:
            flash.error(request, str(exc))
        return redirect("letters:batch", pk=batch.pk)
    audit.record("letters.batch.viewed", request=request, obj=batch, data={"letters": batch.total})
    return render(request, "letters/batch_detail.html", _batch_context(batch))


@permission_required_for(SEND)
def batch_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress summary alone, polled by the batch page while the background task sends."""
    batch = bp.batch_for_user(request.user, pk)
    progress = bp.progress(batch)
    response = render(request, "letters/_batch_progress.html", {"batch": batch, "progress": progress})
    if not progress.sending:
        response.status_code = STOP_POLLING  # htmx stops polling on 286
    return response


@require_POST
@permission_required_for(SEND)
def batch_letter(request: HttpRequest, pk: int, message_pk: int) -> HttpResponse:
    """Approve or skip one held letter (skipping needs a reason)."""
    message = bp.letter_for_user(request.user, pk, message_pk)
    try:
        if request.POST.get("action") == "approve":
            held_approve(message, by=request.user)
            flash.success(request, f"Approved the letter about {message.pupil.display_name}.")
        elif request.POST.get("action") == "skip":
            form = SkipForm(request.POST)
            if not form.is_valid():
                raise MessageError(f"{message.pupil.display_name}: say why the letter is skipped.")
            held_skip(message, by=request.user, reason=form.cleaned_data["reason"])
            flash.success(request, f"Skipped the letter about {message.pupil.display_name}.")
        else:
            raise MessageError("Choose Approve or Skip.")
    except MessageError as exc:
        flash.error(request, str(exc))
    return redirect("letters:batch", pk=pk)


@permission_required_for(SEND)
def batch_print(request: HttpRequest, pk: int) -> HttpResponse:
    """One PDF of every letter of the batch sent so far, in order."""
    batch = bp.batch_for_user(request.user, pk)
    sent = bp.progress(batch).sent
    if not sent:
        raise Http404("No letter of this batch has been sent yet.")
    pdf = batch_print_file(batch, sent_only=True)
    audit.record("letters.batch.printed", request=request, obj=batch, data={"letters": sent})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="batch-{batch.pk}-letters.pdf"'
    return response
