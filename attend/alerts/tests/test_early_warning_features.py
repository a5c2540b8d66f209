"""Early-warning features on hand-built marks: every value worked out by hand."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from attend.alerts.early_warning.features import (
    MODEL_FEATURES,
    build_features,
    end_of_year_pa,
    marks_features,
    nc_year_number,
)

AS_OF = dt.date(2025, 10, 10)


def weekdays(start: dt.date, end: dt.date) -> list[dt.date]:
    return [
        start + dt.timedelta(days=i)
        for i in range((end - start).days + 1)
        if (start + dt.timedelta(i)).weekday() < 5
    ]


def marks_table(enrolment: int, days, overrides: dict) -> pd.DataFrame:
    rows = []
    for day in days:
        for session, present in (("AM", "/"), ("PM", "\\")):
            code = overrides.get((day, session), present)
            if code:
                rows.append((enrolment, day, session, code))
    return pd.DataFrame(rows, columns=["enrolment", "date", "session", "code"])


def d(day: int, month: int = 9) -> dt.date:
    return dt.date(2025, month, day)


# Six weeks, 1 Sep to 10 Oct 2025 (30 days, 60 sessions); enrolment 1's marks, worked through in each test.
OVERRIDES = {
    (d(1), "AM"): "O", (d(1), "PM"): "O",  # Monday: a spell of 2, unauthorised
    (d(5), "AM"): "I", (d(5), "PM"): "I",  # Friday: a spell of 2, illness (authorised)
    (d(15), "AM"): "G", (d(15), "PM"): "G", (d(16), "AM"): "G",  # Monday-Tuesday: a spell of 3 (holiday)
    (d(19), "PM"): "O",  # Friday afternoon: a spell of 1
    (d(22), "AM"): "L",  # late before the register closed: present
    (d(23), "AM"): "U",  # late after it closed: an unauthorised absence, a spell of 1
    (d(24), "PM"): "X",  # not a possible session
}  # fmt: skip
DAYS = weekdays(d(1), d(10, 10))


@pytest.fixture
def marks() -> pd.DataFrame:
    good = marks_table(2, DAYS, {})
    # Enrolment 3 has only sessions that are not possible (D: attending another school).
    elsewhere = marks_table(3, DAYS[:3], {(day, s): "D" for day in DAYS[:3] for s in ("AM", "PM")})
    later = marks_table(4, weekdays(d(13, 10), d(17, 10)), {})  # marks only after the as-of date
    return pd.concat([marks_table(1, DAYS, OVERRIDES), good, elsewhere, later], ignore_index=True)


def test_it_counts_possible_absent_unauthorised_and_late(marks):
    f = marks_features(marks, AS_OF).loc[1]
    assert (f["possible"], f["absent"], f["unauthorised"]) == (59, 9, 7)
    assert (f["late"], f["late_after_close"]) == (2, 1)
    assert f["rate"] == pytest.approx(9 / 59)
    assert f["rate_shrunk"] == pytest.approx(10 / 79)  # one absent session in 20 added as prior evidence
    assert f["rate_logit"] == pytest.approx(math.log(10 / 69))
    assert f["unauthorised_share"] == pytest.approx(7 / 9)
    assert f["late_rate"] == pytest.approx(2 / 30)  # 30 possible morning sessions


def test_it_finds_spells_across_sessions_and_days(marks):
    f = marks_features(marks, AS_OF).loc[1]
    assert (f["spells"], f["longest_spell"]) == (5, 3)
    assert f["spell_rate"] == pytest.approx(5 * 20 / 59)


def test_it_measures_the_trend_over_the_last_four_weeks(marks):
    f = marks_features(marks, AS_OF).loc[1]
    # Recent: 13 Sep to 10 Oct, 39 possible sessions with 5 absent; before: 20 sessions with 4 absent.
    assert f["rate_recent"] == pytest.approx(5 / 39)
    assert f["rate_before"] == pytest.approx(4 / 20)
    assert f["trend"] == pytest.approx(5 / 39 - 4 / 20)


def test_it_compares_mondays_and_fridays_with_midweek(marks):
    f = marks_features(marks, AS_OF).loc[1]
    # 12 Mondays and Fridays (24 sessions) with 7 absent; 35 midweek possible sessions with 2 absent.
    assert f["absent_mon_fri"] == 7
    assert f["mon_fri_excess"] == pytest.approx(7 / 24 - 2 / 35)


def test_full_attendance_gives_zeros(marks):
    f = marks_features(marks, AS_OF).loc[2]
    assert (f["possible"], f["absent"], f["spells"], f["longest_spell"]) == (60, 0, 0, 0)
    assert (f["trend"], f["mon_fri_excess"], f["unauthorised_share"]) == (0, 0, 0)


def test_it_leaves_out_enrolments_without_a_possible_session(marks):
    pupils = pd.DataFrame(
        {
            "enrolment": [1, 2, 3, 4],
            "nc_year": ["R", "X", "9", "9"],
            "phase": ["primary", "primary", "secondary", "secondary"],
            "sex": ["M", "F", "F", "F"],
            "fsm": [True, False, False, False],
            "sen_status": ["K", "N", "E", "N"],
            "eal": [False, True, False, False],
            "looked_after": [False, False, False, False],
            "child_in_need": [False, False, True, False],
            "prior_rate": [0.12, np.nan, 0.02, 0.0],
        }
    )
    x = build_features(marks, pupils, AS_OF)
    assert list(x.index) == [1, 2]
    assert set(MODEL_FEATURES) <= set(x.columns)
    assert x.loc[1, ["nc_year", "male", "fsm", "sen_support", "ehc_plan", "prior_missing"]].tolist() == [
        0, 1, 1, 1, 0, 0
    ]  # fmt: skip
    assert x.loc[1, "prior_rate_logit"] == pytest.approx(math.log(0.12 / 0.88))
    # Year group "X" (not following the National Curriculum) takes the middle; no record last year is flagged.
    assert x.loc[2, ["nc_year", "eal", "prior_missing"]].tolist() == [6, 1, 1]


def test_it_rejects_codes_outside_the_code_table(marks):
    bad = pd.concat([marks, pd.DataFrame([(1, d(6, 10), "AM", "ZZ")], columns=marks.columns)])
    with pytest.raises(ValueError, match="ZZ"):
        marks_features(bad, AS_OF)


def test_persistent_absence_is_ten_percent_of_own_possible_sessions():
    days = weekdays(d(1), d(12))  # 10 days, 20 sessions
    exactly_ten = marks_table(1, days, {(d(1), "AM"): "I", (d(2), "PM"): "O"})
    under = marks_table(
        2, days, {(d(1), "AM"): "I", (d(2), "PM"): "X", (d(3), "PM"): "D"}
    )  # 1 of 18 possible
    pa = end_of_year_pa(pd.concat([exactly_ten, under]))
    assert pa.to_dict() == {1: True, 2: False}


def test_nc_year_numbers():
    assert nc_year_number(pd.Series(["R", "N2", "1", "11", "X"])).tolist()[:4] == [0, -1, 1, 11]
    assert np.isnan(nc_year_number(pd.Series(["X"]))[0])
