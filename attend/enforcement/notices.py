"""Issuing a penalty notice, and what a notice's events say about it (national framework, SI 2024/210; EA 1996
s444A, s444B, s576; domain.md §3.1). A notice is never edited: service, payments, refunds, withdrawal and the
28-day decision are `NoticeEvent`s (models_notices.py); status and the amount outstanding come from them.

`issue_notice` refuses with a machine-readable reason (`NoticeRefused.reason`) and a sentence for people:
not_eligible, sessions_already_used, limit_reached_in_3_years, not_a_parent, order_in_force, not_authorised,
and notice_to_improve_first (the LA's code requires a notice to improve first and none was given).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q

from attend import audit
from attend.accounts import identity
from attend.accounts.models import Membership
from attend.alerts.models import NoticeSessionUse
from attend.casework.cases import change_stage, open_case, open_case_for
from attend.casework.chronology import record_entry
from attend.casework.models import EntryKind, Stage
from attend.core import clock
from attend.people.models import Enrolment, PupilContact

from . import eligibility, statute
from .models import CodeOfConduct, IssuerAuthorisation, NoticeEvent, PenaltyNotice

R = Membership.Role
E = NoticeEvent.Kind
NEXT_TOOLS = "prosecution under EA 1996 s444, or an education supervision order (Children Act 1989 s36)"


class NoticeRefused(ValueError):
    def __init__(self, reason: str, detail: str):
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


# ----- other areas' questions (ladder, court); imported when asked, as they import this module's neighbours ----


def _code_for(la, on: dt.date) -> CodeOfConduct:
    """The LA's code in force (attend.enforcement.codes)."""
    from .codes import code_for

    return code_for(la, on)


def la_code_configured(la) -> bool:
    """Has the LA its own code of conduct? A fresh installation has none (issue 19: LA officers may then issue,
    and no notice to improve is required first)."""
    return la is not None and CodeOfConduct.objects.filter(local_authority=la).exists()


def _order_in_force(pupil, on: dt.date):
    """Sch 3 para 13 Children Act 1989: an education supervision order in force (attend.enforcement.orders)."""
    from .orders import order_in_force

    return order_in_force(pupil, on)


def _nti_in_force_or_done(pupil, parent, on: dt.date) -> bool:
    """A notice to improve given to this parent, in force or done (attend.enforcement.ntis)."""
    from .ntis import nti_in_force_or_done

    return bool(nti_in_force_or_done(pupil, parent, on))


def _latest_check(pupil, purpose: str):
    """The latest recorded check before a formal step (attend.enforcement.checks)."""
    from .checks import latest_check

    return latest_check(pupil, purpose)


# ----- who is a parent, who may issue ---------------------------------------------------------------------------


def parent_basis(pupil, parent) -> str | None:
    """EA 1996 s576: a parent is anyone with parental responsibility or who has care of the child (lives with
    them). None for a contact who is neither, or not linked to the child at all."""
    link = PupilContact.objects.filter(pupil=pupil, contact=parent).first()
    if link is None:
        return None
    if link.parental_responsibility:
        return f"{link.relationship}: has parental responsibility (EA 1996 s576)"
    if link.lives_with_pupil:
        return f"{link.relationship}: has care of the child, who lives with them (EA 1996 s576)"
    return None


def issuer_capacity(user, school, on: dt.date) -> str | None:
    """The s444B capacity the user issues in for a pupil at `school`, or None. A head of the school; a member of
    its staff the head has authorised (IssuerAuthorisation); an officer of the school's LA the LA has authorised,
    or any of its officers while the LA has no code of conduct configured (a fresh installation)."""
    memberships = list(user.memberships.all()) if getattr(user, "pk", None) else []
    active = IssuerAuthorisation.objects.filter(user=user, authorised_on__lte=on).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=on)
    )
    if any(m.role == R.HEADTEACHER and m.school_id == school.pk for m in memberships):
        return PenaltyNotice.Capacity.HEADTEACHER
    school_staff = any(m.school_id == school.pk and m.role in (R.ATTENDANCE_LEAD,) for m in memberships)
    if school_staff and active.filter(capacity="authorised_staff", school=school).exists():
        return PenaltyNotice.Capacity.AUTHORISED_STAFF
    la = school.local_authority
    # A superuser holds every role (accounts/permissions.py), but is still bound by the LA's authorisation.
    la_staff = identity.is_superuser(user) or any(
        m.role in (R.LA_OFFICER, R.LA_MANAGER) and m.local_authority_id == la.pk for m in memberships
    )
    if la_staff:
        authorised = active.filter(capacity="la_officer", local_authority=la).exists()
        if statute.may_issue("la_officer", authorised=authorised or not la_code_configured(la)):
            return PenaltyNotice.Capacity.LA_OFFICER
    return None


