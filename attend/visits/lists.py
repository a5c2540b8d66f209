"""Visit lists and rounds (issue 18; docs/visits.md).

- *Planned* visits: Visit rows with status "listed", planned from a case or a TSM agreed action, at an address
  chosen from the pupil's contacts. A confidential address (people.ContactSafety.address_confidential) is shown
  to nobody and cannot be visited from the list.
- *Reactive* visits: today's unexplained absences (the first_day alert) of vulnerable pupils in the officer's
  scope: looked after, child in need, on a child protection plan, with a social worker, or missing 10 school days
  or more in a row. One click adds one to today's round.
- *Rounds*: an officer's day of visits, grouped by postcode district and ordered by district, postcode and
  address; the officer can move a visit up or down.

Scope: a user plans visits only for pupils whose current record they may act on (school staff: their school's
current pupils; LA staff: their LA's), `writable_pupil`. Everything else is a 404 and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from itertools import groupby

from django.db import transaction
from django.db.models import Q
from django.http import Http404

from attend import audit
from attend.accounts.models import Membership, PupilLink
from attend.alerts.models import Alert
from attend.alerts.rules.base import ABSENCE_NOT_LATE
from attend.core.scoping import contact_links_visible, current_pupil_ids, get_pupil_for_user, staff_school_ids
from attend.people.models import Contact, Pupil, PupilContact
from attend.registers.models import Mark

from .models_rounds import Round, Visit
from .risks import blocking_markers, last_visit_at, markers_for_visit, normalise_postcode, postcode_district

CONFIDENTIAL_NOTE = "A confidential address is shown to nobody and cannot be visited from the list."
MISSING_DAYS = 10  # school days in a row (20 sessions) that make an absent pupil vulnerable
OPEN_ALERT = [Alert.Status.NEW, Alert.Status.ACKNOWLEDGED, Alert.Status.LINKED]


class ListError(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


# --- Scope ----------------------------------------------------------------------------------------------------


def writable_pupil(user, upn: str, *, today: dt.date) -> Pupil:
    """The pupil if the user may plan visits for them (their current record is in the user's scope); 404."""
    pupil = get_pupil_for_user(user, upn)
    if pupil.pk not in current_pupil_ids(user, [pupil.pk], today=today):
        raise Http404("No pupil with that UPN whose visits you may plan.")
    return pupil


def visits_in_scope(user, *, today: dt.date):
    """Visits about pupils the user may act on (visits with no pupil: only the officer's own rounds')."""
    pupil_ids = list(Visit.objects.exclude(pupil=None).values_list("pupil_id", flat=True).distinct())
    allowed = current_pupil_ids(user, pupil_ids, today=today)
    return Visit.objects.filter(Q(pupil_id__in=allowed) | Q(pupil=None, round__officer=user))


def get_visit_for_user(user, pk: int, *, today: dt.date) -> Visit:
    visit = (
        visits_in_scope(user, today=today)
        .select_related("pupil", "contact", "case", "round")
        .filter(pk=pk)
        .first()
    )
    if visit is None:
        raise Http404("No such visit in your scope.")
    return visit


def team_of(user) -> dict:
    """The round's team: the officer's school, else their LA (the office that watches the round)."""
    for m in user.memberships.all():
        if m.role != Membership.Role.SYSTEM_ADMIN and m.school_id:
            return {"school_id": m.school_id, "local_authority_id": None}
    for m in user.memberships.all():
        if m.local_authority_id:
            return {"school_id": None, "local_authority_id": m.local_authority_id}
    return {"school_id": None, "local_authority_id": None}


def round_visible(user, rnd: Round) -> bool:
    """The officer's own round, or one of their office's (same school or same LA)."""
    if user.is_superuser or rnd.officer_id == user.pk:
        return True
    for m in user.memberships.all():
        if m.role in (Membership.Role.SYSTEM_ADMIN,):
            continue
        if rnd.school_id and m.school_id == rnd.school_id:
            return True
        if m.local_authority_id and m.local_authority_id in (rnd.local_authority_id, _school_la(rnd)):
            return True
    return False


def _school_la(rnd: Round) -> int | None:
    return rnd.school.local_authority_id if rnd.school_id else None


def get_round_for_user(user, pk: int, *, own: bool = False) -> Round:
    rnd = Round.objects.select_related("officer", "school").filter(pk=pk).first()
    if (
        rnd is None
        or not round_visible(user, rnd)
        or (own and rnd.officer_id != user.pk and not user.is_superuser)
    ):
        raise Http404("No such round in your scope.")
    return rnd


# --- Addresses --------------------------------------------------------------------------------------------------


@dataclass
class AddressChoice:
    contact: Contact
    relationship: str
    confidential: bool

    @property
    def lines(self) -> list[str]:
        c = self.contact
        return [p for p in (c.address_line1, c.address_line2, c.town, normalise_postcode(c.postcode)) if p]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def address_choices(user, pupil: Pupil) -> list[AddressChoice]:
    """The pupil's contacts with an address, in priority order; confidential ones flagged (never shown)."""
    links = (
        PupilContact.objects.filter(pupil=pupil)
        .filter(contact_links_visible(user))
        .select_related("contact", "contact__safety")
        .order_by("-lives_with_pupil", "priority", "pk")
    )
    choices = []
    for link in links:
        c = link.contact
        if not (c.address_line1 and c.postcode):
            continue
        safety = getattr(c, "safety", None)
        confidential = bool(safety and safety.address_confidential)
        choices.append(AddressChoice(c, link.relationship, confidential))
    return choices


def choose_address(user, pupil: Pupil, contact_id) -> AddressChoice:
    for choice in address_choices(user, pupil):
        if str(choice.contact.pk) == str(contact_id):
            if choice.confidential:
                raise ListError("contact", f"That address is confidential. {CONFIDENTIAL_NOTE}")
            return choice
    raise ListError("contact", "Choose the address to visit")


# --- Planned visits ---------------------------------------------------------------------------------------------


@transaction.atomic
def plan_visit(
    *, user, pupil: Pupil, contact_id, reason: str, planned_for: dt.date | None, today: dt.date,
    source: str = Visit.Source.CASE, case=None,
) -> Visit:  # fmt: skip
    """List a visit to one of the pupil's (non-confidential) addresses. Raises ListError, saving nothing."""
    choice = choose_address(user, pupil, contact_id)
    if not (reason or "").strip():
        raise ListError("reason", "Enter why you are visiting")
    if planned_for is None:
        raise ListError("planned_for", "Enter the day of the visit")
    if planned_for < today:
        raise ListError("planned_for", "The day of the visit must be today or later")
    visit = Visit.objects.create(
        pupil=pupil, case=case, contact=choice.contact, address=choice.text,
        postcode=normalise_postcode(choice.contact.postcode), source=source, reason=reason.strip()[:300],
        planned_for=planned_for, created_by=user,
    )  # fmt: skip
    audit.record(
        "visits.visit.planned",
        by=user,
        obj=visit,
        pupil=pupil,
        data={"source": visit.get_source_display().lower(), "day": planned_for.isoformat()},
    )
    return visit


def listed_visits(user, *, today: dt.date):
    """Planned visits not yet on a round, today's and later ones (and overdue ones) for the user's pupils."""
    return (
        visits_in_scope(user, today=today)
        .filter(status=Visit.Status.LISTED, round=None)
        .select_related("pupil", "case", "contact")
        .order_by("planned_for", "postcode", "pk")
    )


# --- Reactive visits -------------------------------------------------------------------------------------------


@dataclass
class ReactiveRow:
    alert: Alert
    pupil: Pupil
    why: list[str] = field(default_factory=list)
    on_round: bool = False


def _with_social_worker(pupil_ids: list[int]) -> set[int]:
    return set(
        PupilLink.objects.filter(
            pupil_id__in=pupil_ids, user__memberships__role=Membership.Role.SOCIAL_WORKER
        ).values_list("pupil_id", flat=True)
    )


def days_missing_in_a_row(enrolment_id: int, today: dt.date) -> float:
    """School days absent in a row up to today (sessions / 2), from the latest marks back to a present one."""
    run = 0
    marks = Mark.objects.filter(enrolment_id=enrolment_id, date__lte=today).order_by("-date", "-session")
    for code in marks.values_list("code", flat=True)[: MISSING_DAYS * 2 + 2]:
        if code not in ABSENCE_NOT_LATE:
            break
        run += 1
    return run / 2


def reactive_rows(user, *, today: dt.date) -> list[ReactiveRow]:
    """Today's unexplained absences (open first_day alerts) of vulnerable pupils the user may act on."""
    found = Alert.objects.filter(rule="first_day", key=today.isoformat(), status__in=OPEN_ALERT)
    if not user.is_superuser:
        found = found.filter(school_id__in=staff_school_ids(user))
    alerts = list(
        found.exclude(pupil=None)
        .select_related("pupil", "school")
        .order_by("priority", "pupil__legal_surname", "pk")
    )
    allowed = current_pupil_ids(user, [a.pupil_id for a in alerts], today=today)
    with_sw = _with_social_worker(list(allowed))
    on_round = set(
        Visit.objects.filter(planned_for=today, pupil_id__in=allowed)
        .exclude(round=None)
        .values_list("pupil_id", flat=True)
    )
    rows = []
    for alert in alerts:
        p = alert.pupil
        if p.pk not in allowed:
            continue
        why = [
            text
            for flag, text in (
                (p.looked_after, "looked after"),
                (p.child_protection_plan, "on a child protection plan"),
                (p.child_in_need, "child in need"),
                (p.pk in with_sw, "has a social worker"),
            )
            if flag
        ]
        if alert.enrolment_id and (days := days_missing_in_a_row(alert.enrolment_id, today)) >= MISSING_DAYS:
            why.append(f"missing {days:g} school days in a row")
        if why:
            rows.append(ReactiveRow(alert, p, why, p.pk in on_round))
    return rows


# --- Rounds ----------------------------------------------------------------------------------------------------


def todays_round(user, today: dt.date, *, create: bool = False) -> Round | None:
    """The officer's round for today that has not ended (created, planned, when `create`)."""
    rnd = (
        Round.objects.filter(officer=user, day=today, status__in=[Round.Status.PLANNED, Round.Status.OUT])
        .order_by("pk")
        .first()
    )
    if rnd is None and create:
        rnd = Round.objects.create(officer=user, day=today, created_by=user, **team_of(user))
        audit.record("visits.round.created", by=user, obj=rnd, data={"day": today.isoformat()})
    return rnd


def sort_key(visit: Visit) -> tuple:
    return (postcode_district(visit.postcode), visit.postcode, visit.address.lower(), visit.pk or 0)


def _renumber(visits: list[Visit]) -> None:
    for n, v in enumerate(visits, start=1):
        if v.order != n:
            v.order = n
            v.save(update_fields=["order"])


@transaction.atomic
def add_to_round(visit: Visit, rnd: Round, *, by) -> None:
    """Put a listed visit on the round, in its place: after the visits it sorts after (district, postcode,
    address), leaving the officer's own moves of the others as they are."""
    if visit.round_id == rnd.pk:
        return
    if visit.round_id is not None:
        raise ListError("visit", "That visit is already on another round")
    if visit.status != Visit.Status.LISTED:
        raise ListError("visit", "That visit is no longer on the list")
    current = list(rnd.visits.order_by("order", "pk"))
    key = sort_key(visit)
    at = next((i for i, v in enumerate(current) if sort_key(v) > key), len(current))
    visit.round, visit.planned_for = rnd, rnd.day
    visit.save(update_fields=["round", "planned_for"])
    _renumber([*current[:at], visit, *current[at:]])
    audit.record(
        "visits.visit.added_to_round",
        by=by,
        obj=visit,
        pupil=visit.pupil,
        data={"round": rnd.pk, "day": rnd.day.isoformat()},
    )


@transaction.atomic
def add_reactive(user, alert_pk: int, *, today: dt.date) -> Visit:
    """One click: a reactive visit for today's alert, at the pupil's first non-confidential address, on
    today's round (an existing visit to the pupil today is reused rather than doubled)."""
    row = next((r for r in reactive_rows(user, today=today) if r.alert.pk == alert_pk), None)
    if row is None:
        raise Http404("No such absence on your reactive list today.")
    rnd = todays_round(user, today, create=True)
    existing = Visit.objects.filter(pupil=row.pupil, planned_for=today, round=rnd).first()
    if existing is not None:
        return existing
    choices = [c for c in address_choices(user, row.pupil) if not c.confidential]
    if not choices:
        raise ListError("alert", f"No address to visit for {row.pupil.display_name}. {CONFIDENTIAL_NOTE}")
    reason = f"Unexplained absence today; {', '.join(row.why)}"
    visit = plan_visit(
        user=user, pupil=row.pupil, contact_id=choices[0].contact.pk, reason=reason, planned_for=today,
        today=today, source=Visit.Source.REACTIVE, case=row.alert.case,
    )  # fmt: skip
    add_to_round(visit, rnd, by=user)
    return visit


@transaction.atomic
def move_visit(visit: Visit, *, direction: str, by) -> None:
    """Move a visit one place up or down its round, or take it off the round (back to the list)."""
    rnd = visit.round
    if rnd is None or rnd.status not in (Round.Status.PLANNED, Round.Status.OUT):
        raise ListError("visit", "That visit is not on a round you can change")
    current = list(Round.objects.select_for_update().get(pk=rnd.pk).visits.order_by("order", "pk"))
    i = next(n for n, v in enumerate(current) if v.pk == visit.pk)
    if direction == "remove":
        if visit.check_ins.exists():
            raise ListError("visit", "A visit with a check-in stays on the round")
        current.pop(i)
        visit.round, visit.order = None, 0
        visit.save(update_fields=["round", "order"])
        audit.record("visits.visit.removed_from_round", by=by, obj=visit, pupil=visit.pupil, data={})
    elif direction in ("up", "down"):
        j = i - 1 if direction == "up" else i + 1
        if not 0 <= j < len(current):
            return
        current[i], current[j] = current[j], current[i]
        audit.record("visits.visit.moved", by=by, obj=visit, pupil=visit.pupil, data={"direction": direction})
    else:
        raise ListError("direction", "Choose up, down or remove")
    _renumber(current)


@dataclass
class District:
    name: str
    visits: list


def districts(items: list) -> list[District]:
    """Consecutive visits (or sheet rows) of the same postcode district, in round order (a district can appear
    twice when the officer has moved a visit out of it)."""

    def district(item) -> str:
        return postcode_district(getattr(item, "visit", item).postcode)

    return [District(name or "No postcode", list(group)) for name, group in groupby(items, key=district)]


@dataclass
class SheetRow:
    """Everything the officer needs about one visit, read once with the page (no further requests)."""

    visit: Visit
    risks: list
    last: object
    phones: list[tuple[str, str]]

    @property
    def blocks_alone(self) -> bool:
        return bool(blocking_markers(self.risks))


def round_sheet(rnd: Round, *, today: dt.date) -> list[SheetRow]:
    rows = []
    visits = rnd.visits.select_related("pupil", "contact", "contact__safety", "case", "risk_checked_by")
    for v in visits.order_by("order", "pk"):
        phones = []
        c = v.contact
        safety = getattr(c, "safety", None) if c else None
        if c is not None and not (safety and safety.contact_confidential):
            phones = [
                (label, num) for label, num in (("Mobile", c.phone_mobile), ("Home", c.phone_home)) if num
            ]
        rows.append(SheetRow(v, markers_for_visit(v, today), last_visit_at(v), phones))
    return rows


def tel(number: str) -> str:
    """A tel: link target: digits and a leading +."""
    return "".join(ch for ch in number if ch.isdigit() or ch == "+")
