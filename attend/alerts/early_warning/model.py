"""The early-warning model: one calibrated logistic regression per point in the year, with reasons per pupil.

Logistic regression on standardised features keeps every prediction explainable exactly: the log-odds are the
intercept plus one term per feature (coefficient x standardised value), so a feature's contribution is how far it
moves this pupil's odds away from those of an average pupil in the training cohort. Related features are summed
into one reason (e.g. the rate to date and its logit), and reasons are phrased from the pupil's own counts.

A model is trained for each checkpoint in ``CHECKPOINT_WEEKS``; a prediction uses the latest checkpoint the
school has reached, because the same rate means more after 12 weeks than after 2.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from .features import MODEL_FEATURES, build_features, end_of_year_pa, session_flags

CHECKPOINT_WEEKS = (2, 4, 6, 8, 10, 12, 16, 20, 26, 32)
EVALUATION_WEEKS = (4, 8, 12)
TOP_SHARE = 0.05
REASONS_PER_PUPIL = 3
# L2 strength: mild, so that rare characteristics (looked after, PRU) do not get extreme weights.
REGULARISATION_C = 0.5


# ----- training data


def on_roll_at(flags: pd.DataFrame, day: dt.date) -> pd.Index:
    """Enrolments with a mark on or after `day` (still on roll then); flags from features.session_flags."""
    last = flags.groupby("enrolment")["date"].max()
    return last.index[last.to_numpy() >= np.datetime64(day, "D")]


def checkpoint_frame(
    flags: pd.DataFrame, pupils: pd.DataFrame, day: dt.date, target: pd.Series
) -> pd.DataFrame:
    """Features at `day` with the end-of-year outcome, for enrolments on roll then with a possible session."""
    x = build_features(flags, pupils, day)
    x = x.loc[x.index.intersection(on_roll_at(flags, day))]
    return x.join(target, how="inner")


# ----- the model


@dataclass
class EarlyWarningModel:
    """Per-checkpoint pipelines plus metadata (when and on what it was trained, how it evaluated)."""

    pipelines: dict[int, Pipeline]
    baselines: dict[int, Pipeline]  # rate to date only: the comparison, and its calibration
    metadata: dict[str, Any] = field(default_factory=dict)
    feature_names: list[str] = field(default_factory=lambda: list(MODEL_FEATURES))

    def checkpoint_for(self, weeks: float) -> int:
        """The latest trained checkpoint not after `weeks` school weeks (the earliest if none)."""
        reached = [w for w in self.pipelines if w <= weeks + 1e-9]
        return max(reached) if reached else min(self.pipelines)

    def predict(self, features: pd.DataFrame, weeks: float) -> pd.DataFrame:
        """Probability of end-of-year persistent absence and the top reasons, one row per enrolment."""
        week = self.checkpoint_for(weeks)
        pipe = self.pipelines[week]
        x = features[self.feature_names].to_numpy(float)
        probability = pipe.predict_proba(x)[:, 1]
        contributions = contributions_of(pipe, x, self.feature_names)
        reasons = reasons_for(features, contributions)
        return pd.DataFrame(
            {
                "probability": probability,
                "rate_to_date": features["rate"].to_numpy(),
                "possible_sessions": features["possible"].to_numpy(),
                "checkpoint_weeks": week,
                "reasons": reasons,
            },
            index=features.index,
        )


def _pipeline(c: float = REGULARISATION_C) -> Pipeline:
    return Pipeline([("scale", StandardScaler()), ("logit", LogisticRegression(C=c, max_iter=2000))])


def train(
    cohort, weeks: tuple[int, ...] = CHECKPOINT_WEEKS, feature_names: list[str] | None = None
) -> EarlyWarningModel:
    """Fit one model (and one rate-only baseline) per checkpoint on a synthetic.Cohort."""
    names = list(feature_names or MODEL_FEATURES)
    flags = session_flags(cohort.marks)
    target = end_of_year_pa(flags)
    pipelines, baselines = {}, {}
    for w in weeks:
        frame = checkpoint_frame(flags, cohort.pupils, cohort.checkpoint(w), target)
        y = frame["pa"].to_numpy()
        pipelines[w] = _pipeline().fit(frame[names].to_numpy(float), y)
        baselines[w] = _pipeline(c=1e6).fit(frame[["rate"]].to_numpy(float), y)
    return EarlyWarningModel(pipelines=pipelines, baselines=baselines, feature_names=names)


# ----- explanation


def contributions_of(pipe: Pipeline, x: np.ndarray, names: list[str] = MODEL_FEATURES) -> np.ndarray:
    """Per-feature log-odds contributions in MODEL_FEATURES order (0 for features the model does not use):
    coefficient x standardised value, so they sum to the log-odds minus the intercept."""
    scaler, logit = pipe.named_steps["scale"], pipe.named_steps["logit"]
    used = scaler.transform(x) * logit.coef_[0]
    out = np.zeros((len(x), len(MODEL_FEATURES)))
    out[:, [_INDEX[n] for n in names]] = used
    return out


def _pct(x: float) -> str:
    return f"{round(100 * x)}%"


def _sessions(n: int) -> str:
    return f"{n} session" if n == 1 else f"{n} sessions"


def _rate(f: pd.Series) -> str:
    return f"Absent {_pct(f['rate'])} of sessions so far ({int(f['absent'])} of {int(f['possible'])})"


def _unauthorised(f: pd.Series) -> str:
    if f["absent"] == 0:
        return "No unauthorised absence so far"
    share = f["unauthorised_share"]
    lead = "Most absence is unauthorised" if share > 0.5 else "Some absence is unauthorised"
    return f"{lead} ({int(f['unauthorised'])} of {_sessions(int(f['absent']))})"


def _late(f: pd.Series) -> str:
    after = int(f["late_after_close"])
    tail = f", {after} after the register closed" if after else ""
    return f"Late on {int(f['late'])} mornings so far{tail}"


def _spells(f: pd.Series) -> str:
    spells, longest = int(f["spells"]), int(f["longest_spell"])
    if spells <= 1:
        return (
            f"One spell of absence lasting {_sessions(longest)}" if spells else "No spells of absence so far"
        )
    return f"{spells} separate spells of absence so far (longest {_sessions(longest)})"


def _trend(f: pd.Series) -> str:
    if f["trend"] >= 0:
        return (
            f"Attendance falling over the last 4 weeks (absent {_pct(f['rate_recent'])} of sessions, "
            f"against {_pct(f['rate_before'])} before)"
        )
    return f"Attendance improving over the last 4 weeks (absent {_pct(f['rate_recent'])} of sessions)"


def _weekday(f: pd.Series) -> str:
    share = f["absent_mon_fri"] / f["absent"] if f["absent"] else 0.0
    if share > 0.5:
        return f"Most absence is on Mondays and Fridays ({int(f['absent_mon_fri'])} of {_sessions(int(f['absent']))})"
    return "More absence on Mondays and Fridays than midweek"


def _year_group(f: pd.Series) -> str:
    if f["pru"]:
        return "At a pupil referral unit (pupils there are absent more on average)"
    if f["special"]:
        return "At a special school (pupils there are absent more on average)"
    year = int(f["nc_year"])
    label = "Reception" if year == 0 else f"Year {year}"
    return f"In {label} (absence is higher on average in this year group)"


def _prior(f: pd.Series) -> str:
    if f["prior_missing"]:
        return "No attendance record from last year"
    return f"Absent {_pct(f['prior_rate'])} of sessions last year"


def _flag(text: str) -> Callable[[pd.Series], str]:
    return lambda f: f"{text} (a group with more absence on average)"


def _sen(f: pd.Series) -> str:
    return _flag("Has an EHC plan" if f["ehc_plan"] else "Receives SEN support")(f)


# Reasons: (id, features summed into it, wording). Characteristics are described as group averages, never as a
# cause: staff read them as "this pupil belongs to a group where absence is more common".
REASONS: list[tuple[str, list[str], Callable[[pd.Series], str]]] = [
    ("rate_to_date", ["rate", "rate_logit"], _rate),
    ("unauthorised", ["unauthorised_share"], _unauthorised),
    ("lateness", ["late_rate"], _late),
    ("spells", ["spell_rate", "longest_spell"], _spells),
    ("trend", ["trend"], _trend),
    ("weekdays", ["mon_fri_excess"], _weekday),
    ("year_group", ["nc_year", "secondary", "special", "pru"], _year_group),
    ("last_year", ["prior_rate_logit", "prior_missing"], _prior),
    ("fsm", ["fsm"], _flag("Eligible for free school meals")),
    ("sen", ["sen_support", "ehc_plan"], _sen),
    ("eal", ["eal"], _flag("English as an additional language")),
    ("looked_after", ["looked_after"], _flag("Looked after")),
    ("child_in_need", ["child_in_need"], _flag("Child in need")),
    ("sex", ["male"], lambda f: "Boy (boys are absent slightly more on average)"),
]
_INDEX = {name: i for i, name in enumerate(MODEL_FEATURES)}


def reason_contributions(contributions: np.ndarray) -> np.ndarray:
    """(enrolments, reasons) matrix of log-odds contributions, summed over each reason's features."""
    return np.stack([contributions[:, [_INDEX[c] for c in cols]].sum(1) for _, cols, _ in REASONS], axis=1)


