"""Settings pages in the GOV.UK style: alert thresholds, users and memberships, the services directory."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from attend.accounts import identity
from attend.accounts.permissions import has_permission, permission_required_for
from attend.accounts.views import first_password_response
from attend.alerts.models import RuleSetting
from attend.alerts.rules import DEFAULTS
from attend.web.selectors import rule_title

from . import scope as sc
from .forms import MembershipAddForm, RoleForm, ServiceForm, UserAddForm
from .models import Service
from .services import (
    membership_add,
    membership_change_role,
    rule_settings_save,
    service_save,
    user_add,
    user_set_active,
)

SETTING_LABELS = {
    "percent": "Percentage of possible sessions missed",
    "min_possible_sessions": "Fewest possible sessions before the rule applies",
    "margin_pp": "Margin below the threshold (percentage points)",
    "recent_weeks": "Recent weeks looked at",
    "baseline_weeks": "Earlier weeks compared with",
    "sessions": "Sessions",
    "school_weeks": "Within this many school weeks",
    "school_days": "School days",
    "minutes_after_start": "Minutes after the session starts",
    "am_start": "Morning registration opens (HH:MM)",
    "pm_start": "Afternoon registration opens (HH:MM)",
    "register_open_minutes": "Minutes the register stays open",
    "min_sessions": "Fewest sessions",
    "share": "Share of absences (0 to 1)",
    "min_break_weekdays": "Shortest holiday, in weekdays",
    "min_breaks": "Fewest holidays with absence beside them",
    "max_spell_sessions": "Longest spell counted as short (sessions)",
    "min_spells": "Fewest short spells",
    "drop_pp": "Drop in attendance (percentage points)",
    "min_recent_sessions": "Fewest recent sessions",
    "min_baseline_sessions": "Fewest earlier sessions",
}


@permission_required_for("settings.view")
def settings_index(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "directory/settings_index.html",
        {
            "thresholds": has_permission(user, "settings.thresholds"),
            "users": has_permission(user, "settings.users"),
            "services": has_permission(user, "services.view"),
            "admin": has_permission(user, "admin.site"),
        },
    )


# ----- alert thresholds


@permission_required_for("settings.thresholds")
def thresholds(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "directory/thresholds.html",
        {
            "las": sc.threshold_las(request.user).order_by("name"),
            "schools": sc.threshold_schools(request.user).select_related("local_authority").order_by("name"),
        },
    )


def _threshold_rows(la, school, posted=None, errors=None):
    la_values = {
        (s.rule, s.name): s.value for s in RuleSetting.objects.filter(local_authority=la, school=None)
    }
    own = (
        {(s.rule, s.name): s.value for s in RuleSetting.objects.filter(school=school)}
        if school
        else la_values
    )
    rows = []
    for rule, names in DEFAULTS.items():
        for name, default in names.items():
            key = f"{rule}__{name}"
            rows.append(
                {
                    "rule": rule,
                    "rule_title": "School day times" if rule == "school" else rule_title(rule),
                    "name": name,
                    "label": SETTING_LABELS.get(name, name.replace("_", " ").capitalize()),
                    "key": key,
                    "default": default,
                    "la_value": la_values.get((rule, name)) if school else None,
                    "value": posted.get(key, "") if posted is not None else own.get((rule, name), ""),
                    "error": (errors or {}).get(f"{rule}.{name}"),
                }
            )
    return rows


def _edit_thresholds(request, *, la=None, school=None) -> HttpResponse:
    target_la = la or school.local_authority
    errors = None
    if request.method == "POST":
        values = {
            (rule, name): request.POST.get(f"{rule}__{name}", "")[:40]
            for rule, names in DEFAULTS.items()
            for name in names
        }
        try:
            changed = rule_settings_save(by=request.user, values=values, la=la, school=school)
        except ValidationError as exc:
            errors = {k: "; ".join(v) for k, v in exc.message_dict.items()}
        else:
            messages.success(
                request,
                f"{len(changed)} setting{'s' if len(changed) != 1 else ''} changed. New alerts follow them from "
                "the next evaluation.",
            )
            return redirect(request.path)
    rows = _threshold_rows(target_la, school, request.POST if errors else None, errors)
    return render(
        request,
        "directory/thresholds_edit.html",
        {"la": la, "school": school, "rows": rows, "errors": [r for r in rows if r["error"]]},
    )


@permission_required_for("settings.thresholds")
def thresholds_la(request: HttpRequest, pk: int) -> HttpResponse:
    la = sc.threshold_las(request.user).filter(pk=pk).first()
    if la is None:
        raise Http404("No local authority with that id that you manage.")
    return _edit_thresholds(request, la=la)


@permission_required_for("settings.thresholds")
def thresholds_school(request: HttpRequest, urn: int) -> HttpResponse:
    school = sc.threshold_schools(request.user).select_related("local_authority").filter(urn=urn).first()
    if school is None:
        raise Http404("No school with that URN whose settings you manage.")
    return _edit_thresholds(request, school=school)


# ----- users and memberships


@permission_required_for("settings.users")
def users(request: HttpRequest) -> HttpResponse:
    people = sc.users_in_scope(request.user).prefetch_related(
        "memberships__school", "memberships__local_authority", "memberships__trust"
    )
    return render(
        request, "directory/users.html", {"people": people.order_by("-is_active", "username")[:500]}
    )


@permission_required_for("settings.users")
def user_new(request: HttpRequest) -> HttpResponse:
    form = UserAddForm(request.POST or None, by=request.user)
    if request.method == "POST" and form.is_valid():
        user, password = user_add(by=request.user, **form.cleaned_data)
        # Shown in this response only, never in the (signed, not encrypted) messages cookie (issue 14).
        next_url = reverse("directory:user", kwargs={"pk": user.pk})
        return first_password_response(request, person=user, password=password, next_url=next_url)
    return render(request, "directory/user_new.html", {"form": form})


@permission_required_for("settings.users")
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = sc.users_in_scope(request.user).filter(pk=pk).first()
    if person is None:
        raise Http404("No user with that id in your scope.")
    if request.method == "POST" and sc.is_system_admin(person) and not sc.is_system_admin(request.user):
        # An LA manager may see a system administrator who also holds a role in the LA, but not change them.
        raise Http404("Only a system administrator can change a system administrator.")
    if request.method == "POST" and person.is_superuser and not identity.may_grant_superuser(request.user):
        raise Http404("Only a superuser can change a superuser.")
    memberships = list(person.memberships.select_related("school", "local_authority", "trust"))
    editable = {m.pk for m in memberships if sc.membership_in_scope(request.user, m)}
    add_form = MembershipAddForm(by=request.user)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "role":
            membership = next((m for m in memberships if str(m.pk) == request.POST.get("membership")), None)
            form = RoleForm(request.POST, by=request.user)
            if membership is None or membership.pk not in editable or not form.is_valid():
                raise Http404("No such membership in your scope.")
            membership_change_role(by=request.user, membership=membership, role=form.cleaned_data["role"])
            messages.success(request, f"{person.username} is now {membership.get_role_display()}.")
            return redirect(request.path)
        if action == "add":
            if not identity.may_change_roles_of(request.user, person):
                raise Http404("Only a superuser can add roles to their own account.")
            add_form = MembershipAddForm(request.POST, by=request.user)
            if add_form.is_valid():
                membership_add(by=request.user, user=person, **add_form.cleaned_data)
                messages.success(request, f"Role added for {person.username}.")
                return redirect(request.path)
        if action in ("deactivate", "reactivate"):
            try:
                user_set_active(by=request.user, user=person, active=action == "reactivate")
            except ValidationError as exc:
                messages.error(request, exc.messages[0])
            else:
                messages.success(
                    request,
                    f"{person.username} {'can no longer' if action == 'deactivate' else 'can again'} sign in.",
                )
            return redirect(request.path)
    rows = [{"membership": m, "editable": m.pk in editable} for m in memberships]
    return render(
        request,
        "directory/user_detail.html",
        {"person": person, "rows": rows, "add_form": add_form, "roles": sc.assignable_roles(request.user)},
    )


# ----- services directory


@permission_required_for("services.view")
def services(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    kind = kind if kind in Service.Kind.values else ""
    found = Service.objects.filter(local_authority__in=sc.service_las(request.user)).select_related(
        "local_authority"
    )
    if kind:
        found = found.filter(kind=kind)
    return render(
        request,
        "directory/services.html",
        {
            "services": found.order_by("-active", "kind", "name"),
            "kinds": Service.Kind.choices,
            "kind": kind,
            "can_manage": has_permission(request.user, "services.manage")
            and sc.managed_las(request.user).exists(),
            "managed": set(sc.managed_las(request.user).values_list("pk", flat=True)),
        },
    )


def _service_form(request, service: Service | None) -> HttpResponse:
    form = ServiceForm(request.POST or None, instance=service, by=request.user)
    if request.method == "POST" and form.is_valid():
        saved = service_save(by=request.user, service=form.save(commit=False))
        messages.success(request, f"{saved.name} saved.")
        return redirect("directory:services")
    return render(request, "directory/service_form.html", {"form": form, "service": service})


@permission_required_for("services.manage")
def service_new(request: HttpRequest) -> HttpResponse:
    return _service_form(request, None)


@permission_required_for("services.manage")
def service_edit(request: HttpRequest, pk: int) -> HttpResponse:
    service = Service.objects.filter(pk=pk, local_authority__in=sc.managed_las(request.user)).first()
    if service is None:
        raise Http404("No service with that id that you manage.")
    return _service_form(request, service)
