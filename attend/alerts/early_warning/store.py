"""Saving and loading trained models: joblib files under VAR_DIR/models/early_warning/, one per version.

Each version is a pair: ``early_warning-<UTC timestamp>.joblib`` (the model) and ``.json`` beside it (the same
metadata in readable form: trained when, on what, with which library versions, and how it evaluated). The newest
file is the one in use; older versions stay until someone deletes them, so a prediction can be traced back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import sklearn
from django.conf import settings

from . import model as m
from . import synthetic

PREFIX = "early_warning-"
# Training and evaluation cohorts of the default (synthetic) model: different seeds, never the same pupils.
DEFAULT_TRAIN = {"seed": 101, "pupils": 20000, "schools": 40}
DEFAULT_EVALUATE = {"seed": 202, "pupils": 20000, "schools": 40}


def models_dir() -> Path:
    return Path(settings.VAR_DIR) / "models" / "early_warning"


def save(model: m.EarlyWarningModel, directory: Path | None = None) -> Path:
    directory = directory or models_dir()
    directory.mkdir(parents=True, exist_ok=True)
    version = model.metadata.setdefault("version", dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ"))
    path = directory / f"{PREFIX}{version}.joblib"
    joblib.dump(model, path, compress=3)
    path.with_suffix(".json").write_text(json.dumps(model.metadata, indent=2, default=str) + "\n")
    return path


def latest_path(directory: Path | None = None) -> Path | None:
    found = sorted((directory or models_dir()).glob(f"{PREFIX}*.joblib"))
    return found[-1] if found else None


def load(path: Path | None = None) -> m.EarlyWarningModel | None:
    """The given model file, or the newest saved one; None if there is none."""
    path = path or latest_path()
    if path is None:
        return None
    model = joblib.load(path)
    # Files saved before the model without last year's rate existed: predict with the full model only.
    if not hasattr(model, "no_history"):
        model.no_history = {}
    return model


def _evaluation_and_versions(model: m.EarlyWarningModel, table: pd.DataFrame, weeks) -> dict:
    """The metadata every trained model carries besides where it was trained: its evaluation and what made it."""
    return {
        "evaluation": table.to_dict(orient="records"),
        "checkpoint_weeks": list(weeks),
        "features": list(model.feature_names),
        "scikit_learn": sklearn.__version__,
        "numpy": np.__version__,
        "pandas": pd.__version__,
    }


def train_synthetic(
    train: dict | None = None, evaluate: dict | None = None, weeks: tuple[int, ...] = m.CHECKPOINT_WEEKS
) -> m.EarlyWarningModel:
    """Train on one synthetic cohort and evaluate on another (different seed); metadata filled in."""
    train = {**DEFAULT_TRAIN, **(train or {})}
    evaluate = {**DEFAULT_EVALUATE, **(evaluate or {})}
    if train["seed"] == evaluate["seed"]:
        raise ValueError("the evaluation cohort must differ from the training cohort (use another seed)")
    training = synthetic.cohort(**train)
    model = m.train(training, weeks=weeks)
    table = m.evaluate(model, synthetic.cohort(**evaluate))
    model.metadata.update(
        {
            "trained_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "trained_on": {
                "source": "synthetic",
                "description": "demo generator (attend/demo/generator.py) with a prior year from "
                "early_warning/synthetic.py; not real pupils",
                **train,
                "enrolments": int(len(training.pupils)),
                "year_to_year_drift_sd": synthetic.YEAR_DRIFT_SD,
                # The cohorts depend on the generator's code as well as the seed: its hash pins the version.
                "generator_sha256": hashlib.sha256(Path(synthetic.g.__file__).read_bytes()).hexdigest(),
            },
            "evaluated_on": {"source": "synthetic", **evaluate},
            **_evaluation_and_versions(model, table, weeks),
        }
    )
    return model


# Training on a school's or LA's own history: the share of pupils held back to evaluate on, and the least data
# worth fitting (a model fitted on a few hundred pupils would be mostly noise).
HISTORY_HOLDOUT = 0.3
HISTORY_MIN_ENROLMENTS = 300
HISTORY_MIN_WEEKS = 30


def _held_out(pupil_ids: np.ndarray, share: float) -> np.ndarray:
    """A fixed pseudo-random share of pupils (by id), so that all of a pupil's enrolments fall on one side."""
    mixed = (pupil_ids.astype(np.uint64) * np.uint64(2654435761)) % np.uint64(2**32)
    return mixed < np.uint64(int(share * 2**32))


def train_history(
    start_year: int, schools, description: str, weeks=m.CHECKPOINT_WEEKS
) -> m.EarlyWarningModel:
    """Train on a completed academic year in the database (with the year before it for last year's rate),
    evaluating on 30% of the pupils held back from training."""
    from .db import history_cohort

    cohort = history_cohort(start_year, schools)
    n_weeks = len(cohort.days) // 5
    if len(cohort.pupils) < HISTORY_MIN_ENROLMENTS or n_weeks < HISTORY_MIN_WEEKS:
        raise ValueError(
            f"{start_year}/{(start_year + 1) % 100:02d} has {len(cohort.pupils)} enrolments and {n_weeks} school "
            f"weeks of marks: at least {HISTORY_MIN_ENROLMENTS} enrolments and {HISTORY_MIN_WEEKS} weeks are needed"
        )
    held = _held_out(cohort.pupils["pupil"].to_numpy(), HISTORY_HOLDOUT)
    model = m.train(cohort.subset(~held), weeks=weeks)
    table = m.evaluate(model, cohort.subset(held))
    model.metadata.update(
        {
            "trained_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "trained_on": {
                "source": "database",
                "description": description,
                "academic_year": f"{start_year}/{(start_year + 1) % 100:02d}",
                "enrolments": int((~held).sum()),
                "school_weeks": n_weeks,
                "last_year_known": float(cohort.pupils["prior_rate"].notna().mean()),
            },
            "evaluated_on": {
                "source": "database",
                "held_out_share": HISTORY_HOLDOUT,
                "enrolments": int(held.sum()),
            },
            **_evaluation_and_versions(model, table, weeks),
        }
    )
    return model


def load_or_train(stdout=None) -> m.EarlyWarningModel:
    """The newest saved model; on first use, train the default synthetic model and save it."""
    model = load()
    if model is None:
        if stdout is not None:
            stdout.write(
                "No early-warning model saved yet: training the default synthetic model (about 20 s).\n"
            )
        model = train_synthetic()
        save(model)
    return model
