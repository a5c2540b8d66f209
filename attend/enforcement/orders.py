"""Education supervision orders (Children Act 1989 s36 and Sch 3 Part III; EA 1996 s447; domain.md §3.2).

An order goes: considered (s447: before any prosecution) -> children's social care consulted (s36(8)) -> applied
for -> made (one year, Sch 3 para 15(1)) or refused -> extended (para 15(2)-(5)) -> ended (para 15(6): the end of
compulsory school age or a care order; or discharged, para 17). Hearings, reviews, directions and breaches are
`SupervisionOrderEvent` rows. While an order is in force no penalty notice or prosecution for the child can be
started (Sch 3 para 13): `order_in_force(pupil, on)` answers that for every other area.

Every step is on the case chronology and moves the case to the "enforce" stage. Scope is the caller's job.
"""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Q

from attend import audit
from attend.casework.cases import change_stage, open_case
from attend.casework.chronology import record_entry
from attend.casework.models import Case, EntryKind, Stage
from attend.core import clock
from attend.letters.age import compulsory_school_age_ends
from attend.people.models import Enrolment

from .models import SupervisionOrder, SupervisionOrderEvent

S = SupervisionOrder.Status
E = SupervisionOrderEvent.Kind
EXTENSION_WINDOW = relativedelta(months=3)  # Sch 3 para 15(3): not earlier than 3 months before expiry
EXTENSION_MAX = relativedelta(years=3)  # Sch 3 para 15(5): no one extension for more than 3 years [U, docs]


class OrderRefused(ValueError):
    """The step cannot be taken; the message says why, for the person who tried."""


def _d(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def case_for(pupil, *, by, school=None, request=None) -> Case:
    """The pupil's open case, or a new one at the enforce stage (a formal step for a pupil without a case opens
    one: issue 19), held at the school the pupil is on roll at (so the LA of that school sees it)."""
    if school is None:
        enrolment = (
            Enrolment.objects.filter(pupil=pupil, admission_date__lte=clock.today())
            .filter(Q(leaving_date__isnull=True) | Q(leaving_date__gte=clock.today()))
            .select_related("school")
            .order_by("-admission_date")
            .first()
        ) or Enrolment.objects.filter(pupil=pupil).select_related("school").order_by(
            "-admission_date"
        ).first()
        school = enrolment.school if enrolment else None
    case, _ = open_case(
        by=by, pupil=pupil, school=school, stage=Stage.ENFORCE, reason="Legal intervention", request=request
    )
    return case


def record_step(case: Case, summary: str, by, *, on: dt.date | None = None, request=None, **fields) -> None:
    """A formal step on the chronology, and the case moved to "enforce" (WTISA 2024: legal intervention)."""
    at = None
    if on is not None and on < clock.today():
        at = clock.now().replace(year=on.year, month=on.month, day=on.day)
    record_entry(
        case, kind=EntryKind.ENFORCEMENT, summary=summary, by=by, occurred_at=at, request=request, **fields
    )
    if case.stage != Stage.ENFORCE:
        change_stage(case, Stage.ENFORCE, summary, by, request=request)


def _audit(action: str, order: SupervisionOrder, by, request=None, **data) -> None:
    audit.record(
        f"enforcement.supervision_order.{action}",
        by=by,
        obj=order,
        pupil=order.pupil,
        data={"case": order.case.ref, "status": order.status, **data},
        request=request,
    )


def order_in_force(pupil, on: dt.date) -> SupervisionOrder | None:
    """The order in force for `pupil` on `on`, if any (Sch 3 para 13: no notice or prosecution meanwhile). In force
    from the day it is made to its expiry (the last day: para 15(1) "one year beginning with the date on which it
    is made"), unless it ended earlier (the day it ended is not in force) or the child is past compulsory school
    age (para 15(6)(a))."""
    if on > compulsory_school_age_ends(pupil.date_of_birth):
        return None
    return (
        SupervisionOrder.objects.filter(pupil=pupil, made_on__lte=on, expires_on__gte=on)
        .exclude(status__in=(S.CONSIDERED, S.NOT_PURSUED, S.APPLIED, S.REFUSED))
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))
        .order_by("-made_on")
        .first()
    )


