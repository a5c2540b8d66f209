"""The demo hook: home-educated children (one with an EHC plan deleted after the LA's consent), one returned to
school, one notice awaiting consent, and the work list's contact-due item."""

from __future__ import annotations

import datetime as dt

from attend.accounts.models import Membership
from attend.alerts.models import Alert
from attend.cme import demo_ehe, ehe
from attend.cme.models import HomeEducation, RollDeletion
from attend.core.tests.factories import make_la, make_pupil, make_school, make_user
from attend.people.models import Pupil

TODAY = dt.date(2025, 11, 19)


def test_seed_makes_the_demo_las_home_education(db, monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    la = make_la("201", "Northshire")
    school = make_school(la=la, name="Alder Primary")
    officer = make_user("demo_ehe", role=Membership.Role.LA_OFFICER, local_authority=la)
    for fields in ({}, {"child_protection_plan": True}, {"sen_status": Pupil.SenStatus.EHCP}, {},
                   {"sen_status": Pupil.SenStatus.EHCP}, {}):  # fmt: skip
        make_pupil(school=school, surname="Demo", **fields)
    made = demo_ehe.seed(la, TODAY, by=officer)
    statuses = sorted(r.status for r in made)
    assert statuses == ["awaiting_consent", "home_educated", "home_educated", "home_educated", "returned"]
    special = HomeEducation.objects.get(consent="given")
    assert special.ehc_plan and special.status == "home_educated"
    assert HomeEducation.objects.get(status="home_educated", child_protection_plan=True).contacts.count() == 1
    assert RollDeletion.objects.filter(ground="f").count() == 4  # not the notice awaiting consent
    assert ehe.open_records(la).count() == 4
    # Open on the work list: the CP plan child's next contact (due 2 days ago) and the EHC plan child's first
    # contact (10 working days after the notice; none yet). The others' first-contact items were cleared by a contact.
    due = Alert.objects.filter(rule="ehe_contact_due", status=Alert.Status.NEW)
    assert sorted(a.pupil.child_protection_plan or a.pupil.sen_status == "E" for a in due) == [True, True]
    assert due.count() == 2
