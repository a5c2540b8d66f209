"""Opening cases and giving them references. Stage, status and assignment changes live beside these."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from attend import audit
from attend.people.models import Pupil
from attend.schools.models import LocalAuthority, School

from .chronology import EntryRefused, record_entry
from .models import OPEN_CASE_STATUSES, Case, EntryKind, Stage


def next_ref() -> str:
    """CW- and six digits, one more than the highest so far (a clash on save is retried by `open_case`)."""
    last = Case.objects.filter(ref__startswith="CW-").order_by("-ref").values_list("ref", flat=True).first()
    number = int(last[3:]) + 1 if last and last[3:].isdigit() else 1
    return f"CW-{number:06d}"


def open_case_for(pupil: Pupil) -> Case | None:
    return Case.objects.filter(pupil=pupil, status__in=OPEN_CASE_STATUSES).first()


def open_case(
    *,
    by,
    pupil: Pupil | None = None,
    school: School | None = None,
    local_authority: LocalAuthority | None = None,
    stage: str = Stage.LISTEN,
    reason: str = "",
    child: dict | None = None,
    request=None,
    occurred_at: dt.datetime | None = None,
) -> tuple[Case, bool]:
    """Open a case for a pupil (or, with `child` = {forename, surname, date_of_birth, address, postcode}, for a
    child not on any roll). Returns (case, created): a pupil who already has an open case gets that case back.
    The caller checks the user may open a case here (scope) first."""
    if pupil is None and not (child and child.get("surname")):
        raise EntryRefused("Name the child: a case is about a pupil on a roll or a named child")
    if stage not in Stage.values:
        raise EntryRefused(f"'{stage}' is not a stage")
    if pupil is not None:
        existing = open_case_for(pupil)
        if existing is not None:
            return existing, False
    if local_authority is None and school is not None:
        local_authority = school.local_authority
    child = child or {}
    for attempt in range(5):
        try:
            with transaction.atomic():
                case = Case.objects.create(
                    ref=next_ref(),
                    pupil=pupil,
                    school=school,
                    local_authority=local_authority,
                    stage=stage,
                    opened_by=by if getattr(by, "pk", None) else None,
                    child_forename=child.get("forename", ""),
                    child_surname=child.get("surname", ""),
                    child_date_of_birth=child.get("date_of_birth"),
                    child_address=child.get("address", ""),
                    child_postcode=child.get("postcode", ""),
                )
                record_entry(
                    case,
                    kind=EntryKind.STATUS_CHANGE,
                    summary=f"Case opened at the {Stage(stage).label.lower()} stage"
                    + (f": {reason.strip()}" if reason.strip() else ""),
                    by=by,
                    occurred_at=occurred_at,
                    request=request,
                )
                audit.record(
                    "casework.case.opened",
                    by=by,
                    obj=case,
                    pupil=pupil,
                    school=school,
                    data={"case": case.ref, "stage": stage},
                    request=request,
                )
            return case, True
        except IntegrityError:
            # Another officer opened a case at the same moment: theirs if it is this pupil's, else a new ref.
            if pupil is not None:
                existing = open_case_for(pupil)
                if existing is not None:
                    return existing, False
            if attempt == 4:
                raise
    raise AssertionError("unreachable")
