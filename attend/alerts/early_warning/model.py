"""The early-warning model: one logistic regression per point in the year, with reasons per pupil.

Logistic regression on standardised features keeps every prediction explainable exactly: the log-odds are the
intercept plus one term per feature (coefficient x standardised value), so a feature's contribution is how far it
moves this pupil's odds away from those of an average pupil in the training cohort. Related features are summed
into one reason (e.g. the rate to date and its logit), and reasons are phrased from the pupil's own counts.

A model is trained for each checkpoint in ``CHECKPOINT_WEEKS``; a prediction uses the latest checkpoint the
school has reached, because the same rate means more after 12 weeks than after 2. The probabilities are the
logistic fit's own (no separate recalibration step); ``evaluate`` checks their calibration on pupils the model
never saw.
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


@dataclass
class Cohort:
    """One LA's year: marks (long table), pupils with last year's rate, school days. Synthetic (seed) or from
    the database's history (seed None)."""

    seed: int | None
    marks: pd.DataFrame  # enrolment, date, session, code
    # One row per enrolment: enrolment, nc_year, phase, sex, fsm, sen_status, eal, looked_after, child_in_need,
    # prior_rate.
    pupils: pd.DataFrame
    days: np.ndarray  # datetime64[D], every school day of the year, in order

    def subset(self, keep: np.ndarray) -> Cohort:
        """The enrolments where `keep` (a boolean per row of `pupils`) is true, with their marks."""
        pupils = self.pupils[keep].reset_index(drop=True)
        marks = self.marks[self.marks["enrolment"].isin(pupils["enrolment"])].reset_index(drop=True)
        return Cohort(seed=self.seed, marks=marks, pupils=pupils, days=self.days)

    def checkpoint(self, weeks: int) -> dt.date:
        """The last school day of the first `weeks` weeks of school (5 school days a week)."""
        return self.days[min(5 * weeks, len(self.days)) - 1].astype(dt.date)

    @property
    def year_end(self) -> dt.date:
        return self.days[-1].astype(dt.date)


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
    # The same model without last year's rate, for schools whose history is not in Attend at all (every pupil
    # would otherwise look like a newcomer with no record, which the full model reads as a risk).
    no_history: dict[int, Pipeline] = field(default_factory=dict)

    def checkpoint_for(self, weeks: float) -> int:
        """The latest trained checkpoint not after `weeks` school weeks (the earliest if none)."""
        reached = [w for w in self.pipelines if w <= weeks + 1e-9]
        return max(reached) if reached else min(self.pipelines)

    def predict(self, features: pd.DataFrame, weeks: float) -> pd.DataFrame:
        """Probability of end-of-year persistent absence and the top reasons, one row per enrolment.

        When no pupil in `features` has a record from last year, the model without last year's rate is used.
        """
        week = self.checkpoint_for(weeks)
        pipe, names = self.pipelines[week], self.feature_names
        history = not (len(features) and self.no_history and features["prior_missing"].all())
        if not history:
            pipe, names = self.no_history[week], without_last_year(names)
        x = features[names].to_numpy(float)
        probability = pipe.predict_proba(x)[:, 1]
        contributions = contributions_of(pipe, x, names)
        reasons = reasons_for(features, contributions)
        return pd.DataFrame(
            {
                "probability": probability,
                "rate_to_date": features["rate"].to_numpy(),
                "possible_sessions": features["possible"].to_numpy(),
                "checkpoint_weeks": week,
                "used_last_year": history,
                "reasons": reasons,
            },
            index=features.index,
        )


def without_last_year(names: list[str]) -> list[str]:
    return [n for n in names if n not in ("prior_rate_logit", "prior_missing")]


def _pipeline(c: float = REGULARISATION_C) -> Pipeline:
    return Pipeline([("scale", StandardScaler()), ("logit", LogisticRegression(C=c, max_iter=2000))])


def train(
    cohort, weeks: tuple[int, ...] = CHECKPOINT_WEEKS, feature_names: list[str] | None = None
) -> EarlyWarningModel:
    """Fit one model (and one rate-only baseline) per checkpoint on a synthetic.Cohort."""
    names = list(feature_names or MODEL_FEATURES)
    flags = session_flags(cohort.marks)
    target = end_of_year_pa(flags)
    pipelines, baselines, no_history = {}, {}, {}
    for w in weeks:
        frame = checkpoint_frame(flags, cohort.pupils, cohort.checkpoint(w), target)
        y = frame["pa"].to_numpy()
        pipelines[w] = _pipeline().fit(frame[names].to_numpy(float), y)
        no_history[w] = _pipeline().fit(frame[without_last_year(names)].to_numpy(float), y)
        baselines[w] = _pipeline(c=1e6).fit(frame[["rate"]].to_numpy(float), y)
    return EarlyWarningModel(pipelines, baselines, feature_names=names, no_history=no_history)


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


# Each wording takes the pupil's feature row and whether the reason raises (True) or lowers (False) the risk.


def _rate(f: pd.Series, raises: bool) -> str:
    if f["absent"] == 0:
        return f"Attended every session so far ({int(f['possible'])})"
    return f"Absent {_pct(f['rate'])} of sessions so far ({int(f['absent'])} of {int(f['possible'])})"


def _unauthorised(f: pd.Series, raises: bool) -> str:
    if f["unauthorised"] == 0:
        return "No unauthorised absence so far"
    lead = "Most absence is unauthorised" if f["unauthorised_share"] > 0.5 else "Some absence is unauthorised"
    return f"{lead} ({int(f['unauthorised'])} of {_sessions(int(f['absent']))})"


