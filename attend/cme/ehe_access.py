"""Who may see and keep home education records (attend/cme/ehe.py): LA staff keep their LA's records; school and
trust staff see the records of notices given at their schools (status only: the pages hide the LA's contacts);
read-only roles and system administrators see none. Out of scope is a 404 that never reveals a reference."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.http import Http404

from attend.accounts import identity
from attend.casework.access import la_school_scope
from attend.core.scoping import staff_la_ids, staff_school_ids
from attend.people.models import Enrolment, Pupil

from .models_ehe import HomeEducation


def records_visible_to(user) -> QuerySet[HomeEducation]:
    """LA staff: their LA's records (and records from their LA's schools); school and trust staff: records of
    notices given at their schools. Read-only roles and system administrators see none."""
    records = HomeEducation.objects.select_related("pupil", "school", "local_authority", "return_school")
    scope = la_school_scope(user)  # as for cases and CME enquiries
    return records if scope is None else records.filter(scope)


def is_la_side(user, record: HomeEducation) -> bool:
    """The user keeps this record for the LA: an LA membership for the record's LA (or a superuser)."""
    return identity.is_superuser(user) or record.local_authority_id in staff_la_ids(user)


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
        enrolments = enrolments.filter(school_id__in=staff_school_ids(user))
    return enrolments.select_related("school").order_by("-admission_date").first()
