"""The demo hook summarises the report one line per intervention."""

from __future__ import annotations

import pytest

from attend.partnership.demo_whatworks import demo_whatworks_summary

from .whatworks_world import AS_OF, make_world

pytestmark = pytest.mark.django_db


def test_demo_summary_has_a_line_with_figures(settings, tmp_path, monkeypatch):
    settings.ATTEND_STATS_DIR = str(tmp_path / "analytics")
    monkeypatch.setenv("ATTEND_TODAY", AS_OF.isoformat())
    w = make_world()
    assert demo_whatworks_summary(w["la"]) == [
        "Support plan: 12 of 12 matched, difference +5.0 points (95% CI +5.0 to +5.0)"
    ]
