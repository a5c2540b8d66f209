"""The demo generator: deterministic, well-formed, obviously fake files in exactly the import formats."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re

import numpy as np
import pandas as pd
import pytest

from attend.demo.generator import (
    CALENDAR_COLUMNS,
    CONTACT_COLUMNS,
    FILES,
    MARK_COLUMNS,
    PUPIL_COLUMNS,
    SCHOOL_COLUMNS,
    DemoConfig,
    generate,
)
from attend.people.upn import upn_problem
from attend.registers.codes import valid_codes

SMALL = DemoConfig(pupils=600, schools=6, seed=7, start=dt.date(2025, 9, 1), end=dt.date(2025, 12, 10))


def digest(folder) -> dict[str, str]:
    return {name: hashlib.sha256((folder / name).read_bytes()).hexdigest() for name in FILES}


@pytest.fixture(scope="module")
def small_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("small")
    generate(SMALL).write(folder)
    return folder


@pytest.fixture(scope="module")
def frames(small_files):
    return {name: pd.read_csv(small_files / name, dtype=str, keep_default_na=False) for name in FILES}


def test_same_seed_gives_identical_files(small_files, tmp_path):
    generate(SMALL).write(tmp_path)
    assert digest(tmp_path) == digest(small_files)


def test_different_seed_gives_different_files(small_files, tmp_path):
    generate(DemoConfig(**{**SMALL.__dict__, "seed": 8})).write(tmp_path)
    other = digest(tmp_path)
    mine = digest(small_files)
    assert other["pupils.csv"] != mine["pupils.csv"]
    assert other["marks.csv"] != mine["marks.csv"]


def test_files_have_exactly_the_import_columns(small_files):
    expected = {
        "schools.csv": SCHOOL_COLUMNS,
        "calendar.csv": CALENDAR_COLUMNS,
        "pupils.csv": PUPIL_COLUMNS,
        "contacts.csv": CONTACT_COLUMNS,
        "marks.csv": MARK_COLUMNS,
    }
    for name, columns in expected.items():
        with (small_files / name).open(newline="") as f:
            assert next(csv.reader(f)) == columns, name
    assert MARK_COLUMNS == ["upn", "school_urn", "date", "session", "code"]
    assert (small_files / "marks.csv").read_text().splitlines()[1].count(",") == 4


def test_schools_cover_every_phase_in_one_fake_la(frames):
    schools = frames["schools.csv"]
    assert schools.phase.value_counts().to_dict() == {"primary": 3, "secondary": 1, "special": 1, "pru_ap": 1}
    assert set(schools.la_code) == {"999"}
    assert set(schools.la_name) == {"Demoshire County Council (DEMO)"}
    assert all(re.fullmatch(r"999\d{4}", x) for x in schools.laestab)
    assert schools.urn.is_unique and schools.laestab.is_unique
    assert all(name.endswith("(DEMO)") for name in schools.name)


def test_default_la_has_twenty_schools_of_all_phases():
    la = generate(DemoConfig(pupils=200, seed=1, end=dt.date(2026, 9, 10)))
    assert la.schools.phase.value_counts().to_dict() == {
        "primary": 13,
        "secondary": 4,
        "special": 2,
        "pru_ap": 1,
    }
    assert (la.schools.trust_name != "").sum() >= 3


def test_calendar_has_six_half_terms_inset_days_and_a_bank_holiday(frames):
    cal = frames["calendar.csv"]
    one = cal[cal.school_urn == cal.school_urn.iloc[0]]
    terms = one[one.kind == "term"]
    assert list(terms.name) == ["Autumn 1", "Autumn 2", "Spring 1", "Spring 2", "Summer 1", "Summer 2"]
    assert list(terms.start_date) == [
        "2025-09-01",
        "2025-11-03",
        "2026-01-05",
        "2026-02-23",
        "2026-04-13",
        "2026-06-01",
    ]
    assert list(terms.end_date) == [
        "2025-10-24",
        "2025-12-19",
        "2026-02-13",
        "2026-03-27",
        "2026-05-22",
        "2026-07-22",
    ]
    inset = one[one.name == "INSET day"]
    assert len(inset) == 5 and set(inset.kind) == {"non_school_day"}
    assert ("2026-05-04", "Early May bank holiday") in set(zip(one.start_date, one.name, strict=True))
    assert set(cal.kind) <= {"term", "non_school_day", "planned_closure"}


def test_all_upns_valid_and_pupil_fields_consistent(frames):
    pupils = frames["pupils.csv"]
    assert all(upn_problem(u) is None for u in pupils.upn)
    assert pupils.upn.str.startswith(tuple("ABCDEFGHJKLMNPQRTUVWXYZ")).all()
    # Age on 31 August 2025 matches the NC year: Reception 4, Year N is N + 4.
    dob = pd.to_datetime(pupils.date_of_birth)
    age = 2025 - dob.dt.year - ((dob.dt.month > 8) | ((dob.dt.month == 8) & (dob.dt.day > 31))).astype(int)
    year = pupils.nc_year.replace("R", "0").astype(int)
    assert (age == year + 4).all()
    for flag in (
        "eal",
        "fsm",
        "fsm6",
        "looked_after",
        "child_in_need",
        "child_protection_plan",
        "young_carer",
    ):
        assert set(pupils[flag]) <= {"Y", "N"}
    assert set(pupils.sen_status) <= {"N", "K", "E"}
    special_urns = set(frames["schools.csv"].query("phase == 'special'").urn)
    assert set(pupils[pupils.school_urn.isin(special_urns)].sen_status) == {"E"}
    assert set(pupils.registration) == {"single", "main", "subsidiary"}
    pru = set(frames["schools.csv"].query("phase == 'pru_ap'").urn)
    assert set(pupils[pupils.registration == "subsidiary"].school_urn) <= pru


def test_prevalences_are_realistic():
    la = generate(DemoConfig(pupils=20000, seed=5, start=dt.date(2025, 9, 1), end=dt.date(2025, 9, 30)))
    p = la.pupils.drop_duplicates("upn")
    share = {
        c: (p[c] == "Y").mean()
        for c in ("fsm", "eal", "looked_after", "child_in_need", "child_protection_plan")
    }
    assert 0.22 <= share["fsm"] <= 0.29
    assert 0.16 <= share["eal"] <= 0.24
    assert 0.004 <= share["looked_after"] <= 0.011
    assert 0.02 <= share["child_in_need"] <= 0.045
    assert 0.005 <= share["child_protection_plan"] <= 0.016
    sen = p.sen_status.value_counts(normalize=True)
    assert 0.11 <= sen["K"] <= 0.17
    assert 0.04 <= sen["E"] <= 0.065


def test_contacts_are_obviously_fake(frames):
    contacts = frames["contacts.csv"]
    assert contacts.phone_mobile.str.fullmatch(r"07700 900\d{3}").all()
    home = contacts.phone_home[contacts.phone_home != ""]
    work = contacts.phone_work[contacts.phone_work != ""]
    assert len(home) and home.str.fullmatch(r"0113 496 0\d{3}").all()
    assert len(work) and work.str.fullmatch(r"020 7946 0\d{3}").all()
    emails = contacts.email[contacts.email != ""]
    assert emails.str.fullmatch(r"[a-z\-]+\.[a-z]+\d+@example\.(com|org)").all()
    assert set(contacts.town) == {"Demoton"}
    assert contacts.postcode.str.fullmatch(r"QD\d \d[A-Z]{2}").all()
    assert set(contacts.upn) <= set(frames["pupils.csv"].upn)


def test_siblings_share_contacts(frames):
    contacts = frames["contacts.csv"]
    children_per_contact = contacts.groupby("contact_ref").upn.nunique()
    assert (children_per_contact >= 2).sum() >= 50
    per_pupil = contacts.groupby("upn").contact_ref.nunique()
    assert set(per_pupil.unique()) == {1, 2}
    # One contact has one name, phone and address for every child it is linked to.
    assert (
        (contacts.groupby("contact_ref")[["forename", "surname", "phone_mobile", "postcode"]].nunique() == 1)
        .all()
        .all()
    )


def test_marks_follow_the_calendar_and_enrolments(frames):
    marks, pupils, cal = frames["marks.csv"], frames["pupils.csv"], frames["calendar.csv"]
    assert set(marks.code) <= valid_codes()
    assert set(marks.session) == {"AM", "PM"}
    dates = pd.to_datetime(marks.date)
    assert dates.min() == pd.Timestamp("2025-09-01") or dates.min() >= pd.Timestamp("2025-09-01")
    assert dates.max() == pd.Timestamp("2025-12-10")
    assert (dates.dt.dayofweek < 5).all()
    assert not dates.between("2025-10-27", "2025-10-31").any()  # half-term
    # No marks on a school's INSET days; one mark per enrolment, date and session.
    inset = cal[cal.name == "INSET day"][["school_urn", "start_date"]].rename(columns={"start_date": "date"})
    assert marks.merge(inset, on=["school_urn", "date"]).empty
    assert not marks.duplicated(["upn", "school_urn", "date", "session"]).any()
    # Every mark is inside its enrolment.
    joined = marks.merge(
        pupils[["upn", "school_urn", "admission_date", "leaving_date"]], on=["upn", "school_urn"]
    )
    assert len(joined) == len(marks)
    assert (joined.date >= joined.admission_date).all()
    assert ((joined.leaving_date == "") | (joined.date <= joined.leaving_date)).all()


def test_n_only_in_the_last_days_before_the_end_date(frames):
    marks = frames["marks.csv"]
    n_dates = sorted(set(marks[marks.code == "N"].date))
    assert n_dates and n_dates[0] >= "2025-12-08"


def test_dual_registration_uses_d_at_the_other_school(frames):
    marks, pupils = frames["marks.csv"], frames["pupils.csv"]
    dual = pupils[pupils.registration == "subsidiary"].upn
    assert len(dual) >= 1
    mine = marks[marks.upn.isin(dual)]
    both = mine.groupby(["upn", "date", "session"]).school_urn.nunique()
    assert (both == 2).any()  # on roll at both schools on the same day
    # On a day at both, exactly one school has D and the other the real mark.
    pair = mine.set_index(["upn", "date", "session"]).loc[both[both == 2].index]
    d_per_session = (pair.code == "D").groupby(level=[0, 1, 2]).sum()
    assert set(d_per_session.unique()) == {1}


def test_a_year_of_marks_for_a_large_la_has_both_sessions_of_every_day():
    # The speed target (100,000 pupils in < 30 s) is bench/generate_demo.py's: no timing in the suite.
    la = generate(DemoConfig(pupils=10_000, seed=2, start=dt.date(2025, 9, 1), end=dt.date(2026, 7, 31)))
    assert la.mark_count() > 3_000_000
    assert np.count_nonzero(la.am) == np.count_nonzero(la.pm)


@pytest.mark.parametrize(
    "end", [dt.date(2024, 9, 4), dt.date(2026, 11, 25), dt.date(2028, 3, 1), dt.date(2029, 8, 20)]
)
def test_enrolment_dates_are_consistent_for_any_end_date(end):
    la = generate(DemoConfig(pupils=3000, schools=8, seed=4, end=end))
    p = la.pupils
    assert (p.admission_date <= la.end.isoformat()).all()
    left = p[p.leaving_date != ""]
    assert (left.leaving_date >= left.admission_date).all()
    assert (left.leaving_date <= la.end.isoformat()).all()
    assert p.upn.nunique() == 3000
    marks = la.marks_frame()
    joined = marks.merge(p[["upn", "school_urn", "admission_date"]], on=["upn", "school_urn"])
    assert (joined.date >= joined.admission_date).all()
    assert joined.date.max() <= end.isoformat()


@pytest.mark.parametrize(("schools", "phases"), [(1, {"primary": 1}), (3, {"primary": 2, "secondary": 1}),
                                                 (4, {"primary": 1, "secondary": 1, "special": 1, "pru_ap": 1})])  # fmt: skip
def test_small_las_have_the_asked_number_of_schools(schools, phases):
    la = generate(DemoConfig(pupils=150, schools=schools, seed=1, end=dt.date(2026, 10, 1)))
    assert la.schools.phase.value_counts().to_dict() == phases
    assert set(la.pupils.school_urn) <= set(la.schools.urn)
    assert la.pupils.upn.nunique() == 150
