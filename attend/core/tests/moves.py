"""A pupil who moved school: at Alder (LA 201) from 3 September to 28 November 2025, then at Beech (also LA 201)
from 1 December 2025, with marks, alerts and a contact at each; today is Wednesday 10 December 2025.

Alder's week of 17 November: 8 of 10 sessions attended (O O on Friday); a stray Alder mark dated after the
leaving day (1 December, O) lies outside Alder's period. Beech's week of 1 December: 6 of 10 attended (I I I I
Monday and Tuesday). The contact, phone and address and the child-protection flag are as recorded now, for Beech.
"""

from __future__ import annotations

import datetime as dt

from attend.accounts.models import Membership
from attend.alerts.models import Alert
from attend.people.models import Contact, Enrolment, PupilContact
from attend.registers.models import Mark

from .factories import make_la, make_pupil, make_school, make_user

TODAY = dt.date(2025, 12, 10)
ALDER_ADMISSION, ALDER_LEAVING, BEECH_ADMISSION = (
    dt.date(2025, 9, 3),
    dt.date(2025, 11, 28),
    dt.date(2025, 12, 1),
)
NEW_PHONE, NEW_ADDRESS = "07700 900461", "14 Larch Close"
R = Membership.Role


def _week(monday: dt.date) -> list[tuple[dt.date, str]]:
    return [(monday + dt.timedelta(days=d), s) for d in range(5) for s in ("AM", "PM")]


def _marks(enrolment: Enrolment, sessions, codes: list[str]) -> None:
    Mark.objects.bulk_create(
        Mark(enrolment=enrolment, date=d, session=s, code=c)
        for (d, s), c in zip(sessions, codes, strict=True)
    )


def _alert(enrolment: Enrolment, rule: str, reason: str, raised_on: dt.date) -> Alert:
    return Alert.objects.create(
        rule=rule,
        pupil=enrolment.pupil,
        enrolment=enrolment,
        school=enrolment.school,
        raised_on=raised_on,
        last_evaluated_on=raised_on,
        reason=reason,
        evidence=[[raised_on.isoformat(), "AM", "O"]],
        measure=0.2,
        peak_measure=0.2,
    )


def make_moved_pupil() -> dict:
    la, other_la = make_la("201", "Northshire"), make_la("202", "Southshire")
    alder = make_school(la=la, name="Alder Primary")
    beech = make_school(la=la, name="Beech Primary")
    cedar = make_school(la=other_la, name="Cedar Primary")
    pupil = make_pupil(surname="Mover", legal_forename="Robin", child_protection_plan=True)
    at_alder = Enrolment.objects.create(
        pupil=pupil, school=alder, admission_date=ALDER_ADMISSION, leaving_date=ALDER_LEAVING, nc_year="4"
    )
    at_beech = Enrolment.objects.create(
        pupil=pupil, school=beech, admission_date=BEECH_ADMISSION, nc_year="4"
    )
    _marks(at_alder, _week(dt.date(2025, 11, 17)), ["/", "\\"] * 4 + ["O", "O"])
    _marks(at_alder, [(dt.date(2025, 12, 1), "AM")], ["O"])  # outside Alder's period
    _marks(at_beech, _week(dt.date(2025, 12, 1)), ["I"] * 4 + ["/", "\\"] * 3)
    contact = Contact.objects.create(
        contact_ref="C-MOVER-1",
        forename="Sam",
        surname="Mover",
        phone_mobile=NEW_PHONE,
        address_line1=NEW_ADDRESS,
    )
    PupilContact.objects.create(pupil=pupil, contact=contact, relationship="Mother", priority=1)
    alder_alert = _alert(
        at_alder, "persistent_absence", "Alder: missed 20% of possible sessions", ALDER_LEAVING
    )
    beech_alert = _alert(at_beech, "first_day", "Beech: absent on the first day, no reason given", TODAY)
    users = {
        "alder_officer": make_user("alder_officer", role=R.SCHOOL_OFFICER, school=alder),
        "alder_dsl": make_user("alder_dsl", role=R.DSL, school=alder),
        "beech_officer": make_user("beech_officer", role=R.SCHOOL_OFFICER, school=beech),
        "beech_head": make_user("beech_head", role=R.HEADTEACHER, school=beech),
        "la_officer": make_user("la_officer", role=R.LA_OFFICER, local_authority=la),
        "la_manager": make_user("la_manager", role=R.LA_MANAGER, local_authority=la),
        "cedar_officer": make_user("cedar_officer", role=R.SCHOOL_OFFICER, school=cedar),
    }
    return {
        "la": la,
        "other_la": other_la,
        "alder": alder,
        "beech": beech,
        "cedar": cedar,
        "pupil": pupil,
        "at_alder": at_alder,
        "at_beech": at_beech,
        "alder_alert": alder_alert,
        "beech_alert": beech_alert,
        **users,
    }


def make_persona_users(world: dict, **user_fields) -> dict:
    """One user per persona of the URL walk for the permission matrices: anonymous (None), no membership, a
    superuser, and each role at Alder (LA roles in Northshire; the system administrator with no place)."""
    users = {"anonymous": None, "no_membership": make_user("nobody", **user_fields)}
    users["superuser"] = make_user("root", **user_fields)
    users["superuser"].is_superuser = users["superuser"].is_staff = True
    users["superuser"].save()
    for role in R.values:
        scope = {"school": world["alder"]}
        if role in (R.LA_OFFICER, R.LA_MANAGER):
            scope = {"local_authority": world["la"]}
        elif role == R.SYSTEM_ADMIN:
            scope = {}
        users[role] = make_user(f"matrix-{role}", role=role, **user_fields, **scope)
    return users
