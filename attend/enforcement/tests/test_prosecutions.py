"""Prosecutions: the decision record and its refusals, the six-month limit and its warning, the interview under
caution, hearings and outcomes. The other areas' functions (codes.code_for, notices.relied_on,
notices.outstanding) are the local stand-ins in prosecutions.py until they land."""

import datetime as dt
from decimal import Decimal

import pytest

from attend.alerts.events import PROSECUTION_TIME_LIMIT
from attend.alerts.models import Alert, NoticeSessionUse
from attend.casework.models import ChronologyEntry, Stage
from attend.enforcement import orders, prosecutions
from attend.enforcement.models import CodeOfConduct, NoticeEvent, PenaltyNotice, Prosecution
from attend.enforcement.prosecutions import ProsecutionRefused, lay_by
from attend.enforcement.prosecutions_prompts import sync_time_limit_prompts
from attend.registers.tests.factories import make_contact, weekdays

from .court_world import add_absences, make_world

pytestmark = pytest.mark.django_db
D = dt.date
ANSWERS = {
    "leave": "No leave requested or granted",
    "sickness": "No medical evidence; school nurse saw no illness",
    "religious": "None of the days are days of religious observance",
    "transport": "Lives 0.4 miles from the school",
    "travelling": "Neither parent travels for work",
}


@pytest.fixture
def w(monkeypatch):
    w = make_world(monkeypatch)
    add_absences(w["pupil"], w["school"], weekdays(D(2025, 9, 15), D(2025, 9, 19)))
    return w


def _consider(w, on=None):
    return orders.consider(
        w["pupil"],
        on=on or D(2025, 11, 3),
        consideration="Order would not add to the plan",
        pursue=False,
        by=w["officer"],
    )


def _decide(w, **kw):
    args = {
        "pupil": w["pupil"],
        "parent": w["mother"],
        "offence": Prosecution.Offence.S444_1,
        "period_start": D(2025, 9, 15),
        "period_end": D(2025, 9, 19),
        "reasons": "Support declined; notice to improve not complied with",
        "defences": ANSWERS,
        "by": w["officer"],
        "on": D(2025, 11, 19),
    }
    args.update(kw)
    return prosecutions.decide(**args)


def _code(time_limit_from):
    return CodeOfConduct(version=1, effective_from=D(2024, 8, 19), time_limit_from=time_limit_from)


def test_lay_by_is_six_months_from_the_first_or_last_session_as_the_code_says():
    first, last = _code("first"), _code("last")
    assert lay_by(D(2025, 9, 15), D(2025, 10, 17), first) == D(2026, 3, 15)
    assert lay_by(D(2025, 9, 15), D(2025, 10, 17), last) == D(2026, 4, 17)
    assert lay_by(D(2025, 8, 31), D(2025, 8, 31), first) == D(2026, 2, 28)
    assert lay_by(D(2027, 8, 31), D(2027, 8, 31), first) == D(2028, 2, 29)


def test_a_decision_is_recorded_with_the_last_day_to_lay_on_the_chronology(w):
    _consider(w)
    prosecution = _decide(w)
    assert prosecution.lay_by == D(2026, 3, 15)
    assert prosecution.defences_considered == ANSWERS
    assert prosecution.supervision_order_considered.considered_on == D(2025, 11, 3)
    assert prosecution.case.stage == Stage.ENFORCE
    entry = ChronologyEntry.objects.filter(case=prosecution.case, kind="enforcement").order_by("-pk").first()
    assert "Information to be laid by 15 March 2026" in entry.summary
    uses = NoticeSessionUse.objects.filter(notice_ref=f"PR-{prosecution.pk}")
    assert uses.count() == 10 and set(uses.values_list("kind", flat=True)) == {"prosecution"}


def test_without_an_eso_consideration_a_prosecution_is_refused(w):
    with pytest.raises(ProsecutionRefused, match=r"education supervision order first \(EA 1996 s447\)"):
        _decide(w)
    _consider(w, on=D(2025, 11, 19))  # considered the same day as the decision: enough
    assert _decide(w).pk
    assert Prosecution.objects.count() == 1


def test_a_consideration_after_the_decision_does_not_count(w):
    _consider(w, on=D(2025, 11, 19))
    with pytest.raises(ProsecutionRefused, match="s447"):
        _decide(w, on=D(2025, 11, 18))
    assert not Prosecution.objects.exists()


def test_no_prosecution_while_an_order_is_in_force(w):
    order = orders.consider(
        w["pupil"], on=D(2024, 11, 1), consideration="May help", pursue=True, by=w["officer"]
    )
    orders.record_consultation(order, on=D(2024, 11, 4), response="Agreed", by=w["officer"])
    orders.apply(order, on=D(2024, 11, 5), by=w["officer"])
    orders.order_made(
        order, on=D(2024, 11, 20), supervisor="Eva Officer", by=w["officer"]
    )  # until 19 Nov 2025
    with pytest.raises(ProsecutionRefused, match=r"in force until 19 November 2025.*Sch 3 para 13"):
        _decide(w, on=D(2025, 11, 19))
    assert not Prosecution.objects.exists()


