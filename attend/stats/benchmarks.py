"""Load DfE "Pupil attendance in schools" files as comparators, and look comparators up.

The 2025/26 year-to-date file ships in attend/stats/data/ (Crown copyright, Open Government Licence v3.0; see
data/NOTICE.md) and is loaded on first use. Newer year-to-date or weekly releases load with
`attend benchmarks import FILE`.

DfE convention: in some releases the national and regional "Total" rows are enrolment-weighted averages of the
phase rates rather than ratios of summed counts. We do not "fix" them: each Total row is labelled with the
method its published rate matches (`BenchmarkFigure.total_method`).
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from .models import BenchmarkFigure, BenchmarkRelease

DEFAULT_SNAPSHOT = Path(__file__).parent / "data" / "EES_ytd_data_202526_to_2026-07-10.csv"
REQUIRED = ("time_period", "time_identifier", "geographic_level", "education_phase", "overall_absence_perc")
# Weekly files name the phase column school_type (attendance-data-dashboard data/EES_weekly_data.csv).
PHASE_ALIASES = ("school_type",)
PERIOD_COLUMNS = ("week_commencing", "reference_date", "attendance_date", "date")
PHASES = {"primary": "Primary", "secondary": "Secondary", "special": "Special"}
TOLERANCE = 1e-6  # published rates carry ~15 significant figures


class BenchmarkFileError(ValueError):
    pass


def _number(value: str) -> float | int | None:
    value = value.strip()
    if value in ("", "c", "x", "z", "u", ":", "NA", "low"):
        return None
    try:
        return int(value)
    except ValueError:
        try:
            return float(value)
        except ValueError:
            return None


def _int(v: Any) -> int | None:
    return None if v is None else int(v)


def _kind(time_identifiers: set[str], name: str) -> str:
    if (
        time_identifiers
        and all(t.lower().startswith("week") for t in time_identifiers)
        or "weekly" in name.lower()
    ):
        return BenchmarkRelease.Kind.WEEKLY
    if time_identifiers == {"Academic year"} or "ytd" in name.lower():
        return BenchmarkRelease.Kind.YEAR_TO_DATE
    return BenchmarkRelease.Kind.OTHER


@transaction.atomic
def import_file(path: str | Path, *, default_snapshot: bool = False) -> BenchmarkRelease:
    """Load one DfE file. Idempotent: a file already loaded (same SHA-256) is returned unchanged."""
    path = Path(path)
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    existing = BenchmarkRelease.objects.filter(sha256=sha).first()
    if existing:
        return existing
    reader = csv.DictReader(data.decode("utf-8-sig").splitlines())
    fields = list(reader.fieldnames or [])
    alias = next((a for a in PHASE_ALIASES if a in fields), None)
    if "education_phase" not in fields and alias:
        reader = ({**r, "education_phase": r[alias]} for r in reader)
        fields.append("education_phase")
    missing = [c for c in REQUIRED if c not in fields]
    if missing:
        raise BenchmarkFileError(
            f"{path.name} is not a DfE attendance file: no column(s) {', '.join(missing)}"
        )
    rows = list(reader)
    if not rows:
        raise BenchmarkFileError(f"{path.name} has no rows")
    periods = sorted({r["time_period"] for r in rows})
    release = BenchmarkRelease.objects.create(
        file_name=path.name,
        sha256=sha,
        kind=_kind({r["time_identifier"] for r in rows}, path.name),
        time_period=periods[-1],
        is_default_snapshot=default_snapshot,
        rows=len(rows),
    )
    figures = []
    for r in rows:
        values = {k: (_number(v) if k not in ("time_period",) else v) for k, v in r.items()}
        for k in (
            "geographic_level",
            "country_name",
            "region_code",
            "region_name",
            "new_la_code",
            "la_name",
            "old_la_code",
            "education_phase",
            "time_identifier",
            "country_code",
            *PERIOD_COLUMNS,
        ):
            if k in r:
                values[k] = r[k]
        level = r["geographic_level"]
        if level == "National":
            code, name = r.get("country_code", ""), r.get("country_name", "England") or "England"
        elif level == "Regional":
            code, name = r.get("region_code", ""), r.get("region_name", "")
        else:
            code, name = r.get("new_la_code", ""), r.get("la_name", "")
        figures.append(
            BenchmarkFigure(
                release=release,
                geographic_level=level,
                area_code=code or "",
                old_la_code=r.get("old_la_code", "") or "",
                area_name=name or "",
                region_name=r.get("region_name", "") or "",
                education_phase=r["education_phase"],
                time_period=r["time_period"],
                time_identifier=r["time_identifier"],
                period_label=next((r[c] for c in PERIOD_COLUMNS if r.get(c)), "")
                or iso_week_label(r["time_period"], r["time_identifier"]),
                enrolments=values.get("enrolments"),
                possible_sessions=_int(values.get("possible_sessions")),
                overall_absence=_int(values.get("overall_absence")),
                attendance_perc=values.get("attendance_perc"),
                overall_absence_perc=values.get("overall_absence_perc"),
                authorised_absence_perc=values.get("authorised_absence_perc"),
                unauthorised_absence_perc=values.get("unauthorised_absence_perc"),
                pa_perc=values.get("pa_perc"),
                suppressed=values.get("overall_absence_perc") is None,
                values=values,
            )
        )
    _label_totals(figures)
    BenchmarkFigure.objects.bulk_create(figures, batch_size=1000)
    return release


def iso_week_label(time_period: str, time_identifier: str) -> str:
    """ "2023", "Week 37" -> "2023-W37"; an academic year "202526" puts weeks 31-53 in 2025, the rest in 2026."""
    match = re.fullmatch(r"Week (\d{1,2})", time_identifier.strip())
    if not match:
        return ""
    week = int(match.group(1))
    period = time_period.strip()
    if re.fullmatch(r"\d{4}", period):
        year = int(period)
    elif re.fullmatch(r"\d{6}", period):
        year = int(period[:4]) + (0 if week >= 31 else 1)
    else:
        return ""
    return f"{year}-W{week:02d}"


def total_method(total: BenchmarkFigure, phases: list[BenchmarkFigure]) -> str:
    """How a Total row's overall absence rate was made: ratio of its counts, or enrolment-weighted phase rates."""
    M = BenchmarkFigure.TotalMethod
    rate = total.overall_absence_perc
    if rate is None:
        return M.UNKNOWN
    ratio = (
        total.overall_absence / total.possible_sessions * 100
        if total.overall_absence is not None and total.possible_sessions
        else None
    )
    weighted = None
    if phases and all(p.overall_absence_perc is not None and p.enrolments for p in phases):
        weights = sum(p.enrolments for p in phases)
        weighted = sum(p.overall_absence_perc * p.enrolments for p in phases) / weights
    ratio_ok = ratio is not None and abs(ratio - rate) <= TOLERANCE
    weighted_ok = weighted is not None and abs(weighted - rate) <= TOLERANCE
    if ratio_ok:
        return M.RATIO_OF_COUNTS
    if weighted_ok:
        return M.ENROLMENT_WEIGHTED
    if ratio is None and weighted is None:
        return M.UNKNOWN
    return M.UNEXPLAINED


