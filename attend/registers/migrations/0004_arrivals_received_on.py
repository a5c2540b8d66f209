from django.db import migrations, models


def backfill(apps, schema_editor):
    """Runs that already name their schools arrived on the day they finished (before this field, no pinned clock
    was recorded on them)."""
    ImportRun = apps.get_model("registers", "ImportRun")
    for run in ImportRun.objects.filter(received_on__isnull=True, schools__isnull=False).distinct():
        run.received_on = (run.finished_at or run.started_at).date()
        run.save(update_fields=["received_on"])


class Migration(migrations.Migration):
    dependencies = [
        ("registers", "0003_sources_and_profiles"),
    ]

    operations = [
        migrations.AddField(
            model_name="importrun",
            name="received_on",
            field=models.DateField(blank=True, db_index=True, null=True),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
