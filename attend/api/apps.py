from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "attend.api"
    label = "api"
    verbose_name = "REST API"

    def ready(self) -> None:
        # Registers the bearer-token security scheme with drf-spectacular.
        from . import schema  # noqa: F401
