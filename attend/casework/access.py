"""Who may see and write a case: deny by default, from the user's memberships.

- LA staff see the cases of their LA: cases whose responsible LA is theirs, and cases at their LA's schools.
- School staff (and trust staff) see the cases held at their schools (`Case.school`). A school's case about a pupil
  who has since left stays the school's record of its own period; the new school's case is a new case.
- Read-only roles (class teacher, social worker, virtual school) and system administrators see no case records.
- Superusers see every case.
Writing needs the same scope, an open (or monitoring) case, and, for school-side staff, the pupil still on their
school's roll today. Restricted safeguarding notes need `cases.safeguarding` on top (`sees_restricted`).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.http import Http404

from attend.accounts import identity
from attend.accounts.models import Membership
from attend.accounts.permissions import has_permission
from attend.core import clock
from attend.core.scoping import staff_la_ids, staff_memberships
from attend.people.models import Enrolment

from .models import Case

R = Membership.Role


def case_scope(user) -> Q | None:
    """The condition on Case for what the user may see; None means every case (superusers)."""
    return la_school_scope(user)


def la_school_scope(user) -> Q | None:
    """The condition on a record with `local_authority` and `school` (a case, a CME enquiry) for what the user may
    see: their LA's records and those of its schools, their trust's schools', their school's; None: all (superusers)."""
    if identity.is_superuser(user):
        return None
    scope = Q(pk__in=[])
    for m in staff_memberships(user):
        if m.local_authority_id:
            scope |= Q(local_authority_id=m.local_authority_id) | Q(
                school__local_authority_id=m.local_authority_id
            )
        if m.trust_id:
            scope |= Q(school__trust_id=m.trust_id)
        if m.school_id:
            scope |= Q(school_id=m.school_id)
    return scope


def cases_visible_to(user) -> QuerySet[Case]:
    scope = case_scope(user)
    if scope is None:
        return Case.objects.all()
    return Case.objects.filter(pk__in=Case.objects.filter(scope).values("pk"))


def is_la_side(user, case: Case) -> bool:
    """The user holds an LA membership covering this case (or is a superuser)."""
    if identity.is_superuser(user):
        return True
    school_la = case.school.local_authority_id if case.school_id else None
    return bool(staff_la_ids(user) & {case.local_authority_id, school_la})


def may_write(user, case: Case, *, today: dt.date | None = None) -> bool:
    """May this user add to or change this case (beyond seeing it)?"""
    if not has_permission(user, "cases.write") or not case.is_open:
        return False
    if not cases_visible_to(user).filter(pk=case.pk).exists():
        return False
    if is_la_side(user, case) or case.pupil_id is None or case.school_id is None:
        return True
    today = today or clock.today()
    return (
        Enrolment.objects.filter(pupil_id=case.pupil_id, school_id=case.school_id, admission_date__lte=today)
        .filter(Q(leaving_date__isnull=True) | Q(leaving_date__gte=today))
        .exists()
    )


def get_case_for_user(user, ref: str, *, write: bool = False) -> Case:
    """The case with this reference if the user may see it (and, with write=True, write to it); 404 otherwise,
    never revealing that a reference exists. A closed case is readable; writing to it needs a reopen first."""
    case = cases_visible_to(user).select_related("pupil", "school", "local_authority").filter(ref=ref).first()
    if case is None:
        raise Http404("No case with that reference in your scope.")
    if write and not may_write(user, case):
        raise Http404("No case with that reference that you may change.")
    return case


def sees_restricted(user, case: Case) -> bool:
    """Restricted safeguarding notes: the school's DSL or the LA's safeguarding lead, in scope."""
    return has_permission(user, "cases.safeguarding") and cases_visible_to(user).filter(pk=case.pk).exists()
