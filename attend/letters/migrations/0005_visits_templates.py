"""Home visits (issue 18): ship the `visit_agreement` and `visit_safety_report` templates (attend/letters/
defaults.py) to databases migrated before they were added; templates already there are left as they are."""

from django.db import migrations


def load(apps, schema_editor):
    from attend.letters.defaults import load_defaults

    load_defaults(
        apps.get_model("letters", "LetterTemplate"),
        apps.get_model("letters", "TemplateVersion"),
        only_missing=True,
    )


class Migration(migrations.Migration):
    dependencies = [("letters", "0004_letters_timetable_la_notice")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
