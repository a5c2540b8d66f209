from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "attend.casework"
    label = "casework"
    verbose_name = "Casework"
