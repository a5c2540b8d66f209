"""What every step of the ladder does to the case (issue 19): it goes on the chronology as an "enforcement" entry
and moves the case to the stage the step belongs to ("formalise support" for contracts and notices to improve,
"enforce" for a notice requested or issued); a pupil with no open case gets one opened."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from attend.casework.cases import change_stage, open_case
from attend.casework.chronology import record_entry
from attend.casework.models import STAGE_ORDER, Case, EntryKind, Stage
from attend.people.models import Enrolment, Pupil
from attend.schools.models import LocalAuthority, School


class StepRefused(ValueError):
    """A step that cannot be taken; the message says why, in words for the person who tried."""


def school_on(pupil: Pupil, on: dt.date) -> School | None:
    """The school the pupil is on roll at on `on` (main registration first), else their latest school."""
    enrolments = Enrolment.objects.filter(pupil=pupil).select_related("school__local_authority")
    current = enrolments.filter(admission_date__lte=on).filter(
        Q(leaving_date__isnull=True) | Q(leaving_date__gte=on)
    )
    first = current.order_by(
        "registration", "-admission_date"
    ).first()  # "main" sorts before "single/subsidiary"
    first = first or enrolments.order_by("-admission_date").first()
    return first.school if first else None


def la_of(pupil: Pupil, on: dt.date) -> LocalAuthority | None:
    school = school_on(pupil, on)
    return school.local_authority if school else None


def case_for_step(pupil: Pupil, *, by, on: dt.date, reason: str, request=None) -> Case:
    """The pupil's open case, or a new one at their school (a formal step for a pupil with no open case opens
    one: issue 19)."""
    school = school_on(pupil, on)
    case, _ = open_case(
        by=by, pupil=pupil, school=school, stage=Stage.FORMALISE, reason=reason, request=request
    )
    return case


def record_step(case: Case, *, stage: str, summary: str, by, request=None, **fields) -> None:
    """The step on the chronology, and the case moved up to `stage` (never down: a case already at "enforce"
    stays there when a contract is agreed)."""
    record_entry(case, kind=EntryKind.ENFORCEMENT, summary=summary, by=by, request=request, **fields)
    if STAGE_ORDER.index(case.stage) < STAGE_ORDER.index(stage):
        change_stage(case, stage, summary, by, request=request)


def parents_named(pupil: Pupil, contacts) -> list:
    """The contacts, checked to be the child's parents in the s576 sense (Education Act 1996 s576: parental
    responsibility, or care of the child: here, living with them). Refused (StepRefused) for anyone else, or none."""
    from attend.people.models import PupilContact

    contacts = list(contacts)
    if not contacts:
        raise StepRefused("Name at least one parent")
    links = PupilContact.objects.filter(pupil=pupil, contact__in=contacts).filter(
        Q(parental_responsibility=True) | Q(lives_with_pupil=True)
    )
    parents = {link.contact_id for link in links}
    strangers = [c for c in contacts if c.pk not in parents]
    if strangers:
        names = ", ".join(f"{c.forename} {c.surname}" for c in strangers)
        raise StepRefused(
            f"{names}: not this child's parent (no parental responsibility and does not care for the child)"
        )
    return contacts


def measures_by_pupil(pupil_ids, start: dt.date, to: dt.date) -> dict[int, dict]:
    """DfE measures (attend.stats.measures_from_counts: possible_sessions, overall_attendance,
    overall_absence, unauthorised_absence, ...) of each pupil's marks from start to `to`, in ONE grouped query.
    A pupil with no marks gets the measures of no sessions."""
    from django.db.models import Count

    from attend.registers.models import Mark
    from attend.stats import measures_from_counts
    from attend.stats.codes import code_specs

    known = code_specs()
    pupil_ids = set(pupil_ids)
    counts: dict[int, dict[str, int]] = {pk: {} for pk in pupil_ids}
    if to >= start and pupil_ids:
        rows = (
            Mark.objects.filter(enrolment__pupil_id__in=pupil_ids, date__gte=start, date__lte=to)
            .values("enrolment__pupil_id", "code")
            .annotate(n=Count("id"))
        )
        for row in rows:
            if row["code"] in known:  # the statistics leave out codes they do not know, too
                counts[row["enrolment__pupil_id"]][row["code"]] = row["n"]
    return {pk: measures_from_counts(c) for pk, c in counts.items()}
