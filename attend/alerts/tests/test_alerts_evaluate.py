"""alerts_evaluate against the database: loading, settings overrides, notice sessions, lifecycle, query counts."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from attend.alerts.models import Alert, NoticeSessionUse, RuleSetting
from attend.alerts.rules import DEFAULTS
from attend.alerts.services import (
    AlertError,
    alert_acknowledge,
    alert_dismiss,
    alert_link,
    alerts_evaluate,
    first_day_call_list,
)
from attend.casework.models import Case
from attend.registers.models import Mark
from attend.schools.models import AcademicYear, NonSchoolDay, Term

from .factories import add_marks, fill_marks, make_contact, make_enrolment, make_pupil, make_school, weekdays

pytestmark = pytest.mark.django_db

D = dt.date
AS_OF = D(2025, 11, 14)
DAYS = weekdays(D(2025, 9, 1), AS_OF)  # 50 school days, half-term 27-31 Oct
EVENING = dt.time(18, 0)


def _absent(days, code="I", sessions=("AM", "PM")):
    return {(d, s): code for d in days for s in sessions}


def _open(rule, **kwargs):
    return Alert.objects.filter(rule=rule, status__in=("new", "acknowledged", "linked"), **kwargs)


def test_it_raises_one_alert_per_rule_and_never_twice_for_the_same_evidence():
    school = make_school()
    enrolment = make_enrolment(school)
    fill_marks(make_enrolment(school), DAYS)  # a classmate with full attendance
    fill_marks(enrolment, DAYS, _absent(DAYS[:5]))  # 10 of 100 sessions: exactly 10%

    first = alerts_evaluate(as_of=AS_OF, at=EVENING)
    assert first.raised == 1
    alert = Alert.objects.get()
    assert (alert.rule, alert.enrolment, alert.pupil, alert.school) == (
        "persistent_absence",
        enrolment,
        enrolment.pupil,
        school,
    )
    assert alert.status == "new" and alert.raised_on == AS_OF and alert.measure == 10.0
    assert alert.evidence[0] == ["2025-09-01", "AM", "I"] and len(alert.evidence) == 10

    again = alerts_evaluate(as_of=AS_OF, at=EVENING)
    assert (again.raised, again.updated, again.unchanged) == (0, 0, 1)
    assert Alert.objects.count() == 1


def test_re_evaluation_updates_the_open_alert_evidence():
    school = make_school()
    enrolment = make_enrolment(school)
    fill_marks(enrolment, DAYS, _absent(DAYS[:5]))
    alerts_evaluate(as_of=AS_OF, at=EVENING)
    alert = Alert.objects.get()
    alert_acknowledge(alert=alert)
    Mark.objects.filter(enrolment=enrolment, date=DAYS[6]).update(code="I")
    alerts_evaluate(as_of=AS_OF, at=EVENING)
    alert.refresh_from_db()
    assert alert.status == "acknowledged"
    assert alert.measure == 12.0 and len(alert.evidence) == 12
    assert alert.raised_on == AS_OF and Alert.objects.count() == 1


def test_a_dismissed_alert_returns_only_when_the_evidence_worsens():
    school = make_school()
    enrolment = make_enrolment(school)
    fill_marks(enrolment, DAYS, _absent(DAYS[:5]))
    alerts_evaluate(as_of=AS_OF, at=EVENING)
    alert_dismiss(alert=Alert.objects.get(), reason="Hospital stay, known to school")

    result = alerts_evaluate(as_of=AS_OF, at=EVENING)
    assert (result.raised, result.suppressed) == (0, 1)
    assert Alert.objects.count() == 1

    Mark.objects.filter(enrolment=enrolment, date=DAYS[20], session="AM").update(code="M")
    result = alerts_evaluate(as_of=AS_OF, at=EVENING)
    assert result.returned == 1
    returned = _open("persistent_absence").get()
    assert returned.measure == 11.0
    assert returned.details["returned_after_dismissed_alert"] == Alert.objects.get(status="dismissed").pk


def test_an_open_alert_is_cleared_when_the_rule_stops_firing_but_a_linked_one_stays():
    school = make_school()
    pa = make_enrolment(school)
    linked = make_enrolment(school)
    fill_marks(pa, DAYS, _absent(DAYS[:5]))
    fill_marks(linked, DAYS, _absent(DAYS[:5]))
    alerts_evaluate(as_of=AS_OF, at=EVENING)
    case = Case.objects.create(ref="CW-000012", pupil=linked.pupil, school=school)
    alert_link(alert=Alert.objects.get(enrolment=linked), case=case)
    Mark.objects.filter(code="I").update(code="/")
    result = alerts_evaluate(as_of=AS_OF, at=EVENING)
    assert result.cleared == 1
    assert Alert.objects.get(enrolment=pa).status == "cleared"
    assert Alert.objects.get(enrolment=linked).status == "linked"


def test_lifecycle_services_refuse_closed_alerts_and_empty_reasons():
    school = make_school()
    fill_marks(make_enrolment(school), DAYS, _absent(DAYS[:5]))
    alerts_evaluate(as_of=AS_OF, at=EVENING)
    alert = Alert.objects.get()
    with pytest.raises(AlertError):
        alert_dismiss(alert=alert, reason="  ")
    with pytest.raises(AlertError):
        alert_link(alert=alert, case=None)
    alert_dismiss(alert=alert, reason="Known")
    assert alert.dismissed_measure == 10.0 and alert.dismissed_reason == "Known"
    with pytest.raises(AlertError):
        alert_acknowledge(alert=alert)


def test_a_school_setting_overrides_the_la_setting_and_the_default():
    school = make_school()
    other = make_school(la=school.local_authority)
    for each in (school, other):
        fill_marks(make_enrolment(each), DAYS, _absent(DAYS[:4]))  # 8 of 100 sessions
    RuleSetting.objects.create(
        local_authority=school.local_authority, rule="persistent_absence", name="percent", value="8"
    )
    RuleSetting.objects.create(school=other, rule="persistent_absence", name="percent", value="9")
    alerts_evaluate(as_of=AS_OF, at=EVENING)
    assert _open("persistent_absence", school=school).count() == 1
    assert _open("persistent_absence", school=other).count() == 0


def test_penalty_threshold_excludes_sessions_recorded_as_used_by_a_notice():
    school = make_school()
    enrolment = make_enrolment(school)
    fill_marks(enrolment, DAYS, _absent(DAYS[-5:], code="G"))  # 10 G in the last school week
    alerts_evaluate(as_of=AS_OF, at=EVENING)
    assert _open("penalty_threshold").count() == 1

    NoticeSessionUse.objects.create(
        enrolment=enrolment, date=DAYS[-1], session="PM", kind="penalty_notice", notice_ref="PN-1"
    )
    alerts_evaluate(as_of=AS_OF, at=EVENING)
    assert _open("penalty_threshold").count() == 0


def test_statutory_rules_skip_reception_but_patterns_and_daily_rules_do_not():
    school = make_school()
    reception = make_enrolment(school, make_pupil(date_of_birth=D(2021, 1, 5)), nc_year="R")
    fill_marks(reception, DAYS, _absent(DAYS[-22:], code="O"))
    alerts_evaluate(as_of=AS_OF, at=EVENING)
    rules = set(Alert.objects.values_list("rule", flat=True))
    assert not rules & {"persistent_absence", "severe_absence", "cme_20_days", "penalty_threshold"}
    assert "sharp_drop" in rules


def test_ehcp_alerts_say_review_context_first():
    school = make_school()
    fill_marks(make_enrolment(school, make_pupil(sen_status="E")), DAYS, _absent(DAYS[:5]))
    alerts_evaluate(as_of=AS_OF, at=EVENING)
    assert Alert.objects.get().review_context_first is True


def test_a_current_medical_condition_or_bereavement_says_review_context_first_and_an_ended_one_does_not():
    from attend.casework.tests.factories import make_circumstance

    school = make_school()
    ill, bereaved, past = (make_pupil() for _ in range(3))
    for pupil in (ill, bereaved, past):
        fill_marks(make_enrolment(school, pupil), DAYS, _absent(DAYS[:5]))
    make_circumstance(ill, end=None)
    make_circumstance(bereaved, kind="bereavement", summary="Grandparent died (test record)", start=AS_OF)
    make_circumstance(past, start=D(2025, 9, 1), end=AS_OF - dt.timedelta(days=1))
    alerts_evaluate(as_of=AS_OF, at=EVENING)
    context_first = dict(Alert.objects.values_list("pupil_id", "review_context_first"))
    assert context_first == {ill.pk: True, bereaved.pk: True, past.pk: False}


def test_first_day_call_list_puts_vulnerable_first_with_contacts_in_priority_order():
    school = make_school()
    today = D(2025, 11, 17)
    plain = make_enrolment(school, make_pupil(legal_surname="Adams"))
    cared = make_enrolment(school, make_pupil(legal_surname="Young", looked_after=True))
    present = make_enrolment(school)
    make_contact(cared.pupil, 2, "Sam Carer", "07700900002")
    make_contact(cared.pupil, 1, "Jo Social", "07700900001", relationship="Foster carer")
    for e in (plain, cared, present):
        fill_marks(e, DAYS)
    add_marks(plain, [(today, "AM", "N")])
    add_marks(cared, [(today, "AM", "N")])
    add_marks(present, [(today, "AM", "/")])

    alerts_evaluate(as_of=today, at=dt.time(9, 20))
    calls = first_day_call_list(school=school, day=today)
    assert [a.enrolment for a in calls] == [cared, plain]
    assert [c["name"] for c in calls[0].details["contacts"]] == ["Jo Social", "Sam Carer"]
    assert calls[0].details["contacts"][0]["phones"] == ["07700900001"]
    assert "notify_virtual_school" in calls[0].flags

    # Next day: yesterday's call alerts are cleared; today's list starts afresh.
    alerts_evaluate(as_of=today + dt.timedelta(days=1), at=dt.time(8, 0))
    assert not _open("first_day").exists()


def test_missing_register_uses_the_term_calendar_and_the_school_start_time():
    school = make_school()
    year = AcademicYear.objects.create(start_year=2025)
    Term.objects.create(
        school=school, academic_year=year, name="Autumn", start_date=D(2025, 9, 1), end_date=D(2025, 12, 19)
    )
    NonSchoolDay.objects.create(school=school, date=D(2025, 11, 21), kind="non_school_day", reason="INSET")
    RuleSetting.objects.create(school=school, rule="school", name="am_start", value="08:30")
    fill_marks(make_enrolment(school), DAYS)
    monday = D(2025, 11, 17)
    alerts_evaluate(as_of=monday, at=dt.time(8, 59))
    assert not _open("missing_register").exists()
    alerts_evaluate(as_of=monday, at=dt.time(9, 0))
    assert list(_open("missing_register").values_list("key", flat=True)) == ["2025-11-17 AM"]
    alerts_evaluate(as_of=D(2025, 11, 21), at=dt.time(12, 0))  # INSET day: no register expected
    assert not _open("missing_register", key__startswith="2025-11-21").exists()
    alerts_evaluate(as_of=D(2025, 12, 22), at=dt.time(12, 0))  # after the end of term
    assert not _open("missing_register", key__startswith="2025-12-22").exists()


def test_at_risk_persistent_projects_to_the_end_of_the_imported_term():
    school = make_school()
    year = AcademicYear.objects.create(start_year=2025)
    Term.objects.create(
        school=school, academic_year=year, name="Autumn", start_date=D(2025, 9, 1), end_date=D(2025, 12, 19)
    )
    enrolment = make_enrolment(school)
    recent = [d for d in DAYS if d >= D(2025, 10, 20)]  # the last 4 school weeks
    fill_marks(
        enrolment, DAYS, _absent(recent[:3]) | {(recent[3], "AM"): "I"}
    )  # 7 of 100 sessions, all recent
    alerts_evaluate(as_of=AS_OF, at=EVENING)
    alert = _open("at_risk_persistent").get()
    assert "by the end of term" in alert.reason


def _evaluation_queries(pupils: int) -> tuple[int, object]:
    school = make_school()
    for i in range(pupils):
        fill_marks(make_enrolment(school), DAYS, _absent(DAYS[i : i + 6], code="GNO"[i % 3]))
    with CaptureQueriesContext(connection) as queries:
        result = alerts_evaluate(as_of=AS_OF, at=EVENING, school=school)
    # Inserts are batched by the database's parameter limit; every other query is once per school.
    return sum(not q["sql"].startswith("INSERT") for q in queries.captured_queries), result


def test_evaluation_query_count_does_not_grow_with_pupils_or_marks(monkeypatch):
    # The cohort rule's figures come from the statistics store (its own queries, tested in attend/stats): left out.
    monkeypatch.setitem(DEFAULTS["cohort"], "min_enrolments", 10_000)
    few, _ = _evaluation_queries(5)
    many, result = _evaluation_queries(30)
    assert many == few
    assert few <= 19  # 17, and two for casework's work-list items (attend.casework.prompts: none open here)
    assert result.pupils == 30 and result.raised >= 30


def test_evaluating_an_earlier_date_replays_what_was_known_then():
    school = make_school()
    enrolment = make_enrolment(school)
    fill_marks(
        enrolment, DAYS, _absent(DAYS[-11:], code="O")
    )  # 11 days (22 sessions) of absence ending 14 Nov
    alerts_evaluate(as_of=D(2025, 11, 6), at=EVENING)  # only 5 days (10 sessions) of it by then
    assert not _open("la_notification_10_days").exists()
    alerts_evaluate(as_of=AS_OF, at=EVENING)
    alert = _open("la_notification_10_days").get()
    assert alert.raised_on == AS_OF and alert.measure == 22


def test_rule_settings_are_checked_against_the_defaults():
    from django.core.exceptions import ValidationError

    school = make_school()
    RuleSetting(school=school, rule="penalty_threshold", name="sessions", value="8").full_clean()
    RuleSetting(school=school, rule="school", name="am_start", value="09:05").full_clean()
    with pytest.raises(ValidationError, match="Unknown setting penalty_threshold.days"):
        RuleSetting(school=school, rule="penalty_threshold", name="days", value="8").full_clean()
    with pytest.raises(ValidationError, match="not a valid value"):
        RuleSetting(school=school, rule="penalty_threshold", name="sessions", value="ten").full_clean()
    with pytest.raises(ValidationError, match="not a valid value"):
        RuleSetting(school=school, rule="school", name="pm_start", value="1pm").full_clean()


def test_a_dismissed_penalty_alert_returns_for_a_fresh_window_of_the_same_size():
    school = make_school()
    enrolment = make_enrolment(school)
    days = weekdays(D(2025, 9, 1), D(2025, 11, 21))  # 11 school weeks
    fill_marks(enrolment, days, _absent(days[:5], code="G"))  # 10 G in school week 1
    alerts_evaluate(as_of=D(2025, 9, 30), at=EVENING)
    alert_dismiss(alert=_open("penalty_threshold").get(), reason="Handled by the school")
    assert alerts_evaluate(as_of=D(2025, 10, 31), at=EVENING).suppressed >= 1
    # Ten more G sessions in school week 11: a new window, no session shared, the same count.
    Mark.objects.filter(enrolment=enrolment, date__in=days[-5:]).update(code="G")
    alerts_evaluate(as_of=D(2025, 11, 21), at=EVENING)
    fresh = _open("penalty_threshold").get()
    assert fresh.measure == 10 and fresh.evidence[0][0] == "2025-11-17"
    assert fresh.details["returned_after_dismissed_alert"] == Alert.objects.get(status="dismissed").pk


def test_a_pupil_who_has_left_raises_nothing_and_open_alerts_clear():
    school = make_school()
    enrolment = make_enrolment(school)
    fill_marks(enrolment, DAYS, _absent(DAYS[:5]))
    alerts_evaluate(as_of=AS_OF, at=EVENING)
    assert _open("persistent_absence").count() == 1
    enrolment.leaving_date = D(2025, 11, 14)
    enrolment.save()
    alerts_evaluate(as_of=AS_OF, at=EVENING)  # still on roll on the leaving date
    assert _open("persistent_absence").count() == 1
    alerts_evaluate(as_of=D(2025, 11, 17), at=EVENING)
    assert not _open("persistent_absence").exists()
    assert Alert.objects.get(rule="persistent_absence").status == "cleared"
    assert not Alert.objects.filter(
        pupil__isnull=False, status__in=("new", "acknowledged", "linked")
    ).exists()


def test_it_uses_the_shared_calendar_when_installed(monkeypatch):
    import sys
    import types

    school = make_school()
    enrolment = make_enrolment(school)
    upto = [d for d in DAYS if d <= D(2025, 11, 3)]
    fill_marks(enrolment, upto, {(D(2025, 11, 3), "AM"): "N"})  # no marks after 3 Nov
    alerts_evaluate(as_of=AS_OF, at=EVENING)
    assert not _open("n_not_resolved").exists()  # inferred calendar: no school day after 3 Nov

    calls = []

    def school_sessions(school_, start, end, *, met_by_marks=None):
        calls.append((school_, start, end))
        return [(d, s) for d in DAYS for s in ("AM", "PM") if start <= d <= end]

    calendar = types.ModuleType("attend.registers.calendar")
    calendar.school_sessions = school_sessions
    monkeypatch.setitem(sys.modules, "attend.registers.calendar", calendar)
    alerts_evaluate(as_of=AS_OF, at=EVENING)
    assert calls == [(school, AS_OF - dt.timedelta(days=371), AS_OF)]
    assert _open("n_not_resolved").get().measure == 1  # 9 school days after 3 Nov by the calendar
