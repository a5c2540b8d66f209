"""Demo hook for children missing education enquiries (issue 20): `seed(la, today, officer)`.

In `la`, with `officer` (an LA officer) acting: one open enquiry from a `cme_20_days` alert (an existing open one,
else the pupil's school's notification) with an enquiry by the school and one by the LA; one closed as found in
another LA (a referral to Coventry's CME team recorded, not emailed); one closed as not found, with the
enquiries made; and one opened by hand for a child never on a school's roll. Runs once: an LA that already has
enquiries is left as it is. Call it after the alerts are evaluated (so an alert is there to start from), e.g. in
attend/demo/management/commands/demo.py: `demo_enquiries.seed(la, today, la_officer)`."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from attend.alerts.models import OPEN_STATUSES, Alert
from attend.people.models import Pupil

from . import las
from .enquiries import close_enquiry, open_enquiry, record_check
from .models_enquiries import CmeEnquiry


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _weekdays_back(today: dt.date, n: int) -> dt.date:
    day = today
    while n:
        day -= dt.timedelta(days=1)
        n -= day.weekday() < 5
    return day


def _pupils(la, today: dt.date, count: int) -> list[Pupil]:
    """On roll since well before the enquiries start (the closed ones began up to 40 school days ago), and not
    already in the demo's deletions or home education records."""
    on_roll = Q(enrolments__leaving_date__isnull=True) | Q(enrolments__leaving_date__gte=today)
    pupils = Pupil.objects.filter(
        on_roll,
        enrolments__school__local_authority=la,
        enrolments__admission_date__lte=today - dt.timedelta(days=90),
    )
    taken = (
        Q(cme_enquiries__status="open") | Q(home_education__isnull=False) | Q(roll_deletions__isnull=False)
    )
    return list(pupils.exclude(taken).distinct().order_by("pk")[:count])


def _other_la(la):
    return las.local_authority("331" if la.code != "331" else "330")  # Coventry (a real LA: the DfE file)


def seed(la, today: dt.date, officer) -> list[CmeEnquiry]:
    if CmeEnquiry.objects.filter(Q(local_authority=la) | Q(school__local_authority=la)).exists():
        return []
    name = officer.get_full_name() or officer.username
    alert = (
        Alert.objects.filter(rule="cme_20_days", status__in=OPEN_STATUSES, school__local_authority=la)
        .order_by("pk")
        .first()
    )
    pupils = _pupils(la, today, 3)
    if alert is not None:
        pupils = [alert.pupil, *[p for p in pupils if p.pk != alert.pupil_id]][:3]
    if len(pupils) < 3:
        return []
    made = []

    # 1. Open, from the alert (or the school's notification), an enquiry by the school and one by the LA.
    opened = _weekdays_back(today, 4)
    first = open_enquiry(
        by=officer, source="alert" if alert else "school", pupil=pupils[0], source_alert=alert, at=_at(opened),
        concern="20 school days' continuous absence, no contact from the family since the October half term",
    )  # fmt: skip
    record_check(first, by=officer, kind="contacts", party="school", done_on=_weekdays_back(today, 3),
                 done_by_name="The school's attendance officer", result="Mother's and both emergency numbers dead")  # fmt: skip
    record_check(first, by=officer, kind="home_visit", party="la", done_on=_weekdays_back(today, 1),
                 done_by_name=name, result="No answer; curtains drawn; a neighbour thinks the family moved away")  # fmt: skip
    made.append(first)

    # 2. Closed: found in another LA, a referral recorded to its CME team.
    second = open_enquiry(by=officer, source="returned_letter", pupil=pupils[1], at=_at(_weekdays_back(today, 25)),
                          concern="Letter returned: gone away")  # fmt: skip
    record_check(second, by=officer, kind="lost_pupil_database", party="la", done_on=_weekdays_back(today, 20),
                 done_by_name=name, result="On a Coventry school's roll since the start of the month",
                 located=True)  # fmt: skip
    other = _other_la(la)
    close_enquiry(second, by=officer, outcome="found_other_la", on=_weekdays_back(today, 19), found_la=other,
                  sent_to=f"{other.name} children missing education team (secure email)",
                  note=f"Found on roll in {other.name}; their CME team told, with our enquiry reference")  # fmt: skip
    made.append(second)

    # 3. Closed: not found after reasonable enquiries by the school and the LA.
    third = open_enquiry(by=officer, source="school", pupil=pupils[2], at=_at(_weekdays_back(today, 40)),
                         concern="Not in school since September; the school could not reach the family")  # fmt: skip
    for kind, party, back, result in (
        ("contacts", "school", 38, "No answer on any number"),
        ("siblings_schools", "school", 37, "No siblings on any school's roll here"),
        ("home_visit", "la", 35, "Property empty, being re-let"),
        ("housing", "la", 34, "Tenancy ended in September; no forwarding address"),
        ("other_la", "la", 30, "Neighbouring LAs and the lost pupil database: not known"),
    ):
        record_check(third, by=officer, kind=kind, party=party, done_on=_weekdays_back(today, back),
                     done_by_name=name if party == "la" else "The school's attendance lead", result=result)  # fmt: skip
    close_enquiry(third, by=officer, outcome="not_found", on=_weekdays_back(today, 28),
                  note="Not found after the enquiries listed; the school may now consider a ground (i) deletion")  # fmt: skip
    made.append(third)

    # 4. By hand, for a child never on a school's roll.
    made.append(open_enquiry(
        by=officer, source="by_hand", lives_in_la=la, at=_at(_weekdays_back(today, 2)),
        child={"forename": "Zara", "surname": "Nowak", "date_of_birth": dt.date(2016, 3, 4),
               "address": "Flat 2, 3 Quay Street", "postcode": ""},
        concern="A housing officer saw a school-age child at home in school hours; not on any school's roll here",
    ))  # fmt: skip
    return made
