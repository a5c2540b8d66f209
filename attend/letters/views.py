"""Letters pages: the template library (admins), sending a letter for a pupil, and a pupil's messages."""

from __future__ import annotations

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from attend import audit
from attend.accounts.permissions import has_permission, permission_required_for
from attend.core import clock
from attend.core.scoping import get_pupil_access

from . import library, pages
from .compose import MessageError
from .fields import FIELDS
from .forms import SendForm, VersionForm
from .models import LetterTemplate
from .pages import messages_seen_by
from .services import RETURNABLE_ROUTES, message_create, message_mark_returned, message_send

# The library is edited by LA managers, attendance leads and headteachers; letters are sent by school and LA staff
# (attend/accounts/permissions.py). See docs/letters.md.
EDIT = "letters.templates"
SEND = "letters.send"


@permission_required_for(EDIT)
def template_library(request: HttpRequest) -> HttpResponse:
    owner = pages.owner_from_request(request)
    return render(
        request,
        "letters/library.html",
        {
            "owner": owner,
            "owners": pages.owners(request.user),
            "templates": pages.library_rows(owner),
            "fields": FIELDS,
        },
    )


@permission_required_for(EDIT)
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    owner = pages.owner_from_request(request)
    template = get_object_or_404(LetterTemplate, pk=pk, owner_key__in=pages.visible_owner_keys(owner))
    current = template.current
    form = VersionForm(
        request.POST or None,
        channel=template.channel,
        initial={"subject": current.subject, "body": current.body},
    )
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if "save" in request.POST:
            version = library.version_save(
                template,
                subject=data["subject"],
                body=data["body"],
                by=request.user,
                note=data["note"],
                **owner.kwargs,
            )
            flash.success(
                request, f"Saved {version.template.title}, version {version.number}, for {owner.label}."
            )
            return redirect(pages.library_url(owner))
        preview, problem = pages.preview_version(request, template, data, owner)
        if problem:
            form.add_error("preview_upn", problem)
    return render(
        request,
        "letters/template_edit.html",
        {
            "template": template,
            "form": form,
            "preview": preview,
            "owner": owner,
            "fields": FIELDS,
            "versions": template.versions.order_by("-number")[:10],
        },
    )


@permission_required_for(SEND)
def pupil_send(request: HttpRequest, upn: str) -> HttpResponse:
    as_of = clock.today()
    access = get_pupil_access(request.user, upn, today=as_of)
    if not access.current:
        # A school the pupil has left sees its own period, read-only: no letters, and not today's contacts.
        raise PermissionDenied("The pupil has left your school: their record there is read-only.")
    pupil = access.pupil
    templates, contacts = pages.send_choices(pupil, as_of)
    form = SendForm(request.POST or None, templates=templates, contacts=contacts)
    preview = None
    if request.method == "POST" and form.is_valid():
        try:
            draft = pages.draft_from_form(
                form.cleaned_data,
                pupil,
                contacts,
                request.user,
                as_of,
                with_pdf="preview" not in request.POST,
            )
            if "preview" in request.POST:
                preview = draft
            elif "download" in request.POST:
                return pages.print_download(draft, request.user, as_of)
            else:
                message = message_send(message_create(draft, as_of=as_of, by=request.user), by=request.user)
                level = flash.success if message.status == "sent" else flash.error
                level(
                    request,
                    f"{message.get_route_display()}: {message.get_status_display()}. "
                    f"{message.status_reason}".strip(),
                )
                return redirect("letters:pupil-messages", upn=pupil.upn)
        except MessageError as exc:
            form.add_error(None, str(exc))
    audit.pupil_viewed(request, pupil, page="letters.send")
    return render(request, "letters/send.html", {"pupil": pupil, "form": form, "preview": preview})


@permission_required_for("pupil.view")
def pupil_messages(request: HttpRequest, upn: str) -> HttpResponse:
    access = get_pupil_access(request.user, upn, today=clock.today())
    audit.pupil_viewed(request, access.pupil, page="letters.messages")
    rows = messages_seen_by(access)[:200]
    return render(request, "letters/messages.html", {"pupil": access.pupil, "messages_list": rows})


@permission_required_for("pupil.view")
def message_detail(request: HttpRequest, upn: str, pk: int) -> HttpResponse:
    access = get_pupil_access(request.user, upn, today=clock.today())
    pupil = access.pupil
    message = get_object_or_404(messages_seen_by(access).defer(None), pk=pk)
    # Only the school that holds the pupil now records what happened to a letter (its own period is read-only).
    can_mark = access.current and has_permission(request.user, SEND) and message.route in RETURNABLE_ROUTES
    problem = ""
    if request.method == "POST":
        if not can_mark:
            raise PermissionDenied("You cannot record a returned letter.")
        try:
            message_mark_returned(message, by=request.user, note=request.POST.get("note", ""))
        except MessageError as exc:
            problem = str(exc)
        else:
            flash.success(request, "Marked returned. The work list now asks for an address check.")
            return redirect("letters:message", upn=pupil.upn, pk=message.pk)
    audit.record("letters.message.viewed", request=request, obj=message, pupil=pupil)
    if request.GET.get("format") == "pdf":
        if not message.pdf:
            raise Http404("This message has no PDF.")
        response = HttpResponse(bytes(message.pdf), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{pupil.upn}-{message.pk}.pdf"'
        return response
    context = {"pupil": pupil, "message": message, "can_mark_returned": can_mark, "problem": problem}
    return render(request, "letters/message.html", context)
