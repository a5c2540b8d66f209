"""The attendance contract and the notice to improve: real wording in place of the shipped placeholders (issue 19,
attend/enforcement/documents_ladder.py). A new version of each default; the placeholder flag is cleared. LAs' and
schools' own copies are left as they are."""

from django.db import migrations

TITLES = {"attendance_contract": "Attendance contract", "notice_to_improve": "Notice to improve"}


def load(apps, schema_editor):
    from attend.enforcement.documents_ladder import CONTRACT_BODY, CONTRACT_SUBJECT, NTI_BODY, NTI_SUBJECT

    LetterTemplate = apps.get_model("letters", "LetterTemplate")
    TemplateVersion = apps.get_model("letters", "TemplateVersion")
    texts = {
        "attendance_contract": (CONTRACT_SUBJECT, CONTRACT_BODY),
        "notice_to_improve": (NTI_SUBJECT, NTI_BODY),
    }
    for name, (subject, body) in texts.items():
        template = LetterTemplate.objects.filter(owner_key="default", name=name, language="en").first()
        if template is None:
            continue
        last = TemplateVersion.objects.filter(template=template).order_by("-number").first()
        version = TemplateVersion.objects.create(
            template=template, number=(last.number if last else 0) + 1, subject=subject, body=body,
            note="Wording from the enforcement work (issue 19)",
        )  # fmt: skip
        LetterTemplate.objects.filter(pk=template.pk).update(
            current=version, placeholder=False, title=TITLES[name]
        )


class Migration(migrations.Migration):
    dependencies = [("letters", "0005_visits_templates")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
