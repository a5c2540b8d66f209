"""pupils.csv: one row per enrolment. Pupils are matched by UPN, enrolments by (pupil, school, admission date)."""

from __future__ import annotations

from pathlib import Path

from attend.people.models import Enrolment, Pupil, Transfer
from attend.people.upn import upn_problem
from attend.schools.models import School

from .common import ImportResult, Problems, RowReader, read_csv
from .scope import ImportScope, held_elsewhere, not_yours_school

REQUIRED = [
    "upn",
    "school_urn",
    "legal_forename",
    "legal_surname",
    "date_of_birth",
    "sex",
    "nc_year",
    "admission_date",
]
OPTIONAL = [
    "leaving_date",
    "registration",
    "preferred_forename",
    "preferred_surname",
    "ethnicity",
    "first_language",
    "eal",
    "fsm",
    "fsm6",
    "sen_status",
    "looked_after",
    "previously_looked_after",
    "child_in_need",
    "child_protection_plan",
    "young_carer",
]
FLAGS = [
    "eal",
    "fsm",
    "fsm6",
    "looked_after",
    "previously_looked_after",
    "child_in_need",
    "child_protection_plan",
    "young_carer",
]
PERSONAL = [
    "legal_forename",
    "legal_surname",
    "preferred_forename",
    "preferred_surname",
    "date_of_birth",
    "sex",
    "ethnicity",
    "first_language",
    "sen_status",
    *FLAGS,
]
# Details whose change is recorded pupil by pupil in the audit trail (safeguarding decisions rest on them).
PROTECTED = ["child_protection_plan", "looked_after", "sen_status"]
NC_YEARS = ["N1", "N2", "R", *[str(n) for n in range(1, 15)], "X"]
TRANSFER_NOTE = "already registered at another school: the LA will confirm the transfer"
REGISTRATIONS = [c.value for c in Enrolment.Registration]


def validate(path: Path, problems: Problems, scope: ImportScope) -> list[dict]:
    rows = read_csv(path, REQUIRED, OPTIONAL, problems)
    schools = dict(School.objects.values_list("urn", "id"))
    clean: list[dict] = []
    first_seen: dict[str, tuple[int, dict]] = {}
    spells: dict[tuple[str, int], list[tuple[int, object, object]]] = {}
    for line, values in rows:
        r = RowReader(line, values, problems)
        upn = r.text("upn", required=True)
        if upn and (problem := upn_problem(upn)):
            r.bad("upn", problem)
        urn_text = values["school_urn"]
        school_id = schools.get(int(urn_text)) if urn_text.isdigit() else None
        if school_id is None:
            r.bad("school_urn", f"unknown school URN {urn_text!r}")
        elif not scope.allows(school_id):
            r.ok = False
            problems.refuse(line, "school_urn", not_yours_school(urn_text))
        person = {
            "legal_forename": r.text("legal_forename", required=True, max_length=100),
            "legal_surname": r.text("legal_surname", required=True, max_length=100),
            "preferred_forename": r.text("preferred_forename", max_length=100),
            "preferred_surname": r.text("preferred_surname", max_length=100),
            "date_of_birth": r.date("date_of_birth"),
            "sex": r.choice("sex", ["F", "M"]),
            "ethnicity": r.text("ethnicity", max_length=4),
            "first_language": r.text("first_language", max_length=3),
            "sen_status": r.choice("sen_status", ["N", "K", "E"], default="N"),
            **{flag: r.boolean(flag) for flag in FLAGS},
        }
        nc_year = r.choice("nc_year", NC_YEARS)
        admission = r.date("admission_date")
        leaving = r.date("leaving_date", required=False)
        if admission and leaving and leaving < admission:
            r.bad("leaving_date", f"{leaving} is before the admission date {admission}")
        registration = r.choice("registration", REGISTRATIONS, default="single")
        if not r.ok:
            continue
        earlier = first_seen.setdefault(upn, (line, person))
        conflicts = [name for name in PERSONAL if earlier[1][name] != person[name]]
        for name in conflicts:
            r.bad(name, f"conflicts with line {earlier[0]} for the same UPN {upn}")
        for other_line, other_start, other_end in spells.get((upn, school_id), []):
            if admission <= (other_end or admission) and (leaving is None or other_start <= leaving):
                r.bad("admission_date", f"enrolment overlaps the enrolment on line {other_line}")
        spells.setdefault((upn, school_id), []).append((line, admission, leaving))
        if r.ok:
            clean.append(
                dict(
                    line=line,
                    upn=upn,
                    person=person,
                    school_id=school_id,
                    nc_year=nc_year,
                    admission_date=admission,
                    leaving_date=leaving,
                    registration=registration,
                )
            )
    return clean


