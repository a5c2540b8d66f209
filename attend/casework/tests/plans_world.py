"""A small world for the assessment and plan tests: Maya Okafor at Alder Primary with two parents, an open case,
and register marks either side of 3 November 2025 whose figures are worked by hand below.

Before window (17 days, Fri 17 Oct to Sun 2 Nov): 11 school days, 22 sessions, 12 present, 6 O + 4 I absent:
attendance 12/22 = 54.5%, 5 days missed.
After window (17 days, Mon 3 Nov to Wed 19 Nov, "today"): 13 school days, 26 sessions, 3 O absent:
attendance 23/26 = 88.5%, 1.5 days missed. Change: +33.9 percentage points.
An action starting Wed 12 Nov: after (12-19 Nov) 12 sessions all present, 100.0%; before (4-11 Nov) 12 sessions,
1 absent, 91.7%, half a day.
Outside both windows: O O on Thu 16 Oct (counts in the year to date only) and O O on Thu 20 Nov (after today).
Year to date: 50 possible sessions, 15 missed: 7.5 days, about 49 hours (6.5-hour day), 70.0%.
"""

from __future__ import annotations

import datetime as dt

from attend.accounts.models import Membership
from attend.casework.cases import open_case
from attend.core.tests.factories import make_la, make_pupil, make_school, make_user
from attend.people.models import Contact, PupilContact
from attend.stats.tests.factories import marks

R = Membership.Role
TODAY = dt.date(2025, 11, 19)
PLAN_START = dt.date(2025, 11, 3)

BEFORE_DAYS = [dt.date(2025, 10, d) for d in (17, 20, 21, 22, 23, 24, 27, 28, 29, 30, 31)]
BEFORE_CODES = "O O / \\ / \\ I I / \\ O O / \\ I I / \\ O O / \\".split()
AFTER_DAYS = [dt.date(2025, 11, d) for d in (3, 4, 5, 6, 7, 10, 11, 12, 13, 14, 17, 18, 19)]
AFTER_CODES = ["O", "O", "/", "\\", "/", "O"] + ["/", "\\"] * 10


def make_contact(pupil, ref: str, title: str, forename: str, email: str, line1: str, **fields) -> Contact:
    contact = Contact.objects.create(
        contact_ref=ref,
        title=title,
        forename=forename,
        surname="Okafor",
        email=email,
        phone_mobile="07700 900123",
        address_line1=line1,
        town="Northtown",
        postcode="NT1 2AB",
    )
    PupilContact.objects.create(
        pupil=pupil,
        contact=contact,
        relationship=fields.get("relationship", "Mother"),
        parental_responsibility=True,
        lives_with_pupil=fields.get("lives_with", True),
        priority=fields.get("priority", 1),
    )
    return contact


def make_plans_world() -> dict:
    la = make_la()
    alder = make_school(la=la, name="Alder Primary")
    other_la = make_la(code="202", name="Southshire")
    cedar = make_school(la=other_la, name="Cedar Primary")
    maya = make_pupil(school=alder, surname="Okafor", legal_forename="Maya")
    enrolment = maya.enrolments.get()
    marks(enrolment, [dt.date(2025, 10, 16)], ["O", "O"])
    marks(enrolment, BEFORE_DAYS, BEFORE_CODES)
    marks(enrolment, AFTER_DAYS, AFTER_CODES)
    marks(enrolment, [dt.date(2025, 11, 20)], ["O", "O"])
    mother = make_contact(maya, "C-MAYA-1", "Mrs", "Grace", "grace.okafor@example.com", "4 Willow Road")
    father = make_contact(
        maya, "C-MAYA-2", "Mr", "Daniel", "daniel.okafor@example.com", "9 Station Flats",
        relationship="Father", lives_with=False, priority=2,
    )  # fmt: skip
    la_officer = make_user("sam.patel", role=R.LA_OFFICER, local_authority=la)
    la_officer.first_name, la_officer.last_name = "Sam", "Patel"
    la_officer.save()
    school_officer = make_user("jo.khan", role=R.SCHOOL_OFFICER, school=alder)
    outsider = make_user("cedar.officer", role=R.SCHOOL_OFFICER, school=cedar)
    teacher = make_user("class.teacher", role=R.CLASS_TEACHER, school=alder)
    case, _ = open_case(by=la_officer, pupil=maya, school=alder, reason="Persistent absence alert")
    kit = make_pupil(school=cedar, surname="Faraway", legal_forename="Kit")
    south_case, _ = open_case(by=None, pupil=kit, school=cedar)
    return {
        "la": la, "alder": alder, "cedar": cedar, "maya": maya, "enrolment": enrolment,
        "mother": mother, "father": father, "la_officer": la_officer, "school_officer": school_officer,
        "outsider": outsider, "teacher": teacher, "case": case, "south_case": south_case, "kit": kit,
    }  # fmt: skip
