"""A case's family page (/cases/<ref>/family/): the confirmed brothers and sisters with their open cases, and
suggested ones an officer may confirm (with a reason) or a member they may remove. Nothing is joined unasked."""

from __future__ import annotations

from django import forms
from django.contrib import messages as flash
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from attend.accounts.permissions import permission_required_for
from attend.core.scoping import pupils_visible_to

from . import access
from .families import FamilyRefused, confirm_member, family_of, family_rows, remove_member, suggest_siblings
from .models import FamilyMember


class ConfirmForm(forms.Form):
    pupil = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="How do you know they are brothers or sisters?",
        max_length=200,
        help_text="For example: 'Mother confirmed on the phone, 18 November'",
        error_messages={"required": "Say how you know they are brothers or sisters"},
    )


class RemoveForm(forms.Form):
    member = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label="Why remove them?", max_length=200, required=False)


@permission_required_for("cases.view")
def family(request: HttpRequest, ref: str) -> HttpResponse:
    case = access.get_case_for_user(request.user, ref)
    if case.pupil_id is None:
        raise Http404("This case is about a child with no pupil record yet: link it to one first.")
    pupil, can_write = case.pupil, access.may_write(request.user, case)
    confirm, remove = ConfirmForm(prefix="confirm"), RemoveForm(prefix="remove")
    if request.method == "POST":
        if not can_write:
            raise Http404("No case with that reference that you may change.")
        if request.POST.get("action") == "remove":
            remove = RemoveForm(request.POST, prefix="remove")
            if remove.is_valid():
                member = FamilyMember.objects.filter(
                    pk=remove.cleaned_data["member"],
                    family=family_of(pupil),
                    pupil__in=pupils_visible_to(request.user),
                ).first()
                if member is None:
                    raise Http404("No such member of this family.")
                name = f"{member.pupil.legal_forename} {member.pupil.legal_surname}"
                remove_member(member, by=request.user, reason=remove.cleaned_data["reason"], request=request)
                flash.success(request, f"{name} removed from the family")
                return redirect(request.path)
        else:
            confirm = ConfirmForm(request.POST, prefix="confirm")
            if confirm.is_valid():
                suggested = {s.pupil.upn: s for s in suggest_siblings(pupil, request.user)}
                sibling = suggested.get(confirm.cleaned_data["pupil"])
                if sibling is None:
                    confirm.add_error("pupil", "That child is not among the suggestions for this family")
                else:
                    try:
                        confirm_member(
                            pupil,
                            sibling.pupil,
                            by=request.user,
                            reason=confirm.cleaned_data["reason"],
                            local_authority=case.local_authority,
                            request=request,
                        )
                    except FamilyRefused as refused:
                        confirm.add_error("reason", str(refused))
                    else:
                        flash.success(request, f"{sibling.pupil.legal_forename} added to the family")
                        return redirect(request.path)
    current = family_of(pupil)
    return render(
        request,
        "casework/families/family.html",
        {
            "case": case,
            "family": current,
            "rows": family_rows(current, request.user),
            "suggestions": suggest_siblings(pupil, request.user),
            "can_write": can_write,
            "confirm": confirm,
            "remove": remove,
            "chosen": request.POST.get("confirm-pupil", ""),
        },
        status=200,
    )
