"""Deletions from the admission register, each a deletion return to the LA (Education (Pupil Registration)
(England) Regulations 2024 reg 9(1) and reg 13(4)-(6); domain.md §5). `record_deletion` is the one way to record
one: it checks the ground's conditions, stores what looks like off-rolling in words, sets the enrolment's leaving
date, and audits it, in one transaction. Deletion returns are append-only: a correction is a new return."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Count, Q

from attend import audit
from attend.core import clock
from attend.registers.codes import code_table
from attend.registers.models import Mark

from .models_ehe import HomeEducation
from .models_roll import DeletionGround, RollDeletion
from .roll_checks import concerns_for, current_deletions, ground_i_gaps  # noqa: F401 (ground_i_gaps: the API)

NOTE_GROUNDS = {  # grounds whose evidence the school states in words (reg 9(1)(b)-(e), (h), (j), (k), (m)-(o))
    DeletionGround.B,
    DeletionGround.C,
    DeletionGround.D,
    DeletionGround.E,
    DeletionGround.G,
    DeletionGround.H,
    DeletionGround.J,
    DeletionGround.K,
    DeletionGround.M,
    DeletionGround.N,
    DeletionGround.O,
}

# What each ground needs, in words, for the form (reg 9(1); domain.md §5).
CONDITIONS = {
    DeletionGround.A: "Name the new school (or say where it is). Not for dual registration agreed by the schools.",
    DeletionGround.B: "The pupil left the nursery class and is not moving to the reception class. Say so.",
    DeletionGround.C: "Dual registered: the other school consents and you have no reason to think the pupil will "
    "return. Say what you checked.",
    DeletionGround.D: "The school attendance order names another school. Give its reference.",
    DeletionGround.E: "The school attendance order was revoked. Give the date and reference.",
    DeletionGround.F: "The parent's notice in writing of home education, recorded first. For a pupil at a special "
    "school placed by the LA, the LA's consent (reg 9(3)).",
    DeletionGround.G: "The family no longer lives within reasonable distance (not for boarders). Say where they "
    "moved to.",
    DeletionGround.H: "The pupil has not returned after a leave of absence. Say what you checked.",
    DeletionGround.I: "At least 20 continuous school days of G, N or O only, no reason to believe sickness or "
    "unavoidable cause, and the school AND the LA have failed after reasonable enquiry to locate the pupil.",
    DeletionGround.J: "Detained under a sentence of detention and not expected to return. Say what you know.",
    DeletionGround.K: "The pupil has died. Say how the school was told.",
    DeletionGround.L: "End of Year 11: the pupil will cease to be of compulsory school age and is not continuing.",
    DeletionGround.M: "A boarder whose fees are unpaid. Say so.",
    DeletionGround.N: "No longer a pupil of an independent or non-maintained special school. Say why.",
    DeletionGround.O: "Permanently excluded, with the exclusion's date and any review finished.",
}


class DeletionRefused(Exception):
    """The ground's conditions are not met (or the date is wrong): the reason in words."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _last_present(enrolment) -> dt.date | None:
    present = [c.code for c in code_table().values() if c.counts_as_attendance]
    return (
        Mark.objects.filter(enrolment=enrolment, code__in=present)
        .order_by("-date")
        .values_list("date", flat=True)
    ).first()


def _leaves_compulsory_age(enrolment, on: dt.date) -> bool:
    """Reg 9(1)(l) at the end of Year 11: the pupil turns 16 by 31 August of this school year (compulsory school
    age ends on the last Friday in June of that year, Education Act 1996 s8)."""
    year = on.year if on.month >= 8 else on.year - 1
    return enrolment.nc_year == "11" and enrolment.pupil.age_on(dt.date(year + 1, 8, 31)) >= 16


