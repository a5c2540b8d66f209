"""Risk markers and the risk check before a visit (issue 18; docs/visits.md).

A marker is recorded against a contact, a pupil or an address (normalised postcode and first line), with its kind,
reason, who recorded it and a review date at most 12 months ahead. Past its review date a marker is *expired*:
shown as "expired: review before relying on it", never as a fact, so it does not follow the next tenant. It is
reviewed (a new review date and a note) or ended (with a reason). Every change is audited.

The risk check (`confirm_risk_check`) is confirmed before each visit: the markers for the contact, the pupil and
the address, the last visit there, and how the officer goes: alone, paired or doorstep only. A current marker of
a kind in `BLOCKS_ALONE` refuses "alone". An urgent welfare visit takes the one-minute check (markers shown, mode
chosen, nothing else required). A fresh check can be recorded at the door: the latest wins, each is audited.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db import transaction

from attend import audit

from .models_risks import RiskKind, RiskMarker
from .models_rounds import Visit

BLOCKS_ALONE = frozenset({RiskKind.AGGRESSION, RiskKind.LONE_NOT_ADVISED})
PAIRED_KINDS = {"colleague": "A colleague", "social_worker": "A social worker"}
EXPIRED_LABEL = "expired: review before relying on it"


class RiskError(Exception):
    """Bad input for a marker or a risk check: `field` names the form field, the message says why."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


# --- Addresses ------------------------------------------------------------------------------------------------


def normalise_postcode(text: str) -> str:
    """Upper case with one space before the inward code: " ls97ab " -> "LS9 7AB"."""
    compact = re.sub(r"\s+", "", text or "").upper()
    if len(compact) < 5:
        return compact
    return f"{compact[:-3]} {compact[-3:]}"


def postcode_district(postcode: str) -> str:
    """The outward code: "LS9" of "LS9 7AB" (empty when there is no postcode)."""
    normal = normalise_postcode(postcode)
    return normal.split(" ")[0] if normal else ""


def first_line(address: str) -> str:
    return (address or "").strip().splitlines()[0].strip() if (address or "").strip() else ""


def same_line(a: str, b: str) -> bool:
    return " ".join(a.lower().replace(",", " ").split()) == " ".join(b.lower().replace(",", " ").split())


# --- Markers --------------------------------------------------------------------------------------------------


def latest_review_on(today: dt.date) -> dt.date:
    """12 months ahead: the same day next year (28 February for 29 February)."""
    try:
        return today.replace(year=today.year + 1)
    except ValueError:
        return dt.date(today.year + 1, 2, 28)


def check_review_on(review_on: dt.date | None, today: dt.date) -> None:
    if review_on is None:
        raise RiskError("review_on", "Enter the date to review this marker by")
    if review_on < today:
        raise RiskError("review_on", "The review date must be today or in the future")
    latest = latest_review_on(today)
    if review_on > latest:
        raise RiskError("review_on", f"The review date must be within 12 months, by {latest:%-d %B %Y}")


def marker_state(marker: RiskMarker, today: dt.date) -> str:
    if marker.ended_at is not None:
        return "ended"
    return "expired" if marker.review_on < today else "current"


def marker_about(marker: RiskMarker) -> str:
    if marker.contact_id:
        return f"{marker.contact.forename} {marker.contact.surname}".strip()
    if marker.pupil_id:
        return marker.pupil.display_name
    return f"{marker.address_line1}, {marker.postcode}"


@dataclass(frozen=True)
class MarkerRow:
    marker: RiskMarker
    state: str
    about: str
    where: str  # "contact", "pupil" or "address"

    @property
    def expired(self) -> bool:
        return self.state == "expired"

    @property
    def label(self) -> str:
        return EXPIRED_LABEL if self.expired else "current"


def audit_data(marker: RiskMarker) -> dict:
    return {"kind": marker.get_kind_display().lower(), "about": marker_about(marker), "marker": marker.pk}


