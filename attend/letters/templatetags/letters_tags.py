"""`{% pupil_letters pupil %}`: the pupil page's letters panel (latest messages and the "Send letter" link)."""

from django import template

from attend.accounts.permissions import has_permission
from attend.core import clock
from attend.core.scoping import pupil_access
from attend.letters.pages import messages_seen_by

register = template.Library()


@register.inclusion_tag("letters/_pupil_panel.html", takes_context=True)
def pupil_letters(context, pupil):
    user = context["request"].user
    access = context.get("access") or pupil_access(user, pupil, today=clock.today())
    rows = messages_seen_by(access)
    can_send = access.current and has_permission(user, "letters.send")
    return {"pupil": pupil, "messages_list": list(rows[:5]), "can_send": can_send}
