"""`attend early_warning train` and `info`: the retrain command saves a versioned model with its metadata."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from attend.alerts.early_warning import store


def test_train_saves_a_versioned_model_with_metadata(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    out, err = io.StringIO(), io.StringIO()
    args = ["--seed", "7", "--eval-seed", "8", "--pupils", "1500", "--eval-pupils", "1500", "--schools", "8"]
    call_command("early_warning", "train", *args, stdout=out, stderr=err)
    path = store.latest_path()
    assert path is not None and path.parent == tmp_path / "models" / "early_warning"
    meta = json.loads(path.with_suffix(".json").read_text())
    assert meta["trained_on"]["source"] == "synthetic" and meta["trained_on"]["seed"] == 7
    assert meta["evaluated_on"]["seed"] == 8
    assert {row["weeks"] for row in meta["evaluation"]} == {4, 8, 12}
    assert len(meta["trained_on"]["generator_sha256"]) == 64
    assert "baseline: rate to date" in out.getvalue() and "Saved" in err.getvalue()
    info = io.StringIO()
    call_command("early_warning", "info", stdout=info)
    assert json.loads(info.getvalue())["version"] == meta["version"]


def test_train_refuses_to_evaluate_on_the_training_cohort(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    with pytest.raises(ValueError, match="must differ"):
        call_command("early_warning", "train", "--seed", "5", "--eval-seed", "5", "--pupils", "500")


def test_info_without_a_model(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    with pytest.raises(CommandError, match="No early-warning model"):
        call_command("early_warning", "info")
