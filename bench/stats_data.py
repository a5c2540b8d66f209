"""Synthetic marks written straight into the statistics store, for the benchmarks (not demo data).

~52,000 pupil-years x 380 sessions = ~20 million marks. Generated in chunks of schools, so 200 million marks
need little memory. Codes follow the 2024/25 national reason mix roughly (domain.md 2.3).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa

from attend.analytics.store import ENROLMENT_SCHEMA, code_ids, write_store
from attend.stats.codes import code_specs

EPOCH = dt.date(1970, 1, 1)
ABSENT_MIX = {
    "I": 47,
    "M": 5,
    "R": 1,
    "C": 6,
    "C2": 3,
    "E": 2,
    "G": 7,
    "O": 23,
    "U": 3,
    "N": 1,
    "S": 1,
    "J1": 1,
}
PRESENT_MIX = {"/": 0, "L": 3, "V": 1, "B": 0.3, "P": 0.2}


def school_days(start_year: int = 2025) -> np.ndarray:
    """Weekdays from early September to mid July minus three half terms and two holidays: ~190 days."""
    start = dt.date(start_year, 9, 8)
    end = dt.date(start_year + 1, 7, 17)
    breaks = [
        (dt.date(start_year, 10, 27), dt.date(start_year, 10, 31)),
        (dt.date(start_year, 12, 22), dt.date(start_year + 1, 1, 2)),
        (dt.date(start_year + 1, 2, 16), dt.date(start_year + 1, 2, 20)),
        (dt.date(start_year + 1, 3, 30), dt.date(start_year + 1, 4, 10)),
        (dt.date(start_year + 1, 5, 25), dt.date(start_year + 1, 5, 29)),
    ]
    days = []
    d = start
    while d <= end:
        if d.weekday() < 5 and not any(a <= d <= b for a, b in breaks):
            days.append((d - EPOCH).days)
        d += dt.timedelta(days=1)
    return np.array(days[:190], dtype=np.int32)


def generate_store(
    directory: Path, *, pupils: int, schools: int | None = None, seed: int = 1, years: int = 1
) -> int:
    """Write a store with `pupils` enrolments per year (x `years` academic years). Returns the mark count."""
    rng = np.random.default_rng(seed)
    specs = code_specs()
    ids = code_ids(specs)
    schools = schools or max(1, pupils // 870)
    n_enrol = pupils * years
    enrolment_id = np.arange(1, n_enrol + 1, dtype=np.int32)
    year_of = (enrolment_id - 1) // pupils
    school_id = ((enrolment_id - 1) % pupils * schools // pupils + 1).astype(np.int32)
    # Ages 4 to 16 on 31 August; a few reception and sixth-form pupils.
    age = rng.integers(4, 17, n_enrol)
    birth_year = 2025 + year_of - age
    birth = np.array([(dt.date(int(y), 1, 1) - EPOCH).days for y in birth_year], dtype=np.int32)
    birth += rng.integers(0, 243, n_enrol).astype(np.int32)  # born January to August: age is year difference
    enrolments = pa.table(
        {
            "enrolment_id": enrolment_id,
            "pupil_id": (enrolment_id - 1) % pupils + 1,
            "upn": [f"X{i:012d}" for i in enrolment_id],
            "school_id": school_id,
            "school_urn": 100000 + school_id,
            "school_name": [f"School {s}" for s in school_id],
            "phase": np.where(school_id % 5 == 0, "secondary", "primary"),
            "la_code": np.where(school_id % 2 == 0, "201", "202"),
            "la_name": np.where(school_id % 2 == 0, "North", "South"),
            "region_name": np.full(n_enrol, "London"),
            "trust_name": pa.nulls(n_enrol, pa.string()),
            "school_day_hours": np.full(n_enrol, 6.5),
            "nc_year": (age - 4).astype(str),
            "registration": np.full(n_enrol, "single"),
            "admission_day": np.zeros(n_enrol, np.int32),
            "leaving_day": pa.nulls(n_enrol, pa.int32()),
            "birth_day": birth,
            "sex": rng.choice(["F", "M"], n_enrol),
            "ethnicity": rng.choice(["WBRI", "ASIA", "BCRB", "MWBC"], n_enrol),
            "eal": rng.random(n_enrol) < 0.2,
            "fsm": rng.random(n_enrol) < 0.25,
            "fsm6": rng.random(n_enrol) < 0.3,
            "sen_status": rng.choice(["N", "K", "E"], n_enrol, p=[0.83, 0.13, 0.04]),
            "looked_after": rng.random(n_enrol) < 0.01,
            "child_in_need": rng.random(n_enrol) < 0.03,
            "child_protection_plan": rng.random(n_enrol) < 0.01,
        },
        schema=ENROLMENT_SCHEMA,
    )
    absent_codes = np.array([ids[c] for c in ABSENT_MIX], dtype=np.int8)
    absent_p = np.array(list(ABSENT_MIX.values()), dtype=float)
    absent_p /= absent_p.sum()
    present_extra = np.array([ids[c] for c in ("L", "V", "B", "P")], dtype=np.int8)
    present_extra_p = np.array([0.03, 0.01, 0.003, 0.002])
    am_id, pm_id = ids["/"], ids["\\"]

    def batches() -> Iterator[pa.Table]:
        chunk = 2000
        for y in range(years):
            days = school_days(2025 + y)
            sessions = np.repeat(days, 2)
            sess_flag = np.tile(np.array([0, 1], dtype=np.int8), len(days))
            per = len(sessions)
            for lo in range(y * pupils, (y + 1) * pupils, chunk):
                hi = min(lo + chunk, (y + 1) * pupils)
                n = hi - lo
                # Beta-distributed absence propensity: most pupils low, a long tail (PA ~ 15-20%).
                p_abs = rng.beta(0.9, 13.0, n)
                u = rng.random((n, per))
                code = np.where(sess_flag[None, :] == 0, am_id, pm_id).astype(np.int8)
                code = np.broadcast_to(code, (n, per)).copy()
                absent = u < p_abs[:, None]
                code[absent] = rng.choice(absent_codes, int(absent.sum()), p=absent_p)
                v = rng.random((n, per))
                cum = np.cumsum(present_extra_p)
                for k, cid in enumerate(present_extra):
                    lo_c = cum[k - 1] if k else 0.0
                    code[(~absent) & (v >= lo_c) & (v < cum[k])] = cid
                yield pa.table(
                    {
                        "enrolment_id": np.repeat(enrolment_id[lo:hi], per),
                        "day": np.tile(sessions, n),
                        "session": np.tile(sess_flag, n),
                        "code_id": code.ravel(),
                    }
                )

    write_store(
        directory,
        enrolments=enrolments,
        marks=batches(),
        codes=specs,
        meta={"source": "bench/stats_data.py", "pupils": pupils, "years": years, "seed": seed},
        sort=False,
    )
    return n_enrol * 380
