"""Pages: a pupil's professional network (see and edit), and the read-only roles' "my pupils"."""

from __future__ import annotations

from django.contrib import messages as flash
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from attend.accounts.permissions import has_permission, permission_required_for
from attend.core import clock
from attend.core.scoping import get_pupil_access

from . import network as svc
from .forms_network import MemberForm
from .models_network import NetworkRole


def _pupil(request: HttpRequest, upn: str, *, write: bool = False):
    """The pupil if the user may see them (404 otherwise); to write, the pupil must be current in their scope."""
    access = get_pupil_access(request.user, upn, today=clock.today())
    if write and not access.current:
        raise Http404("No pupil with that UPN whose current record you can change.")
    return access.pupil


def _role(role: str) -> str:
    if role not in NetworkRole.values:
        raise Http404("No such role in the professional network.")
    return role


@permission_required_for("network.view")
def network(request: HttpRequest, upn: str) -> HttpResponse:
    pupil = _pupil(request, upn)
    rows = [(role, NetworkRole(role).label, member) for role, member in svc.network_of(pupil).items()]
    return render(
        request,
        "partnership/network/network.html",
        {
            "pupil": pupil,
            "rows": rows,
            "can_write": has_permission(request.user, "network.write"),
            "needs_notice": svc.needs_same_day_notice(pupil),
            "notices": pupil.network_notices.all()[:10],
            "cutoff": svc.cutoff(),
        },
    )


@permission_required_for("network.write")
def member_edit(request: HttpRequest, upn: str, role: str) -> HttpResponse:
    pupil = _pupil(request, upn, write=True)
    role = _role(role)
    member = pupil.network.filter(role=role).first()
    initial = {f: getattr(member, f) for f in svc.FIELDS} if member else {}
    form = MemberForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            svc.set_member(pupil, role, by=request.user, request=request, **form.cleaned_data)
        except svc.NetworkError as exc:
            form.add_error(None, str(exc))
        else:
            flash.success(request, f"{NetworkRole(role).label} saved.")
            return redirect("partnership:network", upn=pupil.upn)
    return render(
        request,
        "partnership/network/member_form.html",
        {"pupil": pupil, "role": role, "role_label": NetworkRole(role).label, "member": member, "form": form},
    )


@require_POST
@permission_required_for("network.write")
def member_remove(request: HttpRequest, upn: str, role: str) -> HttpResponse:
    pupil = _pupil(request, upn, write=True)
    role = _role(role)
    try:
        svc.remove_member(pupil, role, by=request.user, request=request)
    except svc.NetworkError as exc:
        flash.error(request, str(exc))
    else:
        flash.success(request, f"{NetworkRole(role).label} removed.")
    return redirect("partnership:network", upn=pupil.upn)


@permission_required_for("partnership.my_pupils")
def my_pupils(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "partnership/network/my_pupils.html",
        {"rows": svc.my_pupils(request.user, clock.today()), "today": clock.today()},
    )
