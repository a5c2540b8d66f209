"""The enquiries area on the work list and on /cme/: `sync_enquiry_prompts` raises `cme_enquiry_due` for an open
enquiry whose enquiries have stalled, and `index_panel` feeds the /cme/ panel."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db import transaction
from django.db.models import Max

from attend.schools.models import Term

from .models_enquiries import CmeEnquiry

# An open enquiry is prompted when no reasonable enquiry has been recorded in the last 5 school days, or none at all
# 2 school days after opening. The CME statutory guidance (August 2024) asks for enquiries "without delay"; these
# intervals are the product's, a work-list nudge, not a statutory period.
DUE_AFTER_LAST_CHECK = 5
DUE_AFTER_OPENING = 2


def school_days_after(school, day: dt.date, today: dt.date) -> int:
    """School days after `day` up to and including `today`: the school's own term dates when it has them for
    those days, else Monday to Friday."""
    if today <= day:
        return 0
    start = day + dt.timedelta(days=1)
    if (
        school is not None
        and Term.objects.filter(school=school, start_date__lte=today, end_date__gte=start).exists()
    ):
        from attend.registers.calendar import school_days

        return len(school_days(school, start, today))
    return sum(1 for n in range((today - start).days + 1) if (start + dt.timedelta(days=n)).weekday() < 5)


def _due(enquiry: CmeEnquiry, last_check: dt.date | None, today: dt.date) -> tuple[dt.date, str] | None:
    """(the date it is counted from, the reason) when a prompt is due; None otherwise."""
    if last_check is None:
        opened = enquiry.opened_at.date()
        days = school_days_after(enquiry.school, opened, today)
        if days >= DUE_AFTER_OPENING:
            return (
                opened,
                f"Enquiry {enquiry.ref} opened {days} school days ago and no enquiry is recorded yet.",
            )
        return None
    days = school_days_after(enquiry.school, last_check, today)
    if days >= DUE_AFTER_LAST_CHECK:
        return last_check, (
            f"Enquiry {enquiry.ref}: the last reasonable enquiry was on {last_check:%-d %B %Y}, {days} school days "
            "ago. Record the next one, or close the enquiry with its outcome."
        )
    return None


def _enrolment(enquiry: CmeEnquiry):
    enrolments = enquiry.pupil.enrolments.order_by("-admission_date")
    return (enrolments.filter(school_id=enquiry.school_id).first() if enquiry.school_id else None) or (
        enrolments.first()
    )


def sync_enquiry_prompts(today: dt.date, *, enquiries=None, schools=None) -> dict[str, int]:
    """Raise the missing `cme_enquiry_due` items and clear the ones whose reason has gone (a check recorded, the
    enquiry closed), as attend.enforcement.ntis.sync_nti_prompts does; a dismissed item stays dismissed. The key
    names the enquiry and the date counted from, so a later stall is a new item. A child never on a roll has no
    enrolment and so no work-list item (the /cme/ list shows the enquiry)."""
    from attend.alerts.events import CME_ENQUIRY_DUE, clear_alerts, raise_prompt
    from attend.alerts.models import Alert

    scope = CmeEnquiry.objects.filter(pupil__isnull=False)
    if enquiries is not None:
        scope = scope.filter(pk__in=[e.pk for e in enquiries])
    if schools is not None:
        scope = scope.filter(school__in=schools)
    open_ones = scope.filter(status=CmeEnquiry.Status.OPEN).select_related("pupil", "school")
    open_ones = open_ones.annotate(last_check=Max("checks__done_on"))
    wanted = {}
    for enquiry in open_ones:
        if (due := _due(enquiry, enquiry.last_check, today)) is not None:
            wanted[f"cme{enquiry.pk}-{due[0]:%Y%m%d}"] = (enquiry, due[1])
    existing = Alert.objects.filter(
        rule=CME_ENQUIRY_DUE, details__enquiry__in=list(scope.values_list("ref", flat=True))
    )
    latest = {a.key: a for a in existing.order_by("id")}
    raised = 0
    with transaction.atomic():
        for key, (enquiry, reason) in wanted.items():
            if key in latest or (enrolment := _enrolment(enquiry)) is None:
                continue
            raise_prompt(
                rule=CME_ENQUIRY_DUE, key=key, enrolment=enrolment, today=today, reason=reason, priority=3,
                details={"enquiry": enquiry.ref, "url": f"/cme/enquiries/{enquiry.ref}/"},
            )  # fmt: skip
            raised += 1
        stale = [a.pk for key, a in latest.items() if key not in wanted]
        cleared = clear_alerts(stale, today)
    return {"raised": raised, "cleared": cleared}


# ----- the /cme/ panel


def term_start(today: dt.date) -> dt.date:
    """The start of this term by the month rule (attend.partnership.tsm.term_of): autumn from 1 August, spring
    from 1 January, summer from 1 April (LA-wide: schools' own term dates differ)."""
    if today.month >= 8:
        return dt.date(today.year, 8, 1)
    return dt.date(today.year, 1, 1) if today.month <= 3 else dt.date(today.year, 4, 1)


def index_panel(user, today: dt.date) -> dict:
    """Context for this area's panel on /cme/ (template cme/enquiries/_index_panel.html): the open enquiries in
    the user's scope (days open, last enquiry date), and those closed this term counted by outcome."""
    from .access import enquiries_visible_to

    visible = enquiries_visible_to(user).select_related("pupil", "case", "school", "local_authority")
    open_rows = []
    for enquiry in visible.filter(status=CmeEnquiry.Status.OPEN).annotate(last_check=Max("checks__done_on")):
        enquiry.days_open = (today - enquiry.opened_at.date()).days
        open_rows.append(enquiry)
    open_rows.sort(key=lambda e: e.opened_at)
    closed = visible.filter(
        status=CmeEnquiry.Status.CLOSED, outcome_on__gte=term_start(today), outcome_on__lte=today
    )
    counts = Counter(closed.values_list("outcome", flat=True))
    by_outcome = [(label, counts[value]) for value, label in CmeEnquiry.Outcome.choices if counts[value]]
    return {
        "enquiries_open": open_rows,
        "enquiries_closed_by_outcome": by_outcome,
        "enquiries_closed_total": sum(counts.values()),
        "enquiries_term_start": term_start(today),
    }
