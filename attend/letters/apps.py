from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "attend.letters"
    verbose_name = "Letters and messages"
