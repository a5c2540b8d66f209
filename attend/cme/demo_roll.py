"""Demo hook for deletions from the roll (issue 20): `seed(la, today, by=None) -> dict`.

At the LA's schools, pupils without a case (the latest admitted first) leave the roll: one moved to another school
of the LA (ground (a), destination named), one moved away (g), one who did not return after leave (h) and one
permanently excluded (o) this term; three more at one school in the days before the last census day (a cluster the
work list flags as possible off-rolling); and one leaving date "from an import" with no ground (a NOT_GIVEN return and
its prompt). Marks after a pupil's deletion day are removed first (a deleted pupil has no register after leaving).
Call it after the registers and cases are seeded, e.g. in the demo command: `demo_roll.seed(la, clock.today(),
by=la_officer)`.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from attend.people.models import Enrolment
from attend.registers.models import Mark
from attend.schools.models import LocalAuthority, School

from .roll import DeletionRefused, record_deletion
from .roll_checks import census_days
from .roll_prompts import sync_roll_prompts


def _weekday_before(day: dt.date, n: int) -> dt.date:
    while n:
        day -= dt.timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def _candidates(la, today: dt.date) -> list[Enrolment]:
    from attend.casework.models import Case

    return list(
        Enrolment.objects.filter(school__local_authority=la, admission_date__lt=today - dt.timedelta(days=30))
        .filter(Q(leaving_date__isnull=True), nc_year__in=[str(y) for y in range(1, 11)])
        .filter(~Exists(Case.objects.filter(pupil=OuterRef("pupil"))))
        .select_related("pupil", "school")
        .order_by("-admission_date", "-pk")[:60]
    )


def _delete(enrolment: Enrolment, on: dt.date, by, **fields) -> bool:
    """Delete the name on `on` (the generated register after that day goes: a deleted pupil has no marks after it);
    a refused deletion leaves the register as it was."""
    try:
        with transaction.atomic():
            Mark.objects.filter(enrolment=enrolment, date__gt=on).delete()
            Mark.objects.filter(enrolment=enrolment, date=on).exclude(code__in=["N", "G", "O"]).delete()
            record_deletion(by=by, enrolment=enrolment, deleted_on=on, **fields)
    except DeletionRefused:
        return False
    return True


def seed(la: LocalAuthority, today: dt.date, by=None) -> dict:
    pool = _candidates(la, today)
    made = {"deletions": 0, "cluster": 0, "imported": 0}
    if len(pool) < 8:
        return made
    other_school = School.objects.filter(local_authority=la).exclude(pk=pool[0].school_id).first()
    other_la = LocalAuthority.objects.exclude(pk=la.pk).order_by("code").first()
    this_term = [
        (pool[0], {"ground": "a", "destination_school": other_school, "destination_note": "" if other_school
                   else "A primary school across the county"}),
        (pool[1], {"ground": "g", "destination_la": other_la, "destination_note": "Family moved for work",
                   "note": "Mother phoned; new address outside the county"}),
        (pool[2], {"ground": "h", "note": "Leave of absence for a funeral abroad ended 10 days ago; no contact"}),
        (pool[3], {"ground": "o", "note": "Permanently excluded; the governors upheld it and no review was sought"}),
    ]  # fmt: skip
    for n, (enrolment, fields) in enumerate(this_term):
        made["deletions"] += _delete(enrolment, _weekday_before(today, 2 + n), by, **fields)
    # The cluster: three at one school in the week before the last census day up to today.
    year = today.year if today.month >= 8 else today.year - 1
    census = max(c for c in census_days(year - 1) + census_days(year) if c <= today)
    school = pool[4].school
    cluster = [e for e in pool[4:] if e.school_id == school.pk][:3]
    for n, enrolment in enumerate(cluster):
        note = "Family say they are moving; no forwarding school"
        made["cluster"] += _delete(enrolment, _weekday_before(census, 1 + n), by, ground="h", note=note)
    rest = [e for e in pool[4:] if e not in cluster]
    if rest:  # a leaving date from an import, with no ground
        Mark.objects.filter(enrolment=rest[0], date__gt=_weekday_before(today, 1)).delete()
        Enrolment.objects.filter(pk=rest[0].pk).update(leaving_date=_weekday_before(today, 1))
    result = sync_roll_prompts(today, schools=School.objects.filter(local_authority=la))
    made["imported"] = result["imported"]
    made["prompts"] = result["raised"]
    return made
