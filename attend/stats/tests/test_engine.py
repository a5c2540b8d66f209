"""The engine on a tiny hand-worked LA: exact figures, cohorts, breakdowns, spells, the CLI."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.management import call_command

from attend.stats import measures_from_counts, queries
from attend.stats import store as stats_store

from . import factories as f

MON = dt.date(2025, 9, 8)
DAYS = f.school_days(MON, 10)  # 8-19 September 2025: 20 sessions
END = DAYS[-1]


@pytest.fixture
def tiny_la(db, settings, tmp_path):
    settings.ATTEND_STATS_DIR = str(tmp_path / "analytics")
    a = f.school(100001, trust=f.trust())
    b = f.school(100002, phase="secondary", hours="7.00")
    # P1, aged 10 on 31 Aug 2025: 3 absences in 20 (15%): persistent, not severe. I I on Tue, O on Thu week 2.
    p1 = f.enrolment(a, born=dt.date(2015, 3, 1), fsm=True)
    codes1 = ["/", "\\"] * 10
    codes1[2], codes1[3] = "I", "I"
    codes1[14] = "O"
    codes1[5] = "L"
    f.marks(p1, DAYS, codes1)
    # P2, aged 9: 10 G then 10 present: 50% exactly, severe; two dual-registration marks are not possible.
    p2 = f.enrolment(a, born=dt.date(2016, 1, 10), nc_year="4", sex="M")
    f.marks(p2, DAYS, ["G"] * 10 + ["/", "\\"] * 5)
    f.marks(p2, f.school_days(dt.date(2025, 9, 22), 1), ["D", "D"])
    # P3, aged 4 (reception) at school B: all present.
    p3 = f.enrolment(b, born=dt.date(2021, 5, 5), nc_year="R")
    f.marks(p3, DAYS, ["/", "\\"] * 10)
    # P4, aged 16 (sixth form) at school B: two U.
    p4 = f.enrolment(b, born=dt.date(2009, 6, 1), nc_year="12")
    f.marks(p4, DAYS, ["U", "U"] + ["/", "\\"] * 9)
    # P5, aged 12 at school B (born 1 September 2012: 12 on 31 August 2025, not 13): 1 V, 1 M, rest present.
    p5 = f.enrolment(b, born=dt.date(2012, 9, 1), nc_year="8", looked_after=True)
    f.marks(p5, DAYS, ["V", "M"] + ["/", "\\"] * 9)
    return {"a": a, "b": b, "p1": p1, "p2": p2, "p3": p3, "p4": p4, "p5": p5}


def test_pupil_figures_are_exact(tiny_la):
    df = queries.enrolment_measures(MON, END).set_index("enrolment_id")
    assert sorted(df.index) == sorted([tiny_la["p1"].pk, tiny_la["p2"].pk, tiny_la["p5"].pk])
    p1 = df.loc[tiny_la["p1"].pk]
    assert (p1.possible_sessions, p1.attendance, p1.authorised_absence, p1.unauthorised_absence) == (
        20,
        17,
        2,
        1,
    )
    assert p1.late_sessions == 1
    assert p1.attendance_pct == 85.0
    assert p1.persistent_absence and not p1.severe_absence
    assert p1.days_missed == 1.5 and p1.hours_missed == 1.5 * 6.5
    assert (p1.absence_spells, p1.longest_spell_sessions, p1.unauthorised_last_10_weeks) == (2, 2, 1)
    p2 = df.loc[tiny_la["p2"].pk]
    assert (p2.possible_sessions, p2.overall_absence, p2.unauthorised_absence) == (20, 10, 10)
    assert p2.severe_absence and p2.persistent_absence
    assert (p2.absence_spells, p2.longest_spell_sessions, p2.unauthorised_last_10_weeks) == (1, 10, 10)
    p5 = df.loc[tiny_la["p5"].pk]
    assert (p5.attendance, p5.authorised_absence, p5.hours_missed) == (19, 1, 3.5)
    assert set(df.cohort) == {"compulsory"}


def test_engine_agrees_with_measures_from_counts(tiny_la):
    df = queries.enrolment_measures(MON, END, cohort="all", extras=False).set_index("enrolment_id")
    p1 = measures_from_counts({"/": 8, "\\": 8, "L": 1, "I": 2, "O": 1})
    row = df.loc[tiny_la["p1"].pk]
    assert row.overall_absence_pct == p1["overall_absence_perc"]
    assert row.illness_pct == p1["illness_perc"]


def test_cohorts_are_explicit_and_selectable(tiny_la):
    assert list(queries.enrolment_measures(MON, END, cohort="reception").upn) == [tiny_la["p3"].pupil.upn]
    assert list(queries.enrolment_measures(MON, END, cohort="sixth_form").upn) == [tiny_la["p4"].pupil.upn]
    assert len(queries.enrolment_measures(MON, END, cohort="all")) == 5


def test_school_and_group_rollups_pool_counts(tiny_la):
    schools = queries.school_measures(MON, END).set_index("school_urn")
    a = schools.loc[100001]
    assert (a.enrolments, a.possible_sessions, a.overall_absence) == (2, 40, 13)
    assert a.overall_absence_perc == 13 / 40 * 100
    assert (a.pa_perc, a.sa_perc) == (100.0, 50.0)
    assert a.trust_name == "Learning Trust"
    b = schools.loc[100002]
    assert (b.enrolments, b.overall_absence, b.pa_perc) == (1, 1, 0.0)
    fsm = queries.group_measures("fsm", MON, END).set_index("fsm")
    assert fsm.loc[True].overall_absence == 3 and fsm.loc[False].overall_absence == 11
    assert fsm.loc[False].overall_absence_perc == 11 / 40 * 100
    lac = queries.group_measures("looked_after", MON, END).set_index("looked_after")
    assert lac.loc[True].enrolments == 1
    years = queries.group_measures("nc_year", MON, END)
    assert list(years.nc_year) == ["4", "5", "8"]
    la = queries.group_measures("la", MON, END)
    assert la.possible_sessions.tolist() == [60] and la.overall_absence.tolist() == [14]


def test_weekday_week_and_month_breakdowns(tiny_la):
    wd = queries.weekday_breakdown(MON, END, by="school").set_index(["school_urn", "weekday"])
    # School A, Tuesdays: P1 I I (Tue wk1), P2 G G (Tue wk1); Tue wk2 all present: 4 of 8 absent.
    tue = wd.loc[(100001, 2)]
    assert (tue.possible_sessions, tue.overall_absence, tue.school_days) == (8, 4, 2)
    assert tue.weekday_name == "Tuesday"
    weeks = queries.weekly_trend(MON, END, schools=[tiny_la["a"]])
    assert [w.isoformat() for w in weeks.week_commencing] == ["2025-09-08", "2025-09-15"]
    assert list(weeks.iso_week) == ["2025-W37", "2025-W38"]
    assert weeks.overall_absence.tolist() == [12, 1]
    assert weeks.national_overall_absence_perc.tolist() == pytest.approx([6.88324813506746] * 2)
    months = queries.period_breakdown("month", MON, dt.date(2025, 9, 30))
    assert months.month.tolist() == ["2025-09"] and months.possible_sessions.tolist() == [60]


def test_report_pupils_csv(tiny_la):
    out = io.StringIO()
    call_command(
        "report", "pupils", "--from", "2025-09-08", "--to", "2025-09-19", "--format", "csv", stdout=out
    )
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(rows[0])[:10] == [
        "upn",
        "school_urn",
        "possible_sessions",
        "attendance",
        "authorised_absence",
        "unauthorised_absence",
        "overall_absence",
        "attendance_pct",
        "persistent_absence",
        "severe_absence",
    ]
    by_upn = {r["upn"]: r for r in rows}
    r1 = by_upn[tiny_la["p1"].pupil.upn]
    assert (r1["school_urn"], r1["possible_sessions"], r1["attendance"], r1["attendance_pct"]) == (
        "100001",
        "20",
        "17",
        "85.0",
    )
    assert (r1["persistent_absence"], r1["severe_absence"]) == ("True", "False")
    out = io.StringIO()
    call_command("report", "groups", "--by", "sex", "--to", "2025-09-19", stdout=out)
    groups = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [(g["sex"], g["enrolments"], g["overall_absence"]) for g in groups] == [
        ("F", "2", "4"),
        ("M", "1", "10"),
    ]


def test_store_refreshes_when_the_database_changes(tiny_la):
    assert len(queries.enrolment_measures(MON, END)) == 3
    assert not stats_store.is_stale()
    p6 = f.enrolment(tiny_la["b"], born=dt.date(2014, 2, 2))
    f.marks(p6, DAYS[:1], ["N", "N"])
    assert stats_store.is_stale()
    df = queries.enrolment_measures(MON, END).set_index("enrolment_id")
    assert df.loc[p6.pk].unauthorised_absence == 2 and df.loc[p6.pk].severe_absence


@pytest.mark.parametrize(("absences", "persistent"), [(17, True), (16, False)])
def test_pa_boundary_in_the_engine(db, settings, tmp_path, absences, persistent):
    settings.ATTEND_STATS_DIR = str(tmp_path / "analytics")
    e = f.enrolment(f.school(100009), born=dt.date(2015, 1, 1))
    days = f.school_days(MON, 85)
    f.marks(e, days, ["O"] * absences + ["/"] * (170 - absences))
    row = queries.enrolment_measures(MON, days[-1], extras=False).iloc[0]
    assert row.possible_sessions == 170
    assert bool(row.persistent_absence) is persistent
    assert not row.severe_absence


def test_export_marks_as_partitioned_parquet(tiny_la, tmp_path):
    import pyarrow.parquet as pq

    out = io.StringIO()
    call_command("export", "marks", str(tmp_path / "pq"), "--format", "parquet", stdout=out)
    parts = sorted(
        p.relative_to(tmp_path / "pq").parts[:3] for p in (tmp_path / "pq" / "marks").rglob("*.parquet")
    )
    assert {p[:3] for p in parts} == {
        ("marks", "academic_year=2025", f"school_id={tiny_la['a'].pk}"),
        ("marks", "academic_year=2025", f"school_id={tiny_la['b'].pk}"),
    }
    marks = pq.read_table(tmp_path / "pq" / "marks")
    assert marks.num_rows == 5 * 20 + 2
    assert pq.read_table(tmp_path / "pq" / "enrolments.parquet").num_rows == 5


def test_stats_refresh_and_status_commands(tiny_la):
    out = io.StringIO()
    call_command("stats", "refresh", stdout=out)
    assert "102 marks" in out.getvalue()
    out = io.StringIO()
    call_command("stats", "status", stdout=out)
    assert "(up to date)" in out.getvalue() and "  marks: 102\n" in out.getvalue()


def test_weekly_trend_uses_a_loaded_dfe_weekly_release(tiny_la, tmp_path):
    from attend.stats import benchmarks

    path = tmp_path / "EES_weekly_data.csv"
    path.write_text(
        '"time_period","time_identifier","geographic_level","country_code","country_name","school_type",'
        '"enrolments","possible_sessions","overall_absence","overall_absence_perc"\n'
        '2025,"Week 37","National","E92000001","England","Total","100","1000","55","5.5"\n'
    )
    release = benchmarks.import_file(path)
    assert release.kind == "weekly"
    assert release.figures.get().period_label == "2025-W37"
    weeks = queries.weekly_trend(MON, END, schools=[tiny_la["a"]])
    assert weeks.national_overall_absence_perc.tolist() == [5.5, 6.88324813506746]
    assert weeks.national_basis.tolist() == ["DfE weekly", "DfE year to date 202526"]