def test_the_six_month_limit_last_day_allowed_day_after_refused(w):
    _consider(w)
    add_absences(w["pupil"], w["school"], [D(2025, 5, 19), D(2025, 5, 20)])
    on_time = _decide(w, period_start=D(2025, 5, 19), period_end=D(2025, 5, 20))
    assert on_time.lay_by == D(2025, 11, 19)
    with pytest.raises(
        ProsecutionRefused, match=r"laid by 18 November 2025 \(Magistrates' Courts Act 1980 s127\)"
    ):
        _decide(w, period_start=D(2025, 5, 18), period_end=D(2025, 5, 20))
    with pytest.raises(ProsecutionRefused, match="Out of time"):
        prosecutions.lay_information(on_time, on=D(2025, 11, 20), by=w["officer"])


def test_every_defence_must_be_answered_and_nothing_is_changed(w):
    _consider(w)
    entries = ChronologyEntry.objects.count()
    with pytest.raises(
        ProsecutionRefused, match=r"Transport and walking distance \(s444\(3A\)-\(5\)\); A parent"
    ):
        _decide(w, defences={**ANSWERS, "transport": " ", "travelling": ""})
    assert not Prosecution.objects.exists() and ChronologyEntry.objects.count() == entries
    assert not NoticeSessionUse.objects.exists()


def test_a_contact_who_is_not_a_parent_is_refused(w):
    _consider(w)
    neighbour = make_contact(w["pupil"], relationship="Neighbour", forename="Sam")
    with pytest.raises(ProsecutionRefused, match=r"not recorded as the child's parent \(EA 1996 s576\)"):
        _decide(w, parent=neighbour)


def test_sessions_relied_on_are_not_relied_on_again(w):
    _consider(w)
    _decide(w)
    with pytest.raises(ProsecutionRefused, match="already relied on"):
        _decide(w, offence=Prosecution.Offence.S444_1A)
    assert Prosecution.objects.count() == 1


def test_warning_on_the_work_list_six_weeks_before_the_last_day(w):
    _consider(w)
    add_absences(w["pupil"], w["school"], [D(2025, 7, 1)])
    prosecution = _decide(w, period_start=D(2025, 7, 1), period_end=D(2025, 7, 1))  # last day 1 January 2026
    assert prosecution.lay_by == D(2026, 1, 1)
    assert not Alert.objects.filter(rule=PROSECUTION_TIME_LIMIT).exists()  # 43 days to go on 19 November
    assert sync_time_limit_prompts(D(2025, 11, 20)) == {"raised": 1, "cleared": 0}  # 42 days: six weeks
    alert = Alert.objects.get(rule=PROSECUTION_TIME_LIMIT)
    assert alert.key == f"pr{prosecution.pk}"
    assert alert.reason == (
        f"Case {prosecution.case.ref}: the information against Jane Doe must be laid by 1 January 2026 "
        "(in 42 days; MCA 1980 s127)."
    )
    prosecutions.lay_information(prosecution, on=D(2025, 11, 19), by=w["officer"])
    alert.refresh_from_db()
    assert alert.status == Alert.Status.CLEARED


def _notice(w, number, received_on):
    notice = PenaltyNotice.objects.create(
        number=number,
        pupil=w["pupil"],
        school=w["school"],
        parent=w["mother"],
        parent_basis="Mother, parental responsibility",
        reason=PenaltyNotice.Reason.OTHER,
        issue_date=D(2025, 10, 13),
        period_start=D(2025, 9, 15),
        period_end=D(2025, 9, 19),
        sessions=10,
        sequence=1,
        amount_reduced=Decimal("80"),
        amount_full=Decimal("160"),
        issued_by=w["officer"],
        issuer_capacity=PenaltyNotice.Capacity.LA_OFFICER,
        code=CodeOfConduct.objects.get_or_create(
            local_authority=None, version=1, defaults={"effective_from": D(2024, 8, 19)}
        )[0],
    )
    NoticeEvent.objects.create(
        notice=notice,
        kind=NoticeEvent.Kind.SERVED,
        on=D(2025, 10, 13),
        method="hand",
        received_on=received_on,
    )
    return notice


