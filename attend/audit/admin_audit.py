"""Every change made in the administration site goes to the audit trail (issue 14, findings 5 and 6).

The admin site (attend.accounts.admin_site.AttendAdminSite) gives every registered ModelAdmin this mixin, so an
app's admin.py needs nothing. Django calls `construct_change_message` once after each add or change (with the
inline formsets, and for list-editable rows) and `log_deletions` before each deletion; both write one event.

Events name fields and identifiers, not values, except for the account fields that decide access (role, where it
applies, superuser, active): who gave whom which access is the point of auditing them. A pupil's or contact's
personal data is never copied into the append-only trail.
"""

from __future__ import annotations

from typing import Any

from . import services

ADDED, CHANGED, DELETED = (
    "audit.admin_object.added",
    "audit.admin_object.changed",
    "audit.admin_object.deleted",
)
# Values recorded as they are after the change: what decides who may see what.
ACCESS_FIELDS = frozenset(
    {
        "role",
        "local_authority",
        "trust",
        "school",
        "is_superuser",
        "is_staff",
        "is_active",
        "username",
        "user",
    }
)


def _field_names(form) -> list[str]:
    names = {"password" if "password" in name else name for name in getattr(form, "changed_data", [])}
    return sorted(names)


def _access_values(form) -> dict[str, str]:
    cleaned = getattr(form, "cleaned_data", None) or {}
    return {
        name: str(cleaned[name]) for name in _field_names(form) if name in ACCESS_FIELDS and name in cleaned
    }


def _inline_changes(formsets) -> list[dict[str, Any]]:
    changes = []
    for formset in formsets or ():
        for form in formset.forms:
            deleted = formset.can_delete and formset._should_delete_form(form)
            if not deleted and not form.has_changed():
                continue
            instance = form.instance
            change = {
                "model": instance._meta.label_lower,
                "id": str(instance.pk or ""),
                "action": "deleted" if deleted else ("changed" if form.initial else "added"),
                "fields": _field_names(form),
            }
            values = _access_values(form) if not deleted else {}
            if instance._meta.app_label == "accounts" and deleted:
                values = {
                    name: str(getattr(instance, name, "")) for name in ("role",) if hasattr(instance, name)
                }
            if values:
                change["values"] = values
            changes.append(change)
    return changes


def _summary(fields: list[str], inlines: list[dict[str, Any]]) -> str:
    parts = [", ".join(fields)] if fields else []
    parts += [f"{c['action']} {c['model'].split('.')[-1]} {c['id']}".strip() for c in inlines]
    return "; ".join(parts) or "nothing changed"


def record_change(request, obj, form, formsets, *, added: bool):
    fields = _field_names(form)
    inlines = _inline_changes(formsets)
    data: dict[str, Any] = {
        "model": obj._meta.label_lower,
        "object": str(obj.pk),
        "fields": fields,
        "summary": _summary(fields, inlines),
    }
    values = _access_values(form)
    if values:
        data["values"] = values
    if inlines:
        data["inlines"] = inlines
    return services.record(ADDED if added else CHANGED, request=request, obj=obj, data=data)


def record_deletions(request, objects) -> None:
    # No foreign key to what is being deleted (the audit trail protects what it names): identifiers only.
    for obj in objects:
        data = {"model": obj._meta.label_lower, "object": str(obj.pk)}
        if obj._meta.label_lower == "accounts.membership":
            data["values"] = {"user": str(obj.user_id), "role": obj.role}
        services.record(DELETED, request=request, data=data)


class AuditedAdminMixin:
    """Put in front of a ModelAdmin: audit every add, change (with inlines) and deletion."""

    attend_audited = True

    def construct_change_message(self, request, form, formsets, add=False):
        message = super().construct_change_message(request, form, formsets, add)
        record_change(request, form.instance, form, formsets, added=add)
        return message

    def log_deletions(self, request, queryset):
        record_deletions(request, list(queryset))
        return super().log_deletions(request, queryset)


def audited(admin_class):
    """`admin_class` with AuditedAdminMixin in front (once)."""
    if getattr(admin_class, "attend_audited", False):
        return admin_class
    return type(
        admin_class.__name__, (AuditedAdminMixin, admin_class), {"__module__": admin_class.__module__}
    )
