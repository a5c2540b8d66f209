"""/visits/office/: the office dashboard, and a check-in recorded for an officer who rang the office."""

from __future__ import annotations

import hmac
import json
import logging

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from attend.accounts.permissions import permission_required_for, public

from . import lone, office, sms_inbound
from .forms_lone import at_time
from .models import CheckIn

REFRESH_SECONDS = 60
log = logging.getLogger(__name__)


@permission_required_for("visits.office")
def dashboard(request):
    now = lone.moment()
    context = office.dashboard(request.user, now)
    # On by default: an overdue officer must show without anyone pressing a key. Anyone may turn it off (WCAG 2.2.1).
    refreshing = request.GET.get("refresh") != "off"
    context.update(now=now, refresh=REFRESH_SECONDS if refreshing else None)
    return render(request, "visits/office/dashboard.html", context)


@permission_required_for("visits.office")
@require_POST
def office_check_in(request, pk: int):
    """The officer rang the office: the office records the check-in for them (never refused)."""
    round_ = office.office_round(request.user, pk)
    if round_ is None:
        raise Http404("No such round in your team")
    now = lone.moment()
    next_due = None
    text = request.POST.get("next_due", "").strip()
    if text:
        next_due = at_time(timezone.localtime(now).date(), text)
        if next_due is None or next_due <= now:
            messages.warning(request, "We could not read the next check-in time: the usual interval is used")
            next_due = None
    lone.check_in(
        round_,
        by=request.user,
        channel=CheckIn.Channel.OFFICE_CALL,
        now=now,
        final=request.POST.get("final") == "yes",
        location=request.POST.get("location", "").strip()[:300],
        note=request.POST.get("note", "").strip()[:2000],
        next_due_at=next_due,
    )
    name = round_.officer.get_full_name() or round_.officer.username
    messages.success(request, f"Check-in recorded for {name} at {timezone.localtime(now):%H:%M}")
    return redirect("visits:office")


# ----- GOV.UK Notify: received text messages (check-in by text)

MAX_BODY = 16 * 1024


def inbound_token_ok(request) -> bool:
    expected = settings.ATTEND_NOTIFY_INBOUND_TOKEN or ""
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    same = hmac.compare_digest(given.strip().encode(), (expected or "\0 unset").encode())
    return bool(expected) and scheme.lower() == "bearer" and same


@csrf_exempt  # Notify holds no session or CSRF token: its bearer token authenticates it
@require_POST
@public  # public in the permission table only because the bearer token, checked first, authenticates it
def notify_inbound(request):
    """Never an error to Notify for a text it delivered: unknown numbers and unreadable texts are logged, 200.
    A fault while recording a matched check-in is a 500, so Notify retries (every 5 minutes, up to 5 times)."""
    if not inbound_token_ok(request):
        return HttpResponse(status=403)
    if len(request.body) > MAX_BODY:
        return JsonResponse({"status": "ignored", "reason": "too large"})
    try:
        data = json.loads(request.body)
    except (UnicodeDecodeError, ValueError):
        data = None
    if not isinstance(data, dict):
        log.warning("A received-text callback from Notify was not a JSON object: ignored")
        return JsonResponse({"status": "ignored", "reason": "not a JSON object"})
    outcome = sms_inbound.handle(data, now=lone.moment())
    return JsonResponse({"status": outcome.status})
