"""The assessment: the child's and the parents' views in their own words (first), barriers from the taxonomy,
strengths, support already in place, seed 002's questions. One per case, saved with optimistic locking; each save
that changes something puts an "assessment" entry on the chronology saying what changed, and is audited."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import TextChoices
from django.utils import timezone

from attend import audit
from attend.core.locking import VersionConflict, update_if_version

from .chronology import record_entry
from .models import Assessment, Barrier, Case, EntryKind
from .plans import acting_user, conflict_message


class SupportInPlace(TextChoices):
    PASTORAL_PLAN = "pastoral_plan", "Pastoral support plan"
    PEP = "pep", "Personal education plan (PEP)"
    EHC_PLAN = "ehc_plan", "Education, health and care (EHC) plan"
    EARLY_HELP = "early_help", "Early help"
    REDUCED_TIMETABLE = "reduced_timetable", "Reduced timetable"


# The questions seed 002 asks social workers to explore when attendance is a concern (key, question).
QUESTIONS: list[tuple[str, str]] = [
    ("on_roll", "Is the child on roll at a school? If not, what is being done to enrol them, and why?"),
    ("mental_health", "Is their mental health or wellbeing affecting their attendance?"),
    ("anxiety", "Is anxiety playing a part? How can they be supported to manage it?"),
    ("behaviour", "Is their behaviour affecting their attendance and education?"),
    ("suspensions", "Have they been suspended or permanently excluded?"),
    ("reduced_timetable", "Are they on a reduced timetable?"),
    ("send", "Do they have a special educational need or disability (SEND), or an EHC plan?"),
    ("pupil_premium", "Are they eligible for pupil premium (free school meals, Ever6, Pupil Premium Plus)?"),
    (
        "current_plans",
        "What plans and support are in place (attendance support plan, PEP, parenting contract)?",
    ),
]
QUESTION_KEYS = [k for k, _ in QUESTIONS]

ASSESSMENT_TEXT = {
    "child_views": "the child's views",
    "parent_views": "the parents' views",
    "strengths": "strengths",
}


def barriers_text(barriers: dict[str, tuple[str, str]]) -> dict[str, str]:
    return {
        kind: f"{Barrier.Kind(kind).label} ({Barrier.Where(where).label.lower()})"
        for kind, (where, _note) in barriers.items()
    }


def _assessment_changes(old: Assessment | None, data: dict, barriers: dict, old_barriers: dict) -> list[str]:
    changes = []
    for name, label in ASSESSMENT_TEXT.items():
        if (getattr(old, name, "") or "") != data[name]:
            changes.append(label)
    if sorted(getattr(old, "support_in_place", []) or []) != sorted(data["support_in_place"]):
        changes.append("support in place")
    if (getattr(old, "questions", {}) or {}) != data["questions"]:
        changes.append("answers to the assessment questions")
    new_text, old_text = barriers_text(barriers), barriers_text(old_barriers)
    added = [new_text[k] for k in barriers if k not in old_barriers or old_barriers[k][0] != barriers[k][0]]
    removed = [old_text[k] for k in old_barriers if k not in barriers]
    noted = [new_text[k] for k in barriers if k in old_barriers and old_barriers[k] != barriers[k]]
    if added:
        changes.append("barriers added: " + ", ".join(added))
    if removed:
        changes.append("barriers removed: " + ", ".join(removed))
    noted = [n for n in noted if n not in added]
    if noted:
        changes.append("barrier notes changed: " + ", ".join(noted))
    return changes


def current_barriers(assessment: Assessment | None) -> dict[str, tuple[str, str]]:
    if assessment is None or assessment.pk is None:
        return {}
    return {b.kind: (b.where, b.note) for b in assessment.barriers.all()}


def _write(case: Case, old: Assessment | None, expected_version: int, data: dict, by) -> Assessment:
    """Create the assessment (version 0: there was none) or update it if still at `expected_version`."""
    if old is None and expected_version == 0:
        try:
            with transaction.atomic():
                return Assessment.objects.create(case=case, updated_by=acting_user(by), **data)
        except IntegrityError:
            old = Assessment.objects.get(case=case)
    elif old is not None and update_if_version(
        Assessment, old.pk, expected_version, updated_by=acting_user(by), updated_at=timezone.now(), **data
    ):
        return Assessment.objects.get(pk=old.pk)
    if old is not None:
        old.refresh_from_db()
    raise VersionConflict(conflict_message(old, "assessment") if old else "The assessment has gone.", old)


def assessment_save(
    case: Case,
    *,
    by,
    expected_version: int,
    data: dict,
    barriers: dict[str, tuple[str, str]],
    request=None,
) -> tuple[Assessment | None, list[str]]:
    """Save the case's assessment as the officer saw it at `expected_version` (0: there was none yet).

    `data` holds child_views, parent_views, strengths, support_in_place (SupportInPlace values) and questions
    ({key: answer}); `barriers` is {Barrier.Kind: (Barrier.Where, note)}. Returns the assessment and what changed
    (empty: nothing did, and nothing is recorded). Raises VersionConflict if someone saved first."""
    data = {
        **{k: (data.get(k) or "").strip() for k in ASSESSMENT_TEXT},
        "support_in_place": [v for v in SupportInPlace.values if v in (data.get("support_in_place") or [])],
        "questions": {k: v.strip() for k, v in (data.get("questions") or {}).items() if v and v.strip()},
    }
    with transaction.atomic():
        old = Assessment.objects.filter(case=case).first()
        old_barriers = current_barriers(old)
        changes = _assessment_changes(old, data, barriers, old_barriers)
        if not changes:  # what was posted is what is there (or there is nothing): nothing to save or record
            return old, []
        assessment = _write(case, old, expected_version, data, by)
        assessment.barriers.all().delete()
        Barrier.objects.bulk_create(
            Barrier(assessment=assessment, kind=kind, where=where, note=note.strip()[:300])
            for kind, (where, note) in sorted(barriers.items())
        )
        record_entry(
            case,
            kind=EntryKind.ASSESSMENT,
            summary=("Assessment started: " if old is None else "Assessment updated: ") + "; ".join(changes),
            by=by,
            child_words=data["child_views"] if "the child's views" in changes else "",
            parent_words=data["parent_views"] if "the parents' views" in changes else "",
            request=request,
        )
        audit.record(
            "casework.assessment.saved",
            by=by,
            obj=assessment,
            pupil=case.pupil,
            school=case.school,
            data={"case": case.ref, "version": assessment.version, "changed": changes},
            request=request,
        )
    return assessment, changes