def _check_dates(enrolment, deleted_on: dt.date, corrects) -> None:
    today = clock.today()
    if deleted_on > today:
        raise DeletionRefused(
            "A name is deleted on the day the ground is met: the date cannot be in the future."
        )
    if deleted_on < enrolment.admission_date:
        raise DeletionRefused(
            f"The date is before the pupil's admission on {enrolment.admission_date:%-d %B %Y}."
        )
    last = _last_present(enrolment)
    if last is not None and deleted_on < last:
        raise DeletionRefused(
            f"The pupil was present on {last:%-d %B %Y}: a deletion cannot be dated before that (no retrospective "
            "deletion)."
        )
    if corrects is None and current_deletions().filter(enrolment=enrolment).exists():
        raise DeletionRefused(
            "This enrolment already has a deletion return: record a correction of it instead."
        )
    if corrects is not None and corrects.corrections.exists():
        raise DeletionRefused("That deletion return has already been corrected: correct the latest one.")


def _check_ground(enrolment, ground, deleted_on, source, fields) -> dict:
    """Refuse a ground whose conditions are not met; returns extra fields to store (the enquiry for (i))."""
    note = (fields["note"] or "").strip()
    if ground not in DeletionGround.values:
        raise DeletionRefused("Choose the ground of regulation 9 that applies.")
    if ground == DeletionGround.NOT_GIVEN and source != RollDeletion.Source.IMPORT:
        raise DeletionRefused(
            "Choose the ground of regulation 9 that applies (only an import may leave it out)."
        )
    if ground == DeletionGround.C and enrolment.registration == enrolment.Registration.SINGLE:
        raise DeletionRefused(
            "Ground (c) is for a pupil registered at more than one school (dual registration)."
        )
    if ground == DeletionGround.A and not (
        fields["destination_school"] or fields["destination_note"].strip()
    ):
        raise DeletionRefused("Ground (a): name the school the pupil is now registered at.")
    if ground == DeletionGround.I:
        gaps = ground_i_gaps(enrolment, deleted_on)
        if gaps:
            raise DeletionRefused("Ground (i) is not met: " + " ".join(gaps))
        enquiry = fields["cme_enquiry"] or enrolment.pupil.cme_enquiries.order_by("-opened_at").first()
        return {"cme_enquiry": enquiry}
    if ground == DeletionGround.F:
        he: HomeEducation | None = fields["home_education"]
        if he is None or he.pupil_id != enrolment.pupil_id:
            raise DeletionRefused(
                "Ground (f): record the parent's notice in writing of home education first."
            )
        if he.special_school_la_placed and he.consent != HomeEducation.Consent.GIVEN:
            raise DeletionRefused(
                "Ground (f): the pupil is at a special school under arrangements made by the LA, so the name may "
                "be deleted only with the LA's consent (reg 9(3)), and it has not been given."
            )
    if ground == DeletionGround.L and not _leaves_compulsory_age(enrolment, deleted_on):
        raise DeletionRefused(
            "Ground (l) is for a pupil at the end of Year 11 who will cease to be of compulsory school age."
        )
    if ground in NOTE_GROUNDS and not note and not fields["destination_note"].strip():
        raise DeletionRefused(f"Ground ({ground}): say what the school knows (the note).")
    return {}


def record_deletion(
    *,
    by,
    enrolment,
    ground: str,
    deleted_on: dt.date,
    source: str = "form",
    destination_school=None,
    destination_la=None,
    destination_note: str = "",
    cme_enquiry=None,
    home_education=None,
    note: str = "",
    corrects: RollDeletion | None = None,
    request=None,
) -> RollDeletion:
    """Record a deletion return (reg 13) and delete the name from the roll (the enrolment's leaving date), or refuse
    with DeletionRefused. `corrects`: the return this one replaces (e.g. the ground for an imported leaving date)."""
    fields = {
        "destination_school": destination_school,
        "destination_note": destination_note or "",
        "cme_enquiry": cme_enquiry,
        "home_education": home_education,
        "note": note,
    }
    if source not in RollDeletion.Source.values:
        raise ValueError(f"Unknown source of a deletion return: {source!r}")
    if corrects is not None and corrects.enrolment_id != enrolment.pk:
        raise DeletionRefused("A correction must be for the same enrolment.")
    _check_dates(enrolment, deleted_on, corrects)
    extra = _check_ground(enrolment, ground, deleted_on, source, fields)
    deletion = RollDeletion(
        enrolment=enrolment,
        pupil=enrolment.pupil,
        school=enrolment.school,
        ground=ground,
        deleted_on=deleted_on,
        source=source,
        destination_school=destination_school,
        destination_la=destination_la,
        destination_note=destination_note or "",
        cme_enquiry=extra.get("cme_enquiry", cme_enquiry),
        home_education=home_education,
        note=note or "",
        corrects=corrects,
        recorded_by=by if by is not None and by.is_authenticated else None,
    )
    _save(deletion, by=by, request=request)
    return deletion