def consider(
    pupil, *, on: dt.date, consideration: str, pursue: bool, by, case: Case | None = None, request=None
) -> SupervisionOrder:
    """Record that an order was considered (EA 1996 s447: before prosecuting under s444). A looked-after child
    cannot be the subject of an order (CA 1989 s36(6)), so for one the consideration is recorded as not pursued."""
    if not (consideration or "").strip():
        raise OrderRefused("Enter why an order would or would not help (EA 1996 s447)")
    if on > clock.today():
        raise OrderRefused("The consideration cannot be dated in the future")
    if pursue and pupil.looked_after:
        raise OrderRefused(
            "An education supervision order cannot be made for a looked-after child (Children Act 1989 s36(6)). "
            "Record the consideration as not pursued."
        )
    with transaction.atomic():
        case = case or case_for(pupil, by=by, request=request)
        order = SupervisionOrder.objects.create(
            case=case,
            pupil=pupil,
            status=S.CONSIDERED if pursue else S.NOT_PURSUED,
            considered_on=on,
            consideration=consideration.strip(),
            created_by=by,
        )
        outcome = "to be applied for" if pursue else "not to be applied for"
        record_step(
            case,
            f"Education supervision order considered on {_d(on)} (EA 1996 s447): {outcome}. "
            f"{consideration.strip()}",
            by,
            on=on,
            request=request,
        )
        _audit("considered", order, by, request, pursue=pursue)
    return order


def record_consultation(order: SupervisionOrder, *, on: dt.date, response: str, by, request=None):
    """Children's social care consulted (CA 1989 s36(8): before applying)."""
    if order.status != S.CONSIDERED:
        raise OrderRefused("Only an order being considered for an application needs the consultation")
    if on > clock.today() or on < order.considered_on:
        raise OrderRefused("The consultation date must be between the consideration and today")
    with transaction.atomic():
        order.social_care_consulted_on = on
        order.social_care_response = (response or "").strip()
        order.save(update_fields=["social_care_consulted_on", "social_care_response"])
        record_step(
            order.case,
            f"Children's social care consulted on {_d(on)} before applying for an education supervision order "
            "(Children Act 1989 s36(8))",
            by,
            on=on,
            request=request,
        )
        _audit("consulted", order, by, request)
    return order


def apply(order: SupervisionOrder, *, on: dt.date, by, request=None) -> SupervisionOrder:
    """Apply to the family court. Refused for a looked-after child (s36(6)) and without the social care
    consultation on or before the application date (s36(8))."""
    if order.status != S.CONSIDERED:
        raise OrderRefused(f"This order is {order.get_status_display().lower()}: it cannot be applied for")
    if order.pupil.looked_after:
        raise OrderRefused(
            "The child is looked after: an education supervision order cannot be made (Children Act 1989 s36(6))"
        )
    if order.social_care_consulted_on is None:
        raise OrderRefused(
            "Record when children's social care was consulted: the LA must consult them before applying "
            "(Children Act 1989 s36(8))"
        )
    if order.social_care_consulted_on > on:
        raise OrderRefused(
            "Children's social care must be consulted before the application, not after (s36(8))"
        )
    if on > clock.today():
        raise OrderRefused("The application date cannot be in the future")
    with transaction.atomic():
        order.status, order.applied_on = S.APPLIED, on
        order.save(update_fields=["status", "applied_on"])
        record_step(
            order.case, f"Education supervision order applied for on {_d(on)}", by, on=on, request=request
        )
        _audit("applied", order, by, request)
    return order


def _event(order, kind, on, note, by, new_expiry=None) -> SupervisionOrderEvent:
    return SupervisionOrderEvent.objects.create(
        order=order, kind=kind, on=on, note=(note or "").strip(), new_expiry=new_expiry, by=by
    )


def record_hearing(order: SupervisionOrder, *, on: dt.date, note: str, by, request=None):
    if order.status not in (S.APPLIED, S.IN_FORCE):
        raise OrderRefused("A hearing is recorded for an order applied for or in force")
    with transaction.atomic():
        event = _event(order, E.HEARING, on, note, by)
        record_step(order.case, f"Education supervision order hearing on {_d(on)}. {note}".strip(), by, on=on)
        _audit("hearing_recorded", order, by, request, on=on.isoformat())
    return event


def expiry_for(order: SupervisionOrder, made_on: dt.date) -> dt.date:
    """The last day of the first year (Sch 3 para 15(1): one year beginning with the day it is made), or the end of
    compulsory school age if sooner (para 15(6)(a))."""
    return min(
        made_on + relativedelta(years=1) - dt.timedelta(days=1),
        compulsory_school_age_ends(order.pupil.date_of_birth),
    )


