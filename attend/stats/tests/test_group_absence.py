"""group_absence, the cohort rule's one SQL statement, gives the sums group_measures gives (issue 22)."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from attend.stats import queries, store

from . import factories as f

DAYS = f.school_days(dt.date(2025, 9, 8), 25)
BY = ["school_id", "phase", "nc_year", "fsm", "sen_status"]
COLUMNS = ["overall_absence", "possible_sessions", "enrolments"]
CODES = ["/", "/", "/", "\\", "I", "M", "N", "O", "G", "U", "L", "B", "C2", "E", "X", "#", "D", "Y1"]


@pytest.fixture
def la(db, settings, tmp_path):
    """Three schools of two phases; pupils of every age band the cohorts cut at (reception, compulsory, sixth form),
    with and without free school meals or SEN; one enrolment with no possible sessions (X and # only)."""
    settings.ATTEND_STATS_DIR = str(tmp_path / "store")
    schools = [f.school(100001), f.school(100002), f.school(100003, phase="secondary")]
    rng = random.Random(7)
    for i in range(30):
        born = dt.date(2008 + i % 14, 1 + i % 12, 1)  # aged 3 to 16 on 31 August 2025
        enrolment = f.enrolment(
            schools[i % 3], born=born, nc_year=str(1 + i % 11), fsm=i % 4 == 0, sen="KEN"[i % 3]
        )
        codes = ["X", "#"] * 25 if i == 29 else [rng.choice(CODES) for _ in range(50)]
        f.marks(enrolment, DAYS, codes)
    store.refresh()
    return schools


@pytest.mark.parametrize("cohort", ["compulsory", "all", "sixth_form"])
@pytest.mark.parametrize("days", [(0, 24), (5, 12)])
def test_the_sums_are_group_measures_sums(la, cohort, days):
    start, end = DAYS[days[0]], DAYS[days[1]]
    ids = [s.pk for s in la]
    expected = queries.group_measures(BY, start, end, schools=ids, cohort=cohort)[[*BY, *COLUMNS]]
    found = queries.group_absence(BY, start, end, schools=ids, cohort=cohort)
    assert len(found) > 3
    assert found.astype(str).values.tolist() == expected.astype(str).values.tolist()


def test_schools_narrow_it_and_unknown_fields_are_refused(la):
    one = queries.group_absence(["school_id", "nc_year"], DAYS[0], DAYS[-1], schools=[la[2].pk])
    assert set(one["school_id"]) == {la[2].pk}
    whole = queries.group_absence(["phase"], DAYS[0], DAYS[-1])
    assert whole.set_index("phase").loc["secondary", "possible_sessions"] == one["possible_sessions"].sum()
    with pytest.raises(ValueError, match="Unknown group fields"):
        queries.group_absence(["school_id; drop table marks"], DAYS[0], DAYS[-1])