def _save(deletion: RollDeletion, *, by, request) -> None:
    """Store the return with its concerns, set the leaving date and audit both, in one transaction."""
    enrolment = deletion.enrolment
    with transaction.atomic():
        deletion.concerns = concerns_for(deletion)
        deletion.save()
        before = enrolment.leaving_date
        if before != deletion.deleted_on:
            type(enrolment).objects.filter(pk=enrolment.pk).update(leaving_date=deletion.deleted_on)
            enrolment.leaving_date = deletion.deleted_on
        audit.record(
            "cme.deletion.recorded",
            by=by,
            obj=deletion,
            pupil=enrolment.pupil,
            school=enrolment.school,
            before={"leaving_date": before.isoformat() if before else None},
            after={"leaving_date": deletion.deleted_on.isoformat()},
            data={"ground": deletion.ground, "source": deletion.source, "corrects": deletion.corrects_id},
            request=request,
        )
        _chronology(deletion, by)


def _chronology(deletion: RollDeletion, by) -> None:
    """The step on the child's case, where there is one (the CME enquiry's case, or the pupil's open case)."""
    from attend.casework.cases import open_case_for
    from attend.casework.chronology import record_entry

    case = deletion.cme_enquiry.case if deletion.cme_enquiry_id else open_case_for(deletion.pupil)
    if case is None:
        return
    summary = (
        f"Deleted from the roll of {deletion.school.name} on {deletion.deleted_on:%-d %B %Y} under ground "
        f"{deletion.get_ground_display()} (deletion return to the LA)."
    )
    record_entry(case, kind="cme", summary=summary, by=by if by is not None and by.is_authenticated else None)


# ----- the /cme/ panel


def deletions_visible_to(user):
    """Deletion returns at the schools the user sees as staff (LA: its schools; school staff: their own)."""
    from attend.core.scoping import staff_school_ids

    if user.is_superuser:
        return RollDeletion.objects.all()
    return RollDeletion.objects.filter(school_id__in=staff_school_ids(user))


def term_start(today: dt.date) -> dt.date:
    """The start of the school term holding `today` (autumn from 1 September, spring from 1 January, summer from
    the day after Easter's term: 1 April is near enough for a count on a panel)."""
    if today.month >= 9:
        return dt.date(today.year, 9, 1)
    if today.month >= 4:
        return dt.date(today.year, 4, 1)
    return dt.date(today.year, 1, 1)


def index_panel(user, today: dt.date) -> dict:
    """Context for this area's panel on /cme/ (template cme/roll/_index_panel.html): this term's deletions by
    ground and those with concerns."""
    rows = deletions_visible_to(user).filter(
        pk__in=current_deletions().values("pk"), deleted_on__range=(term_start(today), today)
    )
    labels = dict(DeletionGround.choices)
    by_ground = [
        {"ground": g, "label": labels.get(g, g), "count": n}
        for g, n in rows.values_list("ground").annotate(n=Count("id")).order_by("ground")
    ]
    concerns = rows.exclude(Q(concerns=[])).select_related("pupil", "school").order_by("-deleted_on", "-id")
    return {
        "roll_term_start": term_start(today),
        "roll_by_ground": by_ground,
        "roll_total": sum(g["count"] for g in by_ground),
        "roll_concerns": list(concerns[:10]),
        "roll_concerns_count": concerns.count(),
    }
