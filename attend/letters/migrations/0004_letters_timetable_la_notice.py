"""Ship the part-time timetable notice to the LA (issue 17): the email `attend.partnership.timetables` sends to
the LA's address for each new, changed or ended timetable. Only templates not yet present are created."""

from django.db import migrations


def load(apps, schema_editor):
    from attend.letters.defaults import load_defaults

    load_defaults(
        apps.get_model("letters", "LetterTemplate"),
        apps.get_model("letters", "TemplateVersion"),
        only_missing=True,
    )


class Migration(migrations.Migration):
    dependencies = [("letters", "0003_letters_background_batches")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
