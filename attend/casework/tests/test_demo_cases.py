"""record_demo_cases: the demo LA's cases at every stage, with chronologies and their alerts linked."""

import pytest

from attend.accounts.models import Membership
from attend.alerts.models import Alert
from attend.casework.demo import record_demo_cases
from attend.casework.models import CallOutcome, Case, ChronologyEntry, StageChange
from attend.core.tests.factories import make_pupil, make_user

from .cases_world import TODAY, make_case_world

pytestmark = pytest.mark.django_db


def test_demo_cases_cover_every_stage_outcome_and_a_child_not_on_roll(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    w = make_case_world()
    school_officer = make_user("school.officer", role=Membership.Role.SCHOOL_OFFICER, school=w["alder"])
    pupils = [w["maya"]] + [
        make_pupil(school=w[s], surname=f"Demo{i}") for i, s in enumerate(["beech", "alder"] * 3)
    ]
    for i, pupil in enumerate(pupils):
        Alert.objects.create(
            rule="persistent_absence",
            pupil=pupil,
            school=pupil.enrolments.get().school,
            raised_on=TODAY,
            last_evaluated_on=TODAY,
            reason="Missed 14% of sessions.",
            measure=14.0,
            peak_measure=14.0,
            key=str(i),
        )
    opened = record_demo_cases(
        school_ids=[w["alder"].pk, w["beech"].pk],
        as_of=TODAY,
        la_officer=w["la_officer"],
        school_officer=school_officer,
        rounds=1,
    )
    assert opened == 7
    by_stage = sorted(Case.objects.values_list("stage", "status", "close_reason"))
    assert by_stage == sorted(
        [
            ("listen", "open", ""),
            ("facilitate", "open", ""),
            ("formalise", "open", ""),
            ("enforce", "open", ""),
            ("monitor", "open", ""),
            ("facilitate", "closed", "improved"),
            ("listen", "open", ""),
        ]
    )
    assert set(
        ChronologyEntry.objects.filter(kind="phone_call", corrects=None).values_list("outcome", flat=True)
    ) == (set(CallOutcome.values) - {"spoke_to_child"})
    assert ChronologyEntry.objects.filter(corrects__isnull=False).count() == 1
    assert StageChange.objects.count() == 1 + 2 + 3 + 2 + 1
    assert Case.objects.filter(pupil=None, child_surname="Nowak").exists()
    # The school officer's school comes first: their pupils have cases they hold.
    assert Case.objects.filter(school=w["alder"], school_lead=school_officer).count() == 4
    assert Alert.objects.filter(status="linked", case__isnull=False).count() == 6
    # Every entry happened on or before the demo's today.
    assert not ChronologyEntry.objects.filter(occurred_at__date__gt=TODAY).exists()
