"""Random marks written into a real store, for engine tests (no Django database needed)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa

from attend.analytics.store import ENROLMENT_SCHEMA, write_store
from attend.stats.codes import code_specs

EPOCH = dt.date(1970, 1, 1)
START = (dt.date(2025, 9, 1) - EPOCH).days  # a Monday


def enrolments_table(n: int, rng: np.random.Generator, schools: int = 3) -> pa.Table:
    ids = np.arange(1, n + 1, dtype=np.int32)
    school = (ids % schools + 1).astype(np.int32)
    ages = rng.integers(3, 18, n)
    birth = np.array(
        [
            (dt.date(2025 - int(a), 1 + int(m), 1) - EPOCH).days
            for a, m in zip(ages, rng.integers(0, 8, n), strict=True)
        ],
        dtype=np.int32,
    )
    return pa.table(
        {
            "enrolment_id": ids,
            "pupil_id": ids.astype(np.int64),
            "upn": [f"R{i:012d}" for i in ids],
            "school_id": school,
            "school_urn": 100000 + school,
            "school_name": [f"School {s}" for s in school],
            "phase": np.where(school == 1, "secondary", "primary"),
            "la_code": np.full(n, "201"),
            "la_name": np.full(n, "Test LA"),
            "region_name": np.full(n, "London"),
            "trust_name": pa.nulls(n, pa.string()),
            "school_day_hours": np.where(school == 2, 7.0, 6.5),
            "nc_year": (ages - 4).astype(str),
            "registration": np.full(n, "single"),
            "admission_day": np.zeros(n, np.int32),
            "leaving_day": pa.nulls(n, pa.int32()),
            "birth_day": birth,
            "sex": rng.choice(["F", "M"], n),
            "ethnicity": rng.choice(["WBRI", "AIND", ""], n),
            "eal": rng.random(n) < 0.2,
            "fsm": rng.random(n) < 0.3,
            "fsm6": rng.random(n) < 0.3,
            "sen_status": rng.choice(["N", "K", "E"], n),
            "looked_after": rng.random(n) < 0.1,
            "child_in_need": rng.random(n) < 0.1,
            "child_protection_plan": rng.random(n) < 0.1,
        },
        schema=ENROLMENT_SCHEMA,
    )


def random_store(directory, *, enrolments: int = 60, days: int = 30, seed: int = 0) -> dict[int, list[str]]:
    """A store with every code in use; returns the codes per enrolment (for cross-checks)."""
    rng = np.random.default_rng(seed)
    codes = sorted(code_specs())
    weights = np.array([30.0 if c in ("/", "\\") else 1.0 for c in codes])
    day_numbers = [d for d in range(START, START + days * 7 // 5 + 7) if (d + 3) % 7 < 5][:days]
    rows_e, rows_d, rows_s, rows_c = [], [], [], []
    per: dict[int, list[str]] = {}
    for e in range(1, enrolments + 1):
        n_days = int(rng.integers(1, days + 1))
        chosen = list(rng.choice(codes, 2 * n_days, p=weights / weights.sum()))
        per[e] = chosen
        for k, code in enumerate(chosen):
            rows_e.append(e)
            rows_d.append(day_numbers[k // 2])
            rows_s.append(k % 2)
            rows_c.append(code)
    marks = pa.table(
        {
            "enrolment_id": pa.array(rows_e, pa.int32()),
            "day": pa.array(rows_d, pa.int32()),
            "session": pa.array(rows_s, pa.int8()),
            "code": rows_c,
        }
    )
    write_store(
        directory,
        enrolments=enrolments_table(enrolments, rng),
        marks=[marks],
        codes=code_specs(),
        meta={"source": "test"},
    )
    return per
