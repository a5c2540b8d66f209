"""Documents on a case: upload one (/cases/<ref>/attach/) and download one (/cases/<ref>/attachments/<id>/),
in scope only, every download audited and checked against its checksum."""

from __future__ import annotations

from django import forms
from django.contrib import messages as flash
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from attend import audit
from attend.accounts.permissions import permission_required_for
from attend.jobs.uploads import upload_refusal

from . import access
from .attachments import (
    ACCEPTED_TEXT,
    AttachmentDamaged,
    AttachmentRefused,
    add_attachment,
    max_bytes,
    read_verified,
)
from .models import Attachment


class AttachForm(forms.Form):
    description = forms.CharField(
        label="What is the document?",
        max_length=300,
        help_text="For example: 'Letter from the GP about Amy's asthma, 3 November'",
        error_messages={"required": "Say what the document is"},
    )
    file = forms.FileField(
        label="Document",
        help_text=f"{ACCEPTED_TEXT[0].upper()}{ACCEPTED_TEXT[1:]}.",
        error_messages={"required": "Choose a file to add", "empty": "The file is empty"},
    )


@permission_required_for("cases.write")
def attach(request: HttpRequest, ref: str) -> HttpResponse:
    case = access.get_case_for_user(request.user, ref, write=True)
    form = AttachForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if refusal := upload_refusal(request):
            form.is_valid()
            form.errors.pop("file", None)
            form.add_error("file", refusal)
        elif form.is_valid():
            try:
                attachment = add_attachment(
                    case,
                    form.cleaned_data["file"],
                    by=request.user,
                    description=form.cleaned_data["description"],
                    request=request,
                )
            except AttachmentRefused as refused:
                form.add_error("file", str(refused))
            else:
                flash.success(request, f"{attachment.filename} added to the case")
                return redirect(f"/cases/{case.ref}/")
    limit_mb = max_bytes() // (1024 * 1024)
    return render(
        request, "casework/attachments/attach.html", {"case": case, "form": form, "limit_mb": limit_mb}
    )


@permission_required_for("cases.view")
def download(request: HttpRequest, ref: str, pk: int) -> HttpResponse:
    case = access.get_case_for_user(request.user, ref)
    attachment = Attachment.objects.select_related("entry").filter(pk=pk, entry__case=case).first()
    if attachment is None or (attachment.entry.restricted and not access.sees_restricted(request.user, case)):
        raise Http404("No document with that id on this case.")
    try:
        data = read_verified(attachment)
    except AttachmentDamaged as damaged:
        audit.record(
            "casework.attachment.damaged",
            request=request,
            obj=attachment,
            pupil=case.pupil,
            school=case.school,
            data={"case": case.ref, "filename": attachment.filename, "reason": str(damaged)},
        )
        return render(
            request,
            "casework/attachments/damaged.html",
            {"case": case, "attachment": attachment, "reason": str(damaged)},
            status=409,
        )
    audit.record(
        "casework.attachment.downloaded",
        request=request,
        obj=attachment,
        pupil=case.pupil,
        school=case.school,
        data={"case": case.ref, "filename": attachment.filename},
    )
    response = HttpResponse(data, content_type=attachment.content_type)
    response["Content-Disposition"] = f'attachment; filename="{attachment.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
