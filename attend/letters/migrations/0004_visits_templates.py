"""Home visits (issue 18): the agreement letter sent to the parent seen, and the written report of a visit
cancelled for safety (to the headteacher, or the line manager and the health-and-safety log). The visit card is
the shipped `home_visit_card`. Both use only existing merge fields: `meeting.*` carries the visit."""

from django.db import migrations

_SIGN_OFF = """Yours sincerely

{{ officer.name }}
{{ officer.role }}, {{ school.name }}"""

TEMPLATES = [
    {
        "name": "visit_agreement",
        "title": "What we agreed at the home visit",
        "kind": "visit",
        "channel": "letter",
        "subject": "What we agreed when we visited on {{ meeting.date }}",
        "body": """Dear {{ parent.salutation }}

Thank you for talking with {{ officer.name }} when we visited your home on {{ meeting.date }}.

## What we agreed

{{ meeting.agenda }}

{% if meeting.record %}## What happens next

{{ meeting.record }}

{% endif %}If something changes, or you need help to keep to what we agreed, please call {{ officer.name }} on \
{{ officer.phone }}. We would much rather hear from you early.

"""
        + _SIGN_OFF,
    },
    {
        "name": "visit_safety_report",
        "title": "Home visit cancelled for safety (report to the headteacher or manager)",
        "kind": "visit",
        "channel": "letter",
        "subject": "Home visit cancelled for safety on {{ meeting.date }}",
        "body": """This is the written report of a home visit that was called off because it was not safe to \
go ahead (home visits policy, 4.5 to 4.7).

## The visit

Officer: {{ officer.name }}, {{ officer.role }}
When: {{ meeting.date }} at {{ meeting.time }}
Where: {{ meeting.place }}
Pupil: {{ pupil.full_name }}, {{ school.name }}

## Why the visit was cancelled

{{ meeting.record }}

## What happens next

{{ meeting.agenda }}

A risk marker has been proposed on the person or the address, to be confirmed by the officer, so that the next \
visit is planned with this in mind.""",
    },
]


def load(apps, schema_editor):
    LetterTemplate = apps.get_model("letters", "LetterTemplate")
    TemplateVersion = apps.get_model("letters", "TemplateVersion")
    for d in TEMPLATES:
        template, _ = LetterTemplate.objects.get_or_create(
            owner_key="default",
            name=d["name"],
            language="en",
            defaults={"title": d["title"], "kind": d["kind"], "channel": d["channel"]},
        )
        if template.current_id is None:
            version = TemplateVersion.objects.create(
                template=template, number=1, subject=d["subject"], body=d["body"], note="Shipped with Attend"
            )
            template.current = version
            template.save(update_fields=["current"])


def unload(apps, schema_editor):
    LetterTemplate = apps.get_model("letters", "LetterTemplate")
    LetterTemplate.objects.filter(owner_key="default", name__in=[d["name"] for d in TEMPLATES]).delete()


class Migration(migrations.Migration):
    dependencies = [("letters", "0003_letters_background_batches")]

    operations = [migrations.RunPython(load, unload)]
