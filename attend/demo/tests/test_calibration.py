"""Calibration at a size that runs fast: 20,000 pupils, a full year, DfE rules (domain.md §2).

bench/calibration.py runs the same checks at 100,000 pupils with the tight tolerances; here the tolerances are
widened to about three standard errors for the smaller sample (special schools have only ~800 enrolments).
"""

from __future__ import annotations

import datetime as dt

import pytest

from attend.demo import checks
from attend.demo.generator import DemoConfig, generate


@pytest.fixture(scope="module")
def stats():
    la = generate(DemoConfig(pupils=20_000, seed=11, start=dt.date(2025, 9, 1), end=dt.date(2026, 7, 31)))
    return checks.compute(la)


@pytest.mark.parametrize(
    ("phase", "pa_tolerance", "overall_tolerance"),
    [("primary", 2.5, 0.5), ("secondary", 3.0, 0.7), ("special", 7.0, 2.0)],
)
def test_persistent_and_overall_absence_per_phase(stats, phase, pa_tolerance, overall_tolerance):
    rates = checks.phase_rates(stats)[phase]
    assert abs(rates["pa"] - checks.PUBLISHED["pa"][phase]) <= pa_tolerance, rates
    assert abs(rates["overall"] - checks.PUBLISHED["overall"][phase]) <= overall_tolerance, rates


def test_a_few_percent_are_severely_absent(stats):
    sa = {phase: r["sa"] for phase, r in checks.phase_rates(stats).items()}
    assert 0.2 <= sa["primary"] <= 1.5
    assert 2.0 <= sa["secondary"] <= 5.5
    assert 2.5 <= sa["special"] <= 11.0


def test_illness_is_the_largest_reason_in_every_phase(stats):
    for phase, rates in checks.reason_rates(stats).items():
        assert max(rates, key=rates.get) == "I", (phase, rates)


def test_fsm_and_sen_pupils_are_more_often_persistently_absent(stats):
    groups = checks.group_rates(stats)
    assert groups["FSM"]["pa"] > 1.8 * groups["not FSM"]["pa"]
    assert groups["SEN"]["pa"] > 1.4 * groups["no SEN"]["pa"]
    assert groups["FSM"]["overall"] > groups["not FSM"]["overall"]


def test_secondary_year_groups_rise_to_year_11(stats):
    years = checks.year_rates(stats)
    assert years[11]["pa"] > years[9]["pa"] > years[7]["pa"]


def test_friday_is_worst_and_wednesday_best(stats):
    weekday = checks.weekday_rates(stats)
    assert max(weekday, key=weekday.get) == "Fri"
    assert min(weekday, key=weekday.get) == "Wed"


def test_last_week_before_a_holiday_is_worst_and_illness_peaks_in_winter(stats):
    weeks = checks.last_week_rates(stats)
    assert weeks["last week before a holiday"] > 1.1 * weeks["other weeks"]
    months = checks.monthly_illness(stats)
    assert months["2025-12"] > 2 * months["2025-09"]
    assert max(months, key=months.get) in ("2025-12", "2026-01")


def test_check_rules_follow_the_dfe_code_table(stats):
    # D, X, Y1, Y2 and # never count as possible sessions; every cohort enrolment has some.
    assert (stats.enrolments.possible > 0).all()
    assert (stats.enrolments.absence <= stats.enrolments.possible).all()
