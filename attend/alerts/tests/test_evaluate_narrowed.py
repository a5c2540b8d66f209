"""An evaluation writes only alerts whose state changed; after a marks import only the enrolments it carried are
evaluated, with the same outcome as a whole-school evaluation (issue 22)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from attend.alerts.inputs import load_school
from attend.alerts.models import Alert
from attend.alerts.services import alert_dismiss, alerts_evaluate
from attend.registers.models import Mark

from .factories import fill_marks, make_enrolment, make_school, weekdays

pytestmark = pytest.mark.django_db

D = dt.date
AS_OF = D(2025, 11, 14)  # a Friday: replayed as at its end, so the work-list syncs of "today" stay out
DAYS = weekdays(D(2025, 9, 1), AS_OF)  # 50 school days, half-term 27-31 Oct
EVENING = dt.time(18, 0)
SNAPSHOT = (
    "rule", "enrolment_id", "pupil_id", "key", "status", "reason", "evidence", "details", "measure",
    "peak_measure", "raised_measure", "flags", "priority", "review_context_first", "raised_on",
    "last_evaluated_on", "cleared_on", "dismissed_measure", "version",
)  # fmt: skip


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", "2025-11-19")


def _absent(days, code="O", sessions=("AM", "PM")):
    return {(d, s): code for d in days for s in sessions}


def _alert_writes(queries) -> list[str]:
    table = Alert._meta.db_table
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")) and table in q["sql"]
    ]


def _rows() -> list[tuple]:
    return sorted(
        (tuple(str(v) for v in row) for row in Alert.objects.values_list(*SNAPSHOT)),
    )


def _school():
    """Six pupils: full attendance, persistent absence, 11 days truant (several rules), penalty-level G marks,
    a pupil absent without a reason on the day, and one more to stay untouched."""
    school = make_school()
    pupils = [make_enrolment(school) for _ in range(6)]
    fill_marks(pupils[0], DAYS)
    fill_marks(pupils[1], DAYS, _absent(DAYS[:5], "I"))
    fill_marks(pupils[2], DAYS, _absent(DAYS[-11:]))
    fill_marks(pupils[3], DAYS, _absent(DAYS[10:15], "G"))
    fill_marks(pupils[4], DAYS, _absent(DAYS[-1:], "N"))
    fill_marks(pupils[5], DAYS, _absent(DAYS[:6], "I"))
    return school, pupils


def test_an_evaluation_with_nothing_changed_writes_no_alert_rows():
    school, pupils = _school()
    first = alerts_evaluate(as_of=AS_OF, at=EVENING)
    assert first.raised >= 6 and first.written == first.raised
    before = {a.pk: (a.updated_at, a.version) for a in Alert.objects.all()}
    with CaptureQueriesContext(connection) as queries:
        again = alerts_evaluate(as_of=AS_OF, at=EVENING)
    assert _alert_writes(queries) == []
    assert (again.raised, again.returned, again.updated, again.cleared, again.written) == (0, 0, 0, 0, 0)
    assert again.unchanged == Alert.objects.filter(status="new").count() == first.raised
    assert {a.pk: (a.updated_at, a.version) for a in Alert.objects.all()} == before
    assert f"{first.raised:,} unchanged" in str(again) and "0 changed" in str(again)

    # One more session of absence for one pupil: only that pupil's changed alerts are written.
    Mark.objects.filter(enrolment=pupils[1], date=DAYS[6], session="AM").update(code="I")
    with CaptureQueriesContext(connection) as queries:
        third = alerts_evaluate(as_of=AS_OF, at=EVENING)
    changed = Alert.objects.get(enrolment=pupils[1], rule="persistent_absence")
    assert (third.updated, third.unchanged, third.raised) == (1, first.raised - 1, 0)
    assert (
        len(_alert_writes(queries)) == 1
        and changed.measure == 11.0
        and changed.updated_at > before[changed.pk][0]
    )
    assert changed.version == 1  # re-evaluation never bumps the version (officers' locking is about status)


def test_a_dismissed_alert_still_dismissed_and_a_cleared_one_are_not_rewritten():
    school, pupils = _school()
    alerts_evaluate(as_of=AS_OF, at=EVENING)
    alert_dismiss(
        alert=Alert.objects.get(enrolment=pupils[1], rule="persistent_absence"), reason="Known illness"
    )
    Mark.objects.filter(enrolment=pupils[5], date__in=DAYS[:6]).update(code="/")
    assert alerts_evaluate(as_of=AS_OF, at=EVENING).cleared == 1
    with CaptureQueriesContext(connection) as queries:
        again = alerts_evaluate(as_of=AS_OF, at=EVENING)
    assert _alert_writes(queries) == [] and (again.suppressed, again.cleared, again.written) == (1, 0, 0)


def _evaluate_in_a_copy(**kwargs) -> list[tuple]:
    """The alert rows an evaluation would leave, on a copy of the data (a savepoint rolled back)."""

    class Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            alerts_evaluate(as_of=AS_OF, at=EVENING, **kwargs)
            rows = _rows()
            raise Rollback
    except Rollback:
        return rows


def test_a_narrowed_evaluation_leaves_the_alerts_a_whole_school_evaluation_would():
    school, pupils = _school()
    alerts_evaluate(as_of=AS_OF, at=EVENING)
    alert_dismiss(alert=Alert.objects.get(enrolment=pupils[3], rule="penalty_threshold"), reason="Dealt with")
    # A marks file corrects three pupils: one's absences were present after all (alerts clear), one has more
    # absence (evidence changes), one's penalty-level absence grows past the dismissed measure (returns).
    Mark.objects.filter(enrolment=pupils[1], date__in=DAYS[:5]).update(code="/")
    Mark.objects.filter(enrolment=pupils[2], date=DAYS[-12]).update(code="O")
    Mark.objects.filter(enrolment=pupils[3], date__in=DAYS[15:18]).update(code="G")
    touched = [pupils[1].pk, pupils[2].pk, pupils[3].pk]

    full = _evaluate_in_a_copy()
    narrowed = alerts_evaluate(as_of=AS_OF, at=EVENING, school_ids=[school.pk], enrolment_ids=touched)
    assert _rows() == full
    assert narrowed.pupils == 3 and narrowed.cleared >= 1 and narrowed.updated >= 1 and narrowed.returned == 1
    with CaptureQueriesContext(connection) as queries:
        after = alerts_evaluate(as_of=AS_OF, at=EVENING)  # the nightly full evaluation finds nothing to do
    assert (after.written, _alert_writes(queries)) == (0, [])


def test_a_narrowed_evaluation_leaves_other_pupils_alone():
    school, pupils = _school()
    alerts_evaluate(as_of=AS_OF, at=EVENING)
    # Pupil 5's absences are corrected but the file carried only pupil 0: pupil 5's alert stays until a full run.
    Mark.objects.filter(enrolment=pupils[5], date__in=DAYS[:6]).update(code="/")
    Mark.objects.filter(enrolment=pupils[0], date__in=DAYS[:6]).update(code="O")
    narrowed = alerts_evaluate(as_of=AS_OF, at=EVENING, school_ids=[school.pk], enrolment_ids=[pupils[0].pk])
    assert (narrowed.pupils, narrowed.cleared) == (1, 0) and narrowed.raised >= 1
    assert Alert.objects.get(enrolment=pupils[5], rule="persistent_absence").status == "new"
    full = alerts_evaluate(as_of=AS_OF, at=EVENING)
    assert (full.raised, full.cleared) == (0, 1)
    # An empty list (a file with only closures, say): school-level rules only, no pupil evaluated.
    assert alerts_evaluate(as_of=AS_OF, at=EVENING, school_ids=[school.pk], enrolment_ids=[]).pupils == 0


def _load_queries(school, wanted) -> int:
    with CaptureQueriesContext(connection) as queries:
        load_school(school, as_of=AS_OF, now=EVENING, enrolment_ids=wanted)
    return len(queries.captured_queries)


def test_a_narrowed_load_sees_the_same_school_as_a_whole_school_load():
    school, pupils = _school()
    Mark.objects.filter(enrolment=pupils[0], date=DAYS[3]).update(code="#")  # one pupil's closure mark
    for pupil in pupils:
        Mark.objects.filter(enrolment=pupil, date=DAYS[20], session="PM").update(code="#")  # a closed session
    context, everyone = load_school(school, as_of=AS_OF, now=EVENING)
    wanted = {pupils[2].pk, pupils[4].pk}
    narrow_context, some = load_school(school, as_of=AS_OF, now=EVENING, enrolment_ids=wanted)
    assert narrow_context == context
    assert (DAYS[20], "PM") not in context.sessions and (DAYS[3], "AM") in context.sessions
    assert context.attendance_by_day[DAYS[3]] == (10, 6) and context.attendance_by_day[DAYS[-1]] == (12, 8)
    assert some == [p for p in everyone if p.enrolment_id in wanted]
    # No query per pupil: one enrolment costs what five do.
    assert _load_queries(school, {pupils[1].pk}) == _load_queries(school, {p.pk for p in pupils[1:]})


def test_a_narrowed_evaluation_of_today_runs_the_s19_sync_for_its_pupils_only(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", AS_OF.isoformat())
    school = make_school()
    ill, also_ill = make_enrolment(school), make_enrolment(school)
    for enrolment in (ill, also_ill):
        fill_marks(enrolment, DAYS, _absent(DAYS[:15], "I"))  # 15 school days missed for health
    alerts_evaluate(as_of=AS_OF, at=EVENING, school_ids=[school.pk], enrolment_ids=[ill.pk])
    assert list(Alert.objects.filter(rule="s19_health").values_list("enrolment", flat=True)) == [ill.pk]
    alerts_evaluate(as_of=AS_OF, at=EVENING)  # the scheduled full evaluation
    assert Alert.objects.filter(rule="s19_health").count() == 2
    # A correction brings the first child below 15 days: the narrowed run clears that item, and only that one.
    Mark.objects.filter(enrolment=ill, date=DAYS[0]).update(code="/")
    alerts_evaluate(as_of=AS_OF, at=EVENING, school_ids=[school.pk], enrolment_ids=[ill.pk])
    statuses = dict(Alert.objects.filter(rule="s19_health").values_list("enrolment", "status"))
    assert statuses == {ill.pk: "cleared", also_ill.pk: "new"}


def test_alerts_stored_before_fingerprints_get_theirs_once_and_nothing_else_changes():
    school, pupils = _school()
    first = alerts_evaluate(as_of=AS_OF, at=EVENING)
    Alert.objects.update(evaluated_digest="")  # as an upgrade finds them
    before = _rows()
    stamps = {a.pk: a.updated_at for a in Alert.objects.all()}
    again = alerts_evaluate(as_of=AS_OF, at=EVENING)
    assert (again.unchanged, again.updated, again.raised, again.cleared) == (first.raised, 0, 0, 0)
    assert not Alert.objects.filter(evaluated_digest="").exists()
    assert _rows() == before and {a.pk: a.updated_at for a in Alert.objects.all()} == stamps
    with CaptureQueriesContext(connection) as queries:
        alerts_evaluate(as_of=AS_OF, at=EVENING)
    assert _alert_writes(queries) == []


def test_an_alert_whose_rule_says_something_new_is_rewritten_even_with_the_same_measure():
    school, pupils = _school()
    alerts_evaluate(as_of=AS_OF, at=EVENING)
    alert = Alert.objects.get(enrolment=pupils[2], rule="la_notification_10_days")
    # A G where there was an O: the same number of unauthorised sessions, a different tally in the reason.
    Mark.objects.filter(enrolment=pupils[2], date=DAYS[-1], session="AM").update(code="G")
    result = alerts_evaluate(as_of=AS_OF, at=EVENING)
    alert.refresh_from_db()
    assert result.updated >= 1 and alert.measure == 22
    assert "G×1" in alert.reason and ["2025-11-14", "AM", "G"] in alert.evidence
