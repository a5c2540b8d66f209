"""Composing one message: which template variant, to whom, with which figures, rendered for its route."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from attend.people.models import Contact, Enrolment, Pupil, PupilContact

from . import library
from .confidential import confidential_addresses, confidential_addresses_of, printed, same_address
from .context import (
    MessageContext,
    Officer,
    address_lines,
    contact_name,
    has_postal_address,
    letterhead_for,
)
from .figures import AttendanceFigures, enrolment_figures
from .models import Channel, ContactPreference, LetterTemplate, Message, TemplateVersion
from .render import Rendered, email_html, letter_html, pdf_bytes, render_parts
from .sms import MAX_FRAGMENTS, sms_length

R = Message.Route
ROUTES_FOR_CHANNEL = {
    Channel.LETTER: (R.POST, R.PRINT, R.EMAIL),
    Channel.EMAIL: (R.EMAIL,),
    Channel.SMS: (R.SMS,),
}


class MessageError(Exception):
    """A message that cannot be made or sent, with a reason a person can act on."""


class NoAddress(MessageError):
    pass


def liable_contacts(pupil: Pupil) -> list[PupilContact]:
    """Contacts with parental responsibility (each may be liable: formal letters go to every one of them, at
    their own address), in the school's priority order; else those the pupil lives with."""
    return choose_liable(pupil.contact_links.select_related("contact").order_by("priority", "id"))


def choose_liable(links) -> list[PupilContact]:
    """`liable_contacts` from a pupil's links already in priority order."""
    links = list(links)
    liable = [pc for pc in links if pc.parental_responsibility]
    return liable or [pc for pc in links if pc.lives_with_pupil]


class Lookups:
    """What composing reads besides the pupil, remembered across many letters (a batch): the template each school
    resolves to, letterheads, and (after `prefetch`) contact preferences and confidential addresses in bulk.
    One letter uses a fresh one, which reads as it goes."""

    def __init__(self):
        self._templates: dict = {}
        self._heads: dict = {}
        self._prefs: dict[int, ContactPreference] | None = None
        self._secrets: dict[int, list] | None = None

    def resolve(self, name: str, school, language: str):
        key = (name, school.pk if school else None, language)
        if key not in self._templates:
            self._templates[key] = library.resolve(name, school, language)
        return self._templates[key]

    def letterhead(self, school) -> dict:
        key = school.pk if school else None
        if key not in self._heads:
            self._heads[key] = letterhead_for(school)
        return self._heads[key]

    def prefetch(self, pupils: list[Pupil], contacts: list[Contact]) -> None:
        self._prefs = {p.contact_id: p for p in ContactPreference.objects.filter(contact__in=contacts)}
        self._secrets = confidential_addresses_of(pupils)

    def preference(self, contact: Contact | None) -> ContactPreference | None:
        if contact is None:
            return None
        if self._prefs is not None:
            return self._prefs.get(contact.pk)
        return ContactPreference.objects.filter(contact=contact).first()

    def secrets(self, pupil: Pupil, contact: Contact | None) -> list:
        if self._secrets is None:
            return confidential_addresses(pupil, recipient=contact)
        mine = contact.pk if contact is not None else None
        return [s for s in self._secrets.get(pupil.pk, []) if s.contact_id != mine]


def enrolment_on(pupil: Pupil, day: dt.date) -> Enrolment | None:
    enrolments = pupil.enrolments.select_related("school", "school__local_authority").order_by(
        "-admission_date"
    )
    on_roll = enrolments.filter(admission_date__lte=day).filter(
        Q(leaving_date__isnull=True) | Q(leaving_date__gte=day)
    )
    return on_roll.first() or enrolments.first()


def recipient_for(route: str, contact: Contact | None) -> str:
    """The address for a route, or NoAddress with a reason (never an exception a person cannot act on)."""
    who = contact_name(contact) if contact else "This pupil"
    if contact is None:
        raise NoAddress("There is no parent or carer with parental responsibility on record for this pupil.")
    if route == R.SMS:
        if not contact.phone_mobile:
            raise NoAddress(f"{who} has no mobile number on record, so a text message cannot be sent.")
        return contact.phone_mobile
    if route == R.EMAIL:
        if not contact.email:
            raise NoAddress(f"{who} has no email address on record, so an email cannot be sent.")
        return contact.email
    if not has_postal_address(contact):
        raise NoAddress(
            f"{who} has no postal address (first line and postcode) on record, so a letter cannot be posted."
        )
    return "\n".join(address_lines(contact))


@dataclass
class Draft:
    template: LetterTemplate
    version: TemplateVersion
    pupil: Pupil
    enrolment: Enrolment | None
    contact: Contact | None
    route: str
    recipient: str
    rendered: Rendered
    html: str  # the email HTML or the letter page HTML
    language: str
    interpreter_needed: bool
    pdf: bytes | None = None

    @property
    def sms(self):
        return sms_length(self.rendered.text)


