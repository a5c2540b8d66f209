"""The roll area on the LA's work list: `off_rolling_concern` (a deletion return with concerns; a cluster of
deletions at one school before a census day) and `deletion_ground_missing` (a leaving date that arrived in an
import with no ground). Shaped like attend/enforcement/ntis.py sync_nti_prompts: raise the missing, clear the gone;
an item someone dismissed stays dismissed. Called by the nightly alerts evaluation (attend/alerts/services.py)."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef

from attend import audit
from attend.people.models import Enrolment
from attend.registers.calendar import school_days

from .models_roll import DeletionGround, RollDeletion
from .roll_checks import (
    NOT_COMPULSORY_YEARS,
    census_window,
    cluster_at,
    cluster_size,
    concerns_for,
    current_deletions,
    next_census,
)

log = logging.getLogger(__name__)
RULE_CONCERN = "off_rolling_concern"  # attend.alerts.events.OFF_ROLLING_CONCERN
RULE_MISSING = "deletion_ground_missing"  # attend.alerts.events.DELETION_GROUND_MISSING


def returns_from(today: dt.date) -> dt.date:
    """The first leaving date that gets a deletion return made for it: the start of this school year, or the
    installation's go-live date (`ATTEND_CME_RETURNS_FROM`, ISO date) if later. Older leaving dates are history from
    before the service, not returns due: a first import of last year's leavers must not fill the LA's list."""
    year = today.year if today.month >= 8 else today.year - 1
    start = dt.date(year, 8, 1)
    if go_live := getattr(settings, "ATTEND_CME_RETURNS_FROM", ""):
        start = max(start, dt.date.fromisoformat(go_live))
    return start


def import_missing_returns(today: dt.date, *, schools=None) -> int:
    """Every enrolment that left the roll (a leaving date from an import, a CTF or a transfer) with no deletion
    return gets one with ground NOT_GIVEN, source "import" (reg 13: every deletion is returned to the LA; the
    school records the ground later as a correction). One query finds them; pupils not of compulsory school age
    (nursery, reception, sixth form: reg 9(1) does not apply) are left out. Returns how many."""
    left = (
        Enrolment.objects.filter(leaving_date__isnull=False, leaving_date__range=(returns_from(today), today))
        .exclude(nc_year__in=NOT_COMPULSORY_YEARS)
        .filter(~Exists(RollDeletion.objects.filter(enrolment=OuterRef("pk"))))
        .select_related("pupil", "school")
    )
    if schools is not None:
        left = left.filter(school__in=schools)
    made = 0
    for enrolment in left.iterator(chunk_size=500):
        with transaction.atomic():
            deletion = RollDeletion(
                enrolment=enrolment,
                pupil=enrolment.pupil,
                school=enrolment.school,
                ground=DeletionGround.NOT_GIVEN,
                deleted_on=enrolment.leaving_date,
                source=RollDeletion.Source.IMPORT,
            )
            deletion.concerns = concerns_for(deletion)
            deletion.save()
            audit.record(
                "cme.deletion.imported",
                obj=deletion,
                pupil=enrolment.pupil,
                school=enrolment.school,
                data={"deleted_on": enrolment.leaving_date.isoformat()},
            )
        made += 1
    return made


def _wanted(today: dt.date, schools) -> dict[tuple[str, str], tuple[RollDeletion, str, dict]]:
    rows = current_deletions().filter(deleted_on__gte=returns_from(today)).select_related("pupil", "school")
    if schools is not None:
        rows = rows.filter(school__in=schools)
    wanted: dict[tuple[str, str], tuple[RollDeletion, str, dict]] = {}
    for d in rows.order_by("deleted_on", "id"):
        if d.ground == DeletionGround.NOT_GIVEN:
            reason = (
                f"{d.pupil.display_name} left the roll of {d.school.name} on {d.deleted_on:%-d %B %Y} (from an "
                "import) with no ground of regulation 9 recorded."
            )
            wanted[(RULE_MISSING, f"del{d.pk}")] = (d, reason, {"deletion_id": d.pk})
            continue  # the school's to answer first; its correction carries the concerns the LA weighs
        if d.concerns:
            reason = (
                f"Deletion under ground {d.get_ground_display()} on {d.deleted_on:%-d %B %Y}: "
                + " ".join(d.concerns)
            )
            wanted[(RULE_CONCERN, f"del{d.pk}")] = (d, reason, {"deletion_id": d.pk})
    for school_id in {d.school_id for d in rows}:
        _clusters(rows.filter(school_id=school_id), wanted)
    return wanted


def _clusters(rows, wanted) -> None:
    """One item per school and census day where the school's deletions in the window make a cluster."""
    seen: set[dt.date] = set()
    windows: dict[dt.date, list[dt.date]] = {}
    clusters: dict[dt.date, list[RollDeletion]] = {}
    rows = list(rows.order_by("deleted_on", "id"))
    if not rows:
        return
    # The school's days once for every census window its deletions fall in, not once per window.
    censuses = [next_census(d.deleted_on) for d in rows]
    days = school_days(rows[0].school, min(censuses) - dt.timedelta(days=70), max(censuses))
    for d, census in zip(rows, censuses, strict=True):
        # The same school and census day give the same window and cluster: worked out once each, not per
        # deletion (thousands of deletions across an LA in the nightly evaluation).
        if census in seen:
            continue
        if census not in windows:
            windows[census] = census_window(d.school, census, days=days)
        if not windows[census][0] <= d.deleted_on <= census:
            continue
        if census not in clusters:
            clusters[census] = cluster_at(d.school, d.deleted_on, window=windows[census])[1]
        cluster = clusters[census]
        if len(cluster) < cluster_size():
            continue
        seen.add(census)
        names = ", ".join(f"{c.pupil.display_name} ({c.ground}, {c.deleted_on:%-d %b})" for c in cluster)
        reason = (
            f"{len(cluster)} deletions from the roll of {d.school.name} in the 20 school days before the census on "
            f"{census:%-d %B %Y}: {names}."
        )
        key = f"cl{d.school_id}-{census:%Y%m%d}"  # Alert.key holds 20 characters
        wanted[(RULE_CONCERN, key)] = (
            cluster[-1],
            reason,
            {"census": census.isoformat(), "count": len(cluster)},
        )