def reasons_for(
    features: pd.DataFrame, contributions: np.ndarray, top: int = REASONS_PER_PUPIL
) -> list[list[dict]]:
    """Top reasons per enrolment that raise the risk, largest first: [{"reason", "text", "weight"}, ...]."""
    by_reason = reason_contributions(contributions)
    order = np.argsort(-by_reason, axis=1, kind="stable")[:, :top]
    out = []
    for row, picks in enumerate(order):
        f = features.iloc[row]
        out.append(
            [
                {
                    "reason": REASONS[k][0],
                    "text": REASONS[k][2](f),
                    "weight": round(float(by_reason[row, k]), 3),
                }
                for k in picks
                if by_reason[row, k] > 0.05  # a reason must move the odds by at least ~5%
            ]
        )
    return out


# ----- evaluation


def expected_calibration_error(y: np.ndarray, p: np.ndarray, bins: int = 10) -> float:
    """Mean |observed - predicted| over equal-count bins of the prediction, weighted by bin size."""
    order = np.argsort(p, kind="stable")
    total = 0.0
    for chunk in np.array_split(order, bins):
        if len(chunk):
            total += len(chunk) * abs(y[chunk].mean() - p[chunk].mean())
    return total / len(y)


def precision_at_top(y: np.ndarray, score: np.ndarray, share: float = TOP_SHARE) -> float:
    """Share of the highest-scored `share` of pupils who are persistently absent by the end of the year.

    Ties at the cut are shared out by their average outcome, so a score with many equal values is not favoured
    or penalised by the order rows happen to come in.
    """
    k = max(1, math.ceil(share * len(y)))
    order = np.argsort(-score, kind="stable")
    cut = score[order[k - 1]]
    above = score > cut
    tied = score == cut
    taken_from_tie = k - int(above.sum())
    return float((y[above].sum() + taken_from_tie * y[tied].mean()) / k)


