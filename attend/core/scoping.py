"""Deny by default: what a signed-in user may see follows from their memberships.

Roles in `READ_ONLY_ROLES` (class teacher, social worker, virtual school) see no pupil through a school, trust
or LA scope: only the pupils linked to them by a `PupilLink`. A system administrator runs the service and sees
no pupils at all; superusers see everything.

A school sees a pupil's data for its own enrolment period (`pupil_access`): staff whose school, trust or LA
scope holds one of the pupil's enrolments see the marks and alerts of those enrolments only; the pupil's current
things (contacts, flags) and acting on alerts need the scope to hold the pupil's current enrolment.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from attend.accounts import identity
from attend.accounts.models import Membership, PupilLink
from attend.accounts.permissions import READ_ONLY_ROLES, roles_of
from attend.people.models import Enrolment, Pupil
from attend.schools.models import School


def schools_visible_to(user) -> QuerySet[School]:
    if not user.is_authenticated or not user.is_active:
        return School.objects.none()
    if identity.is_system_admin(user):  # superusers too: they run the service
        return School.objects.all()
    return schools_of_memberships(user.memberships.all())


def schools_of_memberships(memberships) -> QuerySet[School]:
    """The schools these memberships cover: each one's school, its trust's schools or its LA's schools."""
    scope = Q(pk__in=[])
    for m in memberships:
        if m.school_id:
            scope |= Q(pk=m.school_id)
        if m.trust_id:
            scope |= Q(trust_id=m.trust_id)
        if m.local_authority_id:
            scope |= Q(local_authority_id=m.local_authority_id)
    return School.objects.filter(scope)


def _pupil_scope(user) -> Q | None:
    """The condition on Pupil for what the user may see; None means every pupil (superusers)."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.is_superuser:
        return None
    scope = Q(pk__in=[])
    linked = False
    for m in user.memberships.all():
        if m.role in READ_ONLY_ROLES:
            linked = True
        elif m.role == Membership.Role.SYSTEM_ADMIN:
            continue
        else:
            if m.school_id:
                scope |= Q(enrolments__school_id=m.school_id)
            if m.trust_id:
                scope |= Q(enrolments__school__trust_id=m.trust_id)
            if m.local_authority_id:
                scope |= Q(enrolments__school__local_authority_id=m.local_authority_id)
    if linked:
        scope |= Q(user_links__user=user)
    return scope


def pupils_visible_to(user) -> QuerySet[Pupil]:
    """Pupils with an enrolment (current or past) at a school in one of the user's scopes, plus pupils linked
    to the user when they hold a read-only role."""
    scope = _pupil_scope(user)
    if scope is None:
        return Pupil.objects.all()
    # The joins can repeat a pupil; a subquery on pk keeps the result free of duplicates and composable.
    return Pupil.objects.filter(pk__in=Pupil.objects.filter(scope).values("pk"))


def get_pupil_for_user(user, upn: str) -> Pupil:
    """The pupil with this UPN if the user may see them; 404 otherwise (never reveal that a UPN exists)."""
    scope = _pupil_scope(user)
    pupil = Pupil.objects.filter(upn=upn.upper()).first()  # UPNs are upper case by definition
    # One pupil checked against the scope (not the whole scope listed first: ~80 ms at 50,000 pupils on SQLite).
    if pupil is None or (scope is not None and not Pupil.objects.filter(scope, pk=pupil.pk).exists()):
        raise Http404("No pupil with that UPN in your scope.")
    return pupil


# --- Enrolment periods: which part of one pupil's record a user may see -------------------------------------


def staff_memberships(user) -> list[Membership]:
    """Memberships that see pupils through a school, trust or LA (not read-only roles, not system admins)."""
    if not identity.is_signed_in_and_active(user):
        return []
    return [
        m
        for m in user.memberships.all()
        if m.role not in READ_ONLY_ROLES and m.role != Membership.Role.SYSTEM_ADMIN
    ]


def staff_la_ids(user) -> set[int]:
    """The LAs the user is staff of (LA memberships)."""
    return {m.local_authority_id for m in staff_memberships(user) if m.local_authority_id}


def _holds_read_only_role(user) -> bool:
    return bool(roles_of(user) & READ_ONLY_ROLES)


def _covers(memberships: list[Membership], school: School) -> bool:
    return any(
        (m.school_id and m.school_id == school.pk)
        or (m.trust_id and m.trust_id == school.trust_id)
        or (m.local_authority_id and m.local_authority_id == school.local_authority_id)
        for m in memberships
    )


def staff_school_ids(user) -> list[int]:
    """Schools whose enrolment periods the user sees as staff (school, trust and LA memberships)."""
    parts = []
    for m in staff_memberships(user):
        if m.school_id:
            parts.append(Q(pk=m.school_id))
        if m.trust_id:
            parts.append(Q(trust_id=m.trust_id))
        if m.local_authority_id:
            parts.append(Q(local_authority_id=m.local_authority_id))
    scope = Q(pk__in=[])
    for part in parts:
        scope |= part
    return list(School.objects.filter(scope).order_by("pk").values_list("pk", flat=True)) if parts else []


def period_visible(user, *, school: str = "school_id", pupil: str | None = "pupil_id") -> Q | None:
    """A condition for rows that belong to one school's period of a pupil's record (alerts: their school):
    rows of the user's schools, plus, for read-only roles, rows about pupils linked to them. None: every row."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.is_superuser:
        return None
    condition = Q(**{f"{school}__in": staff_school_ids(user)})
    if pupil is not None and _holds_read_only_role(user):
        condition |= Q(Exists(PupilLink.objects.filter(user=user, pupil_id=OuterRef(pupil))))
    return condition