def school_on(pupil, day: dt.date):
    """The school whose register the notice relies on: the enrolment on roll on `day`, else the latest begun."""
    enrolments = Enrolment.objects.filter(pupil=pupil, admission_date__lte=day).select_related(
        "school__local_authority"
    )
    on_roll = enrolments.filter(Q(leaving_date__isnull=True) | Q(leaving_date__gte=day)).order_by(
        "-admission_date"
    )
    enrolment = on_roll.first() or enrolments.order_by("-admission_date").first()
    return enrolment.school if enrolment else None


# ----- issuing --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Preview:
    """What issuing would do, before anything is written: the check shown on the issue page."""

    school: object
    basis: str
    capacity: str
    code: CodeOfConduct
    sequence: int
    amounts: statute.Amounts
    eligibility: eligibility.Eligibility


def counted_notices(pupil, parent):
    """This parent's notices for this child that count (withdrawn ones do not; paid and unpaid do)."""
    return PenaltyNotice.objects.filter(pupil=pupil, parent=parent).exclude(events__kind=E.WITHDRAWN)


def preview(*, pupil, parent, issue_date: dt.date, by, reason: str = PenaltyNotice.Reason.OTHER) -> Preview:
    """Every rule checked in order; raises NoticeRefused with the first that fails."""
    if issue_date > clock.today():
        raise NoticeRefused("not_eligible", "A notice cannot be issued on a future date.")
    school = school_on(pupil, issue_date)
    if school is None:
        raise NoticeRefused("not_eligible", "The child was not on a school's roll on the issue date.")
    basis = parent_basis(pupil, parent)
    if basis is None:
        raise NoticeRefused(
            "not_a_parent",
            "This person is not the child's parent: they have neither parental responsibility nor care of the "
            "child (EA 1996 s576).",
        )
    capacity = issuer_capacity(by, school, issue_date)
    if capacity is None:
        raise NoticeRefused(
            "not_authorised",
            "You are not authorised to issue penalty notices for this school (EA 1996 s444B): the head, staff "
            "the head authorises, and officers the LA authorises may.",
        )
    if _order_in_force(pupil, issue_date) is not None:
        raise NoticeRefused(
            "order_in_force",
            "An education supervision order is in force for this child: no penalty notice can be issued "
            "(Children Act 1989 Sch 3 para 13).",
        )
    earlier = list(counted_notices(pupil, parent).values_list("issue_date", flat=True))
    sequence = statute.sequence_for(earlier, issue_date)
    if sequence > statute.LIMIT_NOTICES:
        raise NoticeRefused(
            "limit_reached_in_3_years",
            f"This parent has had {statute.LIMIT_NOTICES} penalty notices for this child in the last 3 years, the "
            f"most allowed (SI 2024/210). Consider {NEXT_TOOLS}.",
        )
    la = school.local_authority
    code = _code_for(la, issue_date)
    nti_needed = code.nti_required and la_code_configured(la) and reason != PenaltyNotice.Reason.HOLIDAY
    if nti_needed and not _nti_in_force_or_done(pupil, parent, issue_date):
        raise NoticeRefused(
            "notice_to_improve_first",
            f"The LA's code of conduct (version {code.version}) requires a notice to improve before a penalty "
            "notice, except for a term-time holiday.",
        )
    found = eligibility.check(pupil, school, parent, issue_date)
    if not found.eligible:
        raise NoticeRefused(found.reason, found.detail)
    amounts = statute.amounts(issue_date, sequence)
    return Preview(school, basis, capacity, code, sequence, amounts, found)


