"""Background batches (pupils to compose, how many are composed) and the confidential address moving to
`people.ContactSafety.address_confidential` (any True value is copied there before the letters field goes)."""

from django.db import migrations, models


def copy_confidential_addresses(apps, schema_editor):
    ContactPreference = apps.get_model("letters", "ContactPreference")
    ContactSafety = apps.get_model("people", "ContactSafety")
    for contact_id in ContactPreference.objects.filter(confidential_address=True).values_list(
        "contact_id", flat=True
    ):
        safety, created = ContactSafety.objects.get_or_create(
            contact_id=contact_id, defaults={"address_confidential": True}
        )
        if not created and not safety.address_confidential:
            safety.address_confidential = True
            safety.save(update_fields=["address_confidential"])


def copy_back(apps, schema_editor):
    ContactPreference = apps.get_model("letters", "ContactPreference")
    ContactSafety = apps.get_model("people", "ContactSafety")
    for contact_id in ContactSafety.objects.filter(address_confidential=True).values_list("contact_id", flat=True):
        ContactPreference.objects.update_or_create(contact_id=contact_id, defaults={"confidential_address": True})


class Migration(migrations.Migration):
    dependencies = [
        ("letters", "0002_default_templates"),
        ("people", "0003_contactsafety"),
    ]

    operations = [
        migrations.RunPython(copy_confidential_addresses, copy_back),
        migrations.RemoveField(model_name="contactpreference", name="confidential_address"),
        migrations.AddField(
            model_name="batch",
            name="prepared",
            field=models.PositiveIntegerField(
                default=0,
                help_text="How many of `pupil_ids` are composed (a resumed preparation starts after them)",
            ),
        ),
        migrations.AddField(
            model_name="batch",
            name="pupil_ids",
            field=models.JSONField(blank=True, default=list, help_text="The pupils to compose for, in order"),
        ),
        migrations.AlterField(
            model_name="batch",
            name="status",
            field=models.CharField(
                choices=[
                    ("preparing", "Preparing the letters"),
                    ("review", "Waiting for review"),
                    ("approved", "Approved, sending"),
                    ("done", "Sent"),
                ],
                default="review",
                max_length=10,
            ),
        ),
    ]