def sync_roll_prompts(today: dt.date, *, schools=None) -> dict[str, int]:
    """Make the missing import returns, then raise the roll's work-list items that are due and clear the others."""
    from attend.alerts.events import clear_alerts, raise_prompt
    from attend.alerts.models import Alert

    imported = import_missing_returns(today, schools=schools)
    wanted = _wanted(today, schools)
    existing = Alert.objects.filter(rule__in=[RULE_CONCERN, RULE_MISSING])
    if schools is not None:
        existing = existing.filter(school__in=schools)
    latest = {(a.rule, a.key): a for a in existing.order_by("id")}
    raised = 0
    with transaction.atomic():
        for (rule, key), (d, reason, details) in wanted.items():
            if (rule, key) in latest:
                continue  # open already, or dismissed (a dismissal stands)
            raise_prompt(
                rule=rule, key=key, enrolment=d.enrolment, today=today, reason=reason, details=details
            )
            raised += 1
        stale = [a.pk for k, a in latest.items() if k not in wanted]
        cleared = clear_alerts(stale, today)
    return {"imported": imported, "raised": raised, "cleared": cleared}


def on_import_completed(sender, kind: str, result, **kwargs) -> None:
    """After a committed pupils or CTF import (attend.registers.signals.import_completed; connected in
    CmeConfig.ready): a leaving date it brought with no deletion return gets its NOT_GIVEN return now, for the
    schools it touched (one query). The nightly sync raises the prompts."""
    if kind not in ("pupils", "ctf"):
        return
    from attend.core import clock
    from attend.schools.models import School

    school_ids = getattr(result, "school_ids", None)
    schools = School.objects.filter(pk__in=school_ids) if school_ids else None
    try:
        import_missing_returns(clock.today(), schools=schools)
    except Exception:  # the import has committed; the nightly sync makes the returns instead
        log.exception("could not make deletion returns after the %s import", kind)
