from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("alerts", "0004_cases_link_free_text")]

    operations = [migrations.RemoveField(model_name="alert", name="linked_to")]
