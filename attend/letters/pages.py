"""Helpers behind the letters pages (kept out of views.py so the views stay thin)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.urls import reverse

from attend import audit
from attend.core.scoping import get_pupil_access
from attend.directory.scope import threshold_las, threshold_schools
from attend.people.models import Pupil

from . import library
from .compose import Draft, MessageError, compose, enrolment_on
from .context import Meeting
from .models import LetterTemplate, Message, TemplateVersion
from .services import default_key, message_create, message_send


@dataclass
class Owner:
    """Whose library is being edited: an LA or a school the signed-in person manages."""

    kind: str  # "la" or "school"
    obj: object

    @property
    def label(self) -> str:
        return self.obj.name

    @property
    def kwargs(self) -> dict:
        return {"la": self.obj} if self.kind == "la" else {"school": self.obj}

    @property
    def query(self) -> str:
        return f"la={self.obj.pk}" if self.kind == "la" else f"school={self.obj.urn}"

    @property
    def school(self):
        return self.obj if self.kind == "school" else None


def owners(user) -> list[Owner]:
    return [Owner("la", la) for la in threshold_las(user).order_by("name")] + [
        Owner("school", s) for s in threshold_schools(user).order_by("name")[:200]
    ]


def owner_from_request(request) -> Owner:
    params = (
        request.POST
        if request.method == "POST" and ("la" in request.POST or "school" in request.POST)
        else request.GET
    )
    la, urn = params.get("la", ""), params.get("school", "")
    if la.isdigit():
        found = threshold_las(request.user).filter(pk=int(la)).first()
        if found:
            return Owner("la", found)
    elif urn.isdigit():
        found = threshold_schools(request.user).filter(urn=int(urn)).first()
        if found:
            return Owner("school", found)
    elif choices := owners(request.user):
        return choices[0]
    raise PermissionDenied("You do not manage the letters of that LA or school.")


def visible_owner_keys(owner: Owner) -> list[str]:
    if owner.kind == "school":
        return library.owner_keys(owner.obj)
    return [f"la:{owner.obj.pk}", "default"]


def library_rows(owner: Owner) -> list[LetterTemplate]:
    keys = visible_owner_keys(owner)
    rank = {k: i for i, k in enumerate(keys)}
    best: dict[tuple, LetterTemplate] = {}
    for t in LetterTemplate.objects.filter(owner_key__in=keys).select_related(
        "current", "school", "trust", "local_authority"
    ):
        k = (t.name, t.language)
        if k not in best or rank[t.owner_key] < rank[best[k].owner_key]:
            best[k] = t
    return sorted(best.values(), key=lambda t: (t.kind, t.name, t.language))


def library_url(owner: Owner) -> str:
    return f"{reverse('letters:library')}?{owner.query}"


def preview_version(request, template: LetterTemplate, data: dict, owner: Owner) -> tuple[Draft | None, str]:
    """Render unsaved text against a real pupil the person may see (scope-checked), without saving anything."""
    upn = (data.get("preview_upn") or "").strip().upper()
    if not upn:
        return None, "Enter the UPN of a pupil to preview the letter for"
    try:
        access = get_pupil_access(request.user, upn, today=_today())
    except Http404:
        return None, "No pupil with that UPN in your scope"
    if not access.current:
        # A school the pupil has left sees its own period only, not today's contacts and address.
        return None, "That pupil has left your school: preview the letter for a pupil on roll"
    pupil = access.pupil
    from .compose import liable_contacts

    contacts = liable_contacts(pupil)
    unsaved = TemplateVersion(template=template, number=0, subject=data.get("subject", ""), body=data["body"])
    route = {"letter": "print", "email": "email", "sms": "sms"}[template.channel]
    try:
        draft = compose(
            template_name=template.name,
            pupil=pupil,
            contact=contacts[0].contact if contacts else None,
            route=route,
            as_of=_today(),
            by=request.user,
            version=unsaved,
            with_pdf=False,
            check_address=False,
        )
    except MessageError as exc:
        return None, str(exc)
    audit.pupil_viewed(request, pupil, page="letters.template_preview")
    return draft, ""


def _today() -> dt.date:
    from attend.core import clock

    return clock.today()


def send_choices(pupil: Pupil, as_of: dt.date):
    enrolment = enrolment_on(pupil, as_of)
    templates = [
        t
        for t in library.available(enrolment.school if enrolment else None)
        if t.name not in library.NOT_FOR_FAMILIES
    ]
    contacts = list(pupil.contact_links.select_related("contact").order_by("priority", "id"))
    return templates, contacts


def draft_from_form(data: dict, pupil: Pupil, contacts, by, as_of: dt.date, *, with_pdf: bool) -> Draft:
    contact = next(pc.contact for pc in contacts if str(pc.contact_id) == data["contact"])
    meeting = Meeting(
        kind=data.get("meeting_kind", ""),
        date=data.get("meeting_date"),
        time=data.get("meeting_time", ""),
        length=data.get("meeting_length", ""),
        how_to_join=data.get("meeting_how_to_join", ""),
        agenda=data.get("meeting_agenda", ""),
    )
    route = data["route"]
    return compose(
        template_name=data["template"],
        pupil=pupil,
        contact=contact,
        route=route,
        as_of=as_of,
        by=by,
        meeting=meeting,
        with_pdf=with_pdf,
    )


def print_download(draft: Draft, by, as_of: dt.date) -> HttpResponse:
    """A letter printed by staff is a message too: recorded once (route "print"); downloading it again the same
    day gives the same recorded PDF."""
    if draft.route != Message.Route.PRINT or draft.pdf is None:
        raise MessageError(
            "Choose 'Printed and posted or handed over by staff' to download a letter as a PDF."
        )
    existing = Message.objects.filter(idempotency_key=default_key(draft, as_of)).first()
    message = existing or message_send(message_create(draft, as_of=as_of, by=by), by=by)
    response = HttpResponse(bytes(message.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{draft.pupil.upn}-{draft.template.name}.pdf"'
    return response


def messages_seen_by(access):
    """The pupil's messages that the reader's own enrolment periods cover (attend.core.scoping.PupilAccess): a
    school the pupil left sees the letters it sent while the pupil was there, not the new school's."""
    rows = access.pupil.messages.select_related("template_version__template", "contact", "pupil").defer(
        "pdf", "body_html"
    )
    if access.whole:
        return rows
    return rows.filter(school_id__in=access.school_ids).filter(access.during("created_at__date"))
