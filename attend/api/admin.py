from django.contrib import admin, messages

from .models import ApiToken
from .services import api_token_revoke


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Read-only, except revoking: tokens are issued with `attend api_token create` (the secret is shown once
    there) and never deleted, so the audit trail can always name them."""

    list_display = [
        "prefix",
        "name",
        "user",
        "scopes",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    list_filter = ["revoked_at"]
    search_fields = ["prefix", "name", "user__username"]
    fields = [
        "prefix",
        "name",
        "user",
        "scopes",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
        "revoked_by",
    ]
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Revoke the selected tokens now")
    def revoke(self, request, queryset):
        for token in queryset.filter(revoked_at__isnull=True):
            api_token_revoke(token=token, by=request.user)
        self.message_user(request, "Revoked.", messages.SUCCESS)
