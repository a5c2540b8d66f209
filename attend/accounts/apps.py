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
