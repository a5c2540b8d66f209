"""The LA's list of transfers to confirm or undo (attend.people.transfers)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from attend.accounts.permissions import permission_required_for

from .transfers import confirm_transfer, get_transfer_for_user, transfers_for, undo_transfer


@permission_required_for("la.dashboard")
def transfer_list(request: HttpRequest) -> HttpResponse:
    return render(request, "people/transfers.html", {"transfers": list(transfers_for(request.user))})


@permission_required_for("la.dashboard")
@require_POST
def transfer_decide(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = get_transfer_for_user(request.user, pk)
    if request.POST.get("decision") == "confirm":
        confirm_transfer(transfer, request.user)
        messages.success(request, f"Transfer of {transfer.pupil.upn} to {transfer.to_school.name} confirmed.")
    elif request.POST.get("decision") == "undo":
        undo_transfer(transfer, request.user)
        messages.success(
            request, f"Transfer of {transfer.pupil.upn} undone: the enrolment at {transfer.to_school.name} "
            "was removed."
        )  # fmt: skip
    else:
        messages.error(request, "Choose confirm or undo.")
    return redirect("people:transfers")
