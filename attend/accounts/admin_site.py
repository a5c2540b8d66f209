from django.contrib import admin

from attend.audit.admin_audit import audited

from .permissions import has_permission


class AttendAdminSite(admin.AdminSite):
    site_header = "Attend administration"
    site_title = "Attend administration"

    def has_permission(self, request) -> bool:
        # The role table decides, not is_staff: a system administrator needs no staff flag.
        return has_permission(request.user, "admin.site")

    def register(self, model_or_iterable, admin_class=None, **options):
        # Every model admin, in any app, audits its changes (attend/audit/admin_audit.py).
        return super().register(model_or_iterable, audited(admin_class or admin.ModelAdmin), **options)


class TOTPDeviceAdmin(admin.ModelAdmin):
    """Who has two-factor set up; deleting a device resets it (lost phone). Never shows the secret key, unlike
    django-otp's own admin: an administrator who could read it could copy a colleague's second factor."""

    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    search_fields = ["user__username"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class StaticDeviceAdmin(admin.ModelAdmin):
    """Who has recovery codes and how many are left; deleting the row voids them. The codes themselves are never
    shown (only digests are stored), and codes cannot be made here: users make their own, once signed in."""

    list_display = ["user", "name", "codes_left", "created_at", "last_used_at"]
    search_fields = ["user__username"]
    fields = ["user", "name", "codes_left", "created_at", "last_used_at"]
    readonly_fields = fields

    @admin.display(description="Codes left")
    def codes_left(self, obj) -> int:
        return obj.token_set.count()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def replace_otp_admin(site: admin.AdminSite) -> None:
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    for model, model_admin in ((TOTPDevice, TOTPDeviceAdmin), (StaticDevice, StaticDeviceAdmin)):
        if site.is_registered(model):
            site.unregister(model)
        site.register(model, model_admin)
