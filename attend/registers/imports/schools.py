"""schools.csv: local authorities, trusts and schools (created or updated by LA code, trust name and URN)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

from attend.schools.models import LocalAuthority, School, Trust

from .common import ImportResult, Problems, RowReader, read_csv
from .scope import ImportScope, whole_service_only

REQUIRED = ["la_code", "la_name", "urn", "laestab", "name", "phase"]
OPTIONAL = ["region_name", "trust_name", "school_day_hours", "meets_on_weekdays"]
PHASES = [choice.value for choice in School.Phase]


def validate(path: Path, problems: Problems, scope: ImportScope) -> list[dict]:
    if not scope.whole:
        problems.refuse(1, "file", whole_service_only("schools"))
        return []
    rows = read_csv(path, REQUIRED, OPTIONAL, problems)
    clean: list[dict] = []
    first_urn: dict[int, int] = {}
    la_seen: dict[str, tuple[int, str, str]] = {}
    for line, values in rows:
        r = RowReader(line, values, problems)
        la_code = r.text("la_code", required=True)
        if la_code and not re.fullmatch(r"\d{3}", la_code):
            r.bad("la_code", f"must be 3 digits, not {la_code!r}")
        la_name = r.text("la_name", required=True, max_length=120)
        urn = r.integer("urn", minimum=100000)
        if urn is not None and urn > 999999:
            r.bad("urn", f"must be six digits, not {values['urn']!r}")
            urn = None
        laestab = r.text("laestab", required=True)
        if laestab and not re.fullmatch(r"\d{7}", laestab):
            r.bad("laestab", f"must be 7 digits, not {laestab!r}")
        elif laestab and la_code and not laestab.startswith(la_code):
            r.bad("laestab", f"must start with the LA code {la_code}, not {laestab!r}")
        name = r.text("name", required=True, max_length=200)
        phase = r.choice("phase", PHASES)
        hours = Decimal("6.50")
        if values["school_day_hours"]:
            try:
                hours = Decimal(values["school_day_hours"])
                if not Decimal("0") < hours <= Decimal("24"):
                    raise InvalidOperation
            except InvalidOperation:
                r.bad(
                    "school_day_hours", f"must be hours between 0 and 24, not {values['school_day_hours']!r}"
                )
        weekdays = values["meets_on_weekdays"] or "12345"
        if not re.fullmatch(r"[1-7]{1,7}", weekdays):
            r.bad("meets_on_weekdays", f"must be ISO weekday digits 1-7 such as 12345, not {weekdays!r}")
        if urn is not None:
            if urn in first_urn:
                r.bad("urn", f"URN {urn} is also on line {first_urn[urn]}")
            else:
                first_urn[urn] = line
        region = r.text("region_name", max_length=60)
        if la_code and la_name:
            earlier = la_seen.setdefault(la_code, (line, la_name, region))
            if (earlier[1], earlier[2]) != (la_name, region):
                r.bad("la_name", f"LA {la_code} has a different name or region on line {earlier[0]}")
        if r.ok:
            clean.append(
                dict(
                    la_code=la_code,
                    la_name=la_name,
                    region_name=region,
                    urn=urn,
                    laestab=laestab,
                    name=name,
                    phase=phase,
                    trust_name=r.text("trust_name", max_length=200),
                    school_day_hours=hours.quantize(Decimal("0.01")),
                    meets_on_weekdays="".join(sorted(set(weekdays))),
                )
            )
    return clean


def write(clean: list[dict], result: ImportResult, scope: ImportScope, run=None) -> None:
    las = {la.code: la for la in LocalAuthority.objects.all()}
    for row in clean:
        la = las.get(row["la_code"])
        if la is None:
            la = las[row["la_code"]] = LocalAuthority.objects.create(
                code=row["la_code"], name=row["la_name"], region_name=row["region_name"]
            )
        elif (la.name, la.region_name) != (row["la_name"], row["region_name"]):
            la.name, la.region_name = row["la_name"], row["region_name"]
            la.save(update_fields=["name", "region_name"])
    trusts = {t.name: t for t in Trust.objects.all()}
    for name in {row["trust_name"] for row in clean if row["trust_name"]} - set(trusts):
        trusts[name] = Trust.objects.create(name=name)
    schools = {s.urn: s for s in School.objects.all()}
    for row in clean:
        wanted = dict(
            laestab=row["laestab"],
            name=row["name"],
            phase=row["phase"],
            local_authority_id=las[row["la_code"]].pk,
            trust_id=trusts[row["trust_name"]].pk if row["trust_name"] else None,
            school_day_hours=row["school_day_hours"],
            meets_on_weekdays=row["meets_on_weekdays"],
        )
        school = schools.get(row["urn"])
        if school is None:
            School.objects.create(urn=row["urn"], **wanted)
            result.created += 1
        elif any(getattr(school, k) != v for k, v in wanted.items()):
            for k, v in wanted.items():
                setattr(school, k, v)
            school.save()
            result.updated += 1
        else:
            result.unchanged += 1
    result.rows = len(clean)
