from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import Membership, PupilLink, SignInThrottle, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(User)
class AttendUserAdmin(UserAdmin):
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "local_authority", "trust", "school"]
    list_filter = ["role"]


@admin.register(PupilLink)
class PupilLinkAdmin(admin.ModelAdmin):
    """Links give read-only roles (social worker, virtual school, class teacher) their pupils. The pupil is
    chosen by id, so the form never lists every pupil's name."""

    list_display = ["user", "pupil", "reason", "created_at"]
    search_fields = ["user__username", "pupil__upn", "reason"]
    raw_id_fields = ["user", "pupil"]


@admin.register(SignInThrottle)
class SignInThrottleAdmin(admin.ModelAdmin):
    """Failed sign-ins and locks. Delete a row to unlock a username + address before the lock runs out."""

    list_display = ["username", "ip", "failures", "last_failure_at", "locked_until"]
    search_fields = ["username", "ip"]
    readonly_fields = ["username", "ip", "failures", "last_failure_at", "locked_until"]

    def has_add_permission(self, request):
        return False