def evaluate(model: EarlyWarningModel, cohort, weeks: tuple[int, ...] = EVALUATION_WEEKS) -> pd.DataFrame:
    """Model against the rate-to-date baseline on a held-out cohort, at each of `weeks`."""
    flags = session_flags(cohort.marks)
    target = end_of_year_pa(flags)
    rows = []
    for w in weeks:
        frame = checkpoint_frame(flags, cohort.pupils, cohort.checkpoint(w), target)
        y = frame["pa"].to_numpy().astype(int)
        week = model.checkpoint_for(w)
        p = model.pipelines[week].predict_proba(frame[model.feature_names].to_numpy(float))[:, 1]
        b = model.baselines[week].predict_proba(frame[["rate"]].to_numpy(float))[:, 1]
        rate = frame["rate"].to_numpy()
        for name, score, prob in (("model", p, p), ("baseline: rate to date", rate, b)):
            rows.append(
                {
                    "weeks": w,
                    "ranking": name,
                    "pupils": len(y),
                    "pa_share": round(float(y.mean()), 4),
                    "roc_auc": round(float(roc_auc_score(y, score)), 4),
                    "precision_top_5pct": round(precision_at_top(y, score), 4),
                    "brier": round(float(brier_score_loss(y, prob)), 4),
                    "ece": round(expected_calibration_error(y, prob), 4),
                    "mean_predicted": round(float(prob.mean()), 4),
                }
            )
    return pd.DataFrame(rows)
