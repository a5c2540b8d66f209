from django.apps import AppConfig


class CmeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "attend.cme"
    verbose_name = "Children missing education, home education and s19 provision"

    def ready(self) -> None:
        from attend.registers.signals import import_completed

        from .roll_prompts import on_import_completed

        # A leaving date from a pupils or CTF import gets its deletion return (reg 13) with the ground not given.
        import_completed.connect(on_import_completed, dispatch_uid="cme.deletion_returns_after_import")
