"""The ladder's rows for attend/core/tests/test_write_endpoint_matrix.py: Southshire's records (Kit at Cedar) and
one write attempt per POST page, as keyword arguments for the matrix's Attempt. Every persona is at Alder or in
Northshire, so each attempt is out of their scope (404; the code page: not their LA)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

LADDER_COVERED = {
    "enforcement:code", "enforcement:check-new", "enforcement:request-new", "enforcement:request",
    "enforcement:contract-new", "enforcement:contract", "enforcement:nti-new", "enforcement:nti",
}  # fmt: skip


def southshire_ladder(w: dict) -> None:
    """Jay Faraway at Cedar (Southshire) with his mother Dee (parental responsibility) and an open case of his own
    (so the ladder's steps leave Kit's case, which the casework attempts change, alone): his checks (for a contract
    and a notice to improve), a drafted contract, a notice to improve that ended in October, and a request from
    Cedar waiting for the LA."""
    from attend.casework.cases import open_case
    from attend.core.tests.factories import make_pupil
    from attend.enforcement.models import AttendanceContract, FormalCheck, NoticeRequest, NoticeToImprove
    from attend.people.models import Contact, PupilContact

    cedar, by = w["cedar"], w["cedar_officer"]
    kit = w["jay"] = make_pupil(school=cedar, surname="Faraway", legal_forename="Jay")
    w["dee"] = Contact.objects.create(contact_ref="C-JAY-1", source_school=cedar, forename="Dee", surname="Faraway",
                                      address_line1="1 Cedar Row", postcode="SO1 1AA")  # fmt: skip
    PupilContact.objects.create(pupil=kit, contact=w["dee"], relationship="Mother", parental_responsibility=True,
                                lives_with_pupil=True, priority=1)  # fmt: skip
    case, _ = open_case(by=None, pupil=kit, school=cedar)
    done_at = timezone.make_aware(dt.datetime(2025, 9, 10, 10, 0))
    for purpose in (FormalCheck.Purpose.CONTRACT, FormalCheck.Purpose.NOTICE_TO_IMPROVE):
        FormalCheck.objects.create(pupil=kit, case=case, kind="thorough", purpose=purpose, answers={}, done_by=by,
                                   done_at=done_at)  # fmt: skip
    w["south_contract"] = AttendanceContract.objects.create(
        case=case, pupil=kit, school=cedar, support_offered="Mentor", parent_commitments="Bring Kit",
        starts_on=dt.date(2025, 11, 3), review_on=dt.date(2025, 12, 1), created_by=by,
    )  # fmt: skip
    w["south_nti"] = NoticeToImprove.objects.create(
        case=case, pupil=kit, issued_on=dt.date(2025, 9, 15), period_start=dt.date(2025, 9, 15),
        period_end=dt.date(2025, 10, 12), support_offered="Mentor", sufficient_improvement="None", issued_by=by,
    )  # fmt: skip
    w["south_request"] = NoticeRequest.objects.create(
        pupil=kit, school=cedar, case=case, reason="other", period_start=dt.date(2025, 11, 3),
        period_end=dt.date(2025, 11, 28), summary="Absent", requested_by=by, requested_at=done_at,
    )  # fmt: skip
    w["south_request"].parents.set([w["dee"]])


def ladder_attempts(w: dict) -> list[dict]:
    """One write per ladder page, against Jay's records."""
    upn, parent, today = w["jay"].upn, str(w["dee"].pk), "2025-12-10"
    code = {"effective_from": today, "nti_period_weeks": "4", "sufficient_improvement": "None", "time_limit_from":
            "first", "sufficient_max_unauthorised": "0", "schools_request_through_la": "on"}  # fmt: skip
    contract = {"parents": [parent], "starts_on": today, "review_on": "2026-01-07", "support_offered": "Mentor",
                "parent_commitments": "Bring Kit"}  # fmt: skip
    return [
        dict(name="another LA's code of conduct", url=f"/enforcement/code/{w['other_la'].pk}/", data=code,
             permission="enforcement.code"),
        dict(name="a check for another LA's pupil", url=f"/enforcement/check/new/?upn={upn}&purpose=nti",
             data={"start": "2025-11-03", "end": today, "answer_eso": "no", "answer_barriers": "no"},
             permission="enforcement.formal"),
        dict(name="a notice request for another LA's pupil", url=f"/enforcement/requests/new/?upn={upn}",
             data={"reason": "other", "period_start": "2025-11-03", "period_end": "2025-11-28", "summary": "Absent",
                   "parents": [parent]}, permission="enforcement.request"),
        dict(name="decide another LA's notice request", url=f"/enforcement/requests/{w['south_request'].pk}/",
             data={"action": "return", "note": "Add letters"}, permission="enforcement.view"),
        dict(name="a contract for another LA's pupil", url=f"/enforcement/contracts/new/?upn={upn}", data=contract,
             permission="enforcement.formal"),
        dict(name="sign another LA's contract", url=f"/enforcement/contracts/{w['south_contract'].pk}/",
             data={"action": "sign", "on": today}, permission="enforcement.formal"),
        dict(name="a notice to improve for another LA's pupil", url=f"/enforcement/ntis/new/?upn={upn}",
             data={"parents": [parent], "issued_on": today, "support_offered": "Mentor"},
             permission="enforcement.formal"),
        dict(name="withdraw another LA's notice to improve", url=f"/enforcement/ntis/{w['south_nti'].pk}/",
             data={"action": "withdraw", "note": "Moved away"}, permission="enforcement.formal"),
    ]  # fmt: skip
