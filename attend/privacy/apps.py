from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "attend.privacy"
    label = "privacy"
    verbose_name = "Data protection"
