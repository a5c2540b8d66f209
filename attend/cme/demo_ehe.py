"""Home education for the demo LA: `seed(la, today, by=officer)`.

Three home-educated children (one with an EHC plan at a special school the LA placed them in, deleted after the LA's
consent; one on a child protection plan when there is such a pupil), one returned to school and one notice still
awaiting the LA's consent. Everything goes through attend.cme.ehe, so the roll, the case chronology, the audit trail
and the work list show it as they would for an officer's work. Pupils are taken from the LA's schools: on roll, with
no case and no home education record yet."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q

from attend.casework.models import Case
from attend.people.models import Enrolment, Pupil
from attend.registers.models import Mark

from . import ehe
from .models_ehe import HomeEducation


def _candidates(la, on: dt.date):
    on_roll = Enrolment.objects.filter(
        pupil=OuterRef("pk"), school__local_authority=la, admission_date__lte=on, leaving_date__isnull=True
    )
    return (
        Pupil.objects.filter(Exists(on_roll))
        .exclude(Exists(Case.objects.filter(pupil=OuterRef("pk"))))
        .exclude(Exists(HomeEducation.objects.filter(pupil=OuterRef("pk"))))
        .order_by("pk")
    )


def _pick(la, on: dt.date, taken: set[int], condition: Q | None = None) -> Pupil | None:
    pupils = _candidates(la, on).exclude(pk__in=taken)
    pupil = (pupils.filter(condition).first() if condition is not None else None) or pupils.first()
    if pupil is not None:
        taken.add(pupil.pk)
    return pupil


def _enrolment(pupil, la) -> Enrolment:
    return (
        Enrolment.objects.filter(pupil=pupil, school__local_authority=la, leaving_date__isnull=True)
        .select_related("school")
        .order_by("-admission_date")
        .first()
    )


def _leave_from(pupil, la, on: dt.date) -> None:
    """The generated register goes on after the day the name is deleted: remove those marks (a deletion cannot
    come before a day the pupil was present)."""
    Mark.objects.filter(enrolment=_enrolment(pupil, la), date__gt=on).delete()


def _notice(pupil, la, on, by, **kw) -> HomeEducation:
    enrolment = _enrolment(pupil, la)
    if not kw.get("special_school_la_placed"):
        _leave_from(pupil, la, on)
    parent = f"{pupil.legal_forename[:1]}. {pupil.legal_surname}"
    return ehe.record_notice(
        by=by, pupil=pupil, school=enrolment.school, received_on=on, from_name=parent, **kw
    )


def seed(la, today: dt.date, *, by=None) -> list[HomeEducation]:
    """The demo LA's home education records (see the module's docstring); returns those made."""
    taken: set[int] = set()
    made: list[HomeEducation] = []
    day = lambda n: today - dt.timedelta(days=n)  # noqa: E731

    if pupil := _pick(la, day(70), taken):
        record = _notice(pupil, la, day(70), by, note="We want to follow a project-based approach at home")
        ehe.record_contact(record, by, "visit", day(55), "Met parent and child at home; saw a weekly timetable, "
                           "reading records and maths workbooks.", "appears_suitable", today + dt.timedelta(days=300))  # fmt: skip
        made.append(record)
    if pupil := _pick(la, day(21), taken, Q(child_protection_plan=True)):
        record = _notice(pupil, la, day(21), by)
        ehe.record_contact(record, by, "phone", day(12), "Parent reluctant to meet; agreed to send samples of work. "
                           "Social worker told.", "more_information", day(2))  # fmt: skip
        made.append(record)
    if pupil := _pick(la, day(40), taken, Q(sen_status=Pupil.SenStatus.EHCP)):
        record = _notice(pupil, la, day(40), by, special_school_la_placed=True,
                         note="Transport and sensory needs: parent wants to try home education")  # fmt: skip
        _leave_from(pupil, la, day(30))
        ehe.decide_consent(
            record, by, True, day(30), "EHC plan reviewed with parents; provision at home discussed"
        )
        made.append(record)
    if pupil := _pick(la, day(120), taken):
        record = _notice(pupil, la, day(120), by)
        ehe.record_contact(record, by, "letter", day(100), "Asked for an outline of the education provided.",
                           "not_assessed", None)  # fmt: skip
        left = Enrolment.objects.filter(pupil=pupil, school=record.school).order_by("-admission_date").first()
        Enrolment.objects.create(
            pupil=pupil, school=record.school, admission_date=day(14), nc_year=left.nc_year
        )
        ehe.record_return(record, by, record.school, day(14))
        made.append(record)
    if pupil := _pick(la, day(5), taken, Q(sen_status=Pupil.SenStatus.EHCP)):
        made.append(_notice(pupil, la, day(5), by, special_school_la_placed=True))
    return made
