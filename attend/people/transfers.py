"""Transfers waiting for the LA: a school's import named a pupil already registered through schools outside
its scope, so it made only its own enrolment (attend.registers.imports.pupils). The LA, whose scope covers the
schools on both sides, confirms the transfer (the new school then keeps the pupil's details) or undoes it (a
mistyped UPN: the enrolment the row made is removed with what was recorded on it; the pupil's record at the
other schools was never changed). Both are audited."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from attend import audit
from attend.core.scoping import schools_visible_to

from .models import Transfer


def transfers_for(user, *, status: str = Transfer.Status.PENDING):
    """Transfers whose new school and every former school are in the user's scope."""
    visible = schools_visible_to(user)
    return (
        Transfer.objects.filter(status=status, to_school__in=visible)
        .annotate(outside=Count("from_schools", filter=~Q(from_schools__in=visible)))
        .filter(outside=0)
        .select_related("pupil", "to_school", "created_by", "enrolment")
        .prefetch_related("from_schools")
        .order_by("created_at", "pk")
    )


def get_transfer_for_user(user, pk: int) -> Transfer:
    try:
        return transfers_for(user).get(pk=pk)
    except Transfer.DoesNotExist:
        raise Http404("No pending transfer with that id in your scope.") from None


def _decide(transfer: Transfer, user, status: str) -> None:
    transfer.status, transfer.decided_by, transfer.decided_at = status, user, timezone.now()
    transfer.save(update_fields=["status", "decided_by", "decided_at"])


@transaction.atomic
def confirm_transfer(transfer: Transfer, user) -> None:
    _decide(transfer, user, Transfer.Status.CONFIRMED)
    audit.record(
        "registers.transfer.confirmed",
        by=user,
        obj=transfer,
        school=transfer.to_school,
        data={"to_school": transfer.to_school.urn, "admission_date": transfer.admission_date.isoformat()},
    )


@transaction.atomic
def undo_transfer(transfer: Transfer, user) -> None:
    """Remove the enrolment the mistaken row made (and the marks and alerts recorded on it, all of them the new
    school's own); everything else stays as it was."""
    enrolment = transfer.enrolment
    removed = {"marks": 0, "alerts": 0}
    if enrolment is not None:
        removed = {"marks": enrolment.marks.count(), "alerts": enrolment.alerts.count()}
        enrolment.delete()
    transfer.enrolment = None
    transfer.save(update_fields=["enrolment"])
    _decide(transfer, user, Transfer.Status.UNDONE)
    audit.record(
        "registers.transfer.undone",
        by=user,
        obj=transfer,
        school=transfer.to_school,
        data={
            "to_school": transfer.to_school.urn,
            "admission_date": transfer.admission_date.isoformat(),
            "enrolment_removed": enrolment is not None,
            **removed,
        },
    )
