"""The phone pages of a round: check out (start), check in, "I need help". Thin: the lifecycle is
`attend.visits.lone`; the time is `lone.moment()`.

Only the round's officer (or the colleague paired with them) uses these pages; anyone else gets a 404. The office
records a check-in rung through from its dashboard (views_office.py)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from attend.accounts.identity import is_superuser
from attend.accounts.permissions import permission_required_for

from . import lone
from .forms_lone import StartForm, read_check_in
from .models import CheckIn, Round

ACTIONS_TEMPLATE = "visits/lone/_round_actions.html"


def own_round(user, pk: int) -> Round:
    """The round if it is this user's (as its officer or the paired colleague); 404 otherwise. A superuser's
    scope is everything."""
    rounds = Round.objects.select_related("officer")
    if not is_superuser(user):
        rounds = rounds.filter(Q(officer=user) | Q(paired_user=user))
    found = rounds.filter(pk=pk).first()
    if found is None:
        raise Http404("No such round of yours")
    return found


def lone_context(round_: Round, *, now, start_form=None) -> dict:
    """What `visits/lone/_round_actions.html` needs; the round page (another area) merges it into its context."""
    checked = set(round_.check_ins.exclude(visit=None).values_list("visit_id", flat=True))
    visits = list(round_.visits.order_by("order"))
    return {
        "lone_actions_template": ACTIONS_TEMPLATE,
        "lone_round": round_,
        "lone_visits": [(v, v.pk in checked) for v in visits],
        "lone_overdue": lone.overdue(round_, now),
        "lone_now": now,
        "lone_start_form": start_form or StartForm(now=now),
        "lone_last": round_.check_ins.order_by("-at").first(),
    }


@permission_required_for("visits.write")
def round_page(request, pk: int):
    """The phone page: start the round, or check in, or ask for help."""
    round_ = own_round(request.user, pk)
    return render(request, "visits/lone/round.html", lone_context(round_, now=lone.moment()))


@permission_required_for("visits.write")
def round_start(request, pk: int):
    round_ = own_round(request.user, pk)
    now = lone.moment()
    if request.method != "POST":
        return redirect("visits:lone-round", pk=round_.pk)
    form = StartForm(request.POST, now=now)
    form.is_valid()
    back = form.cleaned_data.get("expected_back_at")
    for problem in lone.start_problems(round_, expected_back_at=back, now=now):
        if problem.field and problem.field in form.errors:
            continue  # the form already says what is wrong with that answer
        form.add_error(problem.field or None, problem.message)
    if not form.errors:
        try:
            lone.start_round(
                round_,
                by=request.user,
                expected_back_at=back,
                now=now,
                first_check_in_at=form.cleaned_data.get("first_check_in_at"),
            )
        except lone.VisitError as e:  # a race: something changed since the check above
            form.add_error(None, str(e))
        else:
            round_.refresh_from_db()
            messages.success(
                request,
                f"You are checked out. Check in by {timezone.localtime(round_.check_in_due_at):%H:%M}",
            )
            return redirect("visits:lone-round", pk=round_.pk)
    context = lone_context(round_, now=now, start_form=form)
    return render(request, "visits/lone/round.html", context, status=200)


@permission_required_for("visits.write")
@require_POST
def round_check_in(request, pk: int):
    """Never refused: whatever the form says, a check-in is recorded."""
    round_ = own_round(request.user, pk)
    now = lone.moment()
    said = read_check_in(request.POST, round_, now)
    row = lone.check_in(
        round_,
        by=request.user,
        channel=CheckIn.Channel.PHONE_PAGE,
        now=now,
        final=said["final"],
        visit=said["visit"],
        new_address=said["new_address"],
        new_postcode=said["new_postcode"],
        note=said["note"],
        next_due_at=said["next_due_at"],
    )
    for what in said["unread"]:
        messages.warning(request, f"We could not read {what}")
    if row.kind == CheckIn.Kind.FINAL:
        messages.success(request, f"Welcome back: checked in at {timezone.localtime(now):%H:%M}, round ended")
    else:
        round_.refresh_from_db()
        due = round_.check_in_due_at
        after = f". Next check-in by {timezone.localtime(due):%H:%M}" if due else ""
        messages.success(request, f"Checked in at {timezone.localtime(now):%H:%M}{after}")
    return redirect("visits:lone-round", pk=round_.pk)


@permission_required_for("visits.write")
def round_help(request, pk: int):
    """One tap (the button on the round page) and a confirm (this page). Never refused."""
    round_ = own_round(request.user, pk)
    if request.method == "POST":
        now = lone.moment()
        lone.need_help(
            round_,
            by=request.user,
            channel=CheckIn.Channel.PHONE_PAGE,
            now=now,
            location=request.POST.get("location", "").strip()[:300],
            note=request.POST.get("note", "").strip()[:2000],
        )
        return render(
            request,
            "visits/lone/help_sent.html",
            {"lone_round": round_, "location": lone.last_known_location(round_), "now": now},
        )
    return render(
        request,
        "visits/lone/help_confirm.html",
        {"lone_round": round_, "location": lone.last_known_location(round_)},
    )
