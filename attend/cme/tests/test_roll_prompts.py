"""Off-rolling on the LA's work list: the cluster before a census day, per-deletion concerns, and leaving dates that
arrive in an import with no ground (a NOT_GIVEN return, corrected later by the school)."""

from __future__ import annotations

import pytest

from attend.alerts.models import Alert
from attend.cme.models import RollDeletion
from attend.cme.roll import record_deletion
from attend.cme.roll_checks import census_days, census_window, next_census
from attend.cme.roll_prompts import import_missing_returns, sync_roll_prompts
from attend.core.tests.factories import make_pupil, make_school

from .roll_world import D, set_marks, world

pytestmark = pytest.mark.django_db
CENSUS = D(2025, 10, 2)  # autumn census 2025: the first Thursday in October


def test_census_days_follow_the_dfe_guide():
    assert census_days(2025) == [D(2025, 10, 2), D(2026, 1, 15), D(2026, 5, 21)]
    assert next_census(D(2025, 10, 2)) == D(2025, 10, 2)
    assert next_census(D(2025, 10, 3)) == D(2026, 1, 15)


def _school_with_pupils(w, n):
    enrolments = []
    for i in range(n):
        pupil = make_pupil(school=w["school"], surname=f"Pupil{i}")
        enrolment = pupil.enrolments.get()
        set_marks(enrolment, D(2025, 9, 1), D(2025, 9, 26), "/")
        enrolments.append(enrolment)
    return enrolments


