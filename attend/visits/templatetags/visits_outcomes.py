"""`{% pupil_home_visits pupil %}`: the pupil page's "Home visits" panel (date, officer, outcome in a few words),
for users with visits.view; only visits on cases the user may see."""

from django import template

from attend.accounts.permissions import has_permission

from ..outcomes import outcomes_for_pupil

register = template.Library()


@register.inclusion_tag("visits/outcomes/_pupil_panel.html", takes_context=True)
def pupil_home_visits(context, pupil):
    user = context["request"].user
    if not has_permission(user, "visits.view"):
        return {"shown": False}
    return {
        "shown": True,
        "rows": outcomes_for_pupil(pupil, user),
        "can_write": has_permission(user, "visits.write"),
    }
