"""What works: the matched comparison recovers a known effect, and small groups show no figures."""

from __future__ import annotations

import math

import pytest

from attend.casework.models import Assessment, Barrier, SupportPlan
from attend.partnership import whatworks

from .whatworks_world import AS_OF, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _store(settings, tmp_path, monkeypatch):
    settings.ATTEND_STATS_DIR = str(tmp_path / "analytics")
    monkeypatch.setenv("ATTEND_TODAY", AS_OF.isoformat())


def _report(w):
    return whatworks.report_for([w["la"].pk], [w["school"].pk], AS_OF)


def test_matched_comparison_recovers_a_known_five_point_effect():
    w = make_world()
    (plans,) = _report(w).by("intervention")
    assert plans.label == "Support plan"
    assert (plans.episodes, plans.matched) == (12, 12)
    assert plans.comparison_matches == 12 * 5  # 5 comparison pupils per band; the year 6 decoys never match
    assert plans.treated_before == pytest.approx(77.5)
    assert plans.treated_after == pytest.approx(85.0)
    assert plans.treated_change == pytest.approx(7.5)  # naive before vs after overstates it
    assert plans.comparison_change == pytest.approx(2.5)
    assert plans.difference == pytest.approx(5.0)
    assert plans.ci_low == pytest.approx(5.0) and plans.ci_high == pytest.approx(5.0)
    assert plans.verdict == "Improved more than the comparison group"


def test_below_the_minimum_group_size_no_figure_is_given():
    w = make_world(treated_per_band=4)  # 8 matched episodes < 10
    (plans,) = _report(w).by("intervention")
    assert (plans.episodes, plans.matched) == (8, 8)
    assert not plans.shown
    assert plans.difference is None and plans.ci_low is None and plans.treated_change is None
    assert plans.verdict == "Too few matched pupils to show (fewer than 10)"


def test_groups_by_stage_and_barrier_and_counts_open_cases_by_stage():
    w = make_world()
    for case in w["cases"][:10]:
        a = Assessment.objects.create(case=case)
        Barrier.objects.create(assessment=a, kind=Barrier.Kind.MENTAL_HEALTH, where=Barrier.Where.BOTH)
    report = _report(w)
    (stage,) = report.by("stage")
    assert (stage.label, stage.matched, stage.shown) == ("Listen and understand", 12, True)
    (barrier,) = report.by("barrier")
    assert barrier.label.startswith("Mental health") and barrier.matched == 10
    assert dict(report.cases_by_stage)["Listen and understand"] == 12


def test_a_plan_starting_after_the_as_of_date_is_not_counted():
    w = make_world(treated_per_band=5)
    later = AS_OF.replace(day=25)
    SupportPlan.objects.create(case=w["cases"][0], started_on=later, review_date=later.replace(month=12))
    (plans,) = _report(w).by("intervention")
    assert plans.episodes == 10


def test_confidence_interval_is_the_normal_approximation_of_the_paired_differences():
    from .whatworks_world import la, pupil, school, with_plan

    authority = la()
    sch = school(140002, authority=authority)
    treated = [pupil(sch, 17, 19) for _ in range(6)] + [pupil(sch, 17, 18) for _ in range(6)]
    for _ in range(4):
        pupil(sch, 17, 18)  # comparison: 85% -> 90%
    for p in treated:
        with_plan(p, authority, sch)
    (plans,) = whatworks.report_for([authority.pk], [sch.pk], AS_OF).by("intervention")
    # Differences: six of +5 and six of 0 -> mean 2.5, sd sqrt(12 * 2.5^2 / 11), se sd / sqrt(12).
    half = 1.96 * math.sqrt(12 * 2.5**2 / 11) / math.sqrt(12)
    assert plans.difference == pytest.approx(2.5)
    assert (plans.ci_low, plans.ci_high) == (pytest.approx(2.5 - half), pytest.approx(2.5 + half))
    assert (round(plans.ci_low, 1), round(plans.ci_high, 1)) == (1.0, 4.0)
    assert plans.verdict == "Improved more than the comparison group"


def test_part_time_timetables_are_an_intervention_of_their_own():
    from attend.casework.tests.factories import make_part_time_timetable

    from .whatworks_world import START, la, pupil, school

    authority = la()
    sch = school(140003, authority=authority)
    for _ in range(10):
        p = pupil(sch, 14, 15)  # 70% -> 75%
        make_part_time_timetable(
            p, sch, start=START, end=START.replace(day=28), review_date=START.replace(day=19)
        )
    for _ in range(3):
        pupil(sch, 14, 15)  # comparison pupils improve just as much
    (timetables,) = whatworks.report_for([authority.pk], [sch.pk], AS_OF).by("intervention")
    assert (timetables.label, timetables.matched, timetables.comparison_matches) == (
        "Part-time timetable",
        10,
        30,
    )
    assert timetables.difference == pytest.approx(0.0)
    assert timetables.verdict == "No clear difference from the comparison group"


def test_an_accepted_referral_is_an_intervention_by_kind_of_service_and_a_declined_one_is_not():
    from attend.casework.models import Case
    from attend.directory.models import Service
    from attend.partnership.models_referrals import Referral, ReferralUpdate

    from .whatworks_world import START, _refs, la, pupil, school

    authority = la()
    sch = school(140004, authority=authority)
    service = Service.objects.create(
        local_authority=authority, name="Early Help hub", kind="early_help", contact="01632 960000",
        how_to_refer="Online form",
    )  # fmt: skip
    for n in range(12):
        # Accepted: 70% -> 80%. Declined: no support, so no change; they join the comparison group.
        p = pupil(sch, 14, 16) if n < 10 else pupil(sch, 14, 14)
        case = Case.objects.create(
            ref=f"CW-{next(_refs):06d}", pupil=p, school=sch, local_authority=authority
        )
        referral = Referral.objects.create(case=case, service=service, reason="Family support", sent_on=START)
        status = Referral.Status.ACCEPTED if n < 10 else Referral.Status.DECLINED
        ReferralUpdate.objects.create(referral=referral, status=status, on=START)
    for _ in range(3):
        pupil(sch, 14, 14)  # comparison pupils stay at 70%
    (referrals,) = whatworks.report_for([authority.pk], [sch.pk], AS_OF).by("intervention")
    assert (referrals.label, referrals.matched) == ("Referral: Early help", 10)
    assert referrals.difference == pytest.approx(10.0)
