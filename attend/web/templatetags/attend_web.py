"""Template helpers for Attend's pages: permission checks, number formats and the home page's work list."""

from __future__ import annotations

import datetime as dt
import math

from django import template
from django.urls import reverse

from attend.accounts.permissions import has_permission
from attend.core import clock

register = template.Library()


@register.filter
def can(user, permission: str) -> bool:
    """{% if user|can:"pupil.view" %}: the permission table decides, as for the views."""
    return has_permission(user, permission)


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


@register.filter
def pct(value, places: int = 1) -> str:
    """A percentage to one decimal place, or an en dash when there is no figure."""
    if _missing(value):
        return "–"
    return f"{float(value):.{int(places)}f}%"


@register.filter
def num(value, places: int = 0) -> str:
    if _missing(value):
        return "–"
    return f"{float(value):,.{int(places)}f}"


@register.filter
def gap(value) -> str:
    """A difference in percentage points, signed: "+1.2 pts", "−0.4 pts"."""
    if _missing(value):
        return "–"
    sign = "+" if value > 0.05 else ("−" if value < -0.05 else "")
    return f"{sign}{abs(float(value)):.1f} pts"


@register.filter
def rule_title(rule: str) -> str:
    from attend.web.selectors import rule_title as title

    return title(rule)


@register.filter
def iso_date(value):
    """A date kept as ISO text (alert details) as a date, for the `date` filter; anything else as it is."""
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def label_at(columns, index: int) -> str:
    """The label of the index-th column (a dict with "label"): a stacked table cell's data-label on a phone."""
    try:
        return columns[index]["label"]
    except (IndexError, KeyError, TypeError):
        return ""


def _has_trust(user) -> bool:
    from attend.web.trusts import trusts_visible_to

    return trusts_visible_to(user).exists()


@register.inclusion_tag("web/_navigation.html", takes_context=True)
def main_navigation(context):
    request = context["request"]
    user = request.user
    path = request.path
    items = [("Home", reverse("home"), path == "/")]
    if has_permission(user, "pupil.view"):
        items.append(("Work list", reverse("web:work-list"), path.startswith("/work/")))
    if has_permission(user, "la.dashboard"):
        items.append(("Local authority", reverse("web:la-dashboard"), path.startswith("/la/")))
    if has_permission(user, "trust.dashboard") and _has_trust(user):
        items.append(("Trusts", reverse("web:trusts"), path.startswith("/trusts/")))
    if has_permission(user, "school.dashboard"):
        items.append(("Schools", reverse("web:schools"), path.startswith("/schools/")))
    if has_permission(user, "job.view"):
        items.append(
            (
                "Imports and reports",
                reverse("jobs:jobs"),
                path.startswith(("/jobs/", "/imports/", "/reports/")),
            )
        )
    if has_permission(user, "cases.view"):
        items.append(("Cases", reverse("casework:caseload"), path.startswith("/cases/")))
    if has_permission(user, "partnership.view"):
        items.append(("Partners", reverse("partnership:index"), path.startswith("/partnership/")))
    if has_permission(user, "visits.write"):
        items.append(("Visits", reverse("visits:lists"), path.startswith("/visits/")))
    elif has_permission(user, "visits.office"):
        items.append(("Visits", reverse("visits:office"), path.startswith("/visits/")))
    if has_permission(user, "enforcement.register"):
        items.append(("Enforcement", reverse("enforcement:register"), path.startswith("/enforcement/")))
    if has_permission(user, "cme.returns"):
        items.append(("Missing education", reverse("cme:index"), path.startswith("/cme/")))
    if has_permission(user, "partnership.my_pupils"):
        items.append(
            ("My pupils", reverse("partnership:my-pupils"), path.startswith("/partnership/my-pupils/"))
        )
    if has_permission(user, "services.view"):
        items.append(("Services", reverse("directory:services"), path.startswith("/settings/services/")))
    if has_permission(user, "settings.view"):
        items.append(
            (
                "Settings",
                reverse("directory:settings"),
                path.startswith("/settings/") and not path.startswith("/settings/services/"),
            )
        )
    elif has_permission(user, "admin.site"):
        items.append(("Settings and users", reverse("admin:index"), path.startswith("/admin/")))
    return {
        "items": items,
        "search": has_permission(user, "pupil.view"),
        "query": request.GET.get("q", "") if path.startswith("/pupils/") else "",
    }


@register.inclusion_tag("web/_work_today.html", takes_context=True)
def work_for_today(context):
    from attend.web.selectors import work_today

    request = context["request"]
    if not has_permission(request.user, "pupil.view"):
        return {"show": False}
    return {"show": True, **work_today(request.user, clock.today())}
