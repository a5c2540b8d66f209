from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "attend.directory"
    label = "directory"
    verbose_name = "Settings and services directory"