def write(clean: list[dict], result: ImportResult, scope: ImportScope, run=None) -> None:
    """Pupils by UPN, enrolments by (pupil, school, admission date). A pupil held through schools outside the
    scope keeps every detail; the row makes only its own school's enrolment, recorded as a Transfer."""
    upns = sorted({row["upn"] for row in clean})
    # Large files: read everything rather than send tens of thousands of parameters in one query.
    pupil_query = Pupil.objects.filter(upn__in=upns) if len(upns) < 900 else Pupil.objects.all()
    existing = {p.upn: p for p in pupil_query}
    held = held_elsewhere([existing[u].pk for u in upns if u in existing], scope)
    new_pupils, changed_upns = _write_pupils(clean, existing, held, result)
    pupil_ids = {upn: p.pk for upn, p in existing.items()}
    enrolment_query = (
        Enrolment.objects.filter(pupil_id__in=[pupil_ids[u] for u in upns])
        if len(upns) < 900
        else Enrolment.objects.all()
    )
    enrolments = {(e.pupil_id, e.school_id, e.admission_date): e for e in enrolment_query}
    new_enrolments, changed_enrolments, transfers = [], [], []
    reported_pupil_change: set[str] = set()
    for row in clean:
        key = (pupil_ids[row["upn"]], row["school_id"], row["admission_date"])
        wanted = dict(
            leaving_date=row["leaving_date"], nc_year=row["nc_year"], registration=row["registration"]
        )
        enrolment = enrolments.get(key)
        pupil_changed = row["upn"] in changed_upns and row["upn"] not in reported_pupil_change
        if key[0] in held:
            result.notes.append(f"{result.file_name}:{row['line']}: upn: {TRANSFER_NOTE}")
        if enrolment is None:
            enrolment = enrolments[key] = Enrolment(
                pupil_id=key[0], school_id=key[1], admission_date=key[2], **wanted
            )
            new_enrolments.append(enrolment)
            if key[0] in held:
                transfers.append((enrolment, held[key[0]], row["line"]))
            result.created += 1
        elif any(getattr(enrolment, k) != v for k, v in wanted.items()):
            for k, v in wanted.items():
                setattr(enrolment, k, v)
            changed_enrolments.append(enrolment)
            result.updated += 1
        elif pupil_changed:
            result.updated += 1
        else:
            result.unchanged += 1
        if pupil_changed:
            reported_pupil_change.add(row["upn"])
    Enrolment.objects.bulk_create(new_enrolments, batch_size=2000)
    Enrolment.objects.bulk_update(
        changed_enrolments, ["leaving_date", "nc_year", "registration"], batch_size=2000
    )
    result.count("pupils", "created", len(new_pupils))
    result.count("pupils", "changed", len(changed_upns))
    result.count("enrolments", "created", len(new_enrolments))
    result.count("enrolments", "changed", len(changed_enrolments))
    _record_transfers(transfers, run, result)
    result.rows = len(clean)


def _write_pupils(clean, existing: dict[str, Pupil], held: dict, result: ImportResult):
    """Create new pupils and change existing ones (not those held elsewhere). Returns (new pupils, changed UPNs)."""
    new_pupils, changed_pupils, changed_upns = [], [], set()
    for row in clean:
        upn, person = row["upn"], row["person"]
        pupil = existing.get(upn)
        if pupil is None:
            pupil = existing[upn] = Pupil(upn=upn, **person)
            new_pupils.append(pupil)
        elif pupil.pk in held:
            continue
        elif pupil.pk and upn not in changed_upns and any(getattr(pupil, k) != v for k, v in person.items()):
            result.protected_changed(pupil.pk, [k for k in PROTECTED if getattr(pupil, k) != person[k]])
            for k, v in person.items():
                setattr(pupil, k, v)
            changed_pupils.append(pupil)
            changed_upns.add(upn)
    Pupil.objects.bulk_create(new_pupils, batch_size=2000)
    Pupil.objects.bulk_update(changed_pupils, PERSONAL, batch_size=2000)
    if any(p.pk is None for p in new_pupils):  # backends that do not return ids from bulk_create
        ids = dict(Pupil.objects.filter(upn__in=[p.upn for p in new_pupils]).values_list("upn", "id"))
        for p in new_pupils:
            p.pk = ids[p.upn]
    return new_pupils, changed_upns


def _record_transfers(transfers, run, result: ImportResult) -> None:
    """One Transfer per enrolment made for a pupil held through other schools (the LA confirms or undoes it)."""
    if not transfers:
        return
    if any(e.pk is None for e, _, _ in transfers):
        ids = {
            (e.pupil_id, e.school_id, e.admission_date): e.pk
            for e in Enrolment.objects.filter(pupil_id__in={e.pupil_id for e, _, _ in transfers})
        }
        for e, _, _ in transfers:
            e.pk = ids[(e.pupil_id, e.school_id, e.admission_date)]
    for enrolment, from_schools, line in transfers:
        transfer = Transfer.objects.create(
            pupil_id=enrolment.pupil_id,
            to_school_id=enrolment.school_id,
            enrolment=enrolment,
            admission_date=enrolment.admission_date,
            import_run=run,
            file_line=f"{result.file_name}:{line}"[:600],
            created_by=getattr(run, "imported_by", None),
        )
        transfer.from_schools.set(sorted(from_schools))
    result.count("transfers", "pending", len(transfers))
