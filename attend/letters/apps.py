from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _install_missing_defaults(sender, **kwargs) -> None:
    """The data migration ships the default templates once; a database flushed since (the test runner's
    transactional tests, a `flush` by hand) gets back those that are missing after it, as Django's content types
    and permissions do. Existing templates are left as they are."""
    from .defaults import load_defaults
    from .models import LetterTemplate, TemplateVersion

    load_defaults(LetterTemplate, TemplateVersion, only_missing=True)


class LettersConfig(AppConfig):
    name = "attend.letters"
    verbose_name = "Letters and messages"

    def ready(self) -> None:
        post_migrate.connect(_install_missing_defaults, sender=self)
