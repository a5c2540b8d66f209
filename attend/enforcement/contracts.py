"""Attendance contracts (domain.md §3.2: a voluntary written agreement between the parent, the school and/or the
LA, and the pupil, with the Anti-social Behaviour Act 2003 s19 as its basis; WTISA): the support offered, the
parent's and pupil's commitments, a start and a review in 4 to 6 weeks, signed or declined (a refusal is recorded:
it can be evidence later), reviews with the attendance since the start in days and hours, and an outcome. A
contract is a step of "formalise support" on the case."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from attend import audit
from attend.casework.models import Stage
from attend.letters.figures import DEFAULT_DAY_HOURS, days_words, time_missed
from attend.people.models import Contact, Pupil

from .checks import latest_check
from .codes import code_for
from .models import AttendanceContract, ContractReview, FormalCheck
from .steps_ladder import (
    StepRefused,
    case_for_step,
    la_of,
    measures_by_pupil,
    parents_named,
    record_step,
    school_on,
)

S = AttendanceContract.Status
# Typical review 4 to 6 weeks (domain.md §3.2: Oxfordshire, Enfield, Stockport attendance-contract guidance).
REVIEW_MIN_DAYS, REVIEW_MAX_DAYS = 28, 42


def check_review_date(start: dt.date, review_on: dt.date | None, what: str = "the start") -> None:
    if review_on is None:
        raise StepRefused("Enter the review date")
    days = (review_on - start).days
    if not REVIEW_MIN_DAYS <= days <= REVIEW_MAX_DAYS:
        earliest = start + dt.timedelta(days=REVIEW_MIN_DAYS)
        latest = start + dt.timedelta(days=REVIEW_MAX_DAYS)
        raise StepRefused(
            f"The review must be 4 to 6 weeks after {what}: between {earliest:%d/%m/%Y} and {latest:%d/%m/%Y}"
        )


def create_contract(
    pupil: Pupil,
    *,
    parents: list[Contact],
    by,
    starts_on: dt.date,
    review_on: dt.date,
    support_offered: str,
    parent_commitments: str,
    pupil_commitments: str = "",
    pupil_party: bool = True,
    la_party: bool = True,
    request=None,
) -> AttendanceContract:
    """Draft a contract with the named parents (each a parent in the s576 sense). Refused (StepRefused) without
    a check for a contract, support, the parent's commitments, or a review 4 to 6 weeks after the start."""
    parents = parents_named(pupil, parents)
    if not (support_offered or "").strip():
        raise StepRefused("Say what support is offered: a contract is support and commitments on both sides")
    if not (parent_commitments or "").strip():
        raise StepRefused("Enter what the parents agree to do")
    check_review_date(starts_on, review_on)
    check = latest_check(pupil, FormalCheck.Purpose.CONTRACT)
    if check is None:
        raise StepRefused("Record the check before a formal step (for an attendance contract) first")
    code = code_for(la_of(pupil, starts_on), starts_on)
    with transaction.atomic():
        case = case_for_step(pupil, by=by, on=starts_on, reason="Attendance contract", request=request)
        contract = AttendanceContract.objects.create(
            case=case,
            pupil=pupil,
            school=school_on(pupil, starts_on),
            la_party=la_party,
            pupil_party=pupil_party,
            support_offered=support_offered.strip(),
            parent_commitments=parent_commitments.strip(),
            pupil_commitments=(pupil_commitments or "").strip(),
            starts_on=starts_on,
            review_on=review_on,
            formal_check=check,
            code=code,
            created_by=by,
        )
        contract.parents.set(parents)
        record_step(
            case,
            stage=Stage.FORMALISE,
            summary=f"Attendance contract offered to {_names(parents)}: from {starts_on:%d/%m/%Y}, "
            f"review {review_on:%d/%m/%Y}",
            by=by,
            request=request,
            next_step="Attendance contract review",
            next_step_due=review_on,
        )
        audit.record(
            "enforcement.contract.created",
            by=by,
            obj=contract,
            pupil=pupil,
            data={"case": case.ref, "starts_on": starts_on.isoformat(), "review_on": review_on.isoformat()},
            request=request,
        )
    return contract


def _names(parents) -> str:
    return ", ".join(f"{p.forename} {p.surname}" for p in parents)


def _require(contract: AttendanceContract, *statuses: str, doing: str) -> None:
    if contract.status not in statuses:
        raise StepRefused(f"This contract is {contract.get_status_display().lower()}: it cannot be {doing}")


def sign(contract: AttendanceContract, *, by, on: dt.date, request=None) -> AttendanceContract:
    _require(contract, S.DRAFT, doing="signed")
    with transaction.atomic():
        contract.status, contract.signed_on = S.SIGNED, on
        contract.save(update_fields=["status", "signed_on"])
        record_step(
            contract.case, stage=Stage.FORMALISE, by=by, request=request,
            summary=f"Attendance contract signed on {on:%d/%m/%Y} by {_names(contract.parents.all())}",
        )  # fmt: skip
        audit.record("enforcement.contract.signed", by=by, obj=contract, pupil=contract.pupil,
                     data={"case": contract.case.ref}, request=request)  # fmt: skip
    return contract