def _label_totals(figures: list[BenchmarkFigure]) -> None:
    groups: dict[tuple, list[BenchmarkFigure]] = defaultdict(list)
    for f in figures:
        groups[
            (f.geographic_level, f.area_code, f.area_name, f.time_period, f.time_identifier, f.period_label)
        ].append(f)
    for group in groups.values():
        phases = [f for f in group if f.education_phase in PHASES.values()]
        for f in group:
            if f.education_phase == "Total":
                f.total_method = total_method(f, phases)


def ensure_default_snapshot() -> BenchmarkRelease:
    """Load the shipped 2025/26 snapshot if no release has been loaded yet."""
    release = BenchmarkRelease.objects.filter(is_default_snapshot=True).first()
    if release is None:
        release = import_file(DEFAULT_SNAPSHOT, default_snapshot=True)
    return release


def _as_dict(f: BenchmarkFigure, role: str) -> dict[str, Any]:
    return {
        "comparator": role,
        "geographic_level": f.geographic_level,
        "area_name": f.area_name,
        "area_code": f.area_code,
        "education_phase": f.education_phase,
        "time_period": f.time_period,
        "time_identifier": f.time_identifier,
        "period_label": f.period_label,
        "attendance_perc": f.attendance_perc,
        "overall_absence_perc": f.overall_absence_perc,
        "authorised_absence_perc": f.authorised_absence_perc,
        "unauthorised_absence_perc": f.unauthorised_absence_perc,
        "pa_perc": f.pa_perc,
        "enrolments": f.enrolments,
        "suppressed": f.suppressed,
        "total_method": f.total_method,
        "source": f.release.attribution,
        "release": f.release.file_name,
    }