def _late(f: pd.Series, raises: bool) -> str:
    if f["late"] == 0:
        return "Not late this year"
    after = int(f["late_after_close"])
    tail = f", {after} after the register closed" if after else ""
    return f"Late on {int(f['late'])} mornings so far{tail}"


def _spells(f: pd.Series, raises: bool) -> str:
    spells, longest = int(f["spells"]), int(f["longest_spell"])
    if spells == 0:
        return "No spells of absence so far"
    if spells == 1:
        return f"One spell of absence so far, lasting {_sessions(longest)}"
    return f"{spells} separate spells of absence so far (longest {_sessions(longest)})"


def _trend(f: pd.Series, raises: bool) -> str:
    recent, before = _pct(f["rate_recent"]), _pct(f["rate_before"])
    if raises:
        return (
            f"Attendance falling over the last 4 weeks (absent {recent} of sessions, against {before} before)"
        )
    return (
        f"Attendance steady or improving over the last 4 weeks (absent {recent} of sessions, {before} before)"
    )


def _weekday(f: pd.Series, raises: bool) -> str:
    if not raises:
        return "No pattern of absence on Mondays and Fridays"
    share = f["absent_mon_fri"] / f["absent"] if f["absent"] else 0.0
    if share > 0.5:
        return f"Most absence is on Mondays and Fridays ({int(f['absent_mon_fri'])} of {_sessions(int(f['absent']))})"
    return "More absence on Mondays and Fridays than midweek"


def _year_group(f: pd.Series, raises: bool) -> str:
    more = "more" if raises else "less"
    if f["pru"]:
        return f"At a pupil referral unit (pupils there are absent {more} on average)"
    if f["special"]:
        return f"At a special school (pupils there are absent {more} on average)"
    year = int(f["nc_year"])
    label = "Reception" if year == 0 else f"Year {year}"
    return f"In {label} (absence is {'higher' if raises else 'lower'} on average in this year group)"


def _prior(f: pd.Series, raises: bool) -> str:
    if f["prior_missing"]:
        return "No attendance record from last year"
    return f"Absent {_pct(f['prior_rate'])} of sessions last year"


def _flag(text: str) -> Callable[[pd.Series, bool], str]:
    return lambda f, raises: f"{text} (a group with more absence on average)"


def _sen(f: pd.Series, raises: bool) -> str:
    return _flag("Has an EHC plan" if f["ehc_plan"] else "Receives SEN support")(f, raises)


# Reasons: (id, features summed into it, wording, usable to explain a low risk). Characteristics are described as
# group averages, never as a cause, and only ever to explain a raised risk: "not eligible for free school meals"
# says nothing useful about a pupil whose attendance is good.
REASONS: list[tuple[str, list[str], Callable[[pd.Series, bool], str], bool]] = [
    ("rate_to_date", ["rate_shrunk", "rate_logit"], _rate, True),
    ("unauthorised", ["unauthorised_share"], _unauthorised, True),
    ("lateness", ["late_rate"], _late, True),
    ("spells", ["spell_rate", "longest_spell"], _spells, True),
    ("trend", ["trend"], _trend, True),
    ("weekdays", ["mon_fri_excess"], _weekday, True),
    ("year_group", ["nc_year", "secondary", "special", "pru"], _year_group, True),
    ("last_year", ["prior_rate_logit", "prior_missing"], _prior, True),
    ("fsm", ["fsm"], _flag("Eligible for free school meals"), False),
    ("sen", ["sen_support", "ehc_plan"], _sen, False),
    ("eal", ["eal"], _flag("English as an additional language"), False),
    ("looked_after", ["looked_after"], _flag("Looked after"), False),
    ("child_in_need", ["child_in_need"], _flag("Child in need"), False),
    ("sex", ["male"], lambda f, raises: "Boy (boys are absent slightly more on average)", False),
]
_INDEX = {name: i for i, name in enumerate(MODEL_FEATURES)}
# A reason must move the odds by at least ~5% to be shown.
MIN_WEIGHT = 0.05


def reason_contributions(contributions: np.ndarray) -> np.ndarray:
    """(enrolments, reasons) matrix of log-odds contributions, summed over each reason's features."""
    return np.stack([contributions[:, [_INDEX[c] for c in cols]].sum(1) for _, cols, _, _ in REASONS], axis=1)


def reasons_for(
    features: pd.DataFrame, contributions: np.ndarray, top: int = REASONS_PER_PUPIL
) -> list[list[dict]]:
    """The top reasons per enrolment, largest first: [{"reason", "text", "weight"}, ...].

    Against an average pupil of the training cohort: when the pupil's risk is above that, the reasons are the
    ones that raise it most; when below, the ones that lower it most (weights then negative).
    """
    by_reason = reason_contributions(contributions)
    raised = by_reason.sum(1) >= 0
    lowering_ok = np.array([ok for *_, ok in REASONS])
    out = []
    for row in range(len(by_reason)):
        signed = by_reason[row] if raised[row] else np.where(lowering_ok, -by_reason[row], -np.inf)
        picks = [k for k in np.argsort(-signed, kind="stable")[:top] if signed[k] > MIN_WEIGHT]
        f = features.iloc[row]
        out.append(
            [
                {
                    "reason": REASONS[k][0],
                    "text": REASONS[k][2](f, bool(raised[row])),
                    "weight": round(float(by_reason[row, k]), 3),
                }
                for k in picks
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
        scores = [("model", p, p), ("baseline: rate to date", rate, b)]
        if week in model.no_history:
            x = frame[without_last_year(model.feature_names)].to_numpy(float)
            q = model.no_history[week].predict_proba(x)[:, 1]
            scores.insert(1, ("model without last year's rate", q, q))
        for name, score, prob in scores:
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
