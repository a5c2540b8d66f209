from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "attend.stats"
    label = "stats"
    verbose_name = "Statistics"
