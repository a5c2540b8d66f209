"""What retention must leave alone: enforcement records are kept (criminal-offence data, evidence for courts) until
the LA sets a schedule for them, so the pupils, parents and cases they name are kept too. The privacy app's
retention (attend/privacy/retention.py, casework_retention.py) asks these questions rather than knowing the
models."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from attend.alerts.models import NoticeSessionUse

from .models import (
    AttendanceContract,
    FormalCheck,
    NoticeRequest,
    NoticeToImprove,
    PenaltyNotice,
    Prosecution,
    SupervisionOrder,
)

# Every enforcement record names its pupil (and most their case); the notices and prosecutions name a parent.
WITH_PUPIL = (PenaltyNotice, FormalCheck, NoticeRequest, AttendanceContract, NoticeToImprove, SupervisionOrder,
              Prosecution)  # fmt: skip
WITH_CASE = (PenaltyNotice, FormalCheck, NoticeRequest, AttendanceContract, NoticeToImprove, SupervisionOrder,
             Prosecution)  # fmt: skip


def pupil_has_records() -> Q:
    """Q on Pupil: an enforcement record names this pupil."""
    q = Q()
    for model in WITH_PUPIL:
        q |= Q(Exists(model.objects.filter(pupil=OuterRef("pk"))))
    return q


def case_has_records() -> Q:
    """Q on casework.Case: an enforcement record belongs to this case."""
    q = Q()
    for model in WITH_CASE:
        q |= Q(Exists(model.objects.filter(case=OuterRef("pk"))))
    return q


def contact_has_records() -> Q:
    """Q on people.Contact: a notice, a prosecution or the sessions relied on name this parent."""
    return (
        Q(Exists(PenaltyNotice.objects.filter(parent=OuterRef("pk"))))
        | Q(Exists(Prosecution.objects.filter(parent=OuterRef("pk"))))
        | Q(Exists(NoticeSessionUse.objects.filter(contact=OuterRef("pk"))))
    )
