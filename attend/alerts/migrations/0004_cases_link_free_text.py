"""Alerts linked before cases existed carried a free-text reference (`linked_to`). Each becomes a real link:

- text that is an existing case's reference (CW-000123) links to that case;
- otherwise the alert's pupil gets a case at the alert's school (or their open case, if they have one), with a
  note on its chronology: "Linked before cases existed: '<text>'", recorded by whoever linked the alert, at the time
  they did;
- a school-level alert (no pupil, so no case) keeps its text in `details["linked_before_cases"]`.
Every alert also keeps the text in `details["linked_before_cases"]`, so nothing typed is lost.
"""

from django.db import migrations
from django.utils import timezone

NOTE = "Linked before cases existed: '{text}'"


def link_free_text(apps, rows) -> dict[str, int]:
    """`rows` are (alert id, linked_to text). Uses `apps`' Alert, Case and ChronologyEntry (historical models in
    the migration, the real ones in its test). Returns counts: matched, opened, noted, school_level."""
    Alert = apps.get_model("alerts", "Alert")
    Case = apps.get_model("casework", "Case")
    Entry = apps.get_model("casework", "ChronologyEntry")
    counts = {"matched": 0, "opened": 0, "noted": 0, "school_level": 0}
    for alert_id, text in rows:
        text = (text or "").strip()
        if not text:
            continue
        alert = Alert.objects.select_related("school").get(pk=alert_id)
        alert.details = {**(alert.details or {}), "linked_before_cases": text}
        case = Case.objects.filter(ref__iexact=text).first()
        if case is not None:
            counts["matched"] += 1
        elif alert.pupil_id is None:
            counts["school_level"] += 1
        else:
            case = Case.objects.filter(pupil_id=alert.pupil_id, status__in=("open", "monitoring")).first()
            if case is None:
                case = Case.objects.create(
                    ref=_next_ref(Case),
                    pupil_id=alert.pupil_id,
                    school_id=alert.school_id,
                    local_authority_id=alert.school.local_authority_id,
                    stage="listen",
                    opened_by_id=alert.status_changed_by_id,
                )
                counts["opened"] += 1
            Entry.objects.create(
                case=case,
                pupil_id=alert.pupil_id,
                kind="note",
                summary=NOTE.format(text=text),
                occurred_at=alert.status_changed_at or timezone.now(),
                recorded_by_id=alert.status_changed_by_id,
                source="alerts.migration",
                source_ref=f"alerts.Alert:{alert.pk}",
            )
            counts["noted"] += 1
        alert.case = case
        alert.save(update_fields=["details", "case"])
    return counts


def _next_ref(Case) -> str:
    last = Case.objects.filter(ref__startswith="CW-").order_by("-ref").values_list("ref", flat=True).first()
    number = int(last[3:]) + 1 if last and last[3:].isdigit() else 1
    return f"CW-{number:06d}"


def forwards(apps, schema_editor):
    Alert = apps.get_model("alerts", "Alert")
    rows = list(Alert.objects.exclude(linked_to="").order_by("pk").values_list("pk", "linked_to"))
    link_free_text(apps, rows)


def backwards(apps, schema_editor):
    Alert = apps.get_model("alerts", "Alert")
    for alert in Alert.objects.select_related("case").iterator():
        text = (alert.details or {}).get("linked_before_cases") or (alert.case.ref if alert.case_id else "")
        if text:
            alert.linked_to = text[:100]
            alert.save(update_fields=["linked_to"])


class Migration(migrations.Migration):
    dependencies = [("alerts", "0003_cases_alert_case")]

    operations = [migrations.RunPython(forwards, backwards)]
