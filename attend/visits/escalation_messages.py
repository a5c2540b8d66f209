"""The words of escalation messages: each alert says what to do, in order (ring the officer, ring the visit
address, then call the police with what they need); the closing message says who is dealing with it, or that the
officer checked in. Plain text: the same words go by email and by SMS."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone


@dataclass
class Words:
    subject: str
    text: str


def hhmm(at: dt.datetime | None) -> str:
    return f"{timezone.localtime(at):%H:%M}" if at else "not known"


def link(path: str) -> str:
    """An absolute link when ATTEND_BASE_URL is set (https://attend.example.gov.uk), else the path."""
    return getattr(settings, "ATTEND_BASE_URL", "").rstrip("/") + path


def round_path(round_) -> str:
    """The round's page (the lone-worker pages' URL name), else the office dashboard's place for it."""
    for name in ("visits:round", "visits:round-detail", "visits:round_detail"):
        try:
            return reverse(name, args=[round_.pk])
        except NoReverseMatch:
            continue
    return f"/visits/rounds/{round_.pk}/"


def escalation_path(escalation) -> str:
    return reverse("visits:escalation", args=[escalation.pk])


def officer_name(round_) -> str:
    user = round_.officer
    return user.get_full_name() or user.get_username()


def visit_phone(visit) -> str:
    """A phone number for the household at the visit address: the visit's contact, else the pupil's first."""
    if visit is None:
        return ""
    contacts = [visit.contact] if visit.contact_id else []
    if visit.pupil_id:
        contacts += [
            link.contact for link in visit.pupil.contact_links.select_related("contact").order_by("priority")
        ]
    for contact in contacts:
        for phone in (contact.phone_mobile, contact.phone_home, contact.phone_work):
            if phone:
                return f"{phone} ({contact.forename} {contact.surname})".strip()
    return ""


def last_visit(round_):
    """The visit the officer was last known to be at: the latest check-in's visit, else the next on the list."""
    latest = round_.check_ins.exclude(visit=None).select_related("visit").order_by("-at").first()
    if latest is not None:
        return latest.visit
    return round_.visits.filter(status="listed").order_by("order").first()


def alert(escalation, step) -> Words:
    round_ = escalation.round
    name = officer_name(round_)
    visit = last_visit(round_)
    where = escalation.last_known_location or (visit.address.splitlines()[0] if visit else "") or "not known"
    phone = visit_phone(visit) or "no number held"
    if escalation.reason == "help":
        headline = f'{name} pressed "I need help" at {hhmm(escalation.opened_at)} at {where}.'
        subject = f"URGENT: {name} needs help on a home visit"
    else:
        headline = (
            f"{name} has not checked in from home visits. The check-in was due at "
            f"{hhmm(escalation.due_check_in_at)}; it is now overdue."
        )
        subject = f"URGENT: {name} missed a lone-worker check-in (due {hhmm(escalation.due_check_in_at)})"
    if step.number > 1:
        subject = f"{subject} - reminder {step.number}: nobody has said they are dealing with it"
    text = "\n".join(
        [
            headline,
            f"Last known address: {where}.",
            "",
            "What to do now:",
            f"1. Ring {name} on {round_.mobile or 'their mobile (not held)'}.",
            f"2. If there is no answer, ring the visit address: {phone}.",
            "3. If you still cannot reach them, call the police on 999. Tell them:",
            f"   - the officer: {name}; {round_.description or 'no description held'}",
            f"   - the vehicle: {round_.vehicle or 'not held'}",
            f"   - the last known address: {where}",
            "",
            f"The round: {link(round_path(round_))}",
            f'When you take this on, press "I am dealing with this" at {link(escalation_path(escalation))} '
            "so the others are told and the reminders stop.",
        ]
    )
    return Words(subject, text)


def ended(escalation) -> Words:
    name = officer_name(escalation.round)
    subject = f"Update: {name}'s escalation - {escalation.end_reason}"
    lines = [escalation.end_reason + ".", "No more reminders will be sent for this escalation."]
    if escalation.acknowledged_note:
        lines.append(f"Note: {escalation.acknowledged_note}")
    lines.append(f"Details: {link(escalation_path(escalation))}")
    return Words(subject, "\n".join(lines))


SMS_LIMIT = 918  # GOV.UK Notify refuses longer text messages


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def alert_sms(escalation, step) -> str:
    """The same steps in a text message, kept under Notify's limit whatever the profile holds."""
    round_ = escalation.round
    name = officer_name(round_)
    visit = last_visit(round_)
    where = clip(
        escalation.last_known_location or (visit.address.splitlines()[0] if visit else "") or "not known", 100
    )
    if escalation.reason == "help":
        head = f"URGENT: {name} pressed I NEED HELP at {hhmm(escalation.opened_at)} at {where}."
    else:
        head = (
            f"URGENT: {name} missed a lone-worker check-in due {hhmm(escalation.due_check_in_at)}. "
            f"Last known: {where}."
        )
    if step.number > 1:
        head = f"{head} Reminder {step.number}: nobody is dealing with it yet."
    text = "\n".join(
        [
            head,
            f"1 Ring {name} on {round_.mobile or 'their mobile (not held)'}.",
            f"2 No answer: ring the visit address {visit_phone(visit) or '(no number held)'}.",
            f"3 Still no answer: call 999. Officer: {clip(round_.description or 'no description held', 120)}. "
            f"Vehicle: {clip(round_.vehicle or 'not held', 80)}. Last known: {where}.",
            f'Dealing with it? Press "I am dealing with this": {link(escalation_path(escalation))}',
        ]
    )
    return clip(text, SMS_LIMIT)
