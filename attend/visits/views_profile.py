"""/visits/profile/ (the officer's own), /visits/officers/ (the manager's view), /visits/contacts/ (the team's
escalation contacts)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from attend.accounts.identity import is_superuser
from attend.accounts.permissions import permission_required_for
from attend.core import clock

from . import profiles
from .lone import profile_of, team_of
from .models import EscalationContact


@permission_required_for("visits.write")
def profile(request):
    officer_profile = profile_of(request.user)
    today = clock.today()
    if request.method == "POST":
        form = profiles.ProfileForm(request.POST, instance=officer_profile, today=today)
        if form.is_valid():
            changed = profiles.save_profile(officer_profile, form, by=request.user)
            messages.success(request, "Your visit profile is saved" if changed else "Nothing changed")
            return redirect("visits:profile")
    else:
        form = profiles.ProfileForm(instance=officer_profile, today=today)
    return render(request, "visits/profile/profile.html", {"form": form, "profile": officer_profile})


@permission_required_for("visits.manage")
def officers(request):
    rows = profiles.officers_for_manager(request.user, clock.today())
    return render(
        request,
        "visits/profile/officers.html",
        {
            "rows": rows,
            "warnings": [r for r in rows if r.warn],
            "training_years": settings.ATTEND_VISITS_TRAINING_YEARS,
            "dbs_years": settings.ATTEND_VISITS_DBS_YEARS,
        },
    )


@permission_required_for("visits.manage")
def contacts(request):
    school, la = team_of(request.user)
    if request.method == "POST":
        form = profiles.ContactForm(request.POST)
        if school is None and la is None:
            form.add_error(None, "You are not in a school or LA team, so you have no escalation contacts")
        elif form.is_valid():
            contact = profiles.contact_add(form, by=request.user)
            messages.success(request, f"{contact.name} is now an escalation contact")
            return redirect("visits:contacts")
    else:
        form = profiles.ContactForm()
    rows = profiles.contacts_for(request.user)
    return render(
        request,
        "visits/profile/contacts.html",
        {
            "form": form,
            "team": school.name if school else (la.name if la else ""),
            "active": rows.filter(active=True),
            "ended": rows.filter(active=False),
        },
    )


@permission_required_for("visits.manage")
@require_POST
def contact_end(request, pk: int):
    scope = (
        EscalationContact.objects.all() if is_superuser(request.user) else profiles.contacts_for(request.user)
    )
    contact = get_object_or_404(scope, pk=pk)
    profiles.contact_end(contact, by=request.user)
    messages.success(request, f"{contact.name} is no longer told of missed check-ins")
    return redirect("visits:contacts")
