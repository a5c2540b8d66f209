"""Optimistic locking of alerts (issue 7): two officers acting on the same version cannot both win, and the loser
is told who changed it, when and what it says now. The thread test runs on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from attend.accounts.models import User
from attend.alerts.models import Alert
from attend.alerts.services import (
    AlertConflict,
    alert_acknowledge,
    alert_dismiss,
    alert_link,
    alerts_evaluate,
)
from attend.audit.models import AuditEvent
from attend.casework.models import Case
from attend.core.locking import update_if_version

from .factories import fill_marks, make_enrolment, make_school, weekdays

D = dt.date
AS_OF = D(2025, 11, 14)


def _alert() -> Alert:
    school = make_school()
    enrolment = make_enrolment(school)
    return Alert.objects.create(
        rule="persistent_absence",
        pupil=enrolment.pupil,
        enrolment=enrolment,
        school=school,
        raised_on=AS_OF,
        last_evaluated_on=AS_OF,
        reason="Persistently absent: missed 12 of 100 possible sessions.",
        measure=12.0,
        peak_measure=12.0,
        raised_measure=12.0,
    )


def _officer(username: str, first: str = "", last: str = "") -> User:
    return User.objects.create_user(username, first_name=first, last_name=last)


@pytest.mark.django_db
def test_update_if_version_changes_the_row_only_from_the_expected_version():
    alert = _alert()
    assert update_if_version(Alert, alert.pk, 1, status="acknowledged") is True
    assert update_if_version(Alert, alert.pk, 1, status="dismissed") is False
    assert update_if_version(Alert.objects.filter(status="new"), alert.pk, 2, status="linked") is False
    assert update_if_version(Alert, alert.pk + 1000, 2, status="linked") is False
    alert.refresh_from_db()
    assert (alert.status, alert.version) == ("acknowledged", 2)


@pytest.mark.django_db
def test_the_second_officer_on_the_same_version_gets_a_message_and_nothing_is_overwritten():
    alert = _alert()
    amira, ben = _officer("amira", "Amira", "Khan"), _officer("ben")
    seen_by_amira, seen_by_ben = Alert.objects.get(pk=alert.pk), Alert.objects.get(pk=alert.pk)
    case = Case.objects.create(ref="CW-000012", pupil=alert.pupil, school=alert.school)
    alert_link(alert=seen_by_amira, case=case, by=amira)
    with pytest.raises(AlertConflict) as lost:
        alert_dismiss(alert=seen_by_ben, reason="Not needed", by=ben)
    message = str(lost.value)
    assert message.startswith("Amira Khan changed this alert at ")
    assert "it is now linked to a case (case CW-000012 open). Your change was not saved" in message
    assert lost.value.current.status == "linked"
    alert.refresh_from_db()
    assert (alert.status, alert.case, alert.dismissed_reason, alert.version) == (
        "linked",
        case,
        "",
        2,
    )
    assert list(AuditEvent.objects.values_list("action", "actor__username")) == [
        ("alerts.alert.linked", "amira")
    ]


@pytest.mark.django_db
def test_an_alert_cleared_by_the_evaluation_since_the_page_loaded_is_a_conflict_too():
    school = make_school()
    enrolment = make_enrolment(school)
    days = weekdays(D(2025, 9, 1), AS_OF)
    fill_marks(enrolment, days, {(d, s): "I" for d in days[:5] for s in ("AM", "PM")})
    alerts_evaluate(as_of=AS_OF, at=dt.time(18))
    page = Alert.objects.get()
    enrolment.marks.filter(code="I").update(code="/")  # corrected: the rule no longer fires
    alerts_evaluate(as_of=AS_OF, at=dt.time(18))
    with pytest.raises(
        AlertConflict, match="The rules evaluation changed this alert at .*: it is now cleared"
    ):
        alert_acknowledge(alert=page, by=_officer("carol"))
    page.refresh_from_db()
    assert (page.status, page.version) == ("cleared", 2)


@pytest.mark.django_db
def test_re_evaluation_keeps_an_officers_decision_made_while_it_ran():
    school = make_school()
    enrolment = make_enrolment(school)
    days = weekdays(D(2025, 9, 1), AS_OF)
    fill_marks(enrolment, days, {(d, s): "I" for d in days[:6] for s in ("AM", "PM")})
    alerts_evaluate(as_of=AS_OF, at=dt.time(18))
    alert = Alert.objects.get()
    alert_dismiss(alert=alert, reason="Long illness, school has medical evidence", by=_officer("dee"))
    alerts_evaluate(as_of=AS_OF, at=dt.time(18))
    alert.refresh_from_db()
    assert (alert.status, alert.version) == ("dismissed", 2)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections writing at once: PostgreSQL")
def test_two_threads_acting_on_the_same_version_exactly_one_wins():
    alert = _alert()
    officers = [_officer("t1", "Tariq", "One"), _officer("t2", "Tess", "Two")]
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def act(officer: User, action) -> None:
        try:
            mine = Alert.objects.get(pk=alert.pk)  # both read version 1
            barrier.wait(timeout=10)
            action(mine, officer)
            outcomes[officer.username] = "won"
        except AlertConflict as conflict:
            outcomes[officer.username] = str(conflict)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=act, args=(officers[0], lambda a, u: alert_acknowledge(alert=a, by=u))),
        threading.Thread(
            target=act, args=(officers[1], lambda a, u: alert_dismiss(alert=a, reason="Moved away", by=u))
        ),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(v == "won" for v in outcomes.values()) == [False, True]
    alert.refresh_from_db()
    winner = next(u for u in officers if outcomes[u.username] == "won")
    loser = next(u for u in officers if u != winner)
    assert alert.version == 2 and alert.status_changed_by == winner
    assert alert.status == ("acknowledged" if winner.username == "t1" else "dismissed")
    assert outcomes[loser.username].startswith(f"{winner.get_full_name()} changed this alert at ")
    assert AuditEvent.objects.filter(action__startswith="alerts.alert.").count() == 1
