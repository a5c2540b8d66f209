"""The lone-worker part of a round: check out (start), check in after each visit and at the end, "I need help".

Trust policy (seed 004, 2.2-2.6 and 4.8): the office holds the officer's mobile and vehicle, is told where the
officer is going, and hears a "check in" after the visits. Here the round carries that: starting it copies the
mobile, vehicle and description from the officer's profile and sets when the first check-in is due; each check-in
sets the next. A missed check-in (past due plus the grace period) escalates: `attend.visits.escalation`.

Refusals are only for starting a round (no risk check, no expected return time, no mobile). A check-in, an "I need
help" and an acknowledgement are never refused: a check-in for a round that is not out, or for a visit not on the
round, is recorded as it comes and logged."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from attend import audit
from attend.core import clock

from .models import CheckIn, OfficerProfile, Round, Visit


class VisitError(Exception):
    """A refusal with the reason, in words for the officer."""


def moment() -> dt.datetime:
    """Now, for lone-worker times. On a pinned day (the demo) it is that day at the real time of day, so the
    demo's rounds are due and overdue as the hours pass; otherwise the real time. Never clock.now()'s 5 pm.
    `ATTEND_NOW=YYYY-MM-DDTHH:MM` pins the moment itself (tests that must not depend on the hour they run at)."""
    if pinned := os.environ.get("ATTEND_NOW", ""):
        return timezone.make_aware(dt.datetime.fromisoformat(pinned))
    real = timezone.localtime()
    day = clock.pinned_today()
    if day is None:
        return real
    return timezone.make_aware(dt.datetime.combine(day, real.time().replace(microsecond=0)))


def check_in_interval() -> dt.timedelta:
    return dt.timedelta(minutes=settings.ATTEND_VISITS_CHECK_IN_MINUTES)


def team_of(user) -> tuple:
    """(school, local_authority) of the office that looks after this officer: their school, else their LA."""
    membership = user.memberships.select_related("school__local_authority", "local_authority").first()
    if membership is None:
        return None, None
    if membership.school_id:
        return membership.school, membership.school.local_authority
    return None, membership.local_authority


def profile_of(user) -> OfficerProfile:
    return OfficerProfile.objects.get_or_create(user=user)[0]


def _next_due(round_: Round, now: dt.datetime, asked: dt.datetime | None) -> dt.datetime:
    """The next check-in: the time the officer gave, or an interval from now, never after the expected return
    unless that is already past."""
    if asked is not None:
        return asked
    due = now + check_in_interval()
    back = round_.expected_back_at
    if back is not None and now < back < due:
        return back
    return due


@dataclass
class StartProblem:
    field: str
    message: str


def start_problems(
    round_: Round, *, expected_back_at: dt.datetime | None, now: dt.datetime
) -> list[StartProblem]:
    """Why this round cannot start yet (empty: it can). Each problem names the form field it belongs to."""
    problems = []
    if round_.status != Round.Status.PLANNED:
        problems.append(
            StartProblem("", f"This round is {round_.get_status_display().lower()}: it cannot start again.")
        )
    if expected_back_at is None:
        problems.append(StartProblem("expected_back_at", "Enter the time you expect to be back"))
    elif expected_back_at <= now:
        problems.append(
            StartProblem("expected_back_at", "The time you expect to be back must be later than now")
        )
    visits = list(round_.visits.exclude(status=Visit.Status.CANCELLED_FOR_SAFETY))
    if not visits:
        problems.append(StartProblem("", "Add at least one visit to the round before you start it"))
    unchecked = [v for v in visits if v.risk_checked_at is None]
    if unchecked:
        where = ", ".join(v.address.splitlines()[0] if v.address else v.postcode for v in unchecked[:3])
        more = f" and {len(unchecked) - 3} more" if len(unchecked) > 3 else ""
        problems.append(
            StartProblem(
                "", f"Do the risk check for every visit before you start: not yet done for {where}{more}"
            )
        )
    profile = OfficerProfile.objects.filter(user=round_.officer).first()  # checking writes nothing
    if profile is None or not profile.mobile:
        problems.append(
            StartProblem(
                "", "Add your mobile number to your profile first: the office must be able to ring you"
            )
        )
    return problems


def start_round(
    round_: Round,
    *,
    by,
    expected_back_at: dt.datetime | None,
    now: dt.datetime,
    first_check_in_at: dt.datetime | None = None,
) -> Round:
    """Check out: the round is out, the office can see where and until when. Refused with every reason at once."""
    problems = start_problems(round_, expected_back_at=expected_back_at, now=now)
    if problems:
        raise VisitError("; ".join(p.message for p in problems))
    profile = profile_of(round_.officer)
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=round_.pk)
        round_.status = Round.Status.OUT
        round_.mobile = profile.mobile
        round_.vehicle = profile.vehicle
        round_.description = profile.description
        round_.started_at = now
        round_.expected_back_at = expected_back_at
        round_.check_in_due_at = _next_due(round_, now, first_check_in_at)
        round_.last_check_in_at = now
        round_.save()
        first = round_.visits.exclude(status=Visit.Status.CANCELLED_FOR_SAFETY).order_by("order").first()
        CheckIn.objects.create(
            round=round_,
            kind=CheckIn.Kind.START,
            channel=CheckIn.Channel.PHONE_PAGE,
            at=now,
            location=first_line(first.address) if first else "",
            next_due_at=round_.check_in_due_at,
            recorded_by=by,
        )
        audit.record(
            "visits.round.started",
            by=by,
            obj=round_,
            school=round_.school,
            data={"visits": round_.visits.count(), "back": f"{timezone.localtime(expected_back_at):%H:%M}"},
        )
    from . import escalation

    escalation.schedule(round_)
    return round_


def first_line(address: str) -> str:
    return (address or "").strip().splitlines()[0] if (address or "").strip() else ""


def add_visit_at_check_in(
    round_: Round, *, address: str, postcode: str, by, pupil=None, reason: str = ""
) -> Visit:
    """A visit the officer made that was not on the round (a sibling, a new address from a neighbour): accepted
    and added, so the office knows where the officer has been."""
    last = round_.visits.order_by("-order").values_list("order", flat=True).first() or 0
    return Visit.objects.create(
        round=round_,
        order=last + 1,
        pupil=pupil,
        address=address,
        postcode=postcode.strip().upper(),
        source=Visit.Source.CHECK_IN,
        reason=reason or "Added at a check-in",
        planned_for=round_.day,
        status=Visit.Status.LISTED,
        created_by=by,
    )


def check_in(
    round_: Round,
    *,
    by,
    channel: str,
    now: dt.datetime,
    final: bool = False,
    visit: Visit | None = None,
    new_address: str = "",
    new_postcode: str = "",
    location: str = "",
    note: str = "",
    next_due_at: dt.datetime | None = None,
) -> CheckIn:
    """Record a check-in. Never refused: whatever state the round is in, the check-in is kept and logged."""
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=round_.pk)
        if visit is None and new_address.strip():
            visit = add_visit_at_check_in(round_, address=new_address.strip(), postcode=new_postcode, by=by)
        if not location and visit is not None:
            location = first_line(visit.address)
        was_out = round_.status == Round.Status.OUT
        row = CheckIn.objects.create(
            round=round_,
            visit=visit,
            kind=CheckIn.Kind.FINAL if final else CheckIn.Kind.AFTER_VISIT,
            channel=channel,
            at=now,
            location=location,
            note=note,
            recorded_by=by,
        )
        round_.last_check_in_at = now
        if final and was_out:  # "I'm back" ends a round that is out; on any other it is recorded and no more
            round_.status = Round.Status.BACK
            round_.ended_at = now
            round_.check_in_due_at = None
        elif was_out:
            round_.check_in_due_at = _next_due(round_, now, next_due_at)
            row.next_due_at = round_.check_in_due_at
            row.save(update_fields=["next_due_at"])
        round_.save()
        audit.record(
            "visits.check_in.recorded",
            by=by,
            obj=round_,
            school=round_.school,
            data={
                "kind": row.get_kind_display(),
                "channel": row.get_channel_display(),
                "location": location or "not given",
                "round_status": round_.get_status_display(),
            },
        )
    from . import escalation

    escalation.after_check_in(round_, row, now=now)
    return row


def need_help(round_: Round, *, by, channel: str, now: dt.datetime, location: str = "", note: str = ""):
    """ "I need help": escalates at once with the last known visit address. Never refused."""
    location = location or last_known_location(round_)
    row = CheckIn.objects.create(
        round=round_,
        kind=CheckIn.Kind.HELP,
        channel=channel,
        at=now,
        location=location,
        note=note,
        recorded_by=by,
    )
    audit.record(
        "visits.help.raised",
        by=by,
        obj=round_,
        school=round_.school,
        data={"location": location or "not known"},
    )
    from . import escalation

    return escalation.raise_help(round_, location=location, now=now, check_in=row)


def last_known_location(round_: Round) -> str:
    """Where the officer was last known to be: the latest check-in's place, else the first unvisited address."""
    latest = round_.check_ins.exclude(location="").order_by("-at").first()
    if latest is not None:
        return latest.location
    nxt = round_.visits.filter(status=Visit.Status.LISTED).order_by("order").first()
    return first_line(nxt.address) if nxt else ""


def overdue(round_: Round, now: dt.datetime) -> bool:
    """Past its check-in time plus the grace period, and still out."""
    if round_.status != Round.Status.OUT or round_.check_in_due_at is None:
        return False
    return now >= round_.check_in_due_at + grace()


def grace() -> dt.timedelta:
    return dt.timedelta(minutes=settings.ATTEND_VISITS_GRACE_MINUTES)
