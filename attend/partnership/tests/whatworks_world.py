"""A constructed cohort where the true effect of support is known, for the what-works tests.

Windows (as of Tuesday 18 November 2025, support starting Wednesday 5 November): the before window is
22 October to 4 November and the after window 5 to 18 November, each 10 school days (20 sessions).

- Band "over 80% up to 90%": treated pupils go from 85% to 95% (+10); comparison pupils 85% to 90% (+5).
- Band "over 50% up to 80%": treated pupils go from 70% to 75% (+5); comparison pupils stay at 70% (0).
So the naive before-vs-after change is +7.5 points, the comparison groups' change +2.5, and the true effect of
the support exactly +5 points in both bands. Decoys in year 6 (a different year group) improve by 30 points and
must not be matched.
"""

from __future__ import annotations

import datetime as dt
import itertools

from attend.casework.models import Case, SupportPlan
from attend.stats.tests.factories import enrolment, la, marks, school, school_days

AS_OF = dt.date(2025, 11, 18)
START = dt.date(2025, 11, 5)
BEFORE_DAYS = school_days(dt.date(2025, 10, 22), 10)
AFTER_DAYS = school_days(START, 10)
_refs = itertools.count(1)


def codes(present: int, total: int = 20) -> list[str]:
    """`present` sessions present of `total`, the rest unauthorised absence (O)."""
    return ["/"] * present + ["O"] * (total - present)


def pupil(sch, before: int, after: int, *, nc_year="5"):
    e = enrolment(sch, born=dt.date(2015, 1, 10), nc_year=nc_year, admitted=dt.date(2025, 9, 1))
    marks(e, BEFORE_DAYS + AFTER_DAYS, codes(before) + codes(after))
    return e.pupil


def with_plan(p, authority, sch, started=START) -> Case:
    case = Case.objects.create(ref=f"CW-{next(_refs):06d}", pupil=p, school=sch, local_authority=authority)
    SupportPlan.objects.create(case=case, started_on=started, review_date=started + dt.timedelta(days=42))
    return case


def make_world(*, treated_per_band: int = 6) -> dict:
    authority = la()
    sch = school(140001, authority=authority)
    treated = []
    for _ in range(treated_per_band):
        treated.append(pupil(sch, 17, 19))  # 85% -> 95%
        treated.append(pupil(sch, 14, 15))  # 70% -> 75%
    for _ in range(5):
        pupil(sch, 17, 18)  # 85% -> 90%
        pupil(sch, 14, 14)  # 70% -> 70%
        pupil(sch, 14, 20, nc_year="6")  # decoy: another year group
    cases = [with_plan(p, authority, sch) for p in treated]
    return {"la": authority, "school": sch, "treated": treated, "cases": cases}
