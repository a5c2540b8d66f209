from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "attend.people"
    label = "people"
