from django.contrib import admin

from .models import AuditEvent

# Keys of an event's data shown in the admin: identifiers, codes and counts. Anything else (a dismissal reason,
# a file name, a case reference) is hidden: system administrators see who did what to which id, never pupils'
# names or casework (docs/security.md). Pupils' trails, with sentences, are for the roles with `audit.view`.
IDENTIFIER_KEYS = frozenset(
    {
        "username", "role", "minutes", "failures", "left", "kind", "rule", "status", "version", "page", "list",
        "rows", "prefix", "model", "object", "fields", "id", "action", "values", "inlines", "la", "setting",
        "user", "as_of", "register_cutoff", "scopes", "created", "changed", "school", "upn", "before", "after",
    }
)  # fmt: skip


def identifiers_only(value):
    if isinstance(value, dict):
        return {k: identifiers_only(v) if k in IDENTIFIER_KEYS else "(hidden)" for k, v in value.items()}
    if isinstance(value, list):
        return [identifiers_only(v) for v in value]
    return value


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit trail can be searched here, never added to, changed or deleted. Identifiers only:
    pupils by UPN, no names, no free text."""

    list_display = ["at", "action", "actor_username", "object_type", "object_id", "school", "pupil_upn", "ip"]
    list_filter = ["action"]
    search_fields = ["action", "actor_username", "object_id", "pupil__upn"]
    date_hierarchy = "at"
    list_select_related = ["school", "pupil"]
    fields = [
        "at",
        "action",
        "actor_username",
        "object_type",
        "object_id",
        "school",
        "pupil_upn",
        "ip",
        "details",
    ]
    readonly_fields = fields

    @admin.display(description="Pupil (UPN)", ordering="pupil__upn")
    def pupil_upn(self, obj) -> str:
        return obj.pupil.upn if obj.pupil_id else ""

    @admin.display(description="Details (identifiers only)")
    def details(self, obj) -> str:
        return str(identifiers_only(obj.data or {}))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