def next_number(year: int) -> str:
    """PN-<year>-<6 digits>, one more than the highest that year (a clash on save is retried)."""
    prefix = f"PN-{year}-"
    last = (
        PenaltyNotice.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return f"{prefix}{(int(last[len(prefix) :]) + 1) if last else 1:06d}"


def issue_notice(
    *,
    pupil,
    parent,
    issue_date: dt.date,
    by,
    reason: str = PenaltyNotice.Reason.OTHER,
    request=None,
    notice_request=None,
) -> PenaltyNotice:
    """Issue a notice after every check (`preview`). In one transaction: the notice, the sessions relied on for
    this parent (NoticeSessionUse; the database refuses a session twice for a parent), the case opened if none,
    its stage moved to "enforce", and the chronology entry. Raises NoticeRefused."""
    if reason not in PenaltyNotice.Reason.values:
        raise NoticeRefused("not_eligible", "Choose the reason for the notice: holiday, late or other.")
    for attempt in range(5):
        p = preview(pupil=pupil, parent=parent, issue_date=issue_date, by=by, reason=reason)
        number = next_number(issue_date.year)
        try:
            with transaction.atomic():
                return _write(p, pupil, parent, issue_date, by, reason, number, request, notice_request)
        except IntegrityError:
            if PenaltyNotice.objects.filter(number=number).exists() and attempt < 4:
                continue  # another notice took the number at the same moment
            raise NoticeRefused(
                "sessions_already_used",
                "Another notice relied on these sessions for this parent at the same moment.",
            ) from None
    raise AssertionError("unreachable")


def _write(
    p: Preview, pupil, parent, issue_date, by, reason, number, request, notice_request=None
) -> PenaltyNotice:
    found = p.eligibility
    case = open_case_for(pupil)
    if case is None:
        case, _ = open_case(
            by=by,
            pupil=pupil,
            school=p.school,
            stage=Stage.ENFORCE,
            reason="Penalty notice issued",
            request=request,
        )
    notice = PenaltyNotice.objects.create(
        request=notice_request,
        number=number,
        pupil=pupil,
        school=p.school,
        case=case,
        parent=parent,
        parent_basis=p.basis,
        reason=reason,
        issue_date=issue_date,
        period_start=found.period_start,
        period_end=found.period_end,
        sessions=len(found.sessions),
        sequence=p.sequence,
        amount_reduced=p.amounts.reduced,
        amount_full=p.amounts.full,
        issued_by=by,
        issuer_capacity=p.capacity,
        formal_check=_latest_check(pupil, "penalty_notice"),
        code=p.code,
    )
    NoticeSessionUse.objects.bulk_create(
        [
            NoticeSessionUse(
                enrolment_id=enrolment_id,
                date=day,
                session=session,
                kind=NoticeSessionUse.Kind.PENALTY_NOTICE,
                notice_ref=number,
                contact=parent,
            )
            for enrolment_id, day, session, _ in found.sessions
        ]
    )
    if case.stage != Stage.ENFORCE:
        change_stage(case, Stage.ENFORCE, f"Penalty notice {number} issued", by, request=request)
    amounts = f"£{p.amounts.full}" if p.amounts.reduced is None else f"£{p.amounts.reduced}/£{p.amounts.full}"
    record_entry(
        case,
        kind=EntryKind.ENFORCEMENT,
        summary=f"Penalty notice {number} issued to {parent} ({p.basis}) for {len(found.sessions)} unauthorised "
        f"sessions from {found.period_start:%d/%m/%Y} to {found.period_end:%d/%m/%Y}: {amounts} "
        f"(notice {p.sequence} in 3 years; code of conduct v{p.code.version}).",
        by=by,
        request=request,
    )
    audit.record(
        "enforcement.notice.issued",
        by=by,
        obj=notice,
        pupil=pupil,
        school=p.school,
        data={"notice": number, "case": case.ref, "sessions": len(found.sessions), "sequence": p.sequence},
        request=request,
    )
    return notice


# ----- status and money -----------------------------------------------------------------------------------------


def _events(notice) -> list[NoticeEvent]:
    cached = getattr(notice, "_prefetched_objects_cache", {}).get("events")
    return list(cached) if cached is not None else list(notice.events.order_by("on", "pk"))


def received_on(notice) -> dt.date | None:
    served = [e for e in _events(notice) if e.kind == E.SERVED]
    return served[0].received_on if served else None


def discharged_on(notice) -> dt.date | None:
    """The day the notice was paid in full: payments (less refunds) within the windows reaching the amount due on
    that day (£80 to day 21, £160 to day 28; a payment after day 28 discharges nothing). SI 2024/210."""
    received = received_on(notice)
    total = Decimal("0")
    for event in sorted(_events(notice), key=lambda e: (e.on, e.pk)):
        if event.kind == E.REFUND:
            total -= event.amount or 0
        elif event.kind == E.PAYMENT:
            total += event.amount or 0
            due = statute.amount_due(notice.issue_date, notice.sequence, received or event.on, event.on)
            if due is not None and total >= due:
                return event.on
    return None


def paid_total(notice) -> Decimal:
    total = Decimal("0")
    for event in _events(notice):
        if event.kind == E.PAYMENT:
            total += event.amount
        elif event.kind == E.REFUND:
            total -= event.amount
    return total


def notice_status(notice, on: dt.date | None = None) -> str:
    """issued, served, part-paid, paid, unpaid (28 days passed), withdrawn or prosecuted, from the events."""
    on = on or clock.today()
    kinds = {e.kind for e in _events(notice) if e.on <= on}
    if E.WITHDRAWN in kinds:
        return "withdrawn"
    if E.PROSECUTE in kinds:
        return "prosecuted"
    paid = discharged_on(notice)
    if paid is not None and paid <= on:
        return "paid"
    received = received_on(notice)
    if received is not None and on > statute.payment_deadlines(received)[1]:
        return "unpaid"
    if paid_total(notice) > 0:
        return "part-paid"
    return "served" if received is not None else "issued"


def outstanding(notice, on: dt.date | None = None) -> Decimal:
    """What is still owed on `on`: nothing once paid or withdrawn; otherwise the amount due on that day (the full
    amount after day 21, and after day 28 too: unpaid, for the prosecution or withdrawal decision) less payments."""
    on = on or clock.today()
    status = notice_status(notice, on)
    if status in ("paid", "withdrawn"):
        return Decimal("0.00")
    received = received_on(notice) or on
    due = statute.amount_due(notice.issue_date, notice.sequence, received, on) or notice.amount_full
    return max(Decimal("0.00"), due - paid_total(notice))


def due_dates(notice) -> dict:
    """The amounts with their last days (from receipt; unknown until served)."""
    received = received_on(notice)
    reduced_by, full_by = statute.payment_deadlines(received) if received else (None, None)
    return {
        "reduced": {"amount": notice.amount_reduced, "pay_by": reduced_by if notice.amount_reduced else None},
        "full": {"amount": notice.amount_full, "pay_by": full_by},
    }


def relied_on(*, pupil, parent, sessions, kind: str, ref: str, prosecution=None) -> int:
    """Record that a step (a prosecution) relies on these sessions for this parent, so they are never relied on
    again for that parent (domain.md §3.1); each other liable parent keeps their own. `sessions` are
    (enrolment_id, date, session). ValueError, with nothing written, when any is already relied on for them."""
    from django.db import IntegrityError, transaction

    rows = [
        NoticeSessionUse(
            enrolment_id=enrolment_id, date=day, session=session, kind=kind, notice_ref=ref, contact=parent,
            prosecution=prosecution,
        )
        for enrolment_id, day, session in sessions
    ]  # fmt: skip
    try:
        with transaction.atomic():
            NoticeSessionUse.objects.bulk_create(rows)
    except IntegrityError:
        raise ValueError(
            f"Some of these sessions are already relied on for {parent.forename} {parent.surname} by a notice or "
            "prosecution: they cannot be relied on again"
        ) from None
    return len(rows)
