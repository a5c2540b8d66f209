"""A small world for the cases tests: Northshire with Alder and Beech Primary, Southshire with Cedar Primary, a
pupil at Alder (Maya Okafor, with a mother's contact), and staff at each place."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from attend.accounts.models import Membership
from attend.core.tests.factories import make_la, make_pupil, make_school, make_user
from attend.people.models import Contact, PupilContact

R = Membership.Role
TODAY = dt.date(2025, 11, 19)  # a Wednesday in term


def at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, minute))


def staff(username: str, role: str, name: str = "", **scope):
    user = make_user(username, role=role, **scope)
    if name:
        user.first_name, user.last_name = name.split(" ", 1)
        user.save(update_fields=["first_name", "last_name"])
    return user


def make_case_world() -> dict:
    north, south = make_la("201", "Northshire"), make_la("202", "Southshire")
    alder = make_school(la=north, name="Alder Primary")
    beech = make_school(la=north, name="Beech Primary")
    cedar = make_school(la=south, name="Cedar Primary")
    maya = make_pupil(school=alder, surname="Okafor", legal_forename="Maya")
    kit = make_pupil(school=cedar, surname="Faraway", legal_forename="Kit")
    mother = Contact.objects.create(
        contact_ref="C-OKAFOR-1", forename="Grace", surname="Okafor", phone_mobile="07700 900123",
        address_line1="4 Elm Road", postcode="NO1 2AB",
    )  # fmt: skip
    PupilContact.objects.create(pupil=maya, contact=mother, relationship="Mother", priority=1)
    users = {
        "la_officer": staff("lena", R.LA_OFFICER, "Lena Shah", local_authority=north),
        "la_manager": staff("mo", R.LA_MANAGER, "Mo Reid", local_authority=north),
        "alder_officer": staff("amira", R.SCHOOL_OFFICER, "Amira Khan", school=alder),
        "alder_head": staff("hal", R.HEADTEACHER, "Hal Penn", school=alder),
        "alder_dsl": staff("dee", R.DSL, "Dee Lowe", school=alder),
        "alder_teacher": staff("tom", R.CLASS_TEACHER, "Tom Hill", school=alder),
        "beech_officer": staff("bea", R.SCHOOL_OFFICER, "Bea Marsh", school=beech),
        "cedar_officer": staff("cy", R.SCHOOL_OFFICER, "Cy Dunn", school=cedar),
    }
    return {"north": north, "south": south, "alder": alder, "beech": beech, "cedar": cedar, "maya": maya,
            "kit": kit, "mother": mother, **users}  # fmt: skip