@dataclass(frozen=True)
class Period:
    """One enrolment the user may see: its school's marks and alerts from `start` to `end` (None: on roll)."""

    enrolment_id: int
    school_id: int
    start: dt.date
    end: dt.date | None

    def holds(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def q(self, field: str) -> Q:
        """Condition: the date in `field` falls within this period."""
        condition = Q(**{f"{field}__gte": self.start})
        return condition & Q(**{f"{field}__lte": self.end}) if self.end is not None else condition


@dataclass(frozen=True)
class PupilAccess:
    """What of one pupil's record a user may see and do.

    `whole`: the whole record (superusers; read-only roles linked to the pupil, as before). Otherwise only
    `periods`, the pupil's enrolments at schools in the user's scope. `current`: the user's scope holds the
    pupil's current enrolment, so they see the pupil's current things (contacts, addresses, flags) and may act
    on alerts; a school the pupil has left sees its own period, read-only."""

    pupil: Pupil
    periods: tuple[Period, ...]
    current: bool
    whole: bool = False

    @property
    def enrolment_ids(self) -> list[int]:
        return [p.enrolment_id for p in self.periods]

    @property
    def school_ids(self) -> list[int]:
        return sorted({p.school_id for p in self.periods})

    def marks(self, prefix: str = "") -> Q:
        """Condition on Mark (or, with `prefix`, on a row with a mark's enrolment and date: corrections, notice
        sessions): the visible periods' enrolments, within their dates."""
        if self.whole:
            return Q()
        condition = Q(pk__in=[])
        for p in self.periods:
            condition |= Q(**{f"{prefix}enrolment_id": p.enrolment_id}) & p.q(f"{prefix}date")
        return condition

    def during(self, field: str) -> Q:
        """Condition: the date in `field` (e.g. `at__date`, `start`) falls within one of the visible periods."""
        if self.whole:
            return Q()
        condition = Q(pk__in=[])
        for p in self.periods:
            condition |= p.q(field)
        return condition

    def rows(self, *, enrolment: str = "enrolment_id", school: str = "school_id") -> Q:
        """Condition on rows of the pupil that name their enrolment (alerts, notices, corrections) or, without
        one, their school: only those of the visible periods."""
        if self.whole:
            return Q()
        return Q(**{f"{enrolment}__in": self.enrolment_ids}) | Q(
            **{f"{enrolment}__isnull": True, f"{school}__in": self.school_ids}
        )

    def holds(self, day: dt.date) -> bool:
        return self.whole or any(p.holds(day) for p in self.periods)


def contact_links_visible(user, prefix: str = "contact__") -> Q:
    """Condition on a pupil's contact links (PupilContact): a school sees the contacts its own files sent, and those
    sent for the whole service (no source school), never those another school holds for the same pupil: a school
    a pupil has just joined gets nothing of the other school's record (docs/security.md)."""
    if user.is_superuser:
        return Q()
    return Q(**{f"{prefix}source_school__isnull": True}) | Q(
        **{f"{prefix}source_school__in": schools_visible_to(user).values("pk")}
    )


def current_enrolment_ids(enrolments: list[Enrolment], today: dt.date) -> set[int]:
    """The pupil's current enrolments: those on roll today (two under dual registration); when none is, the one
    most recently begun (the school they were last at keeps their current record until another admits them)."""
    on_roll = {e.pk for e in enrolments if e.is_on_roll(today)}
    if on_roll or not enrolments:
        return on_roll
    begun = [e for e in enrolments if e.admission_date <= today]
    if begun:
        latest = max(begun, key=lambda e: (e.admission_date, e.leaving_date or dt.date.max, e.pk))
    else:
        latest = min(enrolments, key=lambda e: (e.admission_date, e.pk))
    return {latest.pk}


def current_pupil_ids(user, pupil_ids: list[int], *, today: dt.date) -> set[int]:
    """Of these pupils, those whose current record the user may see and act on (`PupilAccess.current` for
    many pupils at once: one query per 500 pupils over their enrolments, for the work lists)."""
    if not user.is_authenticated or not user.is_active:
        return set()
    if user.is_superuser:
        return set(pupil_ids)
    staff = set(staff_school_ids(user))
    found: set[int] = set()
    for start in range(0, len(pupil_ids), 500):
        chunk = pupil_ids[start : start + 500]
        if _holds_read_only_role(user):
            found.update(
                PupilLink.objects.filter(user=user, pupil_id__in=chunk).values_list("pupil_id", flat=True)
            )
        by_pupil: dict[int, list[Enrolment]] = {}
        for e in Enrolment.objects.filter(pupil_id__in=chunk).only(
            "pk", "pupil_id", "school_id", "admission_date", "leaving_date"
        ):
            by_pupil.setdefault(e.pupil_id, []).append(e)
        for pupil_id, enrolments in by_pupil.items():
            current = current_enrolment_ids(enrolments, today)
            if any(e.school_id in staff for e in enrolments if e.pk in current):
                found.add(pupil_id)
    return found


def pupil_access(user, pupil: Pupil, *, today: dt.date) -> PupilAccess:
    """Which enrolment periods of `pupil` the user may see, and whether they may see and act on current things.

    Two queries: the pupil's enrolments (with their schools) and, for read-only roles, the pupil link. Scope
    itself (may the user open this pupil at all?) is `get_pupil_for_user`; a user outside it gets no periods.
    `today` decides which enrolment is current (the web pages pass their pinned day, attend.web.clock)."""
    enrolments = list(
        Enrolment.objects.filter(pupil=pupil).select_related("school").order_by("admission_date")
    )
    current = current_enrolment_ids(enrolments, today)
    every = tuple(Period(e.pk, e.school_id, e.admission_date, e.leaving_date) for e in enrolments)
    if user.is_authenticated and user.is_active and user.is_superuser:
        return PupilAccess(pupil=pupil, periods=every, current=True, whole=True)
    if _holds_read_only_role(user) and PupilLink.objects.filter(user=user, pupil=pupil).exists():
        return PupilAccess(pupil=pupil, periods=every, current=True, whole=True)
    memberships = staff_memberships(user)
    seen = [e for e in enrolments if _covers(memberships, e.school)]
    periods = tuple(Period(e.pk, e.school_id, e.admission_date, e.leaving_date) for e in seen)
    return PupilAccess(pupil=pupil, periods=periods, current=any(e.pk in current for e in seen))


def get_pupil_access(user, upn: str, *, today: dt.date) -> PupilAccess:
    """The pupil with this UPN and what of their record the user may see; 404 outside scope."""
    return pupil_access(user, get_pupil_for_user(user, upn), today=today)
