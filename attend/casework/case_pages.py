"""Helpers of the case pages (views_cases.py): what the case page shows, where a new case is opened, and the
small decisions the views hand on, so the views stay thin."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from attend.accounts.permissions import has_permission
from attend.core import clock
from attend.core.locking import VersionConflict
from attend.core.scoping import get_pupil_access, get_pupil_for_user
from attend.people.models import Enrolment, Pupil
from attend.schools.models import LocalAuthority, School

from . import access
from .chronology import EntryRefused
from .models import Case, EntryRemoval
from .timeline import RESTRICTED_NOTICE, case_timeline


def case_context(request, case: Case) -> dict:
    user = request.user
    may_write = access.may_write(user, case)
    return {
        "case": case,
        "user": user,
        "today": clock.today(),
        "rows": case_timeline(case, user),
        "restricted_notice": RESTRICTED_NOTICE,
        "may_write": may_write,
        "may_reopen": not case.is_open and may_reopen(user, case),
        "may_manage": has_permission(user, "cases.manage"),
        "pending_removals": EntryRemoval.objects.filter(case=case, pending_entry__isnull=False).count(),
        "stage_changes": case.stage_changes.select_related("changed_by", "pathway_step").order_by(
            "-changed_at"
        ),
    }


def may_reopen(user, case: Case) -> bool:
    """As access.may_write, for a closed case: the same people may open it again."""
    if not has_permission(user, "cases.write"):
        return False
    if not access.cases_visible_to(user).filter(pk=case.pk).exists():
        return False
    if access.is_la_side(user, case) or case.pupil_id is None or case.school_id is None:
        return True
    today = clock.today()
    return (
        Enrolment.objects.filter(pupil_id=case.pupil_id, school_id=case.school_id, admission_date__lte=today)
        .filter(Q(leaving_date__isnull=True) | Q(leaving_date__gte=today))
        .exists()
    )


@dataclass
class OpenTarget:
    pupil: Pupil
    school: School | None
    alert: object | None = None


def open_target(request) -> OpenTarget:
    """The pupil (and school) a new case is for: ?alert=<id> (an alert in the user's scope they may act on) or
    ?upn=<upn> (a pupil whose current record the user holds). 404 outside scope, 403 for a school they left."""
    today = clock.today()
    alert = None
    alert_id = request.GET.get("alert") or request.POST.get("alert") or ""
    if alert_id:
        from attend.alerts.worklist import alert_for_user

        if not alert_id.isdigit():
            raise Http404("No such alert.")
        alert = alert_for_user(request.user, int(alert_id), today=today, act=True)
        if alert.pupil_id is None:
            raise Http404("That alert is about a school, not a pupil.")
        pupil = alert.pupil
    else:
        pupil = get_pupil_for_user(request.user, request.GET.get("upn") or request.POST.get("upn") or "")
    pupil_access = get_pupil_access(request.user, pupil.upn, today=today)
    if not pupil_access.current:
        raise PermissionDenied("The pupil has left your school: open a case where they are now.")
    school = alert.school if alert is not None else current_school(pupil, pupil_access, today)
    return OpenTarget(pupil=pupil, school=school, alert=alert)


def current_school(pupil: Pupil, pupil_access, today) -> School | None:
    """The school of the pupil's current enrolment that the user can see (on roll today first)."""
    enrolments = (
        Enrolment.objects.filter(pupil=pupil, admission_date__lte=today)
        .select_related("school")
        .order_by("-admission_date")
    )
    if not pupil_access.whole:
        enrolments = enrolments.filter(pk__in=pupil_access.enrolment_ids)
    on_roll = [e for e in enrolments if e.leaving_date is None or e.leaving_date >= today]
    chosen = (on_roll or list(enrolments) or [None])[0]
    return chosen.school if chosen else None


def link_alert(request, alert, case: Case) -> None:
    """An alert a case was opened from (or found through) is linked to that case."""
    if alert is None or getattr(alert, "case_id", None) == case.pk or not alert.is_open:
        return
    from attend.alerts.services import AlertError, alert_link

    try:
        alert_link(alert=alert, case=case, by=request.user, expected_version=alert.version)
    except AlertError as problem:
        flash.error(request, f"The alert was not linked: {problem}")


def authorities_for(user):
    """LAs the user works for (a child not on roll has no school: only LA staff open such a case)."""
    if user.is_superuser:
        return LocalAuthority.objects.order_by("name")
    ids = {m.local_authority_id for m in user.memberships.all() if m.local_authority_id}
    return LocalAuthority.objects.filter(pk__in=ids).order_by("name")


def entry_initial(entry) -> dict:
    yes_no = {True: "yes", False: "no", None: ""}
    return {
        "date": entry.occurred_at.date(),
        "time": entry.occurred_at.strftime("%H:%M"),
        "outcome": entry.outcome,
        "participants": entry.participants,
        "child_seen": yes_no[entry.child_seen],
        "child_heard": yes_no[entry.child_heard],
        "child_words": entry.child_words,
        "parent_words": entry.parent_words,
        "summary": entry.summary,
        "next_step": entry.next_step,
        "next_step_due": entry.next_step_due,
        "interpreter_needed": yes_no[entry.interpreter_needed],
        "interpreter_used": yes_no[entry.interpreter_used],
        "support_offered": entry.support_offered,
        "support_declined": entry.support_declined,
    }


def attempt(form: forms.Form, action) -> bool:
    """Run a service; its refusal (or a lost race) becomes the form's error summary."""
    try:
        action()
    except (EntryRefused, VersionConflict) as refused:
        form.add_error(None, str(refused))
        return False
    return True


def pupil_in_scope(user, upn: str) -> Pupil | None:
    try:
        return get_pupil_for_user(user, upn.strip().upper())
    except Http404:
        return None
