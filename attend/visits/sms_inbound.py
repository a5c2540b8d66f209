"""Check-in by text message: GOV.UK Notify forwards each text received on the service's number to
POST /visits/notify/inbound/ (Notify, "Callbacks": received text messages).

Notify's body is JSON: `id` (Notify's id), `source_number` (447700912345), `destination_number`, `message` (the
text; `content` is read too, as Notify's received-texts API names it) and `date_received` (UTC,
2017-05-14T12:15:30.000000Z), with the bearer token set in Notify in the Authorization header.

The sender is matched to an officer's profile mobile with a round out (today's first). "OK" or "IN" is a check-in,
"BACK" the final one, "HELP" an "I need help"; any other text is a check-in with the text as its note. An unknown
number is logged and answered 200: Notify must never be told an error for a text nobody can use."""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from . import lone
from .models import CheckIn, OfficerProfile, Round
from .profiles import normalise_mobile

log = logging.getLogger(__name__)

WORDS = {"OK": "check_in", "IN": "check_in", "BACK": "final", "HELP": "help"}


@dataclass
class Outcome:
    status: str  # "checked_in", "back", "help", "unknown_number", "no_round"
    round_id: int | None = None


def officers_with_mobile(national: str) -> list[int]:
    return [
        p.user_id for p in OfficerProfile.objects.exclude(mobile="") if normalise_mobile(p.mobile) == national
    ]


def round_for_mobile(national: str, today: dt.date, *, help_: bool = False) -> Round | None:
    """The round out for the officer whose profile has this mobile: today's, else the latest still out. For HELP
    (never refused) the officer's latest started round if none is out: help after "I'm back" still escalates."""
    users = officers_with_mobile(national)
    if not users:
        return None
    out = Round.objects.filter(officer_id__in=users, status=Round.Status.OUT)
    found = out.filter(day=today).order_by("-started_at").first() or out.order_by("-started_at").first()
    if found is None and help_:
        found = (
            Round.objects.filter(officer_id__in=users, started_at__isnull=False)
            .order_by("-started_at")
            .first()
        )
    return found


def received_at(text: str, now: dt.datetime) -> dt.datetime:
    """When Notify received it, if that reads and is within a day of now (else now: a bad clock is not ours)."""
    when = parse_datetime(str(text or ""))
    if when is None:
        return now
    if timezone.is_naive(when):
        when = timezone.make_aware(when, dt.UTC)
    return when if abs(when - now) <= dt.timedelta(days=1) else now


def handle(data: dict, *, now: dt.datetime) -> Outcome:
    national = normalise_mobile(str(data.get("source_number") or ""))
    text = str(data.get("message") or data.get("content") or "").strip()[:2000]
    first = re.sub(r"[^A-Z]", "", text.upper().split()[0]) if text.split() else ""
    word = WORDS.get(first, "")
    masked = f"…{national[-3:]}" if national else "(unreadable)"
    today = timezone.localtime(now).date()
    round_ = round_for_mobile(national, today, help_=word == "help") if national else None
    if round_ is None:
        known = bool(national) and bool(officers_with_mobile(national))
        log.warning(
            "A text to the check-in number from %s was not a check-in: %s",
            masked,
            "no round out for that officer" if known else "no officer has that mobile",
        )
        return Outcome("no_round" if known else "unknown_number")
    at = received_at(data.get("date_received"), now)
    officer = round_.officer
    if word == "help":
        lone.need_help(round_, by=officer, channel=CheckIn.Channel.SMS, now=at, note=text)
        return Outcome("help", round_.pk)
    lone.check_in(
        round_,
        by=officer,
        channel=CheckIn.Channel.SMS,
        now=at,
        final=word == "final",
        note="" if word else text,
    )
    return Outcome("back" if word == "final" else "checked_in", round_.pk)
