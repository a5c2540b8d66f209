"""Who may see and keep home education records (attend/cme/ehe.py): LA staff keep their LA's records; school and
trust staff see the records of notices given at their schools (status only: the pages hide the LA's contacts);
read-only roles and system administrators see none. Out of scope is a 404 that never reveals a reference."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.http import Http404

from attend.accounts import identity
from attend.accounts.models import Membership
from attend.accounts.permissions import READ_ONLY_ROLES
from attend.people.models import Enrolment, Pupil

from .models_ehe import HomeEducation


def _staff(user) -> list[Membership]:
    if not identity.is_signed_in_and_active(user):
        return []
    return [
        m
        for m in user.memberships.all()
        if m.role not in READ_ONLY_ROLES and m.role != Membership.Role.SYSTEM_ADMIN
    ]


def _la_ids(user) -> set[int]:
    return {m.local_authority_id for m in _staff(user) if m.local_authority_id}


def records_visible_to(user) -> QuerySet[HomeEducation]:
    """LA staff: their LA's records (and records from their LA's schools); school and trust staff: records of
    notices given at their schools. Read-only roles and system administrators see none."""
    records = HomeEducation.objects.select_related("pupil", "school", "local_authority", "return_school")
    if identity.is_superuser(user):
        return records
    scope = Q(pk__in=[])
    for m in _staff(user):
        if m.local_authority_id:
            scope |= Q(local_authority_id=m.local_authority_id) | Q(
                school__local_authority_id=m.local_authority_id
            )
        if m.trust_id:
            scope |= Q(school__trust_id=m.trust_id)
        if m.school_id:
            scope |= Q(school_id=m.school_id)
    return records.filter(scope)


def is_la_side(user, record: HomeEducation) -> bool:
    """The user keeps this record for the LA: an LA membership for the record's LA (or a superuser)."""
    return identity.is_superuser(user) or record.local_authority_id in _la_ids(user)


def get_record_for_user(user, ref: str, *, write: bool = False) -> HomeEducation:
    """The record with this reference if the user may see it (write=True: keep it for the LA); 404 otherwise."""
    record = records_visible_to(user).filter(ref=ref).first()
    if record is None or (write and not is_la_side(user, record)):
        raise Http404("No home education record with that reference in your scope.")
    return record


def notice_enrolment(user, pupil: Pupil, on: dt.date) -> Enrolment | None:
    """The pupil's enrolment on `on` at a school in the user's staff scope (where a notice could be recorded)."""
    enrolments = Enrolment.objects.filter(pupil=pupil, admission_date__lte=on).filter(
        Q(leaving_date__isnull=True) | Q(leaving_date__gte=on)
    )
    if not identity.is_superuser(user):
        scope = Q(pk__in=[])
        for m in _staff(user):
            if m.local_authority_id:
                scope |= Q(school__local_authority_id=m.local_authority_id)
            if m.trust_id:
                scope |= Q(school__trust_id=m.trust_id)
            if m.school_id:
                scope |= Q(school_id=m.school_id)
        enrolments = enrolments.filter(scope)
    return enrolments.select_related("school").order_by("-admission_date").first()