def test_three_deletions_in_the_window_make_a_cluster_on_the_work_list(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", "2025-10-02")
    w = world()
    e1, e2, e3 = _school_with_pupils(w, 3)
    window = census_window(w["school"], CENSUS)
    assert (window[0], window[-2], window[-1], len(window)) == (D(2025, 9, 4), D(2025, 10, 1), CENSUS, 21)
    first = record_deletion(
        by=w["lead"], enrolment=e1, ground="h", deleted_on=D(2025, 9, 29), note="Not back"
    )
    second = record_deletion(by=w["lead"], enrolment=e2, ground="k", deleted_on=D(2025, 9, 30), note="Told")
    third = record_deletion(
        by=w["lead"], enrolment=e3, ground="h", deleted_on=D(2025, 10, 1), note="Not back"
    )
    assert first.concerns == [] and second.concerns == []
    assert third.concerns == [
        "One of 3 deletions at this school in the 20 school days before the census on 2 October 2025."
    ]
    result = sync_roll_prompts(D(2025, 10, 2))
    assert result == {"imported": 0, "raised": 2, "cleared": 0}
    cluster = Alert.objects.get(rule="off_rolling_concern", key=f"cl{w['school'].pk}-20251002")
    assert cluster.reason.startswith(
        "3 deletions from the roll of Riverside Primary in the 20 school days before"
    )
    assert cluster.details == {"census": "2025-10-02", "count": 3}
    assert Alert.objects.filter(rule="off_rolling_concern", key=f"del{third.pk}").exists()
    # Run again: nothing new, nothing cleared.
    assert sync_roll_prompts(D(2025, 10, 2)) == {"imported": 0, "raised": 0, "cleared": 0}


def test_moves_to_a_named_school_and_deletions_before_the_window_do_not_count(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", "2025-10-02")
    w = world()
    e1, e2, e3 = _school_with_pupils(w, 3)
    other = make_school(la=w["la"], name="Hillside Primary")
    record_deletion(by=w["lead"], enrolment=e1, ground="h", deleted_on=D(2025, 9, 29), note="Not back")
    record_deletion(
        by=w["lead"], enrolment=e2, ground="a", deleted_on=D(2025, 9, 30), destination_school=other
    )
    third = record_deletion(
        by=w["lead"], enrolment=e3, ground="h", deleted_on=D(2025, 10, 1), note="Not back"
    )
    assert third.concerns == []
    assert sync_roll_prompts(D(2025, 10, 2))["raised"] == 0


def test_imported_leavers_without_a_ground_make_no_cluster_until_the_school_gives_it(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", "2025-10-02")
    w = world()
    leavers = _school_with_pupils(w, 3)
    for day, enrolment in zip((29, 30, 30), leavers, strict=True):
        enrolment.leaving_date = D(2025, 9, day)  # as a pupils import writes it
        enrolment.save()
    result = sync_roll_prompts(D(2025, 10, 2))
    assert result == {
        "imported": 3,
        "raised": 3,
        "cleared": 0,
    }  # three "give the ground" items, for the school
    assert set(Alert.objects.values_list("rule", flat=True)) == {"deletion_ground_missing"}
    # The school gives the grounds (not returned after leave, twice, and a death): now they count, and three in the
    # 20 school days before the census are a cluster on the LA's list.
    for ground, enrolment in zip("hhk", leavers, strict=True):
        record_deletion(by=w["lead"], enrolment=enrolment, ground=ground, deleted_on=enrolment.leaving_date,
                        note="Given", corrects=RollDeletion.objects.get(enrolment=enrolment))  # fmt: skip
    result = sync_roll_prompts(D(2025, 10, 2))
    assert result["cleared"] == 3
    assert Alert.objects.filter(rule="off_rolling_concern", key__startswith="cl").count() == 1


def test_a_deletion_a_day_before_the_window_is_outside_the_cluster(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", "2025-10-02")
    w = world()
    e1, e2, e3 = _school_with_pupils(w, 3)
    e1.marks.filter(date__gt=D(2025, 9, 3)).delete()
    record_deletion(by=w["lead"], enrolment=e1, ground="h", deleted_on=D(2025, 9, 3), note="Not back")
    record_deletion(by=w["lead"], enrolment=e2, ground="h", deleted_on=D(2025, 9, 30), note="Not back")
    third = record_deletion(
        by=w["lead"], enrolment=e3, ground="h", deleted_on=D(2025, 10, 1), note="Not back"
    )
    assert third.concerns == []


def test_the_cluster_size_is_a_setting(monkeypatch, settings):
    monkeypatch.setenv("ATTEND_TODAY", "2025-10-02")
    settings.CME_OFF_ROLLING_CLUSTER = 2
    w = world()
    e1, e2 = _school_with_pupils(w, 2)
    record_deletion(by=w["lead"], enrolment=e1, ground="h", deleted_on=D(2025, 9, 29), note="Not back")
    second = record_deletion(
        by=w["lead"], enrolment=e2, ground="h", deleted_on=D(2025, 9, 30), note="Not back"
    )
    assert len(second.concerns) == 1


def test_an_imported_leaving_date_gets_a_return_and_a_prompt_until_the_school_gives_the_ground(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", "2025-11-19")
    w = world()
    reception = make_pupil(school=w["school"], surname="Small").enrolments.get()
    reception.nc_year = "R"
    reception.leaving_date = D(2025, 11, 14)
    reception.save()
    w["enrolment"].leaving_date = D(2025, 11, 14)  # as the pupils import writes it
    w["enrolment"].save()
    # The school's item (give the ground); not yet the LA's off-rolling item: most imported leavers moved school.
    assert sync_roll_prompts(D(2025, 11, 19)) == {"imported": 1, "raised": 1, "cleared": 0}
    assert not Alert.objects.filter(rule="off_rolling_concern").exists()
    imported = RollDeletion.objects.get()
    assert (imported.enrolment, imported.ground, imported.source) == (w["enrolment"], "not_given", "import")
    assert imported.concerns == ["No ground of regulation 9 was given: the leaving date came from an import."]
    missing = Alert.objects.get(rule="deletion_ground_missing", key=f"del{imported.pk}")
    assert "no ground of regulation 9 recorded" in missing.reason
    # The school gives the ground: a correction; its item clears.
    record_deletion(
        by=w["lead"],
        enrolment=w["enrolment"],
        ground="k",
        deleted_on=D(2025, 11, 14),
        note="Told",
        corrects=imported,
    )
    assert sync_roll_prompts(D(2025, 11, 19)) == {"imported": 0, "raised": 0, "cleared": 1}
    assert Alert.objects.get(pk=missing.pk).status == Alert.Status.CLEARED
    assert import_missing_returns(D(2025, 11, 19)) == 0


def test_a_dismissed_prompt_stays_dismissed(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", "2025-11-19")
    w = world()
    w["enrolment"].leaving_date = D(2025, 11, 14)
    w["enrolment"].save()
    sync_roll_prompts(D(2025, 11, 19))
    Alert.objects.filter(rule="deletion_ground_missing").update(status=Alert.Status.DISMISSED)
    assert sync_roll_prompts(D(2025, 11, 19)) == {"imported": 0, "raised": 0, "cleared": 0}


def test_leaving_dates_before_this_school_year_are_history(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", "2025-11-19")
    w = world()
    w["enrolment"].admission_date = D(2023, 9, 1)
    w["enrolment"].leaving_date = D(2025, 7, 18)  # last school year's leaver: not a return due now
    w["enrolment"].save()
    assert import_missing_returns(D(2025, 11, 19)) == 0
    w["enrolment"].leaving_date = D(2025, 9, 5)
    w["enrolment"].save()
    assert import_missing_returns(D(2025, 11, 19)) == 1


def test_the_go_live_date_moves_the_cut_over(monkeypatch, settings):
    monkeypatch.setenv("ATTEND_TODAY", "2025-11-19")
    settings.ATTEND_CME_RETURNS_FROM = "2025-10-01"
    w = world()
    w["enrolment"].leaving_date = D(2025, 9, 30)  # left before the service went live
    w["enrolment"].save()
    assert import_missing_returns(D(2025, 11, 19)) == 0
    w["enrolment"].leaving_date = D(2025, 10, 1)
    w["enrolment"].save()
    assert import_missing_returns(D(2025, 11, 19)) == 1


def test_a_pupils_import_with_a_leaving_date_makes_a_not_given_return(
    monkeypatch, tmp_path, django_capture_on_commit_callbacks
):
    from attend.registers.imports import import_file

    monkeypatch.setenv("ATTEND_TODAY", "2025-11-19")
    w = world()
    p = w["pupil"]
    header = (
        "upn,school_urn,legal_forename,legal_surname,date_of_birth,sex,nc_year,admission_date,leaving_date\n"
    )
    row = f"{p.upn},{w['school'].urn},{p.legal_forename},{p.legal_surname},2015-01-01,F,4,2024-09-01,2025-11-14\n"
    path = tmp_path / "pupils.csv"
    path.write_text(header + row)
    with django_capture_on_commit_callbacks(execute=True):
        result = import_file("pupils", path)
    assert result.updated == 1
    deletion = RollDeletion.objects.get()
    assert (deletion.enrolment, deletion.ground, deletion.source, deletion.deleted_on) == (
        w["enrolment"], "not_given", "import", D(2025, 11, 14)
    )  # fmt: skip