def decline(
    contract: AttendanceContract, *, by, on: dt.date, reason: str, request=None
) -> AttendanceContract:
    """The parent will not sign: recorded with their reason in their words (it can be evidence later)."""
    _require(contract, S.DRAFT, doing="declined")
    if not (reason or "").strip():
        raise StepRefused("Record what the parent said when declining (their reason, in their words)")
    with transaction.atomic():
        contract.status, contract.declined_on, contract.declined_reason = S.DECLINED, on, reason.strip()
        contract.save(update_fields=["status", "declined_on", "declined_reason"])
        record_step(
            contract.case, stage=Stage.FORMALISE, by=by, request=request,
            summary=f"Attendance contract declined on {on:%d/%m/%Y} by {_names(contract.parents.all())}",
            parent_words=reason.strip(),
        )  # fmt: skip
        audit.record("enforcement.contract.declined", by=by, obj=contract, pupil=contract.pupil,
                     data={"case": contract.case.ref}, request=request)  # fmt: skip
    return contract


def attendance_since_start(contract: AttendanceContract, on: dt.date) -> str:
    """Attendance from the start to `on` in days and hours (DfE measures from attend.stats, worded by
    attend.letters.figures): "Since 3 November 2025: attended 11.5 of 13 days (88.5%); missed 1.5 days, about
    10 hours of learning (3 unauthorised sessions)"."""
    m = measures_by_pupil([contract.pupil_id], contract.starts_on, on)[contract.pupil_id]
    hours = contract.school.school_day_hours if contract.school_id else DEFAULT_DAY_HOURS
    possible, attended = m["possible_sessions"], m["overall_attendance"]
    missed = time_missed(m["overall_absence"], day_hours=hours)
    since = f"Since {contract.starts_on.day} {contract.starts_on:%B %Y}"
    if not possible:
        return f"{since}: no school sessions recorded yet"
    perc = f"{100 * attended / possible:.1f}%"
    return (
        f"{since}: attended {_days(attended)} of {days_words(Decimal(possible) / 2)} ({perc}); missed {missed.days_text}, {missed.hours_text} of "
        f"learning ({m['unauthorised_absence']} unauthorised session{'' if m['unauthorised_absence'] == 1 else 's'})"
    )


def _days(sessions: int) -> str:
    text = f"{Decimal(sessions) / 2:.1f}"
    return text[:-2] if text.endswith(".0") else text


def add_review(
    contract: AttendanceContract,
    *,
    by,
    held_on: dt.date,
    kept: bool,
    next_review_on: dt.date | None,
    request=None,
) -> ContractReview:
    """A review of a signed contract: the attendance since the start, worked out (never typed), whether the
    commitments are kept, and the next review 4 to 6 weeks on (none when the contract is ending)."""
    _require(contract, S.SIGNED, doing="reviewed")
    if held_on < contract.starts_on:
        raise StepRefused("A review cannot be before the contract starts")
    if next_review_on is not None:
        check_review_date(held_on, next_review_on, what="this review")
    note = attendance_since_start(contract, held_on)
    with transaction.atomic():
        review = ContractReview.objects.create(
            contract=contract,
            held_on=held_on,
            attendance_note=note,
            kept=kept,
            next_review_on=next_review_on,
            by=by,
        )
        if next_review_on is not None:
            contract.review_on = next_review_on
            contract.save(update_fields=["review_on"])
        record_step(
            contract.case, stage=Stage.FORMALISE, by=by, request=request,
            summary=f"Attendance contract reviewed: commitments {'kept' if kept else 'not kept'}. {note}",
            next_step="Attendance contract review" if next_review_on else "",
            next_step_due=next_review_on,
        )  # fmt: skip
        audit.record("enforcement.contract.reviewed", by=by, obj=contract, pupil=contract.pupil,
                     data={"case": contract.case.ref, "kept": kept}, request=request)  # fmt: skip
    return review


def end_contract(
    contract: AttendanceContract, *, by, on: dt.date, outcome: str, note: str = "", request=None
) -> AttendanceContract:
    _require(contract, S.SIGNED, doing="ended")
    if outcome not in AttendanceContract.Outcome.values:
        raise StepRefused("Choose the outcome: kept, not kept or ended early")
    with transaction.atomic():
        contract.status, contract.outcome, contract.ended_on = S.ENDED, outcome, on
        contract.save(update_fields=["status", "outcome", "ended_on"])
        summary = f"Attendance contract ended: {AttendanceContract.Outcome(outcome).label.lower()}"
        record_step(contract.case, stage=Stage.FORMALISE, by=by, request=request,
                    summary=summary + (f". {note.strip()}" if (note or "").strip() else ""))  # fmt: skip
        audit.record("enforcement.contract.ended", by=by, obj=contract, pupil=contract.pupil,
                     data={"case": contract.case.ref, "outcome": outcome}, request=request)  # fmt: skip
    return contract
