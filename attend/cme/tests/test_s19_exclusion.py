"""The sixth school day of a run of E marks (Education (Provision of Full-Time Education for Excluded Pupils)
(England) Regulations 2007 reg 3 for a suspension; EA 1996 s19(3A) for a permanent exclusion)."""

from __future__ import annotations

import datetime as dt

import pytest

from attend.alerts.models import Alert
from attend.cme import s19

from .s19_world import TODAY, days_coded, school_with_pupil, weekdays, write_register

pytestmark = pytest.mark.django_db
YEAR = dt.date(2025, 8, 1)
RUN = weekdays(dt.date(2025, 11, 12), dt.date(2025, 11, 18))  # Wed 12 to Tue 18 November: five school days


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())


def pupil_with(script: dict, end: dt.date = TODAY):
    _, pupil, enrolment = school_with_pupil(surname="Out")
    write_register(enrolment, dt.date(2025, 11, 3), end, script)
    return pupil, enrolment


def test_five_days_of_e_is_not_yet_a_duty():
    _, enrolment = pupil_with(days_coded(RUN, "EE"))  # back in school on the 19th
    [run] = s19.exclusion_runs(enrolment, YEAR, TODAY)
    assert (run.start, len(run.e_days), run.sixth_day) == (dt.date(2025, 11, 12), 5, None)
    assert s19.sync_s19_prompts(TODAY) == {"raised": 0, "cleared": 0}


def test_the_sixth_consecutive_school_day_of_e_raises_the_prompt_across_the_weekend():
    pupil, enrolment = pupil_with(days_coded([*RUN, TODAY], "EE"))
    [run] = s19.exclusion_runs(enrolment, YEAR, TODAY)
    assert (len(run.e_days), run.sixth_day, run.provision_on_sixth_day) == (6, TODAY, "")

    assert s19.sync_s19_prompts(TODAY) == {"raised": 1, "cleared": 0}
    alert = Alert.objects.get(rule="s19_exclusion")
    assert alert.pupil == pupil and alert.key == f"x{enrolment.pk}-20251112"
    assert alert.reason == (
        "E for 6 school days from 12 November 2025; the sixth school day, 19 November 2025, is still E: no "
        "alternative provision recorded."
    )
    assert alert.details["sixth_day"] == "2025-11-19"


def test_k_on_the_sixth_day_shows_la_arranged_education():
    _, enrolment = pupil_with({**days_coded(RUN, "EE"), TODAY: "KK"})
    s19.sync_s19_prompts(TODAY)
    reason = Alert.objects.get(rule="s19_exclusion").reason
    assert reason == (
        "E for 5 school days from 12 November 2025; the sixth school day, 19 November 2025, is coded K: "
        "LA-arranged education is in place."
    )


def test_a_closed_day_is_not_a_school_day_and_an_illness_breaks_the_run():
    script = {**days_coded([*RUN, TODAY], "EE"), dt.date(2025, 11, 17): "##", dt.date(2025, 11, 20): "EE"}
    _, enrolment = pupil_with(script, end=dt.date(2025, 11, 20))
    [run] = s19.exclusion_runs(enrolment, YEAR, dt.date(2025, 11, 20))
    assert run.sixth_day == dt.date(2025, 11, 20)  # the 17th (closed) does not count

    script = {**days_coded(RUN, "EE"), dt.date(2025, 11, 17): "II", TODAY: "EE"}
    _, other = pupil_with(script)
    runs = s19.exclusion_runs(other, YEAR, TODAY)
    assert [(r.start, len(r.e_days), r.sixth_day) for r in runs] == [
        (dt.date(2025, 11, 12), 3, None),
        (dt.date(2025, 11, 18), 2, None),
    ]


def test_an_afternoon_suspension_starts_the_run():
    _, enrolment = pupil_with({**days_coded(RUN, "EE"), dt.date(2025, 11, 11): "/E", TODAY: "/\\"})
    [run] = s19.exclusion_runs(enrolment, YEAR, TODAY)
    assert (run.start, run.sixth_day, run.sixth_day_codes) == (
        dt.date(2025, 11, 11),
        dt.date(2025, 11, 18),
        "EE",
    )
