from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    name = "attend.accounts"
    label = "accounts"

    def ready(self) -> None:
        from . import checks, signals  # noqa: F401  (registers the URL check, connects audit receivers)


class AttendAdminConfig(admin_apps.AdminConfig):
    """The Django admin, with a site that only system administrators (and superusers) may use."""

    default = False
    default_site = "attend.accounts.admin_site.AttendAdminSite"

    def ready(self) -> None:
        super().ready()  # autodiscovers every app's admin.py
        from django.contrib import admin

        from .admin_site import replace_otp_admin

        replace_otp_admin(admin.site)
        # Access comes from roles (accounts/permissions.py), never from Django groups: a group could carry pupil
        # permissions past the role table, so groups are not offered at all (issue 14, finding 5).
        from django.contrib.auth.models import Group

        if admin.site.is_registered(Group):
            admin.site.unregister(Group)
