from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "attend.web"
    label = "web"
    verbose_name = "Web pages"
