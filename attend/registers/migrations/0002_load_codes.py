from django.db import migrations


def load_codes(apps, schema_editor):
    from attend.registers.codes import code_table

    AttendanceCode = apps.get_model("registers", "AttendanceCode")
    for info in code_table().values():
        AttendanceCode.objects.update_or_create(
            code=info.code,
            defaults={
                "status": info.status,
                "meaning": info.meaning,
                "statistical_category": info.statistical_category,
                "counts_as_attendance": info.counts_as_attendance,
                "is_possible_session": info.is_possible_session,
                "dfe_column": info.dfe_column,
                "is_legacy": info.is_legacy,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("registers", "0001_initial")]
    operations = [migrations.RunPython(load_codes, migrations.RunPython.noop)]
