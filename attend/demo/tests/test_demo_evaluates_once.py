"""Load first, evaluate once (issue 23 item 18): while `attend demo` loads, its imports queue no alert evaluation
for the task worker beside it (scripts/demo.sh), so the worker does not evaluate every school after each file
while later files are still importing; the demo evaluates once, when everything is in."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from attend.alerts.models import Alert
from attend.alerts.tasks import evaluate_schools


# Transactional: each import's import_completed is sent on commit, as in the real command.
@pytest.mark.django_db(transaction=True)
def test_the_demo_load_queues_no_evaluation_and_evaluates_once(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.ALERTS_AFTER_IMPORT = "task"  # what a server runs with: after an import, queue it for the worker
    out = io.StringIO()
    call_command("demo", "--no-serve", "--pupils", "300", "--schools", "4", "--end", "2025-11-20", stdout=out)
    assert not DBTaskResult.objects.filter(task_path=evaluate_schools.module_path).exists()
    assert out.getvalue().count("evaluating alert rules as of 2025-11-20") == 1
    assert Alert.objects.filter(last_evaluated_on="2025-11-20").exists()
    assert settings.ALERTS_AFTER_IMPORT == "task"  # restored once the load is done


def test_the_setting_is_restored_even_when_the_load_fails(settings):
    from attend.demo.management.commands.demo import no_evaluation_after_imports

    settings.ALERTS_AFTER_IMPORT = "inline"
    with pytest.raises(RuntimeError), no_evaluation_after_imports():
        assert settings.ALERTS_AFTER_IMPORT == "off"
        raise RuntimeError("an import failed")
    assert settings.ALERTS_AFTER_IMPORT == "inline"


def test_an_unset_setting_is_left_unset(settings):
    from attend.demo.management.commands.demo import no_evaluation_after_imports

    del settings.ALERTS_AFTER_IMPORT
    with no_evaluation_after_imports():
        assert settings.ALERTS_AFTER_IMPORT == "off"
    assert not hasattr(settings, "ALERTS_AFTER_IMPORT")
