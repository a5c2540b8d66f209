"""The shared cache's table (settings.CACHES: Django's database cache), so `attend migrate`, `attend demo` and the
test databases all have it. The API rate limits count there, across every worker process (issue 14, finding 10)."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_signinthrottle_refused")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
