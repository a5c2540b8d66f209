"""The database refuses to change or delete penalty notices and their events: they are evidence. A correction is a
new event pointing at the old one. Deletion only under the same permits as the chronology (the test flush, and an
approved erasure: attend.casework.chronology.erasure_permit), see casework/0004 and attend/core/append_only.py."""

from django.db import migrations

from attend.core.append_only import append_only


class Migration(migrations.Migration):
    dependencies = [("enforcement", "0001_enforcement"), ("casework", "0004_chronology_append_only")]

    operations = [append_only(["enforcement_penaltynotice", "enforcement_noticeevent"], "notices")]
