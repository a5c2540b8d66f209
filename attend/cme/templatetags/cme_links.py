"""The page where a CME work-list item is dealt with, for its row and the pupil's work page: start the enquiry,
open the deletion return, record the s19 decision, contact the home-educating family, make the next enquiry."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html

from attend.accounts.permissions import has_permission

register = template.Library()


def action_for(alert, user) -> tuple[str, str] | None:
    """(url, words) for the alert's next step, or None when it has no CME page or the user may not act there."""
    details, rule = alert.details or {}, alert.rule
    if rule in ("cme_20_days", "returned_post") and has_permission(user, "cme.enquire"):
        return f"{reverse('cme:enquiry-new')}?alert={alert.pk}", "Start a children missing education enquiry"
    if rule == "cme_enquiry_due" and details.get("enquiry"):
        return reverse("cme:enquiry", args=[details["enquiry"]]), "Open the enquiry"
    if rule in ("deletion_ground_missing", "off_rolling_concern") and has_permission(user, "cme.view"):
        if details.get("deletion_id"):
            return reverse("cme:deletion", args=[details["deletion_id"]]), "Open the deletion return"
        return f"{reverse('cme:deletions')}?school={alert.school.urn}", "See the school's deletion returns"
    if rule in ("s19_health", "s19_exclusion") and has_permission(user, "cme.s19") and alert.pupil_id:
        query = f"?trigger={details.get('trigger', 'health')}"
        if details.get("run_start"):
            query += f"&run={details['run_start']}"
        return reverse("cme:s19-decide", args=[alert.pupil.upn]) + query, "Record the s19 decision"
    if rule == "ehe_contact_due" and details.get("ehe_ref") and has_permission(user, "cme.ehe"):
        return reverse("cme:ehe-record", args=[details["ehe_ref"]]), "Record a contact with the family"
    if rule == "registers_not_received" and has_permission(user, "school.dashboard"):
        return (
            f"{reverse('registers:arrivals')}?school={alert.school.urn}",
            "See when its registers last arrived",
        )
    return None


@register.simple_tag(takes_context=True)
def cme_action(context, alert, css: str = "govuk-link govuk-body-s"):
    """A link to the alert's CME page, or nothing."""
    found = action_for(alert, context["request"].user)
    if found is None:
        return ""
    url, words = found
    return format_html(
        '<a class="{}" href="{}" data-testid="cme-action-{}">{}</a>', css, url, alert.pk, words
    )