@transaction.atomic
def record_marker(
    *,
    by,
    kind: str,
    reason: str,
    review_on: dt.date | None,
    now: dt.datetime,
    pupil=None,
    contact=None,
    address_line1: str = "",
    postcode: str = "",
) -> RiskMarker:
    """Record a marker against exactly one of a contact, a pupil or an address; nothing saved on bad input."""
    if kind not in RiskKind.values:
        raise RiskError("kind", "Choose the kind of risk")
    if not (reason or "").strip():
        raise RiskError("reason", "Enter the reason for the marker: what happened, or why")
    check_review_on(review_on, now.date())
    postcode = normalise_postcode(postcode)
    if contact is None and pupil is None and not (postcode and address_line1.strip()):
        raise RiskError("about", "Choose who or which address the marker is about")
    marker = RiskMarker.objects.create(
        contact=contact,
        pupil=pupil if contact is None else None,
        address_line1=address_line1.strip() if contact is None and pupil is None else "",
        postcode=postcode if contact is None and pupil is None else "",
        kind=kind,
        reason=reason.strip(),
        recorded_by=by,
        recorded_at=now,
        review_on=review_on,
    )
    audit.record("visits.risk_marker.recorded", by=by, obj=marker, pupil=pupil, data=audit_data(marker))
    return marker


@transaction.atomic
def review_marker(marker: RiskMarker, *, by, review_on: dt.date | None, note: str, now: dt.datetime) -> None:
    """Extend a marker that still stands: a new review date (at most 12 months ahead) and the reason."""
    if marker.ended_at is not None:
        raise RiskError("review_on", "This marker has ended; record a new one if the risk is back")
    if not (note or "").strip():
        raise RiskError("note", "Enter why the marker still stands")
    check_review_on(review_on, now.date())
    before = {"review_on": marker.review_on.isoformat()}
    marker.review_on, marker.review_note = review_on, note.strip()
    marker.reviewed_at, marker.reviewed_by = now, by
    marker.save(update_fields=["review_on", "review_note", "reviewed_at", "reviewed_by"])
    audit.record(
        "visits.risk_marker.reviewed",
        by=by,
        obj=marker,
        pupil=marker.pupil,
        before=before,
        after={"review_on": review_on.isoformat()},
        data=audit_data(marker),
    )


@transaction.atomic
def end_marker(marker: RiskMarker, *, by, reason: str, now: dt.datetime) -> None:
    if marker.ended_at is not None:
        raise RiskError("reason", "This marker has already ended")
    if not (reason or "").strip():
        raise RiskError("reason", "Enter why the marker no longer applies")
    marker.ended_at, marker.ended_by, marker.end_reason = now, by, reason.strip()[:300]
    marker.save(update_fields=["ended_at", "ended_by", "end_reason"])
    audit.record("visits.risk_marker.ended", by=by, obj=marker, pupil=marker.pupil, data=audit_data(marker))


def address_markers(address_line1: str, postcode: str):
    postcode = normalise_postcode(postcode)
    if not postcode:
        return []
    found = RiskMarker.objects.filter(postcode=postcode, ended_at__isnull=True, contact=None, pupil=None)
    return [m for m in found if same_line(m.address_line1, address_line1)]


def markers_for(*, today: dt.date, pupil=None, contact=None, address: str = "", postcode: str = "") -> list:
    """The markers that have not ended for the contact, the pupil and the address: current first, then
    expired (each row says which, and what it is about)."""
    rows: list[MarkerRow] = []
    if contact is not None:
        for m in RiskMarker.objects.filter(contact=contact, ended_at__isnull=True).select_related("contact"):
            rows.append(MarkerRow(m, marker_state(m, today), marker_about(m), "contact"))
    if pupil is not None:
        for m in RiskMarker.objects.filter(pupil=pupil, ended_at__isnull=True).select_related("pupil"):
            rows.append(MarkerRow(m, marker_state(m, today), marker_about(m), "pupil"))
    for m in address_markers(first_line(address), postcode):
        rows.append(MarkerRow(m, marker_state(m, today), marker_about(m), "address"))
    rows.sort(key=lambda r: (r.expired, r.marker.kind, r.marker.pk))
    return rows


def markers_for_visit(visit: Visit, today: dt.date) -> list[MarkerRow]:
    return markers_for(
        today=today, pupil=visit.pupil, contact=visit.contact, address=visit.address, postcode=visit.postcode
    )


# --- The last visit to an address ---------------------------------------------------------------------------

OUTCOME_STATUSES = (Visit.Status.DONE, Visit.Status.CANCELLED_FOR_SAFETY)


@dataclass(frozen=True)
class LastVisit:
    visit: Visit
    summary: str


def last_visit_at(visit: Visit) -> LastVisit | None:
    """The latest other visit with an outcome at the same address, and its summary: the visit's chronology entry
    (home or doorstep visit on its case that day, not a restricted one) or, without one, its status."""
    if not visit.postcode:
        return None
    line = first_line(visit.address)
    earlier = (
        Visit.objects.filter(postcode=visit.postcode, status__in=OUTCOME_STATUSES)
        .exclude(pk=visit.pk)
        .select_related("risk_checked_by")
        .order_by("-planned_for", "-pk")
    )
    for other in earlier[:20]:
        if same_line(first_line(other.address), line):
            return LastVisit(other, _visit_summary(other))
    return None


