"""What a message's fate puts on the work list (attend.alerts.events): a letter returned by the post ("gone away")
asks for an address check and a children-missing-education enquiry to be considered; a message sent in English to a
contact who needs another language asks for an interpreter or a translation."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from attend.alerts.events import RETURNED_POST, TRANSLATION_NEEDED, Event, raise_event
from attend.core import clock

from .compose import enrolment_on
from .context import contact_name
from .models import Message

LANGUAGE_NAMES = {
    "pl": "Polish",
    "ur": "Urdu",
    "pa": "Punjabi",
    "bn": "Bengali",
    "ro": "Romanian",
    "ar": "Arabic",
}


def _school(message: Message, day: dt.date):
    if message.school_id:
        return message.school
    enrolment = enrolment_on(message.pupil, day)
    return enrolment.school if enrolment else None


def _when(moment) -> str:
    """A moment as "25 Nov 2026"; None is the service's today (attend.core.clock)."""
    day = timezone.localtime(moment).date() if moment else clock.today()
    return f"{day.day} {day:%b %Y}"


def _title(message: Message) -> str:
    return message.template_version.template.title


def language_name(contact) -> str:
    preferred = (contact.preferred_language or "").strip() if contact else ""
    return LANGUAGE_NAMES.get(preferred.lower(), preferred) or "another language"


def returned_post(message: Message, *, by=None):
    """A returned letter: an address check for that contact, and a CME enquiry to consider."""
    day = clock.today()
    school = _school(message, day)
    if school is None:
        return None
    who = contact_name(message.contact) if message.contact else "the parent or carer"
    reason = (
        f"The letter '{_title(message)}' sent to {who} on {_when(message.sent_at)} came back undelivered "
        f"({message.status_reason or 'returned'}). Check the address held for {who} with the school and the "
        "family; if the family cannot be found, consider a children missing education enquiry."
    )
    event = Event(
        rule=RETURNED_POST,
        pupil=message.pupil,
        school=school,
        contact_id=message.contact_id,
        day=day,
        reason=reason,
        details={"message": message.pk, "contact": who, "why": message.status_reason},
        priority=2,
    )
    return raise_event(event, by=by)


def translation_needed(message: Message, *, by=None):
    """A message in English to a contact who needs an interpreter or another language."""
    day = clock.today()
    school = _school(message, day)
    contact = message.contact
    if school is None or contact is None:
        return None
    who = contact_name(contact)
    if contact.interpreter_needed:
        why = f"{who} needs an interpreter (recorded on their contact details)"
    else:
        language = language_name(contact)
        why = f"{who}'s preferred language is {language}, and there is no {language} version of this template"
    reason = (
        f"{why}: '{_title(message)}' ({message.get_route_display().lower()}, {_when(None)}) is "
        "in English. Arrange an interpreter or a translation, or telephone the family."
    )
    event = Event(
        rule=TRANSLATION_NEEDED,
        pupil=message.pupil,
        school=school,
        contact_id=contact.pk,
        day=day,
        reason=reason,
        details={"message": message.pk, "contact": who, "language": contact.preferred_language},
        priority=6,
        after_dismissal=False,
    )
    return raise_event(event, by=by)
