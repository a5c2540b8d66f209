from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    name = "attend.schools"
    label = "schools"
