from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "attend.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from . import postgres_flush, sqlite_flush

        sqlite_flush.install()
        postgres_flush.install()