def order_made(
    order: SupervisionOrder, *, on: dt.date, supervisor: str, directions: str = "", by, request=None
) -> SupervisionOrder:
    if order.status != S.APPLIED:
        raise OrderRefused("An order is made on an application: record the application first")
    if on < order.applied_on or on > clock.today():
        raise OrderRefused("The order date must be between the application and today")
    if not (supervisor or "").strip():
        raise OrderRefused("Name the supervisor (an officer of the LA, Children Act 1989 s36(7))")
    if on > compulsory_school_age_ends(order.pupil.date_of_birth):
        raise OrderRefused(
            "The child is past compulsory school age: no order can be made (Children Act 1989 s36(3))"
        )
    with transaction.atomic():
        order.status, order.made_on = S.IN_FORCE, on
        order.expires_on = expiry_for(order, on)
        order.supervisor, order.directions = supervisor.strip(), (directions or "").strip()
        order.save(update_fields=["status", "made_on", "expires_on", "supervisor", "directions"])
        record_step(
            order.case,
            f"Education supervision order made on {_d(on)}, supervisor {order.supervisor}, in force until "
            f"{_d(order.expires_on)}. No penalty notice or prosecution while it is in force (Sch 3 para 13).",
            by,
            on=on,
            request=request,
        )
        _audit("made", order, by, request, expires_on=order.expires_on.isoformat())
    return order


def court_refused(order: SupervisionOrder, *, on: dt.date, note: str, by, request=None) -> SupervisionOrder:
    if order.status != S.APPLIED:
        raise OrderRefused("Only an application can be refused")
    with transaction.atomic():
        order.status, order.ended_on, order.end_reason = S.REFUSED, on, (note or "Refused by the court")[:200]
        order.save(update_fields=["status", "ended_on", "end_reason"])
        record_step(order.case, f"The court refused the education supervision order on {_d(on)}", by, on=on)
        _audit("refused", order, by, request)
    return order


def _require_in_force(order: SupervisionOrder, on: dt.date, doing: str) -> None:
    if order.status != S.IN_FORCE or order_in_force(order.pupil, on) != order:
        raise OrderRefused(f"The order is not in force on {_d(on)}: you cannot {doing}")


def extension_window(order: SupervisionOrder) -> tuple[dt.date, dt.date]:
    """The first and last day an extension may be applied for (Sch 3 para 15(3): not earlier than three months
    before the date on which the order would otherwise expire)."""
    return order.expires_on - EXTENSION_WINDOW, order.expires_on


def apply_for_extension(order: SupervisionOrder, *, on: dt.date, note: str = "", by, request=None):
    _require_in_force(order, on, "apply to extend it")
    first, last = extension_window(order)
    if on < first:
        raise OrderRefused(
            f"An extension may be applied for no earlier than 3 months before the order expires: from "
            f"{_d(first)} (Children Act 1989 Sch 3 para 15(3))"
        )
    with transaction.atomic():
        event = _event(order, E.EXTENSION_APPLIED, on, note, by)
        record_step(
            order.case, f"Extension of the education supervision order applied for on {_d(on)}", by, on=on
        )
        _audit("extension_applied", order, by, request, on=on.isoformat())
    return event


def extend(
    order: SupervisionOrder, *, on: dt.date, new_expiry: dt.date, by, request=None
) -> SupervisionOrder:
    """The court extends the order: each extension up to 3 years (Sch 3 para 15(4)-(5)), on an application made
    within the last 3 months (para 15(3)). Never past compulsory school age (para 15(6)(a))."""
    applied = order.events.filter(kind=E.EXTENSION_APPLIED, on__gte=order.expires_on - EXTENSION_WINDOW)
    if not applied.exists():
        raise OrderRefused("Record the application to extend (made within the last 3 months) first")
    if on > order.expires_on:
        raise OrderRefused(f"The order expired on {_d(order.expires_on)}: it can no longer be extended")
    if new_expiry <= order.expires_on:
        raise OrderRefused("The new expiry must be after the current one")
    if new_expiry > order.expires_on + EXTENSION_MAX:
        raise OrderRefused(
            f"No one extension may be for more than 3 years: at most until {_d(order.expires_on + EXTENSION_MAX)} "
            "(Children Act 1989 Sch 3 para 15(5))"
        )
    leaves = compulsory_school_age_ends(order.pupil.date_of_birth)
    if new_expiry > leaves:
        raise OrderRefused(
            f"The order ends when the child leaves compulsory school age ({_d(leaves)}; para 15(6))"
        )
    with transaction.atomic():
        _event(order, E.EXTENDED, on, f"Extended from {_d(order.expires_on)}", by, new_expiry=new_expiry)
        order.expires_on = new_expiry
        order.save(update_fields=["expires_on"])
        record_step(order.case, f"Education supervision order extended to {_d(new_expiry)}", by, on=on)
        _audit("extended", order, by, request, expires_on=new_expiry.isoformat())
    return order


