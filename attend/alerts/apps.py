from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "attend.alerts"
    label = "alerts"
    verbose_name = "Alerts"