def _visit_summary(visit: Visit) -> str:
    if visit.case_id:
        from attend.casework.models import ChronologyEntry

        entry = (
            ChronologyEntry.objects.filter(
                case_id=visit.case_id,
                kind__in=["home_visit", "doorstep_visit"],
                occurred_at__date=visit.planned_for,
                restricted=False,
            )
            .order_by("-occurred_at")
            .first()
        )
        if entry is not None:
            return entry.summary
    return visit.get_status_display()


# --- The risk check -----------------------------------------------------------------------------------------


def blocking_markers(rows: list[MarkerRow]) -> list[MarkerRow]:
    """Current markers that refuse a lone visit (an expired one is a prompt to review, not a fact)."""
    return [r for r in rows if r.state == "current" and r.marker.kind in BLOCKS_ALONE]


def _check_answers(visit, mode, answers, rows, last, urgent) -> dict:
    if mode not in Visit.Mode.values:
        raise RiskError("mode", "Choose how you will go: alone, paired or doorstep only")
    blocking = blocking_markers(rows)
    if mode == Visit.Mode.ALONE and blocking:
        why = "; ".join(f"{r.marker.get_kind_display()}: {r.marker.reason}" for r in blocking)
        raise RiskError("mode", f"You cannot go alone to this address ({why}). Go paired or doorstep only")
    paired_with = (answers.get("paired_with") or "").strip()
    paired_kind = answers.get("paired_kind") or ""
    if mode == Visit.Mode.PAIRED and not paired_with:
        raise RiskError("paired_with", "Enter who is going with you")
    if mode == Visit.Mode.PAIRED and paired_kind not in PAIRED_KINDS:
        raise RiskError("paired_kind", "Choose whether a colleague or a social worker is going with you")
    markers_read = bool(answers.get("markers_read"))
    last_read = bool(answers.get("last_visit_read"))
    if not urgent and not markers_read:
        raise RiskError("markers_read", "Confirm that you have read the risks for this visit")
    if not urgent and last is not None and not last_read:
        raise RiskError("last_visit_read", "Confirm that you have read the notes of the last visit")
    return {
        "mode": mode,
        "markers_shown": [
            {"id": r.marker.pk, "kind": r.marker.kind, "about": r.where, "state": r.state} for r in rows
        ],
        "markers_read": markers_read,
        "last_visit": last.visit.pk if last else None,
        "last_visit_read": last_read if last else None,
        "paired_with": paired_with if mode == Visit.Mode.PAIRED else "",
        "paired_kind": paired_kind if mode == Visit.Mode.PAIRED else "",
        "doorstep_only": mode == Visit.Mode.DOORSTEP,
        "note": (answers.get("note") or "").strip(),
        "urgent": urgent,
    }


@transaction.atomic
def confirm_risk_check(
    visit: Visit, *, by, mode: str, answers: dict, now: dt.datetime, urgent: bool = False
) -> Visit:
    """Record the risk check before `visit` (again at the door if need be: the latest wins, the earlier ones are
    kept in `risk_check["earlier"]` and in the audit trail). Raises RiskError, saving nothing, on bad input."""
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    rows = markers_for_visit(visit, now.date())
    last = last_visit_at(visit)
    check = _check_answers(visit, mode, answers, rows, last, urgent)
    check["at"] = now.isoformat()
    check["by"] = by.pk if by is not None else None
    earlier = list(visit.risk_check.get("earlier", [])) if visit.risk_check else []
    if visit.risk_check:
        earlier.append({k: v for k, v in visit.risk_check.items() if k != "earlier"})
    check["earlier"] = earlier
    visit.mode, visit.risk_check = mode, check
    visit.risk_checked_at, visit.risk_checked_by = now, by
    visit.urgent = visit.urgent or urgent
    visit.save(update_fields=["mode", "risk_check", "risk_checked_at", "risk_checked_by", "urgent"])
    audit.record(
        "visits.risk_check.confirmed",
        by=by,
        obj=visit,
        pupil=visit.pupil,
        data={
            "mode": visit.get_mode_display().lower(),
            "markers": len(rows),
            "urgent": urgent,
            "again": bool(earlier),
        },
    )
    return visit
