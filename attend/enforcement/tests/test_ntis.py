"""Notices to improve: the period from the code, parents only, live tracking, the outcome by the code's measure,
and whether the step is met before a penalty notice (nti_requirement / nti_in_force_or_done)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from attend.casework.models import ChronologyEntry
from attend.enforcement.checks import record_check
from attend.enforcement.codes import new_version
from attend.enforcement.models import FormalCheck, NoticeToImprove
from attend.enforcement.ntis import issue_nti, nti_in_force_or_done, nti_requirement, record_outcome, tracking
from attend.enforcement.steps_ladder import StepRefused
from attend.people.models import Enrolment

from .ladder_world import NTI_START, ladder_fixture  # noqa: F401
from .test_codes import VALUES

SUPPORT = "Weekly check-in with the attendance mentor; a place at breakfast club."


def check(w, monkeypatch, pupil=None, on=NTI_START):
    monkeypatch.setenv("ATTEND_TODAY", on.isoformat())
    made = record_check(pupil or w["maya"], purpose=FormalCheck.Purpose.NOTICE_TO_IMPROVE, by=w["sam"], start=on,
                        end=on, answers={"eso": "no", "barriers": "no"})  # fmt: skip
    return made


def issue(w, monkeypatch, parents=None, code_values=None, **kw):
    if code_values is not None:
        new_version(w["la"], by=w["kim"], effective_from=dt.date(2025, 9, 1), values=code_values)
    check(w, monkeypatch)
    nti = issue_nti(w["maya"], parents=parents or [w["mother"]], by=w["sam"], issued_on=NTI_START,
                    support_offered=SUPPORT, **kw)  # fmt: skip
    monkeypatch.setenv("ATTEND_TODAY", "2025-11-19")
    return nti


def test_issued_with_the_codes_period_and_measure_on_a_case_at_formalise(ladder, monkeypatch):
    nti = issue(
        ladder, monkeypatch, code_values={**VALUES, "nti_period_weeks": 6, "sufficient_max_unauthorised": 2}
    )
    assert (nti.period_start, nti.period_end) == (dt.date(2025, 11, 3), dt.date(2025, 12, 14))
    assert nti.max_unauthorised == 2 and nti.sufficient_improvement == VALUES["sufficient_improvement"]
    assert nti.code.version == 1 and nti.code.local_authority == ladder["la"]
    assert nti.case.stage == "formalise" and nti.case.pupil == ladder["maya"]
    entry = ChronologyEntry.objects.filter(case=nti.case, kind="enforcement").get()
    assert (
        entry.summary
        == "Notice to improve issued to Grace Okafor: improvement period 03/11/2025 to 14/12/2025"
    )


def test_the_default_code_gives_four_weeks(ladder, monkeypatch):
    nti = issue(ladder, monkeypatch)
    assert (nti.period_start, nti.period_end) == (dt.date(2025, 11, 3), dt.date(2025, 11, 30))


def test_a_carer_without_pr_is_a_parent_a_neighbour_is_not(ladder, monkeypatch):
    with pytest.raises(StepRefused, match="Tom Neighbour: not this child's parent"):
        issue(ladder, monkeypatch, parents=[ladder["mother"], ladder["neighbour"]])
    assert not NoticeToImprove.objects.exists()
    nti = issue(ladder, monkeypatch, parents=[ladder["grandmother"]])
    assert list(nti.parents.all()) == [ladder["grandmother"]]


def test_refused_without_a_check_without_support_or_while_one_is_in_force(ladder, monkeypatch):
    w = ladder
    monkeypatch.setenv("ATTEND_TODAY", "2025-11-03")
    with pytest.raises(StepRefused, match="Record the check"):
        issue_nti(w["maya"], parents=[w["mother"]], by=w["sam"], issued_on=NTI_START, support_offered=SUPPORT)
    check(w, monkeypatch)
    with pytest.raises(StepRefused, match="cannot be in the future"):
        issue_nti(
            w["maya"],
            parents=[w["mother"]],
            by=w["sam"],
            issued_on=dt.date(2025, 11, 4),
            support_offered="Help",
        )
    with pytest.raises(StepRefused, match="what support is offered"):
        issue_nti(w["maya"], parents=[w["mother"]], by=w["sam"], issued_on=NTI_START, support_offered=" ")
    issue_nti(w["maya"], parents=[w["mother"]], by=w["sam"], issued_on=NTI_START, support_offered=SUPPORT)
    check(w, monkeypatch, on=dt.date(2025, 11, 30))
    with pytest.raises(StepRefused, match="already in force"):
        issue_nti(w["maya"], parents=[w["mother"]], by=w["sam"], issued_on=dt.date(2025, 11, 30),
                  support_offered=SUPPORT)  # fmt: skip
    assert NoticeToImprove.objects.count() == 1


def test_live_tracking_counts_the_period_to_the_day_asked(ladder, monkeypatch):
    nti = issue(ladder, monkeypatch)
    today = tracking([nti], dt.date(2025, 11, 19))[nti.pk]
    # 13 school days: 26 possible, 23 attended (22 present and 1 late L), 3 unauthorised (O, G, U).
    assert (today.possible, today.attended, today.unauthorised, today.to) == (
        26,
        23,
        3,
        dt.date(2025, 11, 19),
    )
    assert today.attendance_perc == 88.5
    # Thursday 20 November's O O count once that day is reached; nothing before the period does.
    assert tracking([nti], dt.date(2025, 11, 20))[nti.pk].unauthorised == 5
    assert tracking([nti], dt.date(2025, 11, 2))[nti.pk].possible == 0


def test_tracking_is_one_query_per_period_for_many_notices(ladder, monkeypatch):
    w = ladder
    nti = issue(w, monkeypatch)
    kit_enrolment = Enrolment.objects.get(pupil=w["kit"])
    from .ladder_world import add_marks

    add_marks(kit_enrolment)
    check(w, monkeypatch, pupil=w["kit"])
    other = issue_nti(
        w["kit"], parents=[w["kit_parent"]], by=w["sam"], issued_on=NTI_START, support_offered=SUPPORT
    )
    with CaptureQueriesContext(connection) as queries:
        figures = tracking([nti, other], dt.date(2025, 11, 19))
    assert figures[nti.pk] == figures[other.pk] and figures[other.pk].unauthorised == 3
    assert len([q for q in queries if "registers_mark" in q["sql"]]) == 1


@pytest.mark.parametrize("most,outcome", [(4, "not_improved"), (5, "improved")])
def test_the_outcome_is_the_codes_measure_after_the_period(ladder, monkeypatch, most, outcome):
    nti = issue(
        ladder,
        monkeypatch,
        code_values={**VALUES, "nti_period_weeks": 3, "sufficient_max_unauthorised": most},
    )
    assert nti.period_end == dt.date(2025, 11, 23)
    with pytest.raises(StepRefused, match="runs to 23/11/2025"):
        record_outcome(nti, by=ladder["sam"], on=dt.date(2025, 11, 23))
    monkeypatch.setenv("ATTEND_TODAY", "2025-11-24")
    record_outcome(nti, by=ladder["sam"], on=dt.date(2025, 11, 24))
    nti.refresh_from_db()
    assert nti.outcome == outcome
    expected = {"improved": "Continue support; no penalty notice",
                "not_improved": "Consider a penalty notice (national framework), after a fresh check"}  # fmt: skip
    assert nti.next_step == expected[outcome]
    last = ChronologyEntry.objects.filter(case=nti.case, kind="enforcement").order_by("-pk").first()
    assert f"(5 unauthorised of 28 possible sessions; sufficient was at most {most})" in last.summary
    with pytest.raises(StepRefused, match="already recorded"):
        record_outcome(nti, by=ladder["sam"], on=dt.date(2025, 11, 25))


def test_withdrawing_needs_a_reason(ladder, monkeypatch):
    nti = issue(ladder, monkeypatch)
    with pytest.raises(StepRefused, match="why"):
        record_outcome(nti, by=ladder["sam"], on=dt.date(2025, 11, 19), withdraw=True)
    record_outcome(
        nti, by=ladder["sam"], on=dt.date(2025, 11, 19), withdraw=True, note="Family moved in with gran"
    )
    assert nti.outcome == "withdrawn"
    assert nti_in_force_or_done(ladder["maya"], ladder["mother"], dt.date(2025, 12, 1)) is None


def test_nti_requirement_before_a_penalty_notice(ladder, monkeypatch):
    w, maya, mother = ladder, ladder["maya"], ladder["mother"]
    on = dt.date(2025, 12, 1)
    # A fresh installation's default code requires none; a holiday never needs one.
    assert nti_requirement(maya, mother, on, holiday=False) == (
        True,
        "Not required by the code of conduct (version 1)",
    )
    new_version(
        w["la"], by=w["kim"], effective_from=dt.date(2025, 9, 1), values={**VALUES, "nti_period_weeks": 4}
    )
    assert nti_requirement(maya, mother, on, holiday=True) == (True, "Not needed: term-time holiday")
    assert nti_requirement(maya, mother, on, holiday=False) == (
        False,
        "The code of conduct requires a notice to improve first",
    )
    nti = issue(w, monkeypatch)
    assert nti_in_force_or_done(maya, mother, dt.date(2025, 11, 19)) == nti
    assert nti_in_force_or_done(maya, w["grandmother"], dt.date(2025, 11, 19)) is None  # not named on it
    assert nti_requirement(maya, mother, dt.date(2025, 11, 30), holiday=False) == (
        False, "The notice to improve is in force until 30/11/2025")  # fmt: skip
    monkeypatch.setenv("ATTEND_TODAY", "2025-12-01")
    record_outcome(nti, by=w["sam"], on=on)
    assert nti_requirement(maya, mother, on, holiday=False) == (
        True, "Notice to improve of 03/11/2025 ended without sufficient improvement")  # fmt: skip


def test_a_work_list_item_while_in_force_ending_on_the_end_date(ladder, monkeypatch):
    from attend.alerts.models import Alert
    from attend.enforcement.ntis import sync_nti_prompts

    nti = issue(ladder, monkeypatch)  # in force 3 to 30 November
    alert = Alert.objects.get(rule="nti_in_force")
    assert (alert.pupil, alert.school, alert.raised_on) == (ladder["maya"], ladder["alder"], NTI_START)
    sync_nti_prompts(dt.date(2025, 11, 19))
    assert Alert.objects.filter(rule="nti_in_force").count() == 1  # one item, not one a day
    assert sync_nti_prompts(dt.date(2025, 11, 30)) == {"raised": 0, "cleared": 0}  # the last day: still there
    assert sync_nti_prompts(dt.date(2025, 12, 1)) == {"raised": 0, "cleared": 1}
    alert.refresh_from_db()
    assert alert.status == "cleared" and alert.cleared_on == dt.date(2025, 12, 1)
    assert nti.pk == alert.details["nti_id"]
    assert alert.reason.startswith("Notice to improve in force to 30 November 2025: so far 0 unauthorised of")
