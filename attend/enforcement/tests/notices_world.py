"""A small world for the penalty-notice tests: an LA, a school with its 2025/26 autumn terms (half term 27-31 Oct
2025), a pupil on roll with four adults (mother and father with parental responsibility, a grandmother caring for
the child without it, an uncle who is neither), and helpers to mark absences."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from attend.accounts.models import Membership, User
from attend.core.tests.factories import make_la, make_pupil, make_school, make_user
from attend.people.models import Contact, Enrolment, Pupil, PupilContact
from attend.registers.models import Mark
from attend.schools.models import AcademicYear, School, Term

D = dt.date
R = Membership.Role


@dataclass
class World:
    school: School
    pupil: Pupil
    enrolment: Enrolment
    mother: Contact
    father: Contact
    grandmother: Contact
    uncle: Contact
    officer: User


def adult(pupil, forename, relationship, *, pr: bool, lives: bool, ref: str) -> Contact:
    contact = Contact.objects.create(
        contact_ref=ref,
        forename=forename,
        surname="Fakeperson",
        address_line1="1 Pretend Street",
        town="Northtown",
        postcode="ZZ1 1ZZ",
    )
    PupilContact.objects.create(
        pupil=pupil,
        contact=contact,
        relationship=relationship,
        parental_responsibility=pr,
        lives_with_pupil=lives,
    )
    return contact


def make_world(*, la_code: str = "201") -> World:
    la = make_la(la_code)
    school = make_school(la=la)
    year = AcademicYear.objects.get_or_create(start_year=2025)[0]
    Term.objects.create(
        school=school, academic_year=year, name="Autumn 1", start_date=D(2025, 9, 3), end_date=D(2025, 10, 24)
    )
    Term.objects.create(
        school=school,
        academic_year=year,
        name="Autumn 2",
        start_date=D(2025, 11, 3),
        end_date=D(2025, 12, 19),
    )
    pupil = make_pupil(school=school)
    enrolment = pupil.enrolments.get()
    return World(
        school=school,
        pupil=pupil,
        enrolment=enrolment,
        mother=adult(pupil, "Mia", "Mother", pr=True, lives=True, ref="C-MUM"),
        father=adult(pupil, "Fred", "Father", pr=True, lives=False, ref="C-DAD"),
        grandmother=adult(pupil, "Gran", "Grandparent", pr=False, lives=True, ref="C-GRAN"),
        uncle=adult(pupil, "Ulf", "Uncle", pr=False, lives=False, ref="C-UNC"),
        officer=make_user("la.officer", role=R.LA_OFFICER, local_authority=la),
    )


def mark(enrolment, days, code="O", sessions=("AM", "PM")) -> None:
    Mark.objects.bulk_create(
        [Mark(enrolment=enrolment, date=day, session=s, code=code) for day in days for s in sessions]
    )


def weekdays(start: dt.date, n: int) -> list[dt.date]:
    days, day = [], start
    while len(days) < n:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def past_notice(w: World, parent: Contact, issue_date: dt.date, *, number: str, withdrawn: bool = False):
    """An earlier notice to `parent` for the world's pupil, written directly (as an import of history would)."""
    from decimal import Decimal

    from attend.enforcement.models import CodeOfConduct, NoticeEvent, PenaltyNotice

    code = CodeOfConduct.objects.get_or_create(
        local_authority=None,
        version=1,
        defaults={"effective_from": D(2024, 8, 19), "sufficient_improvement": "-"},
    )[0]
    notice = PenaltyNotice.objects.create(
        number=number,
        pupil=w.pupil,
        school=w.school,
        parent=parent,
        parent_basis="history",
        reason=PenaltyNotice.Reason.OTHER,
        issue_date=issue_date,
        period_start=issue_date,
        period_end=issue_date,
        sessions=10,
        sequence=1,
        amount_reduced=Decimal("80"),
        amount_full=Decimal("160"),
        issued_by=w.officer,
        issuer_capacity=PenaltyNotice.Capacity.LA_OFFICER,
        code=code,
    )
    if withdrawn:
        NoticeEvent.objects.create(
            notice=notice,
            kind=NoticeEvent.Kind.WITHDRAWN,
            on=issue_date,
            ground=NoticeEvent.WithdrawalGround.MATERIAL_ERROR,
        )
    return notice


TEN_FROM = D(2025, 11, 10)


def ten_sessions(w: World, start: dt.date = TEN_FROM) -> None:
    mark(w.enrolment, weekdays(start, 5))