def compose(
    *,
    template_name: str,
    pupil: Pupil,
    contact: Contact | None,
    route: str,
    as_of: dt.date,
    by=None,
    figures: AttendanceFigures | None = None,
    meeting=None,
    plan=None,
    timetable=None,
    absence_date: dt.date | None = None,
    version: TemplateVersion | None = None,
    with_pdf: bool = True,
    check_address: bool = True,
    lookups: Lookups | None = None,
    enrolment: Enrolment | None = None,
) -> Draft:
    """Render a template for one pupil and contact. `version` pins an exact version (a preview of unsaved text
    passes an unsaved TemplateVersion). A batch passes its `lookups` and each pupil's `enrolment` on `as_of`."""
    lookups = lookups or Lookups()
    enrolment = enrolment or enrolment_on(pupil, as_of)
    school = enrolment.school if enrolment else None
    language = language_code(contact.preferred_language if contact else "")
    template, found = lookups.resolve(template_name, school, language)
    version = version or template.current
    if route not in ROUTES_FOR_CHANNEL[template.channel]:
        raise MessageError(f"A {template.get_channel_display().lower()} template cannot be sent by {route}.")
    recipient = recipient_for(route, contact) if check_address else ""
    if figures is None and enrolment is not None:
        figures = enrolment_figures(enrolment, as_of)
    head = lookups.letterhead(school)
    ctx = MessageContext(
        pupil=pupil,
        enrolment=enrolment,
        contact=contact,
        figures=figures,
        as_of=as_of,
        officer=Officer.from_user(by, head),
        absence_date=absence_date or as_of,
        reference=f"{pupil.upn}/{template.name}",
    )
    if meeting is not None:
        ctx.meeting = meeting
    if plan is not None:
        ctx.plan = plan
    if timetable is not None:
        ctx.timetable = timetable
    rendered = render_parts(version.subject, version.body, ctx.merge(head))
    keep_confidential_addresses(
        lookups.secrets(pupil, contact),
        contact,
        rendered,
        address_block=template.channel == Channel.LETTER and route != R.EMAIL,
    )
    prefs = lookups.preference(contact)
    interpreter = bool(contact and (contact.interpreter_needed or (language != "en" and not found)))
    if template.channel == Channel.SMS:
        length = sms_length(rendered.text)
        if length.fragments > MAX_FRAGMENTS:
            raise MessageError(f"This text message would be {length}; the most allowed is {MAX_FRAGMENTS}.")
        html = ""
    elif route == R.EMAIL:
        html = email_html(rendered, letterhead=head)
    else:
        html = letter_html(
            rendered,
            letterhead=head,
            address_lines=address_lines(contact),
            date_text=f"{as_of.day} {as_of:%B %Y}",
            reference=ctx.reference,
            large_print=bool(prefs and prefs.large_print),
            offer_phone_call=bool(prefs and prefs.offer_phone_call),
            translation_note=template.translation_note if template.language != "en" else "",
        )
    draft = Draft(
        template,
        version,
        pupil,
        enrolment,
        contact,
        route,
        recipient,
        rendered,
        html,
        template.language,
        interpreter,
    )
    if with_pdf and template.channel == Channel.LETTER and route in (R.POST, R.PRINT):
        draft.pdf = pdf_bytes(html)
    return draft


def keep_confidential_addresses(
    secrets: list, contact: Contact | None, rendered: Rendered, *, address_block: bool
):
    """Refuse a message that would print another contact's confidential address (attend.letters.confidential):
    `secrets` are the confidential addresses of the pupil's other contacts."""
    who = contact_name(contact) if contact else "this recipient"
    for secret in secrets:
        if address_block and same_address(contact, secret):
            raise NoAddress(
                f"The address on record for {who} is the same as an address that is confidential to another "
                "contact, so this letter cannot be addressed to it. Check where they live first."
            )
        if printed(
            secret, f"{rendered.subject}\n{rendered.text}", own_postcode=contact.postcode if contact else ""
        ):
            raise MessageError(
                f"This message to {who} would print an address that is confidential to another contact. "
                "Take the address out of the meeting details or the wording."
            )


# Contact languages as MIS exports hold them (names, DfE codes or ISO codes) to template language codes.
LANGUAGE_CODES = {
    "": "en",
    "english": "en",
    "eng": "en",
    "polish": "pl",
    "pol": "pl",
    "urdu": "ur",
    "urd": "ur",
}


def language_code(preferred: str) -> str:
    value = (preferred or "").strip().lower()
    return LANGUAGE_CODES.get(value, value[:2])
