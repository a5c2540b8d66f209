from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "attend.alerts"
    label = "alerts"
    verbose_name = "Alerts"

    def ready(self) -> None:
        from attend.registers.signals import import_completed

        from .receivers import on_import_completed

        import_completed.connect(on_import_completed, dispatch_uid="alerts.evaluate_after_import")
