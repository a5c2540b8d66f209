"""Changing settings: alert thresholds, users and memberships, the services directory. Each change is audited."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from attend import audit
from attend.accounts.models import Membership
from attend.alerts.models import RuleSetting
from attend.schools.models import LocalAuthority, School

from .models import Service


@transaction.atomic
def rule_settings_save(*, by, values: dict[tuple[str, str], str], la=None, school=None) -> list[str]:
    """Set (or, for a blank value, remove) the threshold overrides of one LA or one school.

    `values` maps (rule, name) to the text entered. Every value is checked with RuleSetting.clean() first; if any
    is wrong, nothing changes and ValidationError lists them all. Returns the settings that changed."""
    scope = (
        {"local_authority": la, "school": None}
        if la is not None
        else {"local_authority": None, "school": school}
    )
    current = {(s.rule, s.name): s for s in RuleSetting.objects.filter(**scope)}
    errors, changed = {}, []
    pending = []
    for (rule, name), raw in values.items():
        value = raw.strip()
        existing = current.get((rule, name))
        if not value:
            if existing is not None:
                pending.append(("delete", existing, None))
            continue
        if existing is not None and existing.value == value:
            continue
        setting = existing or RuleSetting(rule=rule, name=name, **scope)
        old = setting.value if existing else None
        setting.value = value
        try:
            setting.clean()
        except ValidationError as exc:
            errors[f"{rule}.{name}"] = "; ".join(exc.messages)
            continue
        pending.append(("save", setting, old))
    if errors:
        raise ValidationError(errors)
    for action, setting, old in pending:
        key = f"{setting.rule}.{setting.name}"
        if action == "delete":
            audit.record(
                "alerts.rule_setting.removed",
                by=by,
                school=school,
                data={"setting": key, "old": setting.value, "la": la.code if la else None},
            )
            setting.delete()
        else:
            setting.save()
            audit.record(
                "alerts.rule_setting.changed",
                by=by,
                obj=setting,
                school=school,
                data={"setting": key, "old": old, "new": setting.value, "la": la.code if la else None},
            )
        changed.append(key)
    return changed


def _scope_kwargs(scope: str) -> dict:
    kind, _, pk = scope.partition("-")
    if kind == "la":
        return {"local_authority": LocalAuthority.objects.get(pk=int(pk))}
    if kind == "school":
        return {"school": School.objects.get(pk=int(pk))}
    return {}


@transaction.atomic
def user_add(*, by, username: str, first_name: str, last_name: str, email: str, role: str, scope: str):
    """Create a user with one membership and a random first password (returned once, to give to the person)."""
    password = secrets.token_urlsafe(12)
    user = get_user_model().objects.create_user(
        username=username, email=email, first_name=first_name, last_name=last_name, password=password
    )
    membership = Membership.objects.create(user=user, role=role, **_scope_kwargs(scope))
    audit.record(
        "accounts.user.created",
        by=by,
        obj=user,
        data={"role": role, "scope": str(membership).split(" – ")[-1]},
    )
    return user, password


@transaction.atomic
def membership_add(*, by, user, role: str, scope: str) -> Membership:
    membership = Membership.objects.create(user=user, role=role, **_scope_kwargs(scope))
    audit.record(
        "accounts.membership.added", by=by, obj=membership, data={"user": user.username, "role": role}
    )
    return membership


@transaction.atomic
def membership_change_role(*, by, membership: Membership, role: str) -> Membership:
    old = membership.role
    if old == role:
        return membership
    membership.role = role
    membership.save(update_fields=["role"])
    audit.record(
        "accounts.membership.changed",
        by=by,
        obj=membership,
        data={"user": membership.user.username, "old": old, "new": role},
    )
    return membership


@transaction.atomic
def user_set_active(*, by, user, active: bool):
    """Deactivate (sign-in refused, nothing deleted: the audit trail keeps their name) or reactivate a user."""
    if user.pk == by.pk and not active:
        raise ValidationError("You cannot deactivate yourself.")
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit.record("accounts.user.deactivated" if not active else "accounts.user.reactivated", by=by, obj=user)
    return user


@transaction.atomic
def service_save(*, by, service: Service) -> Service:
    created = service.pk is None
    service.full_clean()
    service.save()
    audit.record(
        "directory.service.created" if created else "directory.service.changed",
        by=by,
        obj=service,
        data={"name": service.name, "la": service.local_authority.code},
    )
    return service
