"""DfE-rule statistics over a generated LA, and the published figures they are calibrated against (domain.md §2).

The rules are applied exactly as DfE does for its attendance statistics: possible sessions are every mark whose code
counts as a possible session in the code table (so D, X, Q, Y1-Y7, Z and # do not); absence is the authorised plus
unauthorised codes; persistent absence (PA) is an enrolment with absence >= 10% of its own possible sessions and
severe absence (SA) >= 50%. The cohort is enrolments in Years 1 to 11 (pupils aged 5 to 15) at primary, secondary
and special schools (PRU/AP is reported separately); pupils in Year 11 drop their sixth half-term.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from attend.registers.codes import code_table

from .generator import CODES, NO_MARK, DemoLA

REASONS = ("I", "M", "R", "S", "T", "E", "C", "C1", "J1", "C2", "G", "U", "O", "N")
PHASE_ORDER = ("primary", "secondary", "special")

# Published figures (domain.md §2.2-2.5). 2024/25 daily data unless stated.
PUBLISHED = {
    "overall": {"primary": 5.25, "secondary": 8.59, "special": 12.88},
    "authorised": {"primary": 3.74, "secondary": 5.30, "special": 9.51},
    "unauthorised": {"primary": 1.51, "secondary": 3.30, "special": 3.37},
    "pa": {"primary": 13.5, "secondary": 24.3, "special": 35.8},
    # 2022/23 census (BANDS): the latest severe-absence rates by phase.
    "sa": {"primary": 0.75, "secondary": 3.40, "special": 6.24},
    "reason_rate": {
        "primary": {
            "I": 2.86,
            "M": 0.26,
            "R": 0.10,
            "S": 0.00,
            "T": 0.015,
            "E": 0.03,
            "C": 0.32,
            "C1": 0.003,
            "J1": 0.017,
            "C2": 0.13,
            "G": 0.56,
            "U": 0.16,
            "O": 0.73,
            "N": 0.05,
        },
        "secondary": {
            "I": 3.63,
            "M": 0.37,
            "R": 0.09,
            "S": 0.10,
            "T": 0.003,
            "E": 0.31,
            "C": 0.46,
            "C1": 0.004,
            "J1": 0.016,
            "C2": 0.31,
            "G": 0.34,
            "U": 0.30,
            "O": 2.59,
            "N": 0.07,
        },
        "special": {
            "I": 5.12,
            "M": 0.99,
            "R": 0.08,
            "S": 0.02,
            "T": 0.008,
            "E": 0.17,
            "C": 1.67,
            "C1": 0.007,
            "J1": 0.010,
            "C2": 1.43,
            "G": 0.41,
            "U": 0.28,
            "O": 2.61,
            "N": 0.07,
        },
    },  # fmt: skip
    "illness_share": {"primary": 54.5, "secondary": 42.2, "special": 39.8},
    # PA by characteristic and year group: 2022/23 census (BANDS), scaled to 2024/25 by the ratio of the phase-mix
    # PA rates (18.7 / 21.2), since 2024/25 breakdowns were not found.
    "pa_2223": {"FSM": 36.5, "not FSM": 15.6, "SEN": 32.2, "no SEN": 18.4},
    "sa_2223": {"FSM": 3.78, "not FSM": 1.05, "SEN": 4.35, "no SEN": 1.19},
    "year_pa_2223": {
        1: 19.4,
        2: 16.6,
        3: 15.5,
        4: 15.6,
        5: 15.9,
        6: 16.0,
        7: 20.2,
        8: 25.7,
        9: 29.1,
        10: 30.0,
        11: 30.7,
    },  # fmt: skip
    # Weekday absence, national, September 2024 (the only weekday profile published).
    "weekday": {"Mon": 4.70, "Tue": 4.62, "Wed": 4.52, "Thu": 4.71, "Fri": 5.49},
}
SCALE_2223_TO_2425 = 18.7 / 21.2


@dataclass
class Stats:
    enrolments: pd.DataFrame  # one row per cohort enrolment: phase, nc, fsm, sen, possible, absence, per-code
    by_day: pd.DataFrame  # one row per day: possible, absence, illness (cohort only)
    pru: pd.DataFrame  # PRU/AP enrolments, same columns as `enrolments`


def compute(la: DemoLA) -> Stats:
    table = code_table()
    possible_idx = np.array([table[c].is_possible_session if c else False for c in CODES])
    auth_idx = np.array([bool(c) and table[c].statistical_category == "authorised_absence" for c in CODES])
    unauth_idx = np.array(
        [bool(c) and table[c].statistical_category == "unauthorised_absence" for c in CODES]
    )

    pupils = la.pupils
    am, pm = la.am.copy(), la.pm.copy()
    # Pupils aged 15 (Year 11) drop the sixth half-term, as in DfE's statistics.
    summer2 = np.datetime64(la.calendar_year.terms[5].start, "D")
    y11 = (pupils["nc_year"] == "11").to_numpy()
    late = la.days >= summer2
    am[np.ix_(y11, late)] = NO_MARK
    pm[np.ix_(y11, late)] = NO_MARK

    counts = np.zeros((len(pupils), len(CODES)), np.int32)
    for k in range(1, len(CODES)):
        counts[:, k] = (am == k).sum(axis=1) + (pm == k).sum(axis=1)
    frame = pd.DataFrame(
        {
            "upn": pupils["upn"].to_numpy(),
            "phase": pupils["_phase"]
            .map({0: "primary", 1: "secondary", 2: "special", 3: "pru_ap"})
            .to_numpy(),
            "nc": pupils["nc_year"].to_numpy(),
            "fsm": (pupils["fsm"] == "Y").to_numpy(),
            "sen": (pupils["sen_status"] != "N").to_numpy(),
            "possible": counts[:, possible_idx].sum(axis=1),
            "authorised": counts[:, auth_idx].sum(axis=1),
            "unauthorised": counts[:, unauth_idx].sum(axis=1),
        }
    )
    for reason in REASONS:
        frame[reason] = counts[:, CODES.index(reason)]
    frame["absence"] = frame["authorised"] + frame["unauthorised"]
    compulsory = frame["nc"].isin([str(y) for y in range(1, 12)]) & (frame["possible"] > 0)
    cohort = compulsory & frame["phase"].isin(PHASE_ORDER)

    rows = cohort.to_numpy()
    absent_idx = auth_idx | unauth_idx
    per_day = {}
    for name, sel in (("possible", possible_idx), ("absence", absent_idx)):
        per_day[name] = sum(sel[arr[rows]].sum(axis=0) for arr in (am, pm))
    ill = CODES.index("I")
    per_day["illness"] = sum((arr[rows] == ill).sum(axis=0) for arr in (am, pm))
    per_day["unauthorised"] = sum(unauth_idx[arr[rows]].sum(axis=0) for arr in (am, pm))
    by_day = pd.DataFrame(per_day)
    by_day["date"] = pd.DatetimeIndex(la.days)
    term_end = np.full(len(la.days), np.datetime64("NaT"), "datetime64[D]")
    for t in la.calendar_year.terms:
        inside = (la.days >= np.datetime64(t.start, "D")) & (la.days <= np.datetime64(t.end, "D"))
        term_end[inside] = np.datetime64(t.end, "D")
    by_day["last_week_before_holiday"] = (term_end - la.days).astype(int) < 7
    return Stats(frame[cohort].reset_index(drop=True), by_day, frame[(frame.phase == "pru_ap") & compulsory])


def _rates(f: pd.DataFrame) -> dict[str, float]:
    rate = f["absence"] / f["possible"]
    poss = f["possible"].sum()
    return {
        "enrolments": len(f),
        "pa": 100 * float((rate >= 0.10).mean()) if len(f) else float("nan"),
        "sa": 100 * float((rate >= 0.50).mean()) if len(f) else float("nan"),
        "overall": 100 * f["absence"].sum() / poss if poss else float("nan"),
        "authorised": 100 * f["authorised"].sum() / poss if poss else float("nan"),
        "unauthorised": 100 * f["unauthorised"].sum() / poss if poss else float("nan"),
    }


def phase_rates(stats: Stats) -> dict[str, dict[str, float]]:
    return {phase: _rates(stats.enrolments[stats.enrolments.phase == phase]) for phase in PHASE_ORDER}


def group_rates(stats: Stats) -> dict[str, dict[str, float]]:
    e = stats.enrolments
    return {
        "FSM": _rates(e[e.fsm]),
        "not FSM": _rates(e[~e.fsm]),
        "SEN": _rates(e[e.sen]),
        "no SEN": _rates(e[~e.sen]),
    }


def year_rates(stats: Stats) -> dict[int, dict[str, float]]:
    e = stats.enrolments
    return {y: _rates(e[e.nc == str(y)]) for y in range(1, 12)}


def reason_rates(stats: Stats) -> dict[str, dict[str, float]]:
    out = {}
    for phase in PHASE_ORDER:
        f = stats.enrolments[stats.enrolments.phase == phase]
        poss = f["possible"].sum()
        out[phase] = {r: 100 * f[r].sum() / poss if poss else float("nan") for r in REASONS}
    return out


def weekday_rates(stats: Stats) -> dict[str, float]:
    d = stats.by_day.assign(wd=stats.by_day.date.dt.dayofweek)
    g = d.groupby("wd")[["absence", "possible"]].sum()
    labels = ["Mon", "Tue", "Wed", "Thu", "Fri"]
    return {labels[i]: 100 * g.loc[i, "absence"] / g.loc[i, "possible"] for i in g.index}


def last_week_rates(stats: Stats) -> dict[str, float]:
    g = stats.by_day.groupby("last_week_before_holiday")[["absence", "unauthorised", "possible"]].sum()
    out = {}
    for flag, label in ((True, "last week before a holiday"), (False, "other weeks")):
        if flag in g.index:
            out[label] = 100 * g.loc[flag, "absence"] / g.loc[flag, "possible"]
    return out


def monthly_illness(stats: Stats) -> dict[str, float]:
    d = stats.by_day.assign(month=stats.by_day.date.dt.to_period("M"))
    g = d.groupby("month")[["illness", "possible"]].sum()
    return {str(m): 100 * g.loc[m, "illness"] / g.loc[m, "possible"] for m in g.index}


@dataclass
class Check:
    section: str
    measure: str
    generated: float
    published: float | None
    passed: bool | None  # None = reported only
    note: str = ""


def calibration_checks(stats: Stats) -> list[Check]:
    """Every generated figure beside its published counterpart, with pass/fail where there is a target."""
    checks: list[Check] = []
    phases = phase_rates(stats)
    tolerance = {"overall": 0.5, "authorised": 0.6, "unauthorised": 0.6, "pa": 1.5}
    for phase in PHASE_ORDER:
        r = phases[phase]
        for measure in ("pa", "overall", "authorised", "unauthorised"):
            pub = PUBLISHED[measure][phase]
            checks.append(
                Check(
                    "phase", f"{phase} {measure}", r[measure], pub, abs(r[measure] - pub) <= tolerance[measure],
                    f"±{tolerance[measure]}",
                )
            )  # fmt: skip
        pub = PUBLISHED["sa"][phase]
        tol = max(0.5, 0.35 * pub)
        checks.append(
            Check("phase", f"{phase} sa", r["sa"], pub, abs(r["sa"] - pub) <= tol, f"±{tol:.2f} (22/23)")
        )
    reasons = reason_rates(stats)
    for phase in PHASE_ORDER:
        total = phases[phase]["overall"]
        share = 100 * reasons[phase]["I"] / total if total else float("nan")
        pub = PUBLISHED["illness_share"][phase]
        checks.append(
            Check("reasons", f"{phase} illness share of absence", share, pub, abs(share - pub) <= 6, "±6")
        )
        largest = max(REASONS, key=lambda r: reasons[phase][r])
        checks.append(
            Check("reasons", f"{phase} largest reason is illness", float(largest == "I"), 1.0, largest == "I")
        )
        for reason in REASONS:
            gen, pub = reasons[phase][reason], PUBLISHED["reason_rate"][phase][reason]
            tol = max(0.1, 0.3 * pub)
            ok = abs(gen - pub) <= tol if reason != "N" else None  # N depends on the end date
            checks.append(Check("reason rates", f"{phase} {reason}", gen, pub, ok, f"±{tol:.2f}"))
    groups = group_rates(stats)
    for group, r in groups.items():
        pub = PUBLISHED["pa_2223"][group] * SCALE_2223_TO_2425
        checks.append(
            Check("groups", f"{group} PA", r["pa"], pub, abs(r["pa"] - pub) <= 3.5, "±3.5, 22/23 scaled")
        )
        pub_sa = PUBLISHED["sa_2223"][group]
        checks.append(Check("groups", f"{group} SA", r["sa"], pub_sa, None, "22/23"))
    checks.append(
        Check("groups", "FSM PA / not FSM PA", groups["FSM"]["pa"] / groups["not FSM"]["pa"], 36.5 / 15.6,
              abs(groups["FSM"]["pa"] / groups["not FSM"]["pa"] - 36.5 / 15.6) <= 0.5, "±0.5")
    )  # fmt: skip
    checks.append(
        Check("groups", "SEN PA / no SEN PA", groups["SEN"]["pa"] / groups["no SEN"]["pa"], 32.2 / 18.4,
              abs(groups["SEN"]["pa"] / groups["no SEN"]["pa"] - 32.2 / 18.4) <= 0.4, "±0.4")
    )  # fmt: skip
    years = year_rates(stats)
    for y, r in years.items():
        scale = PUBLISHED["pa"]["primary"] / 16.2 if y <= 6 else PUBLISHED["pa"]["secondary"] / 26.5
        pub = PUBLISHED["year_pa_2223"][y] * scale
        checks.append(
            Check("year groups", f"Y{y} PA", r["pa"], pub, abs(r["pa"] - pub) <= 3.0, "±3, 22/23 scaled")
        )
    rising = all(years[y]["pa"] < years[y + 1]["pa"] for y in range(7, 11))
    checks.append(Check("year groups", "PA rises Y7 to Y11", float(rising), 1.0, rising))
    wd = weekday_rates(stats)
    mean_wd = np.mean(list(wd.values()))
    pub_mean = np.mean(list(PUBLISHED["weekday"].values()))
    for day, rate in wd.items():
        index, pub = rate / mean_wd, PUBLISHED["weekday"][day] / pub_mean
        checks.append(
            Check("weekday", f"{day} (index, mean = 1)", index, pub, abs(index - pub) <= 0.05, "±0.05")
        )
    checks.append(
        Check(
            "weekday",
            "Friday highest",
            float(max(wd, key=wd.get) == "Fri"),
            1.0,
            max(wd, key=wd.get) == "Fri",
        )
    )
    checks.append(
        Check(
            "weekday",
            "Wednesday lowest",
            float(min(wd, key=wd.get) == "Wed"),
            1.0,
            min(wd, key=wd.get) == "Wed",
        )
    )
    lw = last_week_rates(stats)
    if len(lw) == 2:
        ratio = lw["last week before a holiday"] / lw["other weeks"]
        checks.append(
            Check(
                "weeks", "last week before holiday (absence %)", lw["last week before a holiday"], None, None
            )
        )
        checks.append(Check("weeks", "other weeks (absence %)", lw["other weeks"], None, None))
        # Autumn 2024: pre-half-term week 6.97% and final week 9.4% against about 6.0-7.0% in other weeks.
        checks.append(
            Check("weeks", "last-week / other-weeks ratio", ratio, 1.25, 1.1 <= ratio <= 1.5, "1.1-1.5")
        )
    months = monthly_illness(stats)
    for month, rate in months.items():
        checks.append(Check("illness by month", month, rate, None, None))
    if months:
        keys = list(months)
        winter = max(v for k, v in months.items() if k[-2:] in ("11", "12", "01", "02")) if any(
            k[-2:] in ("11", "12", "01", "02") for k in keys) else float("nan")  # fmt: skip
        september = next((v for k, v in months.items() if k.endswith("-09")), float("nan"))
        ok = winter >= 1.8 * september if not np.isnan(winter) else None
        # Weekly illness in autumn 2024 rose from 1.9% (September) to 4.9% (December).
        checks.append(
            Check("illness by month", "winter peak / September", winter / september, 4.9 / 1.9, ok, ">= 1.8")
        )
    pru = _rates(stats.pru)
    checks.append(Check("PRU/AP (not calibrated)", "PRU/AP overall", pru["overall"], None, None))
    checks.append(Check("PRU/AP (not calibrated)", "PRU/AP PA", pru["pa"], None, None))
    return checks


def format_checks(checks: list[Check]) -> str:
    lines = [f"{'section':<24} {'measure':<40} {'generated':>10} {'published':>10}  result  tolerance"]
    for c in checks:
        pub = "" if c.published is None else f"{c.published:10.3f}"
        result = {True: "pass", False: "FAIL", None: "-"}[c.passed]
        lines.append(f"{c.section:<24} {c.measure:<40} {c.generated:10.3f} {pub:>10}  {result:<6}  {c.note}")
    return "\n".join(lines)
