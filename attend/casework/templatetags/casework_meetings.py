"""The meetings and safeguarding panels of the case page: `{% meetings_panel case user today %}`,
`{% safeguarding_panel case user %}`."""

from __future__ import annotations

from django import template

from attend.casework import meetings, safeguarding
from attend.casework.access import may_write, sees_restricted
from attend.casework.models import Meeting

register = template.Library()


@register.inclusion_tag("casework/meetings/_panel.html")
def meetings_panel(case, user, today):
    return {
        "case": case,
        "child": meetings.child_name(case),
        "upcoming": case.meetings.filter(status=Meeting.Status.PLANNED).order_by("starts_at")[:5],
        "recent": case.meetings.exclude(status=Meeting.Status.PLANNED).order_by("-starts_at")[:3],
        "consent": meetings.valid_consent(case, today),
        "can_write": may_write(user, case),
    }


@register.inclusion_tag("casework/safeguarding/_panel.html")
def safeguarding_panel(case, user):
    restricted = case.entries.filter(restricted=True).count()
    return {
        "case": case,
        "restricted": restricted,
        "records": safeguarding.records_seen_by(user, case).count(),
        "reader": sees_restricted(user, case),
        "can_write": may_write(user, case),
    }
