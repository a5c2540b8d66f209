from django.contrib import admin

from .permissions import has_permission


class AttendAdminSite(admin.AdminSite):
    site_header = "Attend administration"
    site_title = "Attend administration"

    def has_permission(self, request) -> bool:
        # The role table decides, not is_staff: a system administrator needs no staff flag.
        return has_permission(request.user, "admin.site")
