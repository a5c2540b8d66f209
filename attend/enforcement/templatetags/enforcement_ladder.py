"""`{% ladder_panel case user today as panel %}`: the "Formal steps" panel of the case page (contracts, notices to
improve with their live figures, school requests), for users who hold an enforcement permission."""

from __future__ import annotations

from django import template

from attend.accounts.permissions import has_permission
from attend.enforcement import ntis
from attend.enforcement.models import AttendanceContract, NoticeRequest, NoticeToImprove

register = template.Library()


@register.simple_tag
def ladder_panel(case, user, today) -> dict:
    if not (has_permission(user, "enforcement.view") or has_permission(user, "enforcement.formal")):
        return {"shown": False}
    notices = list(NoticeToImprove.objects.filter(case=case).order_by("-issued_on")[:5])
    figures = ntis.tracking(notices, today)
    return {
        "shown": True,
        "contracts": AttendanceContract.objects.filter(case=case).order_by("-starts_on")[:5],
        "ntis": [
            (n, figures[n.pk], n.period_start <= today <= n.period_end and not n.outcome) for n in notices
        ],
        # Requests are about penalty notices (criminal-offence data): only for those who see enforcement records.
        "requests": NoticeRequest.objects.filter(case=case).order_by("-requested_at")[:5]
        if has_permission(user, "enforcement.view")
        else [],
        "may_formal": has_permission(user, "enforcement.formal"),
        "may_request": has_permission(user, "enforcement.request"),
    }
