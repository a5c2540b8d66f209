"""Ship the default template set: available to every LA and school in a freshly migrated database."""

from django.db import migrations


def load(apps, schema_editor):
    from attend.letters.defaults import load_defaults

    load_defaults(apps.get_model("letters", "LetterTemplate"), apps.get_model("letters", "TemplateVersion"))


class Migration(migrations.Migration):
    dependencies = [("letters", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
