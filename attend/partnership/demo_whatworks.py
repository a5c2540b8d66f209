"""The demo LA's what-works report: `demo_whatworks_summary(la)`, called after the other demo hooks.

It adds no data: the figures come from the demo's own cases, plans, meetings, part-time timetables (and
referrals once they exist). It returns one line per intervention so the demo command can print them and check
that at least one group has figures (a group needs `whatworks.MIN_GROUP` matched pupils).
"""

from __future__ import annotations

from attend.core import clock
from attend.schools.models import School

from . import whatworks


def demo_whatworks_summary(la) -> list[str]:
    """One line per intervention in the LA's what-works report as of today (refreshing the statistics store)."""
    school_ids = list(School.objects.filter(local_authority=la).values_list("id", flat=True))
    report = whatworks.report_for([la.pk], school_ids, clock.today())
    lines = []
    for g in report.by("intervention"):
        figure = (
            f"difference {g.difference:+.1f} points (95% CI {g.ci_low:+.1f} to {g.ci_high:+.1f})"
            if g.shown
            else "not shown (too few matched)"
        )
        lines.append(f"{g.label}: {g.matched} of {g.episodes} matched, {figure}")
    return lines
