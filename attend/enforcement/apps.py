from django.apps import AppConfig


class EnforcementConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "attend.enforcement"
    verbose_name = "Formal support and enforcement"
