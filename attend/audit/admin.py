from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit trail can be searched here, never added to, changed or deleted."""

    list_display = ["at", "action", "actor_username", "object_type", "object_id", "school", "pupil"]
    list_filter = ["action"]
    search_fields = ["action", "actor_username", "object_id", "pupil__upn"]
    date_hierarchy = "at"
    list_select_related = ["school", "pupil"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
