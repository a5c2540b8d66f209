"""`{% pupil_casework pupil %}`: the pupil page's casework panel (current case, "Open a case", the pupil's
chronology across cases). Only for users with cases.view; the read-only roles see nothing of it."""

from django import template

from attend.accounts.permissions import has_permission
from attend.core import clock
from attend.core.scoping import pupil_access

from ..access import cases_visible_to
from ..models import OPEN_CASE_STATUSES
from ..timeline import RESTRICTED_NOTICE, pupil_timeline

register = template.Library()


@register.inclusion_tag("casework/cases/_pupil_panel.html", takes_context=True)
def pupil_casework(context, pupil):
    user = context["request"].user
    if not has_permission(user, "cases.view"):
        return {"shown": False}
    access = context.get("access") or pupil_access(user, pupil, today=clock.today())
    visible = cases_visible_to(user).filter(pupil=pupil).select_related("la_officer", "school_lead", "school")
    current = visible.filter(status__in=OPEN_CASE_STATUSES).first()
    return {
        "shown": True,
        "pupil": pupil,
        "current": current,
        "closed": list(visible.filter(status="closed").order_by("-closed_at")[:5]),
        "can_open": current is None and access.current and has_permission(user, "cases.write"),
        "rows": pupil_timeline(pupil, user, limit=20),
        "restricted_notice": RESTRICTED_NOTICE,
    }
