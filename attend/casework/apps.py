from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "attend.casework"
    label = "casework"
    verbose_name = "Casework"

    def ready(self) -> None:
        from . import receivers  # noqa: F401 - connects the letters receiver
