"""`{% court_panel case user today as panel %}`: the case page's "Court" panel (supervision orders and
prosecutions, each prosecution with its last day to lay the information). Criminal-offence data (UK GDPR Art. 10):
shown only with `enforcement.view`, and every showing with something in it is audited."""

from __future__ import annotations

from django import template

from attend import audit
from attend.accounts.permissions import has_permission
from attend.casework.access import may_write
from attend.enforcement.models import Prosecution, SupervisionOrder
from attend.enforcement.orders import order_in_force
from attend.enforcement.prosecutions_prompts import WARN_BEFORE

register = template.Library()


@register.simple_tag
def court_panel(case, user, today) -> dict:
    if not (user and has_permission(user, "enforcement.view")):
        return {"allowed": False}
    orders = list(SupervisionOrder.objects.filter(case=case).order_by("-considered_on", "-pk"))
    prosecutions = list(
        Prosecution.objects.filter(case=case).select_related("parent").order_by("-decided_on", "-pk")
    )
    for p in prosecutions:
        p.warn = p.status == Prosecution.Status.DECIDED and p.lay_by - WARN_BEFORE <= today
        p.days_left = (p.lay_by - today).days
    if orders or prosecutions:
        audit.record(
            "enforcement.court.viewed",
            by=user,
            obj=case,
            pupil=case.pupil,
            data={"case": case.ref, "orders": len(orders), "prosecutions": len(prosecutions)},
        )
    in_force = order_in_force(case.pupil, today) if case.pupil_id else None
    may = (
        bool(case.pupil_id)
        and has_permission(user, "enforcement.prosecute")
        and may_write(user, case, today=today)
    )
    return {
        "allowed": True,
        "show": bool(orders or prosecutions or may),
        "may_prosecute": may,
        "orders": orders,
        "prosecutions": prosecutions,
        "in_force": in_force,
    }
