"""DfE comparators: the shipped snapshot, Total-row labelling, lookups, the import command."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command

from attend.stats import benchmarks
from attend.stats.models import BenchmarkFigure, BenchmarkRelease

from . import factories as f


@pytest.fixture
def snapshot(db):
    return benchmarks.ensure_default_snapshot()


def test_the_default_snapshot_loads_once_with_attribution(snapshot):
    assert snapshot.rows == 647 and snapshot.kind == "ytd" and snapshot.time_period == "202526"
    assert "Open Government Licence v3.0" in snapshot.attribution
    assert benchmarks.ensure_default_snapshot() == snapshot
    assert BenchmarkRelease.objects.count() == 1
    assert BenchmarkFigure.objects.filter(suppressed=True).count() == 4


def test_total_rows_are_labelled_with_their_method(snapshot):
    totals = BenchmarkFigure.objects.filter(education_phase="Total", suppressed=False)
    assert {t.total_method for t in totals} == {"ratio_of_counts"}
    assert not BenchmarkFigure.objects.exclude(education_phase="Total").exclude(total_method="").exists()


def test_comparators_for_a_school(snapshot):
    school = f.school(100001, authority=f.la("211", "Tower Hamlets", "London"))
    got = benchmarks.comparators(school=school)
    assert [c["comparator"] for c in got] == ["local_authority", "region", "england"]
    assert [c["area_name"] for c in got] == ["Tower Hamlets", "London", "England"]
    assert got[0]["overall_absence_perc"] == 5.92336377968847
    assert got[0]["pa_perc"] == 17.5033710196038
    assert got[2]["overall_absence_perc"] == 5.27668054005052
    assert all(c["education_phase"] == "Primary" for c in got)


def test_comparators_for_an_la_total(snapshot):
    got = benchmarks.comparators(la_code="335", phase="total")
    assert [c["area_name"] for c in got] == ["Walsall", "West Midlands", "England"]
    assert got[2]["overall_absence_perc"] == 6.88324813506746
    assert got[2]["total_method"] == "ratio_of_counts"


def _weighted_file(tmp_path):
    """A release whose England Total is the enrolment-weighted mean of the phase rates (older DfE practice)."""
    header = [
        "time_period",
        "time_identifier",
        "geographic_level",
        "country_code",
        "country_name",
        "education_phase",
        "enrolments",
        "possible_sessions",
        "overall_absence",
        "overall_absence_perc",
        "pa_perc",
    ]
    rows = [
        ["202425", "Week 38", "National", "E92000001", "England", "Primary", "300", "1000", "50", "5", "c"],
        [
            "202425",
            "Week 38",
            "National",
            "E92000001",
            "England",
            "Secondary",
            "100",
            "3000",
            "300",
            "10",
            "c",
        ],
        # ratio of counts would be 350/4000 = 8.75; weighted is (5*300 + 10*100)/400 = 6.25.
        ["202425", "Week 38", "National", "E92000001", "England", "Total", "400", "4000", "350", "6.25", "c"],
    ]
    path = tmp_path / "EES_weekly_data.csv"
    with path.open("w", newline="") as out:
        w = csv.writer(out)
        w.writerow(header)
        w.writerows(rows)
    return path


def test_an_enrolment_weighted_total_is_detected_not_fixed(db, tmp_path):
    out = io.StringIO()
    call_command("benchmarks", "import", str(_weighted_file(tmp_path)), stdout=out)
    assert "Open Government Licence" in out.getvalue()
    release = BenchmarkRelease.objects.get(file_name="EES_weekly_data.csv")
    assert release.kind == "weekly"
    total = release.figures.get(education_phase="Total")
    assert total.total_method == "enrolment_weighted"
    assert total.overall_absence_perc == 6.25
    assert total.pa_perc is None and total.values["pa_perc"] is None
    # Importing the same file again changes nothing.
    call_command("benchmarks", "import", str(_weighted_file(tmp_path)), stdout=io.StringIO())
    assert BenchmarkRelease.objects.filter(file_name="EES_weekly_data.csv").count() == 1


def test_a_file_that_is_not_dfe_is_refused(db, tmp_path):
    bad = tmp_path / "x.csv"
    bad.write_text("a,b\n1,2\n")
    with pytest.raises(benchmarks.BenchmarkFileError):
        benchmarks.import_file(bad)
