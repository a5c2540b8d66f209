from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "attend.jobs"
    label = "jobs"
    verbose_name = "Background jobs"

    def ready(self) -> None:
        from attend.registers.signals import import_completed

        from .receivers import refresh_statistics_after_import

        import_completed.connect(refresh_statistics_after_import, dispatch_uid="jobs.refresh_statistics")
