"""measures_from_counts reproduces DfE's published figures and obeys the DfE identities."""

from __future__ import annotations

import csv
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from attend.analytics.definitions import COUNT_COLUMNS, RATE_COLUMNS, is_persistent_absence, is_severe_absence
from attend.stats import measures_from_counts
from attend.stats.codes import code_specs

DFE_FILE = Path(__file__).parents[1] / "data" / "EES_ytd_data_202526_to_2026-07-10.csv"
LISTED_AUTHORISED = [
    "reason_i_authorised_illness",
    "reason_m_authorised_medical_dental",
    "reason_r_authorised_religious_observance",
    "reason_s_authorised_study_leave",
    "reason_t_authorised_mobile_child",
    "reason_h_authorised_holiday",
    "reason_e_authorised_excluded",
    "reason_c_authorised_other",
    "reason_c1_authorised_regulated_performance",
    "reason_j1_authorised_interview",
    "reason_c2_authorised_temp_reduced_timetable",
]


def dfe_rows() -> list[dict[str, str]]:
    with DFE_FILE.open(newline="", encoding="utf-8") as f:
        return [
            r for r in csv.DictReader(f) if r["education_phase"] != "Total" and r["possible_sessions"] != "c"
        ]


def counts_of(row: dict[str, str]) -> dict[str, int]:
    counts = {k: int(v) for k, v in row.items() if k.startswith("reason_") and k != "reason_present"}
    # Legacy F has no column: it is authorised_absence minus the listed authorised codes (shared/README.md).
    counts["F"] = int(row["authorised_absence"]) - sum(int(row[c]) for c in LISTED_AUTHORISED)
    return counts


def test_the_shipped_file_has_the_rows_we_expect():
    rows = dfe_rows()
    assert (
        len(rows) == 3 * 161 - 1
    )  # 1 national, 9 regions, 151 LAs by three phases; one LA has no special row
    assert {r["education_phase"] for r in rows} == {"Primary", "Secondary", "Special"}


@pytest.mark.parametrize(
    "row", dfe_rows(), ids=lambda r: f"{r['la_name'] or r['region_name'] or 'England'}-{r['education_phase']}"
)
def test_it_reproduces_every_published_phase_row(row):
    got = measures_from_counts(counts_of(row))
    for column in COUNT_COLUMNS:
        assert got[column] == int(row[column]), column
    for column in RATE_COLUMNS:
        assert got[column] == pytest.approx(float(row[column]), abs=1e-9, rel=0), column


def test_it_accepts_codes_and_dfe_columns_alike():
    by_code = measures_from_counts(
        {"/": 120, "\\": 118, "L": 3, "I": 9, "F": 0, "V": 2, "O": 4, "U": 1, "D": 7}
    )
    by_column = measures_from_counts(
        {
            "reason_present_am": 120,
            "reason_present_pm": 118,
            "reason_l_present_late_before_registers_closed": 3,
            "reason_i_authorised_illness": 9,
            "reason_v_aea_educational_visit_trip": 2,
            "reason_o_other_unauthorised": 4,
            "reason_u_unauthorised_late_after_registers_closed": 1,
            "reason_d_dual_registration": 7,
        }
    )
    assert by_code == by_column
    assert by_code["possible_sessions"] == 257  # D is not a possible session
    assert by_code["overall_attendance"] == 243
    assert by_code["present_sessions"] == 241
    assert by_code["overall_absence"] == 14
    assert by_code["late_sessions"] == 4
    assert by_code["overall_absence_perc"] == 14 / 257 * 100
    assert by_code["illness_perc"] == 9 / 257 * 100


def test_it_refuses_unknown_keys_and_negative_counts():
    with pytest.raises(KeyError):
        measures_from_counts({"ZZ": 1})
    with pytest.raises(ValueError):
        measures_from_counts({"I": -1})
    with pytest.raises(ValueError):
        measures_from_counts({"I": 1, "reason_i_authorised_illness": 1})


def test_no_possible_sessions_gives_no_rates():
    got = measures_from_counts({"X": 10})
    assert got["possible_sessions"] == 0
    assert all(got[c] is None for c in RATE_COLUMNS)


counts_strategy = st.dictionaries(st.sampled_from(sorted(code_specs())), st.integers(0, 10_000), max_size=20)


@given(counts_strategy)
def test_the_dfe_identities_hold(counts):
    m = measures_from_counts(counts)
    assert m["possible_sessions"] == m["overall_attendance"] + m["overall_absence"]
    assert m["overall_attendance"] == m["present_sessions"] + m["approved_educational_activity"]
    assert m["overall_absence"] == m["authorised_absence"] + m["unauthorised_absence"]
    assert m["late_sessions"] == counts.get("L", 0) + counts.get("U", 0)
    specs = code_specs()
    possible = sum(n for c, n in counts.items() if specs[c].category != "not_possible")
    assert m["possible_sessions"] == possible
    if possible:
        assert m["attendance_perc"] + m["overall_absence_perc"] == pytest.approx(100)
        assert m["authorised_absence_perc"] + m["unauthorised_absence_perc"] == pytest.approx(
            m["overall_absence_perc"]
        )


def test_persistent_and_severe_absence_boundaries():
    assert is_persistent_absence(17, 170)
    assert not is_persistent_absence(16, 170)
    assert is_severe_absence(85, 170)
    assert not is_severe_absence(84, 170)
    assert not is_persistent_absence(0, 0)


@given(st.integers(1, 1000), st.data())
def test_pa_and_sa_flags_match_exact_fractions(possible, data):
    absence = data.draw(st.integers(0, possible))
    assert is_persistent_absence(absence, possible) == (Fraction(absence, possible) >= Fraction(1, 10))
    assert is_severe_absence(absence, possible) == (Fraction(absence, possible) >= Fraction(1, 2))
