"""pupil_access: a school sees a pupil's data for its own enrolment period; the current school (and LA staff
over it) see the current record and may act; read-only roles linked to the pupil and superusers see it all."""

from __future__ import annotations

import datetime as dt

import pytest

from attend.alerts.models import Alert
from attend.alerts.worklist import alerts_in_scope
from attend.core.scoping import current_enrolment_ids, pupil_access
from attend.people.models import Enrolment
from attend.registers.models import Mark

from .factories import link, make_user
from .moves import ALDER_ADMISSION, ALDER_LEAVING, BEECH_ADMISSION, TODAY, make_moved_pupil


@pytest.fixture
def moved(db):
    return make_moved_pupil()


def spans(access):
    return [(p.school_id, p.start, p.end) for p in access.periods]


def test_the_school_the_pupil_left_sees_its_own_period_read_only(moved):
    access = pupil_access(moved["alder_officer"], moved["pupil"], today=TODAY)
    assert spans(access) == [(moved["alder"].pk, ALDER_ADMISSION, ALDER_LEAVING)]
    assert access.current is False and access.whole is False
    # Its marks within its dates only: 10 sessions of the week of 17 November, not the stray 1 December mark.
    assert Mark.objects.filter(access.marks(), enrolment__pupil=moved["pupil"]).count() == 10
    assert list(Alert.objects.filter(access.rows(), pupil=moved["pupil"])) == [moved["alder_alert"]]


def test_the_school_the_pupil_joined_sees_only_from_its_admission_date(moved):
    access = pupil_access(moved["beech_officer"], moved["pupil"], today=TODAY)
    assert spans(access) == [(moved["beech"].pk, BEECH_ADMISSION, None)]
    assert access.current is True
    marks = Mark.objects.filter(access.marks(), enrolment__pupil=moved["pupil"])
    assert marks.count() == 10 and min(m.date for m in marks) == BEECH_ADMISSION
    assert list(Alert.objects.filter(access.rows(), pupil=moved["pupil"])) == [moved["beech_alert"]]


def test_the_la_officer_sees_both_periods_and_the_current_record(moved):
    access = pupil_access(moved["la_officer"], moved["pupil"], today=TODAY)
    assert [s[0] for s in spans(access)] == [moved["alder"].pk, moved["beech"].pk]
    assert access.current is True
    assert Mark.objects.filter(access.marks(), enrolment__pupil=moved["pupil"]).count() == 20


def test_an_la_the_pupil_moved_away_from_sees_its_own_period(moved):
    Enrolment.objects.filter(pk=moved["at_beech"].pk).update(school=moved["cedar"])  # Beech -> Southshire
    old_la = pupil_access(moved["la_officer"], moved["pupil"], today=TODAY)
    assert spans(old_la) == [(moved["alder"].pk, ALDER_ADMISSION, ALDER_LEAVING)]
    assert old_la.current is False
    new_la = pupil_access(
        make_user(role="la_officer", local_authority=moved["other_la"]), moved["pupil"], today=TODAY
    )
    assert [s[0] for s in spans(new_la)] == [moved["cedar"].pk] and new_la.current is True


def test_before_the_new_school_admits_the_pupil_the_old_one_is_still_current(moved):
    before = dt.date(2025, 11, 26)
    assert pupil_access(moved["alder_officer"], moved["pupil"], today=before).current is True
    assert pupil_access(moved["beech_officer"], moved["pupil"], today=before).current is False


def test_with_no_school_on_roll_the_last_school_keeps_the_current_record(moved):
    Enrolment.objects.filter(pk=moved["at_beech"].pk).delete()  # left Alder, no other school yet
    assert pupil_access(moved["alder_officer"], moved["pupil"], today=TODAY).current is True


def test_dual_registration_makes_both_schools_current(moved):
    Enrolment.objects.filter(pk=moved["at_alder"].pk).update(leaving_date=None)
    enrolments = list(Enrolment.objects.filter(pupil=moved["pupil"]))
    assert current_enrolment_ids(enrolments, TODAY) == {moved["at_alder"].pk, moved["at_beech"].pk}


@pytest.mark.parametrize("role", ["social_worker", "virtual_school", "class_teacher"])
def test_read_only_roles_linked_to_the_pupil_keep_the_whole_record(moved, role):
    user = make_user(role=role, school=moved["alder"])
    assert pupil_access(user, moved["pupil"], today=TODAY).periods == ()
    link(user, moved["pupil"])
    access = pupil_access(user, moved["pupil"], today=TODAY)
    assert access.whole and access.current and len(access.periods) == 2
    assert set(alerts_in_scope(user)) == {moved["alder_alert"], moved["beech_alert"]}


def test_superusers_see_all_and_system_admins_no_alerts(moved):
    root = make_user("root")
    root.is_superuser = True
    root.save()
    assert pupil_access(root, moved["pupil"], today=TODAY).whole
    assert alerts_in_scope(make_user(role="system_admin")).count() == 0


def test_alerts_in_scope_follow_the_school_of_the_period(moved):
    assert list(alerts_in_scope(moved["alder_dsl"])) == [moved["alder_alert"]]
    assert list(alerts_in_scope(moved["beech_officer"])) == [moved["beech_alert"]]
    assert set(alerts_in_scope(moved["la_officer"])) == {moved["alder_alert"], moved["beech_alert"]}
    assert list(alerts_in_scope(moved["cedar_officer"])) == []
