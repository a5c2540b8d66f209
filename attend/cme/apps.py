from django.apps import AppConfig


class CmeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "attend.cme"
    verbose_name = "Children missing education, home education and s19 provision"
