from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "attend.demo"
    label = "demo"
    verbose_name = "Demo local authority"
