"""The office dashboard: who is out, on which round, the last check-in, when due back; overdue first; open
escalations with their steps and messages (sent, or failing with the reason) and who acknowledged them.

Scoped to the user's team (`profiles.team_filter` for rounds): a school's office sees its school's rounds; an LA
office sees the LA team's rounds (officers with an LA membership), not its schools' own."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.utils import timezone

from attend.accounts.identity import is_superuser

from . import lone
from .models import CheckIn, Escalation, EscalationStep, Round, Visit


def rounds_for_office(user):
    """Rounds the user's office looks after."""
    rounds = Round.objects.all()
    if is_superuser(user):
        return rounds
    q = Q(pk__in=[])
    for m in user.memberships.all():
        if m.school_id:
            q |= Q(school_id=m.school_id)
        elif m.local_authority_id:
            q |= Q(local_authority_id=m.local_authority_id, school__isnull=True)
    return rounds.filter(q)


@dataclass
class OutRow:
    round: Round
    overdue: bool
    last: CheckIn | None
    escalations: list = field(default_factory=list)


def dashboard(user, now: dt.datetime) -> dict:
    """Rounds out (any day: an overdue round stays until someone acts), today's finished ones, and escalations
    still open or opened today, for the dashboard."""
    steps = EscalationStep.objects.prefetch_related("messages").order_by("number")
    escalations = Escalation.objects.select_related("acknowledged_by").prefetch_related(
        Prefetch("steps", queryset=steps)
    )
    visits = Visit.objects.order_by("order")
    today = timezone.localtime(now).date()
    # Out (any day), or with an escalation still open (any day), or with one opened today.
    shown_q = (
        Q(status=Round.Status.OUT)
        | Q(escalations__isnull=False, escalations__ended_at__isnull=True)
        | Q(escalations__opened_at__gte=_start_of(today))
    )
    base = rounds_for_office(user).select_related("officer")
    out = list(
        base.filter(shown_q)
        .distinct()
        .prefetch_related(Prefetch("escalations", queryset=escalations), Prefetch("visits", queryset=visits))
    )
    rows = []
    for r in out:
        shown = [e for e in r.escalations.all() if e.open or e.opened_at >= _start_of(today)]
        rows.append(OutRow(r, lone.overdue(r, now), r.check_ins.order_by("-at").first(), shown))
    rows.sort(
        key=lambda r: (
            not r.overdue,
            not any(e.open for e in r.escalations),
            r.round.check_in_due_at or r.round.started_at or now,
        )
    )
    back = list(
        base.filter(day=today, status=Round.Status.BACK)
        .order_by("-ended_at")
        .exclude(pk__in=[r.round.pk for r in rows])
    )
    planned = list(base.filter(day=today, status=Round.Status.PLANNED).order_by("officer__username"))
    return {"rows": rows, "overdue": [r for r in rows if r.overdue], "back": back, "planned": planned}


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(0)))


def office_round(user, pk: int) -> Round | None:
    return rounds_for_office(user).filter(pk=pk).first()