def record_review(order: SupervisionOrder, *, on: dt.date, note: str, by, request=None):
    _require_in_force(order, on, "review it")
    if not (note or "").strip():
        raise OrderRefused("Enter what the review found")
    with transaction.atomic():
        event = _event(order, E.REVIEW, on, note, by)
        record_step(
            order.case, f"Education supervision order reviewed on {_d(on)}: {note.strip()}", by, on=on
        )
        _audit("reviewed", order, by, request)
    return event


def give_direction(order: SupervisionOrder, *, on: dt.date, note: str, by, request=None):
    """A direction by the supervisor to the child or parents (Sch 3 para 12)."""
    _require_in_force(order, on, "give a direction under it")
    if not (note or "").strip():
        raise OrderRefused("Enter the direction")
    with transaction.atomic():
        event = _event(order, E.DIRECTION, on, note, by)
        record_step(order.case, f"Direction under the education supervision order: {note.strip()}", by, on=on)
        _audit("direction_given", order, by, request)
    return event


PARENT_BREACH_NEXT = (
    "Consider prosecuting the parent for persistent failure to comply (Children Act 1989 Sch 3 para 18)"
)


def record_parent_breach(order: SupervisionOrder, *, on: dt.date, note: str, by, request=None):
    """A parent's persistent failure to comply with a direction is an offence (Sch 3 para 18: level 3 fine): the
    breach is recorded and prosecution suggested as the next step."""
    _require_in_force(order, on, "record a breach of it")
    if not (note or "").strip():
        raise OrderRefused("Enter the directions not complied with, and when")
    with transaction.atomic():
        event = _event(order, E.PARENT_BREACH, on, note, by)
        record_step(
            order.case,
            f"Persistent failure by a parent to comply with the education supervision order: {note.strip()}",
            by,
            on=on,
            next_step=PARENT_BREACH_NEXT,
        )
        _audit("parent_breach_recorded", order, by, request)
    return event


def record_child_breach(
    order: SupervisionOrder, *, on: dt.date, note: str, social_care_told_on: dt.date | None, by, request=None
):
    """The child persistently fails to comply: the LA must notify children's social care (Sch 3 para 19)."""
    _require_in_force(order, on, "record a breach of it")
    if social_care_told_on is None:
        raise OrderRefused(
            "Record when children's social care was told: a child's persistent breach must be notified to them "
            "(Children Act 1989 Sch 3 para 19)"
        )
    if social_care_told_on < on or social_care_told_on > clock.today():
        raise OrderRefused("Social care is told on or after the breach, and not in the future")
    with transaction.atomic():
        told = f"Children's social care told on {_d(social_care_told_on)} (Sch 3 para 19)."
        event = _event(order, E.CHILD_BREACH, on, f"{note.strip()} {told}".strip(), by)
        record_step(
            order.case, f"Persistent failure by the child to comply with the order. {told}", by, on=on
        )
        _audit(
            "child_breach_recorded", order, by, request, social_care_told_on=social_care_told_on.isoformat()
        )
    return event


END_REASONS = {
    "compulsory_school_age": "The child ceased to be of compulsory school age (Sch 3 para 15(6)(a))",
    "care_order": "A care order was made (Sch 3 para 15(6)(b))",
    "discharged": "Discharged by the court (Sch 3 para 17)",
    "expired": "Expired",
}


def end_order(order: SupervisionOrder, *, on: dt.date, reason: str, by, request=None) -> SupervisionOrder:
    if order.status != S.IN_FORCE:
        raise OrderRefused("Only an order in force can end")
    if reason not in END_REASONS:
        raise OrderRefused("Choose why the order ended")
    if on < order.made_on or on > clock.today():
        raise OrderRefused("The end date must be between the order and today")
    with transaction.atomic():
        order.status, order.ended_on, order.end_reason = S.ENDED, on, END_REASONS[reason]
        order.save(update_fields=["status", "ended_on", "end_reason"])
        record_step(
            order.case, f"Education supervision order ended on {_d(on)}: {order.end_reason}", by, on=on
        )
        _audit("ended", order, by, request, reason=reason)
    return order
