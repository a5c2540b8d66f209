"""calendar.csv: terms, non-school days and planned closures per school.

Terms are matched by (school, start date) and get their AcademicYear (1 August to 31 July); non-school days and
closures are expanded to one row per date and matched by (school, date, session).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from attend.schools.models import AcademicYear, NonSchoolDay, School, Term

from .common import ImportResult, Problems, RowReader, read_csv
from .scope import ImportScope, not_yours_school

REQUIRED = ["school_urn", "kind", "start_date"]
OPTIONAL = ["end_date", "session", "name"]
KINDS = ["term", "non_school_day", "planned_closure"]
# A school calendar row spans at most one academic year; longer ranges are almost certainly typing errors.
MAX_DAYS = 366


def validate(path: Path, problems: Problems, scope: ImportScope) -> list[dict]:
    rows = read_csv(path, REQUIRED, OPTIONAL, problems)
    schools = dict(School.objects.values_list("urn", "id"))
    clean: list[dict] = []
    terms_seen: dict[int, list[tuple[int, dt.date, dt.date]]] = {}
    days_seen: dict[tuple[int, dt.date, str], int] = {}
    for line, values in rows:
        r = RowReader(line, values, problems)
        urn_text = values["school_urn"]
        school_id = schools.get(int(urn_text)) if urn_text.isdigit() else None
        if school_id is None:
            r.bad("school_urn", f"unknown school URN {urn_text!r}")
        elif not scope.allows(school_id):
            r.ok = False
            problems.refuse(line, "school_urn", not_yours_school(urn_text))
        kind = r.choice("kind", KINDS)
        start = r.date("start_date")
        end = r.date("end_date", required=kind == "term") if values["end_date"] or kind == "term" else start
        session = r.choice("session", ["", "AM", "PM"])
        name = r.text("name", max_length=200 if kind != "term" else 40)
        if kind == "term" and session:
            r.bad("session", "a term cannot be for one session only")
        if kind == "term" and not name:
            r.bad("name", "a term needs a name")
        if start and end:
            if end < start:
                r.bad("end_date", f"{end} is before the start date {start}")
            elif (end - start).days >= MAX_DAYS:
                r.bad("end_date", f"the range {start} to {end} is longer than a year")
            elif kind == "term" and AcademicYear.start_year_for(start) != AcademicYear.start_year_for(end):
                r.bad("end_date", "a term cannot cross 31 July (the end of the academic year)")
            elif session and end != start:
                r.bad("session", "a half-day row must be for a single date")
        if not r.ok:
            continue
        if kind == "term":
            for other_line, other_start, other_end in terms_seen.get(school_id, []):
                if start <= other_end and other_start <= end:
                    r.bad("start_date", f"term overlaps the term on line {other_line}")
            terms_seen.setdefault(school_id, []).append((line, start, end))
        else:
            day = start
            while day <= end:
                if (school_id, day, session) in days_seen:
                    r.bad("start_date", f"{day} is also on line {days_seen[(school_id, day, session)]}")
                    break
                days_seen[(school_id, day, session)] = line
                day += dt.timedelta(days=1)
        if r.ok:
            clean.append(
                dict(school_id=school_id, kind=kind, start=start, end=end, session=session, name=name)
            )
    return clean


def write(clean: list[dict], result: ImportResult, scope: ImportScope, run=None) -> None:
    years = {y.start_year: y for y in AcademicYear.objects.all()}
    school_ids = {row["school_id"] for row in clean}
    terms = {(t.school_id, t.start_date): t for t in Term.objects.filter(school_id__in=school_ids)}
    days = {
        (d.school_id, d.date, d.session): d for d in NonSchoolDay.objects.filter(school_id__in=school_ids)
    }
    new_days: list[NonSchoolDay] = []
    for row in clean:
        if row["kind"] == "term":
            start_year = AcademicYear.start_year_for(row["start"])
            if start_year not in years:
                years[start_year] = AcademicYear.objects.create(start_year=start_year)
            term = terms.get((row["school_id"], row["start"]))
            if term is None:
                Term.objects.create(
                    school_id=row["school_id"],
                    academic_year=years[start_year],
                    name=row["name"],
                    start_date=row["start"],
                    end_date=row["end"],
                )
                result.created += 1
            elif (term.name, term.end_date) != (row["name"], row["end"]):
                term.name, term.end_date = row["name"], row["end"]
                term.save(update_fields=["name", "end_date"])
                result.updated += 1
            else:
                result.unchanged += 1
            continue
        created = updated = 0
        day = row["start"]
        while day <= row["end"]:
            existing = days.get((row["school_id"], day, row["session"]))
            if existing is None:
                new_days.append(
                    NonSchoolDay(
                        school_id=row["school_id"],
                        date=day,
                        session=row["session"],
                        kind=row["kind"],
                        reason=row["name"],
                    )
                )
                created += 1
            elif (existing.kind, existing.reason) != (row["kind"], row["name"]):
                existing.kind, existing.reason = row["kind"], row["name"]
                existing.save(update_fields=["kind", "reason"])
                updated += 1
            day += dt.timedelta(days=1)
        if created:
            result.created += 1
        elif updated:
            result.updated += 1
        else:
            result.unchanged += 1
    NonSchoolDay.objects.bulk_create(new_days, batch_size=2000)
    result.rows = len(clean)
