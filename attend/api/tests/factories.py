"""Small API fixtures: a token for a user, and a tiny LA with marks in September 2025 (today pinned to
10 October 2025 by the tests' conftest)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from attend.accounts.models import Membership
from attend.alerts.models import Alert
from attend.api.models import SCOPES, ApiToken
from attend.core.tests.factories import link, make_la, make_pupil, make_school, make_user
from attend.registers.models import Mark

TODAY = dt.date(2025, 10, 10)
R = Membership.Role


def token_for(user, scopes=None, *, days: int = 30) -> str:
    """A token string for `user` with every scope unless told otherwise (no role check: the API must refuse
    what the role does not allow even if a token carries the scope)."""
    _, secret = ApiToken.objects.issue(
        user=user,
        name="test",
        scopes=list(SCOPES) if scopes is None else scopes,
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    return secret


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def school_days(start: dt.date, n: int) -> list[dt.date]:
    days, day = [], start
    while len(days) < n:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


DAYS = school_days(dt.date(2025, 9, 8), 10)  # 20 sessions


def add_marks(pupil, codes: list[str]) -> None:
    enrolment = pupil.enrolments.get()
    sessions = [(d, s) for d in DAYS for s in ("AM", "PM")]
    Mark.objects.bulk_create(
        Mark(enrolment=enrolment, date=d, session=s, code=c)
        for (d, s), c in zip(sessions, codes, strict=False)
    )


def make_world() -> dict:
    """LA 201 with schools A and B; LA 202 with school C. Pupils: `absent` at A (4 of 20 sessions missed: I I O
    O, so 20% and persistently absent), `present` at A (all 20 attended), `elsewhere` at C."""
    la = make_la()
    other_la = make_la(code="202", name="Southshire")
    a, b = make_school(la=la, name="Alder Primary"), make_school(la=la, name="Beech Primary")
    c = make_school(la=other_la, name="Cedar Primary")
    absent = make_pupil(school=a, surname="Absent")
    present = make_pupil(school=a, surname="Present")
    elsewhere = make_pupil(school=c, surname="Elsewhere")
    add_marks(absent, ["I", "I", "O", "O"] + ["/", "\\"] * 8)
    add_marks(present, ["/", "\\"] * 10)
    add_marks(elsewhere, ["/", "\\"] * 10)
    alert = Alert.objects.create(
        rule="persistent_absence",
        pupil=absent,
        enrolment=absent.enrolments.get(),
        school=a,
        raised_on=TODAY,
        last_evaluated_on=TODAY,
        reason="Missed 20% of possible sessions",
        evidence=[["2025-09-08", "AM", "I"]],
        measure=0.2,
        peak_measure=0.2,
        priority=3,
    )
    other_alert = Alert.objects.create(
        rule="persistent_absence",
        pupil=elsewhere,
        enrolment=elsewhere.enrolments.get(),
        school=c,
        raised_on=TODAY,
        last_evaluated_on=TODAY,
        reason="Missed 20% of possible sessions",
        measure=0.2,
        peak_measure=0.2,
    )
    users = {
        "la_officer": make_user("la_officer", role=R.LA_OFFICER, local_authority=la),
        "school_officer": make_user("school_officer", role=R.SCHOOL_OFFICER, school=a),
        "other_school_officer": make_user("other_school_officer", role=R.SCHOOL_OFFICER, school=c),
        "class_teacher": make_user("class_teacher", role=R.CLASS_TEACHER, school=a),
        "social_worker": make_user("social_worker", role=R.SOCIAL_WORKER, school=a),
        "system_admin": make_user("system_admin", role=R.SYSTEM_ADMIN),
    }
    link(users["social_worker"], absent)
    return {
        "la": la,
        "a": a,
        "b": b,
        "c": c,
        "absent": absent,
        "present": present,
        "elsewhere": elsewhere,
        "alert": alert,
        "other_alert": other_alert,
        **users,
    }
