"""The database refuses to change or delete reasonable enquiries and deletion returns: they are evidence (for a
ground (i) deletion, and for the LA's off-rolling checks). A correction is a new row pointing at the old one.
Deletion only under the permits of casework/0004 (attend/core/append_only.py)."""

from django.db import migrations

from attend.core.append_only import append_only


class Migration(migrations.Migration):
    dependencies = [("cme", "0001_cme"), ("casework", "0004_chronology_append_only")]

    operations = [append_only(["cme_enquirycheck", "cme_rolldeletion"], "evidence")]
