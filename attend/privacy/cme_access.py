"""The subject access archive's missing_education.csv: the LA's records about the child out of school (attend.cme):
children missing education enquiries with their reasonable enquiries, deletion returns, home education records and
s19 decisions. A school that sees only its own period gets the records about its school."""

from __future__ import annotations

from collections.abc import Iterator

from attend.core.scoping import PupilAccess
from attend.people.models import Pupil

HEADER = ["record", "reference", "school_urn", "date", "status", "details"]


def _mine(rows, access: PupilAccess | None, school: str = "school_id"):
    if access is None or access.whole:
        return rows
    return rows.filter(**{f"{school}__in": access.school_ids})


def rows(pupil: Pupil, access: PupilAccess | None) -> Iterator[tuple]:
    from attend.cme.models import CmeEnquiry, EnquiryCheck, HomeEducation, ProvisionDecision, RollDeletion

    def urn(school) -> str:
        return school.urn if school is not None else ""

    enquiries = _mine(CmeEnquiry.objects.filter(pupil=pupil).select_related("school"), access)
    for e in enquiries.order_by("opened_at", "pk"):
        status = e.get_outcome_display() if e.outcome else e.get_status_display()
        yield ("CME enquiry", e.ref, urn(e.school), e.opened_at.date(), status, e.concern)
        for c in EnquiryCheck.objects.filter(enquiry=e).order_by("done_on", "pk"):
            found = " (found where the child is)" if c.located else ""
            yield ("Reasonable enquiry", e.ref, urn(e.school), c.done_on, c.get_kind_display(),
                   f"By {c.get_party_display().lower()}: {c.result}{found}")  # fmt: skip
    deletions = _mine(RollDeletion.objects.filter(pupil=pupil).select_related("school"), access)
    for d in deletions.order_by("deleted_on", "pk"):
        yield ("Deletion return", f"DEL-{d.pk}", urn(d.school), d.deleted_on, d.get_ground_display(),
               " ".join([d.destination_note, d.note, *d.concerns]).strip())  # fmt: skip
    home = _mine(HomeEducation.objects.filter(pupil=pupil).select_related("school"), access)
    for h in home.order_by("notice_received_on", "pk"):
        yield (
            "Home education",
            h.ref,
            urn(h.school),
            h.notice_received_on,
            h.get_status_display(),
            h.notice_note,
        )
    decisions = _mine(ProvisionDecision.objects.filter(pupil=pupil).select_related("school"), access)
    for p in decisions.order_by("decided_on", "pk"):
        yield ("s19 decision", f"S19-{p.pk}", urn(p.school), p.decided_on, p.get_decision_display(),
               f"{p.get_trigger_display()}: {p.days_counted} school days counted. {p.reason}")  # fmt: skip
