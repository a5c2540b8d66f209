"""The penalty notice template gets its wording (issue 19, attend/enforcement): the shipped default, formerly a
placeholder, becomes a real notice (EA 1996 s444A; SI 2024/210), a new version of the same template."""

from django.db import migrations

NAME = "penalty_notice"


def load(apps, schema_editor):
    from attend.letters.defaults import DEFAULTS

    LetterTemplate = apps.get_model("letters", "LetterTemplate")
    TemplateVersion = apps.get_model("letters", "TemplateVersion")
    shipped = next(d for d in DEFAULTS if d["name"] == NAME)
    template, _ = LetterTemplate.objects.get_or_create(
        owner_key="default",
        name=NAME,
        language="en",
        defaults={"title": shipped["title"], "kind": "formal", "channel": "letter", "formal": True},
    )
    last = TemplateVersion.objects.filter(template=template).order_by("-number").first()
    if last is None or (last.subject, last.body) != (shipped["subject"], shipped["body"]):
        version = TemplateVersion.objects.create(
            template=template,
            number=(last.number if last else 0) + 1,
            subject=shipped["subject"],
            body=shipped["body"],
            note="The penalty notice's wording (issue 19)",
        )
        template.current = version
    template.title = shipped["title"]
    template.placeholder = False
    template.formal = True
    template.save(update_fields=["current", "title", "placeholder", "formal"])


class Migration(migrations.Migration):
    dependencies = [("letters", "0006_enforcement_ladder_templates")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
