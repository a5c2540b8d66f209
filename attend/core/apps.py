from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "attend.core"
    label = "core"
