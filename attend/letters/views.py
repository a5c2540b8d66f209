"""Letters pages: the template library (admins), sending a letter for a pupil, and a pupil's messages."""

from __future__ import annotations

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from attend import audit
from attend.accounts.permissions import has_permission, permission_required_for
from attend.core import clock
from attend.core.scoping import get_pupil_for_user

from . import library, pages
from .compose import MessageError
from .fields import FIELDS
from .forms import SendForm, VersionForm
from .models import LetterTemplate, Message
from .services import RETURNABLE_ROUTES, message_create, message_mark_returned, message_send

# The library is edited by those who set their LA's or school's alert thresholds (LA managers, attendance leads,
# headteachers); letters are sent by those who act on the work list. See docs/letters.md.
EDIT = "settings.thresholds"
SEND = "alerts.act"


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
    pupil = get_pupil_for_user(request.user, upn)
    as_of = clock.today()
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
    pupil = get_pupil_for_user(request.user, upn)
    audit.pupil_viewed(request, pupil, page="letters.messages")
    rows = pupil.messages.select_related("template_version__template", "contact").defer("pdf", "body_html")
    return render(request, "letters/messages.html", {"pupil": pupil, "messages_list": rows[:200]})


@permission_required_for("pupil.view")
def message_detail(request: HttpRequest, upn: str, pk: int) -> HttpResponse:
    pupil = get_pupil_for_user(request.user, upn)
    message = get_object_or_404(
        Message.objects.select_related("template_version__template"), pk=pk, pupil=pupil
    )
    can_mark = has_permission(request.user, SEND) and message.route in RETURNABLE_ROUTES
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