# A local authority with no DfE figures of its own (the demo's fictional Demoshire, code 999, attend.demo) is
# compared with a real LA's published figures, which the pages name as a stand-in (issue 23). Wiltshire (865): a
# county council in the South West, the demo's region. `ATTEND_LA_STAND_INS` ({code: code}) overrides this.
STAND_IN_LAS = {"999": "865"}


def stand_in_las() -> dict[str, str]:
    return getattr(settings, "ATTEND_LA_STAND_INS", STAND_IN_LAS)


def comparators(
    *,
    school=None,
    la_code: str | None = None,
    region_name: str | None = None,
    phase: str | None = None,
    release: BenchmarkRelease | None = None,
) -> list[dict[str, Any]]:
    """The LA, region and England figures for a school (its LA, region and phase) or an LA and phase.

    `phase` is a School.Phase value ("primary", "secondary", "special") or "total"; PRUs/AP have no DfE
    phase rows in these files, so they get the Total rows. Uses the latest year-to-date release (the shipped
    snapshot if nothing newer is loaded). Missing areas are simply absent from the list.
    """
    ensure_default_snapshot()
    if release is None:
        release = (
            BenchmarkRelease.objects.filter(kind=BenchmarkRelease.Kind.YEAR_TO_DATE)
            .order_by("-time_period", "-loaded_at")
            .first()
        )
    if school is not None:
        la_code = la_code or school.local_authority.code
        region_name = region_name or school.local_authority.region_name
        phase = phase or school.phase
    dfe_phase = PHASES.get((phase or "total").lower(), "Total")
    figures = BenchmarkFigure.objects.filter(release=release, education_phase=dfe_phase).select_related(
        "release"
    )
    out = []
    stand_in = None
    if la_code:
        la_rows = figures.filter(geographic_level=BenchmarkFigure.Level.LOCAL_AUTHORITY)
        la = la_rows.filter(old_la_code=la_code).first()
        if la is None and la_code in stand_in_las():
            la = stand_in = la_rows.filter(old_la_code=stand_in_las()[la_code]).first()
        if la:
            out.append({**_as_dict(la, "local_authority"), "stands_in_for": la_code if stand_in else ""})
            region_name = region_name or la.region_name
    regions = figures.filter(geographic_level=BenchmarkFigure.Level.REGIONAL)
    region = regions.filter(region_name=region_name).first() if region_name else None
    if region is None and stand_in is not None:
        region = regions.filter(
            region_name=stand_in.region_name
        ).first()  # a fictional region: the stand-in's
    if region:
        out.append(_as_dict(region, "region"))
    england = figures.filter(geographic_level=BenchmarkFigure.Level.NATIONAL).first()
    if england:
        out.append(_as_dict(england, "england"))
    return out


def national_weekly(phase: str | None = None) -> dict[str, float]:
    """England's overall absence rate by ISO week ("2025-W37") from the latest weekly release ({} if none)."""
    release = (
        BenchmarkRelease.objects.filter(kind=BenchmarkRelease.Kind.WEEKLY).order_by("-loaded_at").first()
    )
    if release is None:
        return {}
    dfe_phase = PHASES.get((phase or "total").lower(), "Total")
    rows = BenchmarkFigure.objects.filter(
        release=release, geographic_level=BenchmarkFigure.Level.NATIONAL, education_phase=dfe_phase
    )
    return {f.period_label: f.overall_absence_perc for f in rows if f.period_label}
