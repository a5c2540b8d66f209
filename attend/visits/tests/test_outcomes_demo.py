"""The demo hook records past visits on open cases, each on the chronology and the pupil page's panel."""

from __future__ import annotations

import pytest

from attend.casework.cases import open_case
from attend.casework.models import ChronologyEntry, EntryKind
from attend.visits import demo_outcomes
from attend.visits.models import VisitOutcome

from .test_outcomes import TODAY, make_outcomes_world

pytestmark = pytest.mark.django_db


def test_the_demo_records_past_visits_on_open_cases(monkeypatch, settings, tmp_path):
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    settings.ATTEND_STATS_DIR = str(tmp_path / "analytics")
    w = make_outcomes_world()
    case, _ = open_case(by=w["sam"], pupil=w["maya"], school=w["alder"])
    assert demo_outcomes.seed(w["la"], TODAY, [w["sam"], w["jo"]]) == 1
    outcome = VisitOutcome.objects.get()
    assert outcome.case == case and outcome.in_a_few_words == "No answer, card left"
    assert outcome.occurred_at.date() == TODAY.replace(day=14)  # 3 days back is a Sunday: the Friday before
    entry = ChronologyEntry.objects.get(case=case, kind=EntryKind.HOME_VISIT)
    assert "No answer. Visit card left." in entry.summary
