"""What retention must leave alone: children missing education enquiries (with their reasonable enquiries and
referrals), deletion returns, home education records and s19 decisions are the LA's statutory records (EA 1996
s436A, s19; 2024 Regs reg 13) with no schedule of their own yet, so they are kept, and so are the pupils, enrolments,
parents and cases they name. The privacy app's retention (attend/privacy/retention.py, casework_retention.py) asks
these questions rather than knowing the models, as it does for enforcement (attend/enforcement/retention.py)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from .models_ehe import HomeEducation
from .models_enquiries import CmeEnquiry, LaReferral
from .models_roll import RollDeletion
from .models_s19 import ProvisionDecision

WITH_PUPIL = (CmeEnquiry, LaReferral, RollDeletion, HomeEducation, ProvisionDecision)
WITH_CASE = (CmeEnquiry, HomeEducation)


def pupil_has_records() -> Q:
    """Q on Pupil: a CME, deletion, home education or s19 record names this pupil."""
    q = Q()
    for model in WITH_PUPIL:
        q |= Q(Exists(model.objects.filter(pupil=OuterRef("pk"))))
    return q


def enrolment_has_records() -> Q:
    """Q on people.Enrolment: a deletion return names this enrolment (the period it ends)."""
    return Q(Exists(RollDeletion.objects.filter(enrolment=OuterRef("pk"))))


def case_has_records() -> Q:
    """Q on casework.Case: a CME enquiry or a home education record belongs to this case."""
    q = Q()
    for model in WITH_CASE:
        q |= Q(Exists(model.objects.filter(case=OuterRef("pk"))))
    return q


def contact_has_records() -> Q:
    """Q on people.Contact: the parent who gave notice of home education."""
    return Q(Exists(HomeEducation.objects.filter(notice_from=OuterRef("pk"))))
