"""The escalation page: what was sent to whom and when, who acknowledged it, and "I am dealing with this"."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render

from attend.accounts import identity
from attend.accounts.permissions import permission_required_for
from attend.core.scoping import schools_visible_to

from . import escalation as engine
from . import escalation_messages as words
from .lone import moment
from .models import Escalation


def escalations_visible_to(user):
    """Escalations of rounds in the user's office: their school's (or the schools their LA or trust covers), their
    LA team's, and their own."""
    if identity.is_system_admin(user):
        return Escalation.objects.all()
    las = [m.local_authority_id for m in user.memberships.all() if m.local_authority_id]
    return Escalation.objects.filter(
        Q(round__school__in=schools_visible_to(user))
        | Q(round__local_authority_id__in=las)
        | Q(round__officer=user)
    )


def get_escalation_for_user(user, pk: int) -> Escalation:
    found = (
        escalations_visible_to(user).select_related("round__officer", "acknowledged_by").filter(pk=pk).first()
    )
    if found is None:
        raise Http404("No such escalation")
    return found


@permission_required_for("visits.office")
def escalation_detail(request, pk: int):
    escalation = get_escalation_for_user(request.user, pk)
    if request.method == "POST":  # never refused: whatever the note, the acknowledgement is recorded
        engine.acknowledge(escalation, by=request.user, note=request.POST.get("note", ""), now=moment())
        return redirect("visits:escalation", pk=escalation.pk)
    steps = escalation.steps.prefetch_related("messages").order_by("number")
    return render(
        request,
        "visits/escalation/detail.html",
        {
            "escalation": escalation,
            "round": escalation.round,
            "officer": words.officer_name(escalation.round),
            "round_path": words.round_path(escalation.round),
            "steps": [s for s in steps if s.status != "pending" or s.messages.exists()],
            "next_step": steps.filter(status="pending").first(),
            "repeat_minutes": engine.repeat().seconds // 60,
            "visit_phone": words.visit_phone(words.last_visit(escalation.round)),
        },
    )
