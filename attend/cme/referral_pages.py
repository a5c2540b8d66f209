"""Sending a child's enquiry to the LA that is responsible for it (issue 20, "Children from other LAs"): the LA
where the child lives owns the CME enquiry (CME statutory guidance, August 2024), so the school's LA refers it
there; a looked-after child placed out of area belongs to the virtual school of the LA that looks after the child
(Children Act 1989 s22(3A)), which is told too. Referrals made on closing ("found in another LA") are in
enquiries.close_enquiry."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib import messages as flash
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from attend.accounts import identity
from attend.accounts.permissions import has_permission, permission_required_for
from attend.casework.chronology import EntryRefused
from attend.core import clock
from attend.schools.models import LocalAuthority

from . import access
from .models_enquiries import CmeEnquiry, LaReferral
from .referrals import refer_to_la


@dataclass(frozen=True)
class Target:
    reason: str  # LaReferral.Reason
    from_la: LocalAuthority
    to_la: LocalAuthority
    why: str


def referral_targets(enquiry: CmeEnquiry) -> list[Target]:
    """The LAs this enquiry should be sent to and has not been yet: the LA where the child lives (from the school's
    LA), and the LA that looks after a looked-after child (from the responsible LA)."""
    targets = []
    school_la = enquiry.school.local_authority if enquiry.school_id else None
    if school_la is not None and school_la.pk != enquiry.local_authority_id:
        targets.append(Target(LaReferral.Reason.LIVES_THERE, school_la, enquiry.local_authority,
                              f"The child lives in {enquiry.local_authority.name}: it owns the enquiry."))  # fmt: skip
    placing = enquiry.placing_la
    if placing is not None and placing.pk != enquiry.local_authority_id:
        targets.append(Target(LaReferral.Reason.LOOKED_AFTER, enquiry.local_authority, placing,
                              f"Looked after by {placing.name}: its virtual school must know."))  # fmt: skip
    sent = set(enquiry.la_referrals.values_list("reason", "to_la_id"))
    return [t for t in targets if (t.reason, t.to_la.pk) not in sent]


def may_refer(user, enquiry: CmeEnquiry, target: Target) -> bool:
    """The referring LA's staff (cme.decide), or a superuser."""
    if not has_permission(user, "cme.decide"):
        return False
    return identity.is_superuser(user) or target.from_la.pk in access.la_ids(user)


class ReferForm(forms.Form):
    sent_to = forms.CharField(
        label="Who at that LA (an email address, or the team)", max_length=200,
        help_text="An email address gets the referral by email; a team name is recorded only",
        error_messages={"required": "Say who at that local authority the referral goes to"},
    )  # fmt: skip
    summary = forms.CharField(
        label="What you share with them", widget=forms.Textarea, max_length=4000,
        error_messages={"required": "Say what is shared with the other local authority"},
    )  # fmt: skip


def _summary(enquiry: CmeEnquiry) -> str:
    made = ", ".join(c.get_kind_display().lower() for c in enquiry.checks.all()) or "none yet"
    return (
        f"Children missing education enquiry {enquiry.ref}: {enquiry.concern} Enquiries made so far: {made}."
    )


@permission_required_for("cme.decide")
def enquiry_refer(request: HttpRequest, ref: str, reason: str) -> HttpResponse:
    enquiry = access.get_enquiry_for_user(request.user, ref, write=True)
    target = next((t for t in referral_targets(enquiry) if t.reason == reason), None)
    if (
        target is None
        or enquiry.status != CmeEnquiry.Status.OPEN
        or not may_refer(request.user, enquiry, target)
    ):
        raise Http404("No referral of that kind to make on this enquiry.")
    form = ReferForm(request.POST or None, initial={"summary": _summary(enquiry)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            refer_to_la(
                by=request.user, to_la=target.to_la, from_la=target.from_la, reason=target.reason,
                sent_to=data["sent_to"], summary=data["summary"], enquiry=enquiry, on=clock.today(), request=request,
            )  # fmt: skip
        except EntryRefused as refused:
            form.add_error(None, str(refused))
        else:
            flash.success(request, f"Referral to {target.to_la.name} recorded")
            return redirect("cme:enquiry", ref=enquiry.ref)
    return render(request, "cme/enquiries/refer.html", {"enquiry": enquiry, "target": target, "form": form})
