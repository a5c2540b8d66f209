"""Opening cases and giving them references. Stage, status and assignment changes live beside these."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from attend import audit
from attend.core import clock
from attend.core.locking import VersionConflict, update_if_version
from attend.people.models import Pupil
from attend.schools.models import LocalAuthority, School

from .chronology import EntryRefused, record_entry
from .models import OPEN_CASE_STATUSES, Case, EntryKind, PathwayStep, Stage, StageChange


def next_ref() -> str:
    """CW- and six digits, one more than the highest so far (a clash on save is retried by `open_case`)."""
    last = Case.objects.filter(ref__startswith="CW-").order_by("-ref").values_list("ref", flat=True).first()
    number = int(last[3:]) + 1 if last and last[3:].isdigit() else 1
    return f"CW-{number:06d}"


def open_case_for(pupil: Pupil) -> Case | None:
    return Case.objects.filter(pupil=pupil, status__in=OPEN_CASE_STATUSES).first()


def open_case(
    *,
    by,
    pupil: Pupil | None = None,
    school: School | None = None,
    local_authority: LocalAuthority | None = None,
    stage: str = Stage.LISTEN,
    reason: str = "",
    child: dict | None = None,
    request=None,
    occurred_at: dt.datetime | None = None,
) -> tuple[Case, bool]:
    """Open a case for a pupil (or, with `child` = {forename, surname, date_of_birth, address, postcode}, for a
    child not on any roll). Returns (case, created): a pupil who already has an open case gets that case back.
    The caller checks the user may open a case here (scope) first."""
    if pupil is None and not (child and child.get("surname")):
        raise EntryRefused("Name the child: a case is about a pupil on a roll or a named child")
    if stage not in Stage.values:
        raise EntryRefused(f"'{stage}' is not a stage")
    if pupil is not None:
        existing = open_case_for(pupil)
        if existing is not None:
            return existing, False
    if local_authority is None and school is not None:
        local_authority = school.local_authority
    child = child or {}
    for attempt in range(5):
        try:
            with transaction.atomic():
                case = Case.objects.create(
                    ref=next_ref(),
                    pupil=pupil,
                    school=school,
                    local_authority=local_authority,
                    stage=stage,
                    opened_at=occurred_at or clock.now(),
                    opened_by=by if getattr(by, "pk", None) else None,
                    child_forename=child.get("forename", ""),
                    child_surname=child.get("surname", ""),
                    child_date_of_birth=child.get("date_of_birth"),
                    child_address=child.get("address", ""),
                    child_postcode=child.get("postcode", ""),
                )
                record_entry(
                    case,
                    kind=EntryKind.STATUS_CHANGE,
                    summary=f"Case opened at the {Stage(stage).label.lower()} stage"
                    + (f": {reason.strip()}" if reason.strip() else ""),
                    by=by,
                    occurred_at=occurred_at,
                    request=request,
                )
                audit.record(
                    "casework.case.opened",
                    by=by,
                    obj=case,
                    pupil=pupil,
                    school=school,
                    data={"case": case.ref, "stage": stage},
                    request=request,
                )
            return case, True
        except IntegrityError:
            # Another officer opened a case at the same moment: theirs if it is this pupil's, else a new ref.
            if pupil is not None:
                existing = open_case_for(pupil)
                if existing is not None:
                    return existing, False
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


# ----- stage, status and assignment


def _display_name(user) -> str:
    if user is None:
        return "nobody"
    return user.get_full_name() or user.get_username()


def _require_open(case: Case, doing: str) -> None:
    if not case.is_open:
        raise EntryRefused(f"Case {case.ref} is closed: reopen it before you {doing}")


def change_stage(
    case: Case,
    to_stage: str,
    reason: str,
    by,
    pathway_step: PathwayStep | None = None,
    *,
    version: int | None = None,
    request=None,
    occurred_at=None,
) -> Case:
    """Move a case to another stage (or another step of the LA's pathway): a StageChange row saying who, when and
    why, and a stage_change entry on the chronology. With `version`, refuses (VersionConflict) if the case has
    changed since the page was shown."""
    _require_open(case, "change its stage")
    if to_stage not in Stage.values:
        raise EntryRefused("Choose a stage")
    if not (reason or "").strip():
        raise EntryRefused("Enter why the stage is changing")
    if pathway_step is not None:
        if pathway_step.stage != to_stage or pathway_step.local_authority_id != case.local_authority_id:
            raise EntryRefused("That pathway step is not a step of this stage in the case's LA")
    if to_stage == case.stage and (pathway_step.pk if pathway_step else None) == case.pathway_step_id:
        raise EntryRefused(f"The case is already at the {Stage(to_stage).label.lower()} stage")
    from_stage = case.stage
    summary = f"Stage changed from {Stage(from_stage).label} to {Stage(to_stage).label}"
    if pathway_step is not None:
        summary += f" ({pathway_step.name})"
    with transaction.atomic():
        _save_versioned(
            case, version, stage=to_stage, pathway_step=pathway_step, what="the stage was not changed"
        )
        StageChange.objects.create(
            case=case,
            from_stage=from_stage,
            to_stage=to_stage,
            pathway_step=pathway_step,
            reason=reason.strip(),
            changed_by=by if getattr(by, "pk", None) else None,
        )
        record_entry(
            case,
            kind=EntryKind.STAGE_CHANGE,
            summary=f"{summary}: {reason.strip()}",
            by=by,
            request=request,
            occurred_at=occurred_at,
        )
        audit.record(
            "casework.case.stage_changed",
            by=by,
            obj=case,
            pupil=case.pupil,
            school=case.school,
            data={"case": case.ref, "from": from_stage, "to": to_stage, "reason": reason.strip()},
            request=request,
        )
    return case


def close_case(
    case: Case, reason: str, summary: str, by, *, version: int | None = None, request=None, occurred_at=None
) -> Case:
    """Close a case with one of Case.CloseReason and a summary of where things stand."""
    _require_open(case, "close it")
    if reason not in Case.CloseReason.values:
        raise EntryRefused("Choose why the case is closing")
    if not (summary or "").strip():
        raise EntryRefused("Enter a closing summary")
    now = timezone.now()
    with transaction.atomic():
        _save_versioned(
            case,
            version,
            status=Case.Status.CLOSED,
            close_reason=reason,
            close_summary=summary.strip(),
            closed_at=now,
            closed_by=by if getattr(by, "pk", None) else None,
            what="the case was not closed",
        )
        label = Case.CloseReason(reason).label
        record_entry(
            case,
            kind=EntryKind.STATUS_CHANGE,
            summary=f"Case closed ({label}): {summary.strip()}",
            by=by,
            request=request,
            occurred_at=occurred_at,
        )
        audit.record(
            "casework.case.closed",
            by=by,
            obj=case,
            pupil=case.pupil,
            school=case.school,
            data={"case": case.ref, "reason": label},
            request=request,
        )
    return case


def reopen_case(case: Case, reason: str, by, *, request=None) -> Case:
    """Reopen a closed case. A pupil has at most one open case: if another is open, that one is the place."""
    if case.is_open:
        raise EntryRefused(f"Case {case.ref} is already open")
    if not (reason or "").strip():
        raise EntryRefused("Enter why the case is reopening")
    if case.pupil_id:
        other = open_case_for(case.pupil)
        if other is not None:
            raise EntryRefused(f"{case.child_name} already has an open case, {other.ref}: add to that one")
    try:
        with transaction.atomic():
            _save_versioned(
                case,
                None,
                status=Case.Status.OPEN,
                close_reason="",
                close_summary="",
                closed_at=None,
                closed_by=None,
                what="the case was not reopened",
            )
            record_entry(
                case,
                kind=EntryKind.STATUS_CHANGE,
                summary=f"Case reopened: {reason.strip()}",
                by=by,
                request=request,
            )
            audit.record(
                "casework.case.reopened",
                by=by,
                obj=case,
                pupil=case.pupil,
                school=case.school,
                data={"case": case.ref, "reason": reason.strip()},
                request=request,
            )
    except IntegrityError:  # another case for the pupil was opened at the same moment
        raise EntryRefused(f"{case.child_name} already has an open case: add to that one") from None
    return case


def assignable_officers(case: Case):
    """(LA officers, school leads) who may hold this case: staff with cases.write in its scope."""
    from attend.accounts.models import Membership, User
    from attend.accounts.permissions import PERMISSIONS

    writers = PERMISSIONS["cases.write"].roles
    la_ids = {case.local_authority_id, case.school.local_authority_id if case.school_id else None} - {None}
    active = User.objects.filter(is_active=True).order_by("first_name", "last_name", "username")
    la = active.filter(
        memberships__role__in=[
            r for r in writers if r in (Membership.Role.LA_OFFICER, Membership.Role.LA_MANAGER)
        ],
        memberships__local_authority_id__in=la_ids,
    ).distinct()
    school = active.none()
    if case.school_id:
        school = active.filter(
            memberships__role__in=[
                r for r in writers if r not in (Membership.Role.LA_OFFICER, Membership.Role.LA_MANAGER)
            ],
            memberships__school_id=case.school_id,
        ).distinct()
    return la, school


def assign(
    case: Case,
    la_officer,
    school_lead,
    lead_practitioner: str,
    by,
    version: int,
    *,
    request=None,
    occurred_at=None,
) -> Case:
    """Say who holds the case: an LA officer and/or a school lead, and the lead practitioner (a name and role,
    often outside Attend). Refuses (VersionConflict) if someone else changed the case since `version`."""
    _require_open(case, "change who holds it")
    la_choices, school_choices = assignable_officers(case)
    if la_officer is not None and not la_choices.filter(pk=la_officer.pk).exists():
        raise EntryRefused("Choose an LA officer of the case's LA")
    if school_lead is not None and not school_choices.filter(pk=school_lead.pk).exists():
        raise EntryRefused("Choose a school lead from the case's school")
    lead_practitioner = (lead_practitioner or "").strip()
    before = {
        "la_officer": _display_name(case.la_officer) if case.la_officer_id else "",
        "school_lead": _display_name(case.school_lead) if case.school_lead_id else "",
        "lead_practitioner": case.lead_practitioner,
    }
    after = {
        "la_officer": _display_name(la_officer) if la_officer else "",
        "school_lead": _display_name(school_lead) if school_lead else "",
        "lead_practitioner": lead_practitioner,
    }
    if before == after:
        raise EntryRefused("Nothing has changed: choose who holds the case")
    with transaction.atomic():
        _save_versioned(
            case,
            version,
            la_officer=la_officer,
            school_lead=school_lead,
            lead_practitioner=lead_practitioner,
            what="the case was not reassigned",
        )
        words = "; ".join(f"{label} {after[key] or 'none'}" for key, label in ASSIGNMENT_LABELS)
        record_entry(
            case,
            kind=EntryKind.NOTE,
            summary=f"Case held by: {words}",
            by=by,
            request=request,
            source="casework.assign",
            occurred_at=occurred_at,
        )
        audit.record(
            "casework.case.assigned",
            by=by,
            obj=case,
            pupil=case.pupil,
            school=case.school,
            before=before,
            after=after,
            data={"case": case.ref},
            request=request,
        )
    return case


ASSIGNMENT_LABELS = (
    ("la_officer", "LA officer"),
    ("school_lead", "school lead"),
    ("lead_practitioner", "lead practitioner"),
)


def link_to_pupil(case: Case, pupil: Pupil, by, *, request=None) -> Case:
    """A case opened for a child not on any roll (or with no UPN) joins the pupil record once one exists. The
    entries recorded before keep no pupil of their own; the pupil's timeline finds them through the case."""
    if case.pupil_id:
        raise EntryRefused(f"Case {case.ref} is already about {case.child_name}")
    if case.is_open:
        other = open_case_for(pupil)
        if other is not None:
            raise EntryRefused(f"That pupil already has an open case, {other.ref}")
    school = case.school
    if school is None:
        enrolment = pupil.enrolments.filter(leaving_date__isnull=True).select_related("school").first()
        school = enrolment.school if enrolment else None
    named = case.child_name
    try:
        with transaction.atomic():
            _save_versioned(case, None, pupil=pupil, school=school, what="the case was not linked")
            if case.local_authority_id is None and school is not None:
                Case.objects.filter(pk=case.pk).update(local_authority=school.local_authority)
                case.local_authority = school.local_authority
            record_entry(
                case,
                kind=EntryKind.NOTE,
                summary=f"Linked to the pupil record of {case.child_name} (UPN {pupil.upn}); "
                f"opened for a child named {named}",
                by=by,
                request=request,
                source="casework.link",
            )
            audit.record(
                "casework.case.linked_to_pupil",
                by=by,
                obj=case,
                pupil=pupil,
                school=school,
                data={"case": case.ref, "upn": pupil.upn},
                request=request,
            )
    except IntegrityError:
        raise EntryRefused("That pupil already has an open case") from None
    return case


def _save_versioned(case: Case, version: int | None, *, what: str, **changes) -> None:
    """Apply `changes` to the case row, bumping its version; with `version`, only if it is still that version
    (attend.core.locking). Updates `case` in hand to match."""
    expected = case.version if version is None else int(version)
    if not update_if_version(Case, case.pk, expected, **changes):
        current = Case.objects.select_related("la_officer", "school_lead").filter(pk=case.pk).first()
        raise VersionConflict(conflict_message(current, what), current)
    for name, value in changes.items():
        setattr(case, name, value)
    case.version = expected + 1


def conflict_message(current: Case | None, what: str) -> str:
    if current is None:
        return f"This case no longer exists: {what}."
    held = [
        f"LA officer {_display_name(current.la_officer)}" if current.la_officer_id else "",
        f"school lead {_display_name(current.school_lead)}" if current.school_lead_id else "",
        f"lead practitioner {current.lead_practitioner}" if current.lead_practitioner else "",
    ]
    holders = ", ".join(h for h in held if h)
    status = current.get_status_display().lower()
    return (
        f"Someone else changed case {current.ref} while you had it open: it is now {status}"
        f" at the {current.get_stage_display().lower()} stage"
        + (f", held by {holders}" if holders else "")
        + f". Your change was not saved ({what}); check the case and try again."
    )
