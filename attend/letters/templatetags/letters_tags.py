"""`{% pupil_letters pupil %}`: the pupil page's letters panel (latest messages and the "Send letter" link)."""

from django import template

from attend.accounts.permissions import has_permission

register = template.Library()


@register.inclusion_tag("letters/_pupil_panel.html", takes_context=True)
def pupil_letters(context, pupil):
    user = context["request"].user
    rows = pupil.messages.select_related("template_version__template", "contact", "pupil").defer(
        "pdf", "body_html"
    )
    return {"pupil": pupil, "messages_list": list(rows[:5]), "can_send": has_permission(user, "letters.send")}
