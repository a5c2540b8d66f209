"""Early-warning features from a long marks table: one row per enrolment, computed with whole-array operations.

Pure pandas/numpy (no Django), so the same function serves the synthetic cohorts (training, evaluation) and the
database (prediction). Inputs:

* ``marks``: columns ``enrolment`` (int), ``date`` (date or datetime64), ``session`` ("AM"/"PM"), ``code`` (str):
  the marks of the academic year to date, one row per session;
* ``pupils``: one row per enrolment (column ``enrolment``) with ``nc_year``, ``phase``, ``sex``, ``fsm``,
  ``sen_status``, ``eal``, ``looked_after``, ``child_in_need`` and ``prior_rate`` (last year's overall absence
  rate as a fraction, NaN when there is no record).

Absence and possible sessions follow the DfE definitions (domain.md 2.1), with each code's statistical category
taken from the register code table (registers/data/attendance_codes_2024.csv, passed in as data).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

# Days counted as "recent" for the trend: the last four calendar weeks up to the as-of date.
RECENT_DAYS = 28
# The rate to date is shrunk towards a typical rate by a few sessions' worth of evidence, so that a pupil admitted
# last week who missed 2 of 4 sessions does not look like a pupil who missed half of a term (the model inputs; the
# reasons and the baseline use the plain rate).
RATE_PRIOR, RATE_PRIOR_SESSIONS = 0.05, 20
# Of five weekdays, Monday and Friday would hold 2/5 of absence if it fell evenly through the week.
EVEN_MON_FRI_SHARE = 0.4

# Model inputs, in order. Display-only columns (counts used in the reasons) are returned alongside.
MODEL_FEATURES = [
    "rate_shrunk",
    "rate_logit",
    "unauthorised_share",
    "late_rate",
    "spell_rate",
    "longest_spell",
    "trend",
    "mon_fri_excess",
    "nc_year",
    "secondary",
    "special",
    "pru",
    "male",
    "fsm",
    "sen_support",
    "ehc_plan",
    "eal",
    "looked_after",
    "child_in_need",
    "prior_rate_logit",
    "prior_missing",
]


def code_categories() -> dict[str, str]:
    """code -> statistical category (present, approved_educational_activity, authorised_absence, ...)."""
    from attend.registers.codes import code_table  # the table is plain data; no database access

    return {code: info.statistical_category for code, info in code_table().items()}


def _logit(p: np.ndarray) -> np.ndarray:
    return np.log(p / (1 - p))


def nc_year_number(values: pd.Series) -> np.ndarray:
    """NC year as a number: Reception 0, nursery -1, "1".."14" as numbers, anything else NaN."""
    text = values.astype(str).str.strip().str.upper()
    out = pd.to_numeric(text, errors="coerce").to_numpy(float)
    out[(text == "R").to_numpy()] = 0
    out[text.isin(["N1", "N2"]).to_numpy()] = -1
    return out


def _yes(values: pd.Series) -> np.ndarray:
    if values.dtype == bool:
        return values.to_numpy()
    return values.astype(str).str.upper().isin(["Y", "TRUE", "1", "YES"]).to_numpy()


def _factorise(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(distinct values as str, index of each row's value): fast for categoricals, which synthetic marks use."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return np.asarray(values.cat.categories, dtype=str), values.cat.codes.to_numpy()
    inverse, uniq = pd.factorize(values.astype(str))
    return np.asarray(uniq, dtype=str), inverse


def session_flags(marks: pd.DataFrame, categories: dict[str, str] | None = None) -> pd.DataFrame:
    """The marks with per-row flags, sorted by enrolment, date and session (AM before PM)."""
    categories = categories or code_categories()
    uniq, inverse = _factorise(marks["code"])
    unknown = sorted({c for c in uniq[np.unique(inverse)] if c not in categories})
    if unknown:
        raise ValueError(f"codes not in the register code table: {', '.join(unknown)}")
    cat = np.array([categories.get(c, "unknown") for c in uniq], dtype=object)[inverse]
    codes = uniq[inverse]
    date = pd.to_datetime(marks["date"]).to_numpy("datetime64[D]")
    s_uniq, s_inverse = _factorise(marks["session"])
    pm = (s_uniq == "PM")[s_inverse].astype(np.int8)
    frame = pd.DataFrame(
        {
            "enrolment": marks["enrolment"].to_numpy(np.int64),
            "date": date,
            "pm": pm,
            "possible": cat != "not_possible",
            "absent": (cat == "authorised_absence") | (cat == "unauthorised_absence"),
            "unauthorised": cat == "unauthorised_absence",
            "late": np.isin(codes, ["L", "U"]),
            "late_after_close": codes == "U",
        }
    )
    return frame.sort_values(["enrolment", "date", "pm"], kind="stable").reset_index(drop=True)


def marks_features(
    marks: pd.DataFrame, as_of: dt.date, categories: dict[str, str] | None = None
) -> pd.DataFrame:
    """Attendance features per enrolment from its marks up to and including `as_of` (one row per enrolment)."""
    m = marks if "possible" in marks else session_flags(marks, categories)
    m = m[m["date"].to_numpy() <= np.datetime64(as_of, "D")]
    m = m[m["possible"].to_numpy()].reset_index(drop=True)
    ids, idx = np.unique(m["enrolment"].to_numpy(), return_inverse=True)
    n = len(ids)

    def count(mask: np.ndarray) -> np.ndarray:
        return np.bincount(idx, weights=mask.astype(float), minlength=n)

    absent = m["absent"].to_numpy()
    possible = np.bincount(idx, minlength=n).astype(float)
    n_absent = count(absent)
    n_unauth = count(m["unauthorised"].to_numpy())
    n_late = count(m["late"].to_numpy())
    n_late_u = count(m["late_after_close"].to_numpy())
    am_possible = count(m["pm"].to_numpy() == 0)

    # Spells: runs of consecutive absent sessions in the enrolment's own possible sessions.
    first_row = np.r_[True, idx[1:] != idx[:-1]]
    starts = absent & (first_row | ~np.r_[False, absent[:-1]])
    n_spells = count(starts)
    run_id = np.cumsum(starts)
    run_len = np.bincount(run_id[absent], minlength=run_id.max() + 1 if len(run_id) else 1)
    longest = np.zeros(n)
    if absent.any():
        run_owner = np.zeros(len(run_len), np.int64)
        run_owner[run_id[absent]] = idx[absent]
        np.maximum.at(longest, run_owner[1:], run_len[1:])

    # Trend: absence rate over the last four weeks minus the rate before them.
    recent = m["date"].to_numpy() > np.datetime64(as_of - dt.timedelta(days=RECENT_DAYS), "D")
    poss_recent, abs_recent = count(recent), count(absent & recent)
    poss_before, abs_before = possible - poss_recent, n_absent - abs_recent
    rate_recent = np.divide(abs_recent, poss_recent, out=np.zeros(n), where=poss_recent > 0)
    rate_before = np.divide(abs_before, poss_before, out=np.zeros(n), where=poss_before > 0)
    trend = np.where((poss_recent > 0) & (poss_before > 0), rate_recent - rate_before, 0.0)

    # Weekday pattern: absence rate on Mondays and Fridays minus the rate on Tuesday to Thursday.
    weekday = (
        m["date"].to_numpy().astype("datetime64[D]").astype(np.int64) - 4
    ) % 7  # 1970-01-05 was a Monday
    mon_fri = (weekday == 0) | (weekday == 4)
    poss_mf, abs_mf = count(mon_fri), count(absent & mon_fri)
    poss_mid, abs_mid = possible - poss_mf, n_absent - abs_mf
    rate_mf = np.divide(abs_mf, poss_mf, out=np.zeros(n), where=poss_mf > 0)
    rate_mid = np.divide(abs_mid, poss_mid, out=np.zeros(n), where=poss_mid > 0)

    rate = np.divide(n_absent, possible, out=np.zeros(n), where=possible > 0)
    shrunk = (n_absent + RATE_PRIOR * RATE_PRIOR_SESSIONS) / (possible + RATE_PRIOR_SESSIONS)
    return pd.DataFrame(
        {
            "possible": possible.astype(int),
            "absent": n_absent.astype(int),
            "unauthorised": n_unauth.astype(int),
            "late": n_late.astype(int),
            "late_after_close": n_late_u.astype(int),
            "spells": n_spells.astype(int),
            "absent_mon_fri": abs_mf.astype(int),
            "rate_recent": rate_recent,
            "rate_before": rate_before,
            "rate": rate,
            "rate_shrunk": shrunk,
            "rate_logit": _logit(shrunk),
            "unauthorised_share": np.divide(n_unauth, n_absent, out=np.zeros(n), where=n_absent > 0),
            "late_rate": np.divide(n_late, am_possible, out=np.zeros(n), where=am_possible > 0),
            "spell_rate": np.divide(n_spells * 20, possible, out=np.zeros(n), where=possible > 0),
            "longest_spell": longest,
            "trend": trend,
            "mon_fri_excess": rate_mf - rate_mid,
        },
        index=pd.Index(ids, name="enrolment"),
    )


def pupil_features(pupils: pd.DataFrame) -> pd.DataFrame:
    """Characteristics and last year's rate per enrolment."""
    p = pupils.set_index("enrolment")
    sen = p["sen_status"].astype(str).str.upper()
    phase = p["phase"].astype(str)
    prior = pd.to_numeric(p["prior_rate"], errors="coerce").to_numpy(float)
    missing = np.isnan(prior)
    return pd.DataFrame(
        {
            "nc_year": nc_year_number(p["nc_year"]),
            "secondary": (phase == "secondary").to_numpy(float),
            "special": (phase == "special").to_numpy(float),
            "pru": (phase == "pru_ap").to_numpy(float),
            "male": (p["sex"].astype(str).str.upper() == "M").to_numpy(float),
            "fsm": _yes(p["fsm"]).astype(float),
            "sen_support": (sen == "K").to_numpy(float),
            "ehc_plan": (sen == "E").to_numpy(float),
            "eal": _yes(p["eal"]).astype(float),
            "looked_after": _yes(p["looked_after"]).astype(float),
            "child_in_need": _yes(p["child_in_need"]).astype(float),
            "prior_rate": prior,
            # Missing last year: the logit of a typical rate, with the flag letting the model learn the difference.
            "prior_rate_logit": np.where(
                missing, _logit(0.05), _logit(np.clip(np.nan_to_num(prior), 0.005, 0.95))
            ),
            "prior_missing": missing.astype(float),
        },
        index=p.index,
    )


def build_features(
    marks: pd.DataFrame, pupils: pd.DataFrame, as_of: dt.date, categories: dict[str, str] | None = None
) -> pd.DataFrame:
    """One row per enrolment that has at least one possible session by `as_of`: model inputs plus counts."""
    attendance = marks_features(marks, as_of, categories)
    attendance = attendance[attendance["possible"] > 0]
    joined = attendance.join(pupil_features(pupils), how="inner")
    # A year group we cannot read (e.g. "X") takes the middle of the range rather than dropping the pupil.
    joined["nc_year"] = joined["nc_year"].fillna(6.0)
    return joined


def end_of_year_pa(marks: pd.DataFrame, categories: dict[str, str] | None = None) -> pd.Series:
    """Persistent absence per enrolment over all its marks: absence >= 10% of its own possible sessions."""
    m = marks if "possible" in marks else session_flags(marks, categories)
    m = m[m["possible"].to_numpy()]
    g = m.groupby("enrolment")["absent"].agg(["sum", "count"])
    return (10 * g["sum"] >= g["count"]).rename("pa")