def test_an_unpaid_notice_after_its_28_days_may_be_prosecuted(w):
    _consider(w)
    notice = _notice(w, "PN-2025-000001", D(2025, 10, 20))  # day 28 is 16 November
    kw = {
        "basis": Prosecution.Basis.UNPAID_NOTICE,
        "notice": notice,
        "period_start": None,
        "period_end": None,
    }
    with pytest.raises(ProsecutionRefused, match="can be paid until 16 November 2025"):
        _decide(w, on=D(2025, 11, 16), **kw)
    prosecution = _decide(w, on=D(2025, 11, 17), **kw)
    assert (prosecution.period_start, prosecution.period_end) == (D(2025, 9, 15), D(2025, 9, 19))
    assert prosecution.notice == notice
    assert not NoticeSessionUse.objects.exists()  # the notice's sessions are already the notice's


def test_a_paid_or_withdrawn_notice_is_not_prosecuted(w):
    _consider(w)
    paid = _notice(w, "PN-2025-000002", D(2025, 10, 13))
    NoticeEvent.objects.create(
        notice=paid, kind=NoticeEvent.Kind.PAYMENT, on=D(2025, 11, 5), amount=Decimal("160")
    )
    withdrawn = _notice(w, "PN-2025-000003", D(2025, 10, 13))
    NoticeEvent.objects.create(
        notice=withdrawn, kind=NoticeEvent.Kind.WITHDRAWN, on=D(2025, 11, 12), ground="error"
    )
    kw = {"basis": Prosecution.Basis.UNPAID_NOTICE, "period_start": None, "period_end": None}
    with pytest.raises(ProsecutionRefused, match="The notice is paid"):
        _decide(w, notice=paid, **kw)
    with pytest.raises(ProsecutionRefused, match="withdrawn"):
        _decide(w, notice=withdrawn, **kw)


def test_interview_under_caution_needs_the_caution_and_legal_advice(w):
    _consider(w)
    prosecution = _decide(w)
    kw = {
        "held_on": dt.datetime(2025, 11, 19, 10, 0, tzinfo=dt.UTC),
        "place": "County Hall, interview room 2",
        "caution_given": True,
        "legal_advice_offered": True,
        "summary": "Mother said the child refuses to get up",
        "by": w["officer"],
    }
    with pytest.raises(ProsecutionRefused, match=r"starts with the caution \(PACE Code C 10.1\)"):
        prosecutions.record_interview(prosecution, **{**kw, "caution_given": False})
    with pytest.raises(ProsecutionRefused, match=r"free legal advice \(PACE Code C 3.21\)"):
        prosecutions.record_interview(prosecution, **{**kw, "legal_advice_offered": False})
    with pytest.raises(ProsecutionRefused, match=r"Name the interpreter"):
        prosecutions.record_interview(prosecution, **{**kw, "interpreter_needed": True})
    interview = prosecutions.record_interview(
        prosecution, **{**kw, "interpreter_needed": True, "interpreter": "A. Nowak (Polish)"}
    )
    assert interview.caution_given and interview.legal_advice_offered
    assert prosecution.interviews.count() == 1


def test_hearing_and_outcome_parenting_order(w):
    _consider(w)
    prosecution = _decide(w)
    with pytest.raises(ProsecutionRefused, match="Lay the information"):
        prosecutions.record_hearing(
            prosecution,
            on=dt.datetime(2026, 1, 12, 10, tzinfo=dt.UTC),
            court="Northshire MC",
            kind="First hearing",
            by=w["officer"],
        )
    prosecutions.lay_information(prosecution, on=D(2025, 11, 19), by=w["officer"])
    prosecutions.record_hearing(
        prosecution,
        on=dt.datetime(2025, 11, 19, 10, tzinfo=dt.UTC),
        court="Northshire MC",
        kind="Single Justice Procedure",
        sjp=True,
        by=w["officer"],
    )
    prosecutions.record_outcome(
        prosecution,
        outcome="parenting_order",
        on=D(2025, 11, 19),
        detail="12 months, parenting course",
        by=w["officer"],
    )
    prosecution.refresh_from_db()
    assert prosecution.status == Prosecution.Status.CONCLUDED and prosecution.single_justice_procedure
    last = ChronologyEntry.objects.filter(case=prosecution.case).order_by("-pk").first()
    assert (
        last.summary
        == "Prosecution concluded on 19 November 2025: Parenting order. 12 months, parenting course"
    )


def test_the_nightly_evaluation_raises_the_time_limit_warning(w, monkeypatch):
    from attend.alerts.services import alerts_evaluate

    _consider(w)
    add_absences(w["pupil"], w["school"], [D(2025, 7, 1)])
    prosecution = _decide(w, period_start=D(2025, 7, 1), period_end=D(2025, 7, 1))  # last day 1 January 2026
    monkeypatch.setenv("ATTEND_TODAY", "2025-11-20")  # the next day: 42 days to go
    alerts_evaluate(as_of=D(2025, 11, 20), school=w["school"])
    alert = Alert.objects.get(rule=PROSECUTION_TIME_LIMIT)
    assert alert.key == f"pr{prosecution.pk}" and alert.status == Alert.Status.NEW
