"""A synthetic local authority for demos, tests and benchmarks: schools, calendar, pupils, contacts and marks.

Everything is drawn from one seeded numpy Generator, so a seed always gives the same files. The marks are vectorised:
one pupil-by-school-day matrix of codes per session, filled by whole-array operations (the only Python loop is over
the ~195 school days of the year, each step acting on every pupil at once).

The absence model (calibrated against DfE daily data for 2024/25, domain.md §2; see bench/calibration.py):

* each pupil has a latent absence propensity: a gamma variate scaled by a mean that depends on phase, year group,
  FSM, SEN, social care, school and family, mixed with a small "severe" component (school refusal, long-term
  illness);
* day by day, a two-state Markov chain per pupil turns that propensity into spells of absence; the start rate
  moves with the weekday, the week of term and the season (illness peaks in winter; other absence on Mondays,
  Fridays and the last week before a holiday);
* a spell is illness (I) or other absence (O unauthorised, C authorised), the unauthorised share rising with the
  pupil's propensity;
* separate events add the rarer codes: family holidays in term time (G, shared by siblings), suspensions (E),
  Eid (R), study leave (S), travelling families (T), part-time timetables (C2), appointments (M), lateness (L, U),
  trips and approved activities (V, P, B, W, K), dual registration (D), non-compulsory-age sessions (X), rare
  "unable to attend" days (Y1, Y2) and planned closures (#). Codes in the last few days before the end date are
  still N (reason not yet established), as they would be in a live register.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
from scipy.special import gammaincinv

from attend.people.upn import make_upn

from . import names
from .calendar import EID_DATES, YearCalendar, first_thursday_of_may, year_calendar

CODES: tuple[str, ...] = (
    "", "/", "\\", "L", "I", "M", "R", "S", "T", "E", "C", "C1", "C2", "J1", "G", "U", "O", "N",
    "B", "V", "P", "W", "K", "D", "X", "Y1", "Y2", "#",
)  # fmt: skip
CODE = {code: np.uint8(i) for i, code in enumerate(CODES)}
NO_MARK = CODE[""]

PHASES = ("primary", "secondary", "special", "pru_ap")
PRIMARY, SECONDARY, SPECIAL, PRU = range(4)

SCHOOL_COLUMNS = [
    "la_code", "la_name", "urn", "laestab", "name", "phase", "region_name", "trust_name", "school_day_hours",
    "meets_on_weekdays",
]  # fmt: skip
CALENDAR_COLUMNS = ["school_urn", "kind", "start_date", "end_date", "session", "name"]
PUPIL_COLUMNS = [
    "upn", "school_urn", "legal_forename", "legal_surname", "date_of_birth", "sex", "nc_year", "admission_date",
    "leaving_date", "registration", "preferred_forename", "preferred_surname", "ethnicity", "first_language",
    "eal", "fsm", "fsm6", "sen_status", "looked_after", "previously_looked_after", "child_in_need",
    "child_protection_plan", "young_carer",
]  # fmt: skip
CONTACT_COLUMNS = [
    "contact_ref", "upn", "relationship", "forename", "surname", "priority", "parental_responsibility",
    "lives_with_pupil", "title", "phone_mobile", "phone_home", "phone_work", "email", "address_line1",
    "address_line2", "town", "postcode", "preferred_language", "interpreter_needed",
]  # fmt: skip
MARK_COLUMNS = ["upn", "school_urn", "date", "session", "code"]
FILES = ("schools.csv", "calendar.csv", "pupils.csv", "contacts.csv", "marks.csv")

# nc_year codes by index: 0 = Reception, 1..13.
NC_LABELS = np.array(["R"] + [str(y) for y in range(1, 14)])


@dataclass(frozen=True)
class PhaseModel:
    """Model parameters for one phase, fitted by bench/tune_demo.py and checked by bench/calibration.py."""

    mu: float  # log of the mean core propensity (before pupil effects)
    shape: float  # gamma shape of the pupil-to-pupil spread (smaller = more spread)
    severe: float  # share of pupils in the severe-absence component (before FSM/SEN multipliers)
    illness: float  # illness share of spell absence for a typical pupil
    authorised_other: float  # C share of non-illness spell absence
    appointments: float  # M: sessions per possible session
    late: float  # L: share of morning sessions
    late_after_close: float  # U: share of morning sessions
    suspensions: float  # E: suspension episodes per pupil per year (typical pupil)
    part_time: float  # share of pupils who spend a block of weeks on a part-time timetable (C2)


PHASE_MODELS = {
    PRIMARY: PhaseModel(-3.65, 0.6732, 0.003296, 0.8693, 0.3002, 0.00545, 0.022, 0.003956, 0.04818, 0.02173),
    SECONDARY: PhaseModel(-3.27, 0.9, 0.017, 0.7661, 0.1512, 0.008028, 0.057, 0.006297, 0.2884, 0.03663),
    SPECIAL: PhaseModel(-2.975, 0.72, 0.03323, 0.7945, 0.3898, 0.01249, 0.015, 0.005696, 0.1107, 0.1376),
    PRU: PhaseModel(-1.4, 1, 0.15, 0.35, 0.15, 0.008, 0.04, 0.02, 0.4, 0.1),
}
# Log-propensity shift by NC year (index 0 = Reception) -- Y1 high, Y3-Y6 low, then a steady climb Y7 to Y11.
YEAR_EFFECT = np.array(
    [0.10, 0.16, 0.04, -0.03, -0.03, -0.02, -0.01, -0.28, -0.04, 0.08, 0.13, 0.09, 0.02, 0.08]
)
# Weekday factors (Mon..Fri) for the start of illness spells and of other absence (domain.md §2.5).
ILLNESS_WEEKDAY = np.array([0.95, 0.97, 0.98, 1.02, 1.08])
OTHER_WEEKDAY = np.array([1.10, 0.90, 0.80, 0.92, 1.40])
# Seasonal factors by month (Sep..Jul) for illness and other absence.
ILLNESS_MONTH = {
    9: 0.55,
    10: 0.90,
    11: 1.10,
    12: 1.45,
    1: 1.20,
    2: 1.10,
    3: 1.00,
    4: 0.85,
    5: 0.80,
    6: 0.80,
    7: 0.85,
}
OTHER_MONTH = {
    9: 0.70,
    10: 0.90,
    11: 0.95,
    12: 1.05,
    1: 0.95,
    2: 1.00,
    3: 1.00,
    4: 1.05,
    5: 1.05,
    6: 1.10,
    7: 1.25,
}
ILLNESS_SPELL_CONTINUES = 0.42
# Chance that a family takes a term-time holiday (G) in the year: youngest child at primary / secondary only.
HOLIDAY_CHANCE = (0.22, 0.075)


STAGES = (
    "schools", "calendar", "pupils", "propensity", "chain", "events", "enrolments", "tables", "contacts",
)  # fmt: skip


@dataclass(frozen=True)
class DemoConfig:
    pupils: int = 8000
    schools: int = 20
    seed: int = 1
    start: dt.date | None = None  # default: first day of the academic year's autumn term
    end: dt.date | None = None  # default: last day of the summer term (the command passes today)
    la_code: str = "999"
    la_name: str = "Demoshire County Council (DEMO)"
    # A real region, so the DfE regional figures show; the LA's own are a real LA's (stats.benchmarks.STAND_IN_LAS).
    region_name: str = "South West"


@dataclass
class DemoLA:
    """A generated local authority: small tables as DataFrames, marks as code matrices (enrolment x school day)."""

    config: DemoConfig
    calendar_year: YearCalendar
    schools: pd.DataFrame
    calendar: pd.DataFrame
    pupils: pd.DataFrame  # one row per enrolment, in the pupils.csv columns (plus hidden helper columns)
    contacts: pd.DataFrame
    days: np.ndarray  # datetime64[D] of every LA term weekday in the window
    am: np.ndarray  # uint8 codes (index into CODES), shape (enrolments, days); NO_MARK where no mark exists
    pm: np.ndarray

    @property
    def start(self) -> dt.date:
        return self.days[0].astype(dt.date)

    @property
    def end(self) -> dt.date:
        return self.days[-1].astype(dt.date)

    def mark_count(self) -> int:
        return int(np.count_nonzero(self.am) + np.count_nonzero(self.pm))

    def marks_frame(self) -> pd.DataFrame:
        """All marks as a DataFrame (for small demos and tests; write() streams instead)."""
        return pd.concat([t.to_pandas() for t in self._mark_tables()], ignore_index=True)

    def _mark_tables(self, chunk: int = 5000):
        upns = self.pupils["upn"].to_numpy()
        urns = self.pupils["school_urn"].to_numpy()
        day_strings = pd.DatetimeIndex(self.days).strftime("%Y-%m-%d").to_numpy()
        code_strings = np.array(CODES, dtype=object)
        sessions = np.array(["AM", "PM"], dtype=object)
        for lo in range(0, len(upns), chunk):
            both = np.stack([self.am[lo : lo + chunk], self.pm[lo : lo + chunk]], axis=2)
            e, d, s = np.nonzero(both)
            codes = both[e, d, s]
            e += lo
            yield pa.table(
                {
                    "upn": pa.array(upns[e], pa.string()),
                    "school_urn": pa.array(urns[e], pa.int64()),
                    "date": pa.array(day_strings[d], pa.string()),
                    "session": pa.array(sessions[s], pa.string()),
                    "code": pa.array(code_strings[codes], pa.string()),
                }
            )

    def write(self, out_dir: Path) -> dict[str, int]:
        """Write the five import files; returns rows written per file."""
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        rows = {}
        for name, frame, columns in (
            ("schools.csv", self.schools, SCHOOL_COLUMNS),
            ("calendar.csv", self.calendar, CALENDAR_COLUMNS),
            ("pupils.csv", self.pupils, PUPIL_COLUMNS),
            ("contacts.csv", self.contacts, CONTACT_COLUMNS),
        ):
            frame[columns].to_csv(out_dir / name, index=False, lineterminator="\n")
            rows[name] = len(frame)
        options = pacsv.WriteOptions(include_header=True, quoting_style="needed")
        schema = pa.schema([(c, pa.int64() if c == "school_urn" else pa.string()) for c in MARK_COLUMNS])
        total = 0
        with pacsv.CSVWriter(out_dir / "marks.csv", schema, write_options=options) as writer:
            for table in self._mark_tables():
                writer.write_table(table)
                total += table.num_rows
        rows["marks.csv"] = total
        return rows


def _yn(values: np.ndarray) -> np.ndarray:
    return np.where(values, "Y", "N")


def _phase_counts(n_schools: int) -> list[int]:
    if n_schools < 1:
        raise ValueError("need at least one school")
    if n_schools < 4:
        return [n_schools - 1, 1, 0, 0] if n_schools > 1 else [1, 0, 0, 0]
    secondary = max(1, round(n_schools * 0.2))
    special = max(1, round(n_schools * 0.1))
    pru = 1
    return [n_schools - secondary - special - pru, secondary, special, pru]


class _Builder:
    def __init__(self, config: DemoConfig):
        self.cfg = config
        # Independent streams per stage, so that changing one part of the model (or a parameter that changes how
        # many numbers a stage draws) leaves the other stages' draws as they were.
        streams = np.random.SeedSequence(config.seed).spawn(len(STAGES))
        self.rngs = {stage: np.random.default_rng(s) for stage, s in zip(STAGES, streams, strict=True)}
        anchor = config.end or config.start
        if anchor is None:
            raise ValueError("give a start or an end date")
        start_year = anchor.year if anchor.month >= 8 else anchor.year - 1
        if anchor < year_calendar(start_year).first_day:
            start_year -= 1  # late August: the last academic year is the latest with any marks
        self.cal = year_calendar(start_year)
        self.start_year = start_year
        self.start = max(config.start or self.cal.first_day, self.cal.first_day)
        self.end = min(config.end or self.cal.last_day, self.cal.last_day)
        if self.start > self.end:
            raise ValueError(f"start {self.start} is after end {self.end} (the academic year's term dates)")
        if config.pupils < 1:
            raise ValueError("need at least one pupil")

    # ----- schools and calendar

    def build_schools(self) -> None:
        rng, cfg = self.rngs["schools"], self.cfg
        counts = _phase_counts(cfg.schools)
        phase = np.repeat(np.arange(4), counts)
        n = len(phase)
        places = rng.permutation(len(names.SCHOOL_PLACES))
        estab_base = {PRIMARY: 2000, SECONDARY: 4000, SPECIAL: 7000, PRU: 1100}
        rows = []
        seen = np.zeros(4, int)
        for i in range(n):
            p = int(phase[i])
            seen[p] += 1
            place = names.SCHOOL_PLACES[places[i % len(places)]]
            if i >= len(places):
                place = f"{place} {i // len(places) + 1}"
            if p == PRIMARY:
                name = f"{place} {names.PRIMARY_KINDS[rng.integers(len(names.PRIMARY_KINDS))]}"
            elif p == SECONDARY:
                name = f"{place} {names.SECONDARY_KINDS[rng.integers(len(names.SECONDARY_KINDS))]}"
            elif p == SPECIAL:
                name = f"{place} Special School"
            else:
                name = f"{place} Pupil Referral Unit"
            in_trust = (p == SECONDARY and seen[p] > 1) or (p == PRIMARY and rng.random() < 0.35)
            trust = names.TRUSTS[rng.integers(len(names.TRUSTS))] if in_trust else ""
            estab = estab_base[p] + 10 * seen[p] + int(rng.integers(10))
            rows.append(
                {
                    "la_code": cfg.la_code,
                    "la_name": cfg.la_name,
                    "urn": 990000 + int(cfg.la_code) % 10 * 1000 + i + 1,
                    "laestab": f"{cfg.la_code}{estab:04d}",
                    "name": f"{name} (DEMO)",
                    "phase": PHASES[p],
                    "region_name": cfg.region_name,
                    "trust_name": trust,
                    "school_day_hours": "6.50" if p != SECONDARY else "6.75",
                    "meets_on_weekdays": "12345",
                    "_phase": p,
                    # Roughly one secondary in two has a sixth form (the first one always does).
                    "_sixth_form": p == SECONDARY and seen[p] % 2 == 1,
                    "_size": rng.uniform(0.6, 1.4),  # relative size within the phase
                }
            )
        self.schools = pd.DataFrame(rows)
        self.phase_of_school = self.schools["_phase"].to_numpy()

    def build_calendar(self) -> None:
        rng, cal = self.rngs["calendar"], self.cal
        grid = cal.weekdays_in_term()
        bank = dict(cal.bank_holidays)
        grid = [d for d in grid if d not in bank]
        self.grid_dates = grid
        self.grid = np.array(grid, dtype="datetime64[D]")
        n_days = len(grid)
        n_schools = len(self.schools)
        index = {d: i for i, d in enumerate(grid)}
        open_ = np.ones((n_schools, n_days), bool)
        closed_am = np.zeros((n_schools, n_days), bool)
        closed_pm = np.zeros((n_schools, n_days), bool)
        terms = cal.terms
        first_days = [t.start if t.start.weekday() < 5 else grid[0] for t in terms]
        rows = []
        polling = first_thursday_of_may(self.start_year + 1)
        for s in range(n_schools):
            urn = int(self.schools.urn[s])
            for t in terms:
                rows.append((urn, "term", t.start, t.end, "", t.name))
            inset = [grid[0], grid[1]]
            candidates = [d for d in first_days[1:] if d in index] + [grid[-1]]
            for k in rng.choice(len(candidates), size=3, replace=False):
                inset.append(candidates[k])
            for d in sorted(set(inset)):
                rows.append((urn, "non_school_day", d, d, "", "INSET day"))
                open_[s, index[d]] = False
            for d, name in cal.bank_holidays:
                rows.append((urn, "non_school_day", d, d, "", name))
            phase = self.phase_of_school[s]
            if phase == PRIMARY and rng.random() < 0.3 and polling in index and open_[s, index[polling]]:
                rows.append(
                    (urn, "planned_closure", polling, polling, "", "Polling station (local elections)")
                )
                closed_am[s, index[polling]] = closed_pm[s, index[polling]] = True
            if phase == SECONDARY and s == int(np.flatnonzero(self.phase_of_school == SECONDARY)[0]):
                day = grid[int(rng.integers(20, min(60, n_days - 1)))]
                if open_[s, index[day]]:
                    rows.append(
                        (urn, "planned_closure", day, day, "PM", "Staff training (afternoon closure)")
                    )
                    closed_pm[s, index[day]] = True
        self.calendar = pd.DataFrame(rows, columns=CALENDAR_COLUMNS)
        self.open = open_
        self.closed_am = closed_am
        self.closed_pm = closed_pm
        # Holiday boundaries: a gap of more than a long weekend between consecutive LA term days.
        gaps = np.diff(self.grid).astype(int)
        self.break_after = np.append(gaps > 4, True)  # last day before a holiday (or the year's end)
        self.break_before = np.insert(gaps > 4, 0, True)  # first day after a holiday
        self.weekday = np.array([d.weekday() for d in grid])
        self.month = np.array([d.month for d in grid])
        self.summer2_start = index.get(terms[5].start, n_days)
        # School days left until the next holiday (0 = last day before it).
        left = np.zeros(n_days, int)
        for g in range(n_days - 2, -1, -1):
            left[g] = 0 if self.break_after[g] else left[g + 1] + 1
        self.days_to_break = left

    # ----- families and pupils

    def build_pupils(self) -> None:
        rng, cfg = self.rngs["pupils"], self.cfg
        n = cfg.pupils
        sizes = rng.choice([1, 2, 3, 4], size=n, p=[0.52, 0.33, 0.12, 0.03])
        cut = int(np.searchsorted(np.cumsum(sizes), n)) + 1
        sizes = sizes[:cut]
        sizes[-1] -= sizes.sum() - n
        n_fam = len(sizes)
        fam = np.repeat(np.arange(n_fam), sizes)
        self.fam, self.n_fam, self.fam_size = fam, n_fam, sizes

        # Family-level characteristics.
        eth_codes = np.array([e for e, _ in names.ETHNICITIES])
        eth_p = np.array([p for _, p in names.ETHNICITIES])
        f_eth = rng.choice(len(eth_codes), size=n_fam, p=eth_p / eth_p.sum())
        f_eth_code = eth_codes[f_eth]
        eal_p = np.where(
            f_eth_code == "WBRI", 0.01, np.where(np.isin(f_eth_code, ["MWBC", "MWBA"]), 0.1, 0.6)
        )
        f_eal = rng.random(n_fam) < eal_p
        f_lang = rng.integers(len(names.OTHER_LANGUAGES), size=n_fam)
        f_fsm = rng.random(n_fam) < 0.20 + 0.035 * (sizes - 1) + 0.05 * (f_eth_code != "WBRI")
        f_effect = rng.normal(0, 0.30, n_fam)
        f_surname = rng.integers(len(names.SURNAMES), size=n_fam)
        eid_p = np.array([names.EID_ETHNICITIES.get(e, 0.0) for e in f_eth_code])
        f_eid = rng.random(n_fam) < eid_p
        f_traveller = np.isin(f_eth_code, names.TRAVELLER_ETHNICITIES)
        f_looked_after = rng.random(n_fam) < 0.0055
        self.f_eal, self.f_lang, self.f_fsm, self.f_surname = f_eal, f_lang, f_fsm, f_surname
        self.f_looked_after, self.f_eid, self.f_traveller = f_looked_after, f_eid, f_traveller
        self.f_eth_code = f_eth_code

        # Home schools: each family has a nearest primary and secondary.
        def pick(phase: int, k: int) -> np.ndarray:
            ids = np.flatnonzero(self.phase_of_school == phase)
            if len(ids) == 0:
                return np.full(k, -1)
            w = self.schools["_size"].to_numpy()[ids]
            return ids[rng.choice(len(ids), size=k, p=w / w.sum())]

        f_primary = pick(PRIMARY, n_fam)
        f_secondary = pick(SECONDARY, n_fam)

        # Pupils.
        has_secondary = (self.phase_of_school == SECONDARY).any()
        has_sixth = bool(self.schools["_sixth_form"].any())
        year_w = np.array([1.0] * 7 + [0.97] * 5 + [0.42, 0.38])
        if not has_secondary:
            year_w[7:] = 0
        if not has_sixth:
            year_w[12:] = 0
        nc = rng.choice(14, size=n, p=year_w / year_w.sum())
        sex = np.where(rng.random(n) < 0.49, "F", "M")
        school = np.where(nc <= 6, f_primary[fam], f_secondary[fam])
        if has_sixth:
            sixth_ids = np.flatnonzero(self.schools["_sixth_form"].to_numpy())
            needs = (nc >= 12) & ~self.schools["_sixth_form"].to_numpy()[school]
            school[needs] = sixth_ids[rng.integers(len(sixth_ids), size=int(needs.sum()))]

        # SEN: special schools take about 4% of pupils (all with an EHC plan).
        sen = np.full(n, "N", dtype="<U1")
        special_ids = np.flatnonzero(self.phase_of_school == SPECIAL)
        boy = sex == "M"
        fsm = f_fsm[fam]
        if len(special_ids):
            to_special = (rng.random(n) < 0.04 * np.where(boy, 1.4, 0.6)) & (nc >= 1) & (nc <= 11)
            w = self.schools["_size"].to_numpy()[special_ids]
            school[to_special] = special_ids[
                rng.choice(len(special_ids), size=int(to_special.sum()), p=w / w.sum())
            ]
            sen[to_special] = "E"
        mainstream = sen == "N"
        ehcp = mainstream & (rng.random(n) < 0.015 * np.where(boy, 1.4, 0.6))
        sen[ehcp] = "E"
        support_p = 0.115 * np.where(boy, 1.3, 0.7) * np.where(fsm, 1.6, 0.85) * np.where(nc == 0, 0.6, 1.0)
        sen[(sen == "N") & (rng.random(n) < support_p)] = "K"

        self.nc, self.sex, self.school, self.sen = nc, sex, school, sen
        self.fsm = fsm
        self.fsm6 = fsm | (rng.random(n) < 0.09)
        self.looked_after = f_looked_after[fam]
        self.prev_looked_after = ~self.looked_after & (rng.random(n) < 0.005)
        self.cin = rng.random(n) < 0.03 * np.where(fsm, 2.0, 0.7)
        self.cpp = self.cin & (rng.random(n) < 0.33)
        self.young_carer = rng.random(n) < 0.015
        self.eid = f_eid[fam]
        self.traveller = f_traveller[fam]

        # Latent absence propensity: a rank per pupil, turned into a gamma quantile within the pupil's phase.
        self.rank_u = self.rngs["propensity"].random(n)
        school_effect = rng.normal(0, 0.12, len(self.schools))
        self.severe_u = rng.random(n)
        self.severe_level = rng.beta(2.2, 2.0, n)
        self.school_effect = school_effect
        self.f_effect = f_effect
        self._propensity()

        # Pupil referral unit: a few secondary-age pupils with high propensity are single-registered there.
        pru_ids = np.flatnonzero(self.phase_of_school == PRU)
        self.dual = np.zeros(n, bool)
        if len(pru_ids):
            secondary_age = (nc >= 7) & (nc <= 11) & (sen != "E")
            weight = np.where(secondary_age, self.p, 0.0)
            k = max(1, round(0.010 * secondary_age.sum()))
            k_dual = max(1, round(0.006 * secondary_age.sum()))
            chosen = rng.choice(
                n, size=min(k + k_dual, int((weight > 0).sum())), replace=False, p=weight / weight.sum()
            )
            single, dual = chosen[:k], chosen[k:]
            school[single] = pru_ids[0]
            self.dual[dual] = True
            self._propensity()

    def _propensity(self) -> None:
        n = len(self.nc)
        phase = self.phase_of_school[self.school]
        mu = np.array([PHASE_MODELS[p].mu for p in range(4)])[phase]
        severe = np.array([PHASE_MODELS[p].severe for p in range(4)])[phase]
        effect = (
            YEAR_EFFECT[self.nc]
            + 0.75 * self.fsm
            + np.where(self.sen == "K", 0.40, 0.0)
            + np.where((self.sen == "E") & (phase != SPECIAL), 0.40, 0.0)
            + 0.30 * self.cin
            + 0.15 * self.cpp
            + 0.15 * self.young_carer
            - 0.15 * self.looked_after
            + 0.90 * self.traveller
            + self.school_effect[self.school]
            + self.f_effect[self.fam]
        )
        # Centre the school and family effects within each phase so that the phase medians stay put.
        for p in range(4):
            m = phase == p
            if m.any():
                effect[m] -= (self.school_effect[self.school[m]] + self.f_effect[self.fam[m]]).mean()
        # Stratified (quantile) draws: each phase gets the gamma's quantiles at (rank + 0.5) / size, so its
        # spread of propensities is the gamma's own rather than a noisy sample of it (small phases stay on target).
        spread = np.empty(n)
        for p in range(4):
            members = np.flatnonzero(phase == p)
            if len(members):
                k = PHASE_MODELS[p].shape
                ranks = np.argsort(np.argsort(self.rank_u[members], kind="stable"), kind="stable")
                spread[members] = gammaincinv(k, (ranks + 0.5) / len(members)) / k
        core = np.exp(mu + effect) * spread
        risk = severe * np.exp(
            1.0 * self.fsm
            + 0.7 * (self.sen != "N") * (phase != SPECIAL)
            + 1.2 * YEAR_EFFECT[self.nc]
            + 0.6 * self.cin
        )
        # Exactly the expected number of severe pupils per phase, picked in proportion to risk (weighted sampling
        # without replacement by the key u ** (1 / risk)): the severe share drives overall absence in special
        # schools, and a binomial count would make small LAs swing by more than the calibration tolerance.
        is_severe = np.zeros(n, bool)
        key = np.log(np.maximum(self.severe_u, 1e-300)) / np.maximum(risk, 1e-12)
        for p in range(4):
            members = np.flatnonzero(phase == p)
            k = min(int(round(risk[members].clip(0, 1).sum())), len(members))
            if k:
                is_severe[members[np.argsort(-key[members], kind="stable")[:k]]] = True
        core = np.where(is_severe, 0.42 + 0.53 * self.severe_level, core)
        if hasattr(self, "dual"):
            core = np.where(self.dual, core * 1.6, core)
        self.p = np.minimum(core, 0.95)
        self.phase = phase
        self.is_severe = is_severe
        assert len(self.p) == n

    # ----- the register

    def build_marks(self) -> None:
        rng = self.rngs["chain"]
        n, n_days = len(self.nc), len(self.grid)
        phase = self.phase
        models = [PHASE_MODELS[p] for p in range(4)]

        def per_phase(attr: str) -> np.ndarray:
            return np.array([getattr(m, attr) for m in models])[phase]

        # Day factors, each normalised to mean 1 over the year.
        ill = ILLNESS_WEEKDAY[self.weekday] * np.array([ILLNESS_MONTH[m] for m in self.month])
        ill *= np.where(self.days_to_break < 5, 1.05, 1.0)
        oth = OTHER_WEEKDAY[self.weekday] * np.array([OTHER_MONTH[m] for m in self.month])
        oth *= np.where(self.days_to_break < 5, 1.35, 1.0) * np.where(self.days_to_break == 0, 1.3, 1.0)
        ill /= ill.mean()
        oth /= oth.mean()

        # Illness share of spells falls as the propensity rises (persistent absence skews unauthorised).
        base_ill = per_phase("illness")
        rel = np.clip(self.p / np.exp(per_phase("mu")), 0.05, 50)
        w_ill = 1 / (1 + (1 - base_ill) / base_ill * rel**0.45)
        w_ill = np.where(self.is_severe, w_ill * 0.8, w_ill)
        c_share = per_phase("authorised_other")
        r_other = np.clip(0.35 + 0.75 * self.p, 0.35, 0.93)
        r_ill = np.where(self.is_severe, 0.75, ILLNESS_SPELL_CONTINUES)

        day = np.zeros((n, n_days), np.uint8)
        state = np.zeros(n, np.uint8)
        i_code, o_code, c_code = CODE["I"], CODE["O"], CODE["C"]
        for g in range(n_days):
            if self.break_before[g]:
                state[:] = 0
            wi = w_ill * ill[g]
            wo = (1 - w_ill) * oth[g]
            q = np.minimum(self.p * (wi + wo), 0.97)
            share_ill = wi / (wi + wo)
            length = share_ill / (1 - r_ill) + (1 - share_ill) / (1 - r_other)
            start = np.minimum(q / (length * (1 - q)), 1.0)
            u = rng.random(n)
            keep = np.where(state == i_code, u < r_ill, u < r_other) & (state != 0)
            begin = (state == 0) & (u < start)
            v = rng.random(n)
            new = np.where(v < share_ill, i_code, np.where(rng.random(n) < c_share, c_code, o_code))
            state = np.where(keep, state, np.where(begin, new, 0)).astype(np.uint8)
            day[:, g] = state

        rng = self.rngs["events"]
        am = np.full((n, n_days), CODE["/"], np.uint8)
        pm = np.full((n, n_days), CODE["\\"], np.uint8)
        absent = day != 0
        half = absent & (rng.random((n, n_days)) < 0.10)
        pm_only = half & (rng.random((n, n_days)) < 0.6)
        am = np.where(absent & ~pm_only, day, am)
        pm = np.where(absent & ~(half & ~pm_only), day, pm)
        self.am, self.pm = am, pm

        def present(a: np.ndarray) -> np.ndarray:
            return (a == CODE["/"]) | (a == CODE["\\"])

        def put(pupils: np.ndarray, days: np.ndarray, code: str, sessions: str = "both", only_present=False):
            ok = (days >= 0) & (days < n_days)
            pupils, days = pupils[ok], days[ok]
            for arr, flag in ((self.am, "am"), (self.pm, "pm")):
                if sessions not in ("both", flag):
                    continue
                if only_present:
                    m = present(arr[pupils, days])
                    arr[pupils[m], days[m]] = CODE[code]
                else:
                    arr[pupils, days] = CODE[code]

        def blocks(pupils: np.ndarray, starts: np.ndarray, lengths: np.ndarray):
            reps = np.repeat(pupils, lengths)
            offs = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
            return reps, np.repeat(starts, lengths) + offs

        breaks_end = np.flatnonzero(self.break_after[:-1])  # last days before a holiday
        breaks_start = np.flatnonzero(self.break_before[1:]) + 1  # first days after one

        # Term-time holidays (G): whole families, often next to a school holiday.
        youngest_primary = np.zeros(self.n_fam, bool)
        np.logical_or.at(youngest_primary, self.fam, self.nc <= 6)
        p_holiday = np.where(youngest_primary, *HOLIDAY_CHANCE) * np.where(self.f_fsm, 0.8, 1.0)
        takes = np.flatnonzero(rng.random(self.n_fam) < p_holiday)
        length = rng.choice([2, 3, 4, 5, 5, 6, 8, 10], size=len(takes))
        where = rng.random(len(takes))
        before = breaks_end[rng.integers(len(breaks_end), size=len(takes))] - length + 1
        after = breaks_start[rng.integers(len(breaks_start), size=len(takes))]
        anywhere = rng.integers(0, n_days - 10, size=len(takes))
        start = np.where(where < 0.45, before, np.where(where < 0.7, after, anywhere))
        fam_days_f, fam_days_d = blocks(takes, start, length)
        members = pd.DataFrame({"fam": self.fam, "pupil": np.arange(n)})
        trips = pd.DataFrame({"fam": fam_days_f, "day": fam_days_d}).merge(members, on="fam")
        put(trips.pupil.to_numpy(), trips.day.to_numpy(), "G")

        # Suspensions without alternative provision (E): 1-3 days each.
        rel_p = np.clip(self.p / 0.06, 0.2, 8)
        lam = per_phase("suspensions") * rel_p**1.2 / np.mean(rel_p**1.2)
        episodes = rng.poisson(lam)
        who = np.repeat(np.arange(n), episodes)
        put(*blocks(who, rng.integers(0, n_days - 3, len(who)), rng.choice([1, 1, 2, 3], len(who))), "E")

        # Eid (R) for observing families.
        for d in EID_DATES:
            g = self._day_index(d)
            if g is not None:
                # R covers the one day set apart for the observance (domain.md §1.1).
                who = np.flatnonzero(self.eid & (rng.random(n) < 0.9))
                put(who, np.full(len(who), g), "R")

        # Travelling families (T): a block in the summer term.
        who = np.flatnonzero(self.traveller & (rng.random(n) < 0.5))
        put(
            *blocks(
                who,
                rng.integers(self.summer2_start - 30, n_days - 15, len(who)),
                rng.integers(5, 15, len(who)),
            ),
            "T",
        )

        # Study leave (S) and interviews (J1) for exam years; performance licences (C1) for a few.
        exam_lo, exam_hi = self._day_index_after(dt.date(self.start_year + 1, 5, 11)), self.summer2_start + 15
        who = np.flatnonzero(np.isin(self.nc, [11, 13]) & (rng.random(n) < 0.6))
        who = np.repeat(who, 3)
        put(who, rng.integers(exam_lo, max(exam_lo + 1, exam_hi), len(who)), "S")
        who = np.flatnonzero(
            (np.isin(self.nc, [6, 11, 13]) & (rng.random(n) < 0.2)) | (rng.random(n) < 0.002)
        )
        put(who, rng.integers(0, n_days, len(who)), "J1")
        who = np.flatnonzero(rng.random(n) < 0.003)
        put(*blocks(who, rng.integers(0, n_days - 5, len(who)), rng.integers(1, 5, len(who))), "C1")

        # Part-time timetables (C2): afternoons for a block of weeks, pupils with high propensity more likely.
        rel_p = np.clip(self.p / np.median(self.p), 0.1, 20)
        pt = rng.random(n) < per_phase("part_time") * rel_p / rel_p.mean() * (self.nc >= 1)
        who = np.flatnonzero(pt)
        lengths = rng.integers(20, 60, len(who))
        put(
            *blocks(who, rng.integers(0, n_days - 20, len(who)), lengths),
            "C2",
            sessions="pm",
            only_present=True,
        )

        # LA-arranged education (K) for a few secondary and special pupils with medical needs.
        who = np.flatnonzero(np.isin(phase, [SECONDARY, SPECIAL]))
        who = who[rng.random(len(who)) < 0.0015]
        put(*blocks(who, rng.integers(0, n_days - 30, len(who)), rng.integers(30, 80, len(who))), "K")

        # Approved educational activity: college days (B), work experience (W), trips (V), sport (P).
        college = np.flatnonzero(np.isin(self.nc, [10, 11]) & (phase == SECONDARY) & (rng.random(n) < 0.04))
        wednesdays = np.flatnonzero(self.weekday == 2)
        cd = np.tile(wednesdays, len(college))
        put(np.repeat(college, len(wednesdays)), cd, "B", only_present=True)
        for s in np.flatnonzero(self.phase_of_school == SECONDARY):
            week = int(rng.integers(self.summer2_start, n_days - 5))
            who = np.flatnonzero((self.school == s) & np.isin(self.nc, [10, 12]) & (rng.random(n) < 0.55))
            put(*blocks(who, np.full(len(who), week), np.full(len(who), 5)), "W", only_present=True)
        for s in range(len(self.schools)):
            on_trip_days = (
                3 if self.phase_of_school[s] == SPECIAL else 1 if self.phase_of_school[s] == SECONDARY else 2
            )
            for year in np.unique(self.nc[self.school == s]):
                group = np.flatnonzero((self.school == s) & (self.nc == year))
                for _ in range(on_trip_days):
                    g = int(rng.integers(5, n_days - 5))
                    went = group[
                        rng.random(len(group)) < (0.45 if self.phase_of_school[s] == SECONDARY else 0.85)
                    ]
                    put(went, np.full(len(went), g), "V", only_present=True)
        sport = rng.random((n, n_days)) < 0.0025
        self.pm[sport & present(self.pm)] = CODE["P"]

        # Appointments (M), one session at a time; pupils with SEN more.
        m_rate = per_phase("appointments") * np.where(self.sen != "N", 1.8, 0.9) * rng.gamma(1.0, 1.0, n)
        appt = rng.random((n, n_days)) < m_rate[:, None]
        am_appt = appt & (rng.random((n, n_days)) < 0.55)
        self.am[am_appt & present(self.am)] = CODE["M"]
        self.pm[appt & ~am_appt & present(self.pm)] = CODE["M"]

        # Lateness: L before the register closes, U after (unauthorised), morning sessions only.
        rel_p = np.clip(self.p / np.median(self.p), 0.2, 10) ** 0.5
        lateness = rng.gamma(0.7, 1 / 0.7, n) * rel_p / rel_p.mean()
        late_u = rng.random((n, n_days))
        weekday_u = np.where((self.weekday == 0) | (self.weekday == 4), 1.2, 0.9)
        u_rate = (per_phase("late_after_close") * lateness)[:, None] * weekday_u[None, :]
        l_rate = per_phase("late") * lateness
        m = present(self.am)
        self.am[m & (late_u < u_rate)] = CODE["U"]
        self.am[m & (late_u >= u_rate) & (late_u < u_rate + l_rate[:, None])] = CODE["L"]

        # Not of compulsory school age and not required to attend (X): staggered Reception starts; sixth-form study.
        first_week = np.arange(min(5, n_days))
        who = np.flatnonzero((self.nc == 0) & (rng.random(n) < 0.3))
        put(np.repeat(who, len(first_week)), np.tile(first_week, len(who)), "X", sessions="pm")
        sixth = (self.nc >= 12)[:, None] & (rng.random((n, n_days)) < 0.05)
        self.pm[sixth & present(self.pm)] = CODE["X"]

        # Rare "unable to attend" days: a snow day for pupils who travel far (Y2), a transport failure (Y1).
        winter = np.flatnonzero((self.month == 1) | (self.month == 2))
        if len(winter):
            g = int(winter[rng.integers(len(winter))])
            who = np.flatnonzero((phase == SECONDARY) & (rng.random(n) < 0.05))
            put(who, np.full(len(who), g), "Y2")
        for s in np.flatnonzero(self.phase_of_school == SPECIAL):
            g = int(rng.integers(0, n_days))
            who = np.flatnonzero((self.school == s) & (rng.random(n) < 0.15))
            put(who, np.full(len(who), g), "Y1")

    def _day_index(self, day: dt.date) -> int | None:
        g = int(np.searchsorted(self.grid, np.datetime64(day, "D")))
        return g if g < len(self.grid) and self.grid[g] == np.datetime64(day, "D") else None

    def _day_index_after(self, day: dt.date) -> int:
        return int(np.searchsorted(self.grid, np.datetime64(day, "D")))

    # ----- enrolments

    def build_enrolments(self) -> None:
        rng = self.rngs["enrolments"]
        n, n_days = len(self.nc), len(self.grid)
        grid = self.grid
        last = n_days - 1
        # Admission: when the pupil joined this school (usually an earlier September).
        years_in = np.where(
            self.phase_of_school[self.school] == PRIMARY,
            self.nc,
            np.where(self.nc >= 12, self.nc - 12, np.where(self.nc >= 7, self.nc - 7, 0)),
        )
        special_or_pru = np.isin(self.phase_of_school[self.school], [SPECIAL, PRU])
        years_in = np.where(special_or_pru, rng.integers(0, 4, n) * (self.nc >= 4), years_in)
        admission = np.array(
            [np.datetime64(f"{self.start_year - k}-09-0{1 + (self.start_year - k) % 5}") for k in range(14)]
        )[years_in]
        admission[years_in == 0] = grid[0]  # started this September: the first day of the autumn term
        a_idx = np.zeros(n, int)
        b_idx = np.full(n, last)

        # The window with marks; joiners, leavers and moves happen inside it (so --pupils pupils are on file).
        i0 = int(np.searchsorted(grid, np.datetime64(self.start, "D")))
        i1 = int(np.searchsorted(grid, np.datetime64(self.end, "D"), side="right")) - 1
        span = max(i1 - i0, 1)
        # Mid-year joiners and leavers.
        joiner = rng.random(n) < 0.04
        a_idx[joiner] = np.minimum(i0 + 1 + (rng.random(joiner.sum()) * span).astype(int), i1)
        admission[joiner] = grid[a_idx[joiner]]
        leaver = ~joiner & (rng.random(n) < 0.03)
        b_idx[leaver] = i0 + (rng.random(leaver.sum()) * span).astype(int)
        # Exam years leave on the last Friday in June; Year 6 at the end of the year.
        june_end = np.datetime64(_last_friday_of_june(self.start_year + 1), "D")
        exam_leave = np.isin(self.nc, [11, 13]) & ~leaver
        b_idx[exam_leave] = min(int(np.searchsorted(grid, june_end, side="right")) - 1, b_idx.max())
        y6 = (self.nc == 6) & (self.phase_of_school[self.school] == PRIMARY) & ~leaver
        leaving_by_rule = exam_leave | y6 | leaver
        b_idx = np.maximum(b_idx, a_idx)

        rows_pupil = [np.arange(n)]
        rows_school = [self.school.copy()]
        rows_a = [a_idx]
        rows_b = [b_idx]
        rows_adm = [admission]
        rows_leaving_set = [leaving_by_rule]
        rows_reg = [np.where(self.dual, "main", "single")]

        # Moves between schools of the same phase inside the LA: two enrolments, one pupil.
        same_phase_peers = {p: np.flatnonzero(self.phase_of_school == p) for p in (PRIMARY, SECONDARY)}
        movers = np.flatnonzero(
            ~joiner & ~leaving_by_rule & ~self.dual & (rng.random(n) < 0.012)
            & np.isin(self.phase_of_school[self.school], [PRIMARY, SECONDARY])
        )  # fmt: skip
        movers = np.array(
            [m for m in movers if len(same_phase_peers[self.phase_of_school[self.school[m]]]) > 1], int
        )
        if len(movers):
            move_day = i0 + (rng.random(len(movers)) * max(span - 8, 1)).astype(int)
            b_idx[movers] = move_day
            leaving_by_rule[movers] = True
            new_school = np.array(
                [
                    rng.choice(same_phase_peers[self.phase_of_school[self.school[m]]][
                        same_phase_peers[self.phase_of_school[self.school[m]]] != self.school[m]])
                    for m in movers
                ]
            )  # fmt: skip
            start = np.minimum(move_day + rng.integers(1, 8, len(movers)), last)
            rows_pupil.append(movers)
            rows_school.append(new_school)
            rows_a.append(start)
            rows_b.append(np.full(len(movers), last))
            rows_adm.append(grid[start])
            rows_leaving_set.append(np.zeros(len(movers), bool))
            rows_reg.append(np.full(len(movers), "single"))

        # Dual registration: subsidiary at the PRU for part of the week.
        dual = np.flatnonzero(self.dual)
        pru_days = np.zeros((n, 5), bool)
        if len(dual):
            pru = np.flatnonzero(self.phase_of_school == PRU)[0]
            start = np.maximum(i0 + (rng.random(len(dual)) * span).astype(int) - n_days // 3, 0)
            rows_pupil.append(dual)
            rows_school.append(np.full(len(dual), pru))
            rows_a.append(start)
            rows_b.append(np.full(len(dual), last))
            rows_adm.append(grid[start])
            rows_leaving_set.append(np.zeros(len(dual), bool))
            rows_reg.append(np.full(len(dual), "subsidiary"))
            k = rng.integers(2, 4, len(dual))
            for i, pupil in enumerate(dual):
                pru_days[pupil, rng.choice(5, size=k[i], replace=False)] = True

        e_pupil = np.concatenate(rows_pupil)
        e_school = np.concatenate(rows_school)
        e_a = np.concatenate(rows_a)
        e_b = np.concatenate(rows_b)
        e_adm = np.concatenate(rows_adm)
        e_leaves = np.concatenate(rows_leaving_set)
        e_reg = np.concatenate(rows_reg)
        e_leaving = np.where(e_leaves, grid[e_b], np.datetime64("NaT"))
        # Year 6's last day is the end of the summer term.
        e_leaving = np.where(e_leaves & (e_b == last) & (self.nc[e_pupil] == 6), grid[last], e_leaving)

        # Window: marks from the start date to the end date; leaving dates after the end are not known yet.
        keep = (e_a <= i1) & (e_b >= i0)
        e_leaving = np.where(e_leaving > grid[i1], np.datetime64("NaT"), e_leaving)

        # Codes per enrolment: the pupil's row, masked to the enrolment's days and the school's open days.
        ep, es = e_pupil[keep], e_school[keep]
        ea, eb = e_a[keep], e_b[keep]
        window = np.arange(i0, i1 + 1)
        on_roll = (
            (window[None, :] >= ea[:, None]) & (window[None, :] <= eb[:, None]) & self.open[es][:, window]
        )
        am = self.am[ep][:, window]
        pm = self.pm[ep][:, window]
        # Reason not yet established (N) for the last few days of the window.
        age = (i1 - window)[None, :]
        unresolved_p = np.where(age == 0, 0.75, np.where(age == 1, 0.45, np.where(age == 2, 0.15, 0.0)))
        pending = rng.random(am.shape) < unresolved_p
        for arr in (am, pm):
            pend = pending & np.isin(arr, [CODE["I"], CODE["O"], CODE["C"], CODE["G"]])
            arr[pend] = CODE["N"]
        # Dual registration: D at the school the pupil is not expected at that day.
        reg = e_reg[keep]
        at_pru_today = pru_days[ep][:, self.weekday[window]]
        pru_period = np.zeros_like(on_roll)
        for i in np.flatnonzero(reg == "main"):
            sub = np.flatnonzero((ep == ep[i]) & (reg == "subsidiary"))
            if len(sub):
                pru_period[i] = (window >= ea[sub[0]]) & (window <= eb[sub[0]])
        d_main = (reg == "main")[:, None] & pru_period & at_pru_today
        d_sub = (reg == "subsidiary")[:, None] & ~at_pru_today
        for arr in (am, pm):
            arr[d_main | d_sub] = CODE["D"]
        am[self.closed_am[es][:, window]] = CODE["#"]
        pm[self.closed_pm[es][:, window]] = CODE["#"]
        am[~on_roll] = NO_MARK
        pm[~on_roll] = NO_MARK
        self.e_am, self.e_pm = am, pm
        self.window = window
        self.e_pupil, self.e_school, self.e_reg = ep, es, reg
        self.e_adm, self.e_leaving = e_adm[keep], e_leaving[keep]

    # ----- output tables

    def tables(self) -> DemoLA:
        rng, cfg = self.rngs["tables"], self.cfg
        n = len(self.nc)
        # UPNs: issued by a (fake) establishment in the year the pupil started school; serials unique per block.
        issue_year = self.start_year - self.nc
        order = np.lexsort((rng.random(n), issue_year))
        upn = np.empty(n, dtype=object)
        rank = np.empty(n, int)
        rank[order] = np.arange(n) - np.searchsorted(issue_year[order], issue_year[order])
        for i in range(n):
            upn[i] = make_upn(
                cfg.la_code, str(2001 + rank[i] // 1000), int(issue_year[i]), int(rank[i] % 1000)
            )
        female = self.sex == "F"
        fn_f = np.array(names.FORENAMES_F)
        fn_m = np.array(names.FORENAMES_M)
        forename = np.where(
            female, fn_f[rng.integers(len(fn_f), size=n)], fn_m[rng.integers(len(fn_m), size=n)]
        )
        surnames = np.array(names.SURNAMES)
        surname = surnames[self.f_surname[self.fam]]
        # A few pupils use a different forename or surname day to day.
        pref_f = np.where(
            rng.random(n) < 0.05,
            np.where(female, fn_f[rng.integers(len(fn_f), size=n)], fn_m[rng.integers(len(fn_m), size=n)]),
            "",
        )
        pref_s = np.where(rng.random(n) < 0.03, surnames[rng.integers(len(surnames), size=n)], "")
        # Dates of birth consistent with the NC year (age on 31 August).
        born_from = np.array([np.datetime64(f"{self.start_year - 5 - k}-09-01") for k in range(14)])[self.nc]
        dob = born_from + rng.integers(0, 365, n).astype("timedelta64[D]")
        lang_codes = np.array([c for c, _ in names.OTHER_LANGUAGES])
        eal = self.f_eal[self.fam]
        first_language = np.where(eal, lang_codes[self.f_lang[self.fam]], "ENG")
        ethnicity = self.f_eth_code[self.fam]

        e = self.e_pupil
        schools = self.schools
        pupils = pd.DataFrame(
            {
                "upn": upn[e],
                "school_urn": schools.urn.to_numpy()[self.e_school],
                "legal_forename": forename[e],
                "legal_surname": surname[e],
                "date_of_birth": pd.DatetimeIndex(dob[e]).strftime("%Y-%m-%d"),
                "sex": self.sex[e],
                "nc_year": NC_LABELS[self.nc[e]],
                "admission_date": pd.DatetimeIndex(self.e_adm).strftime("%Y-%m-%d"),
                "leaving_date": pd.DatetimeIndex(self.e_leaving).strftime("%Y-%m-%d").fillna(""),
                "registration": self.e_reg,
                "preferred_forename": pref_f[e],
                "preferred_surname": pref_s[e],
                "ethnicity": ethnicity[e],
                "first_language": first_language[e],
                "eal": _yn(eal[e]),
                "fsm": _yn(self.fsm[e]),
                "fsm6": _yn(self.fsm6[e]),
                "sen_status": self.sen[e],
                "looked_after": _yn(self.looked_after[e]),
                "previously_looked_after": _yn(self.prev_looked_after[e]),
                "child_in_need": _yn(self.cin[e]),
                "child_protection_plan": _yn(self.cpp[e]),
                "young_carer": _yn(self.young_carer[e]),
            }
        )
        pupils["leaving_date"] = pupils["leaving_date"].replace("NaT", "")
        pupils["_phase"] = self.phase_of_school[self.e_school]
        contacts = self._contacts(upn, surname)
        on_file = set(pupils.upn)
        contacts = contacts[contacts.upn.isin(on_file)].reset_index(drop=True)
        return DemoLA(
            config=cfg,
            calendar_year=self.cal,
            schools=schools,
            calendar=self.calendar.assign(
                start_date=lambda f: pd.to_datetime(f.start_date).dt.strftime("%Y-%m-%d"),
                end_date=lambda f: pd.to_datetime(f.end_date).dt.strftime("%Y-%m-%d"),
            ),
            pupils=pupils,
            contacts=contacts,
            days=self.grid[self.window],
            am=self.e_am,
            pm=self.e_pm,
        )

    def _contacts(self, upn: np.ndarray, surname: np.ndarray) -> pd.DataFrame:
        rng = self.rngs["contacts"]
        n_fam = self.n_fam
        two = rng.random(n_fam) < 0.62
        k = 1 + two
        c_fam = np.repeat(np.arange(n_fam), k)
        c_pri = np.arange(k.sum()) - np.repeat(np.cumsum(k) - k, k) + 1
        n_c = len(c_fam)
        looked_after = self.f_looked_after[c_fam]
        roll = rng.random(n_c)
        first_rel = np.where(
            roll < 0.74,
            "Mother",
            np.where(roll < 0.9, "Father", np.where(roll < 0.95, "Grandparent", "Carer")),
        )
        second_rel = np.where(
            roll < 0.8, "Father", np.where(roll < 0.9, "Mother", np.where(roll < 0.95, "Step-parent", "Aunt"))
        )
        relationship = np.where(c_pri == 1, first_rel, second_rel)
        relationship = np.where(looked_after & (c_pri == 1), "Foster carer", relationship)
        relationship = np.where(looked_after & (c_pri == 2), "Social worker", relationship)
        female = np.isin(relationship, ["Mother", "Aunt"]) | (
            np.isin(relationship, ["Grandparent", "Carer", "Foster carer", "Social worker", "Step-parent"])
            & (rng.random(n_c) < 0.6)
        )
        fn_f, fn_m = np.array(names.FORENAMES_F), np.array(names.FORENAMES_M)
        forename = np.where(
            female, fn_f[rng.integers(len(fn_f), size=n_c)], fn_m[rng.integers(len(fn_m), size=n_c)]
        )
        surnames = np.array(names.SURNAMES)
        fam_surname = surnames[self.f_surname[c_fam]]
        c_surname = np.where(
            (rng.random(n_c) < 0.25) | np.isin(relationship, ["Foster carer", "Social worker"]),
            surnames[rng.integers(len(surnames), size=n_c)],
            fam_surname,
        )
        titles_f, titles_m = np.array(names.TITLES_F), np.array(names.TITLES_M)
        title = np.where(
            female, titles_f[rng.choice(5, n_c, p=[0.4, 0.4, 0.12, 0.05, 0.03])],
            titles_m[rng.choice(5, n_c, p=[0.5, 0.42, 0.0, 0.05, 0.03])],
        )  # fmt: skip
        pr = ~np.isin(relationship, ["Grandparent", "Aunt", "Foster carer", "Social worker", "Step-parent"])
        pr = pr | (relationship == "Carer")
        lives = (c_pri == 1) | (rng.random(n_c) < 0.55)
        lives = lives & (relationship != "Social worker")
        # Ofcom's drama ranges: 07700 900000-900999, 0113 496 0000-0999, 020 7946 0000-0999.
        mobile = np.array([f"07700 900{x:03d}" for x in rng.integers(0, 1000, n_c)])
        home = np.where(
            rng.random(n_c) < 0.45, [f"0113 496 0{x:03d}" for x in rng.integers(0, 1000, n_c)], ""
        )
        work = np.where(rng.random(n_c) < 0.3, [f"020 7946 0{x:03d}" for x in rng.integers(0, 1000, n_c)], "")
        domain = np.where(rng.random(n_c) < 0.7, "example.com", "example.org")
        email_n = rng.integers(1, 100, n_c)
        email = np.array(
            [
                f"{f.lower()}.{s.lower()}{x}@{d}"
                for f, s, x, d in zip(forename, c_surname, email_n, domain, strict=True)
            ]
        )
        email = np.where(rng.random(n_c) < 0.85, email, "")

        # Family addresses (a second contact who lives elsewhere gets their own).
        def address(k: int):
            streets = np.array(names.STREETS)
            areas = np.array(names.AREAS)
            letters = np.array(list(names.POSTCODE_LETTERS))
            line1 = np.array(
                [
                    f"{a} {s}"
                    for a, s in zip(
                        rng.integers(1, 200, k), streets[rng.integers(len(streets), size=k)], strict=True
                    )
                ]
            )
            line2 = areas[rng.integers(len(areas), size=k)]
            post = np.array(
                [f"{names.POSTCODE_AREA}{d} {x}{a}{b}" for d, x, a, b in zip(
                    rng.integers(1, 10, k), rng.integers(0, 10, k), letters[rng.integers(len(letters), size=k)],
                    letters[rng.integers(len(letters), size=k)], strict=True)]
            )  # fmt: skip
            return line1, line2, post

        f_line1, f_line2, f_post = address(n_fam)
        o_line1, o_line2, o_post = address(n_c)
        line1 = np.where(lives, f_line1[c_fam], o_line1)
        line2 = np.where(lives, f_line2[c_fam], o_line2)
        post = np.where(lives, f_post[c_fam], o_post)
        eal = self.f_eal[c_fam] & ~np.isin(relationship, ["Foster carer", "Social worker"])
        lang_names = np.array([name for _, name in names.OTHER_LANGUAGES])
        language = np.where(eal, lang_names[self.f_lang[c_fam]], "English")
        interpreter = eal & (rng.random(n_c) < 0.3)
        contacts = pd.DataFrame(
            {
                "contact_ref": [f"DEMO-C{i:07d}" for i in range(1, n_c + 1)],
                "_fam": c_fam,
                "relationship": relationship,
                "forename": forename,
                "surname": c_surname,
                "priority": c_pri,
                "parental_responsibility": _yn(pr),
                "lives_with_pupil": _yn(lives),
                "title": title,
                "phone_mobile": mobile,
                "phone_home": home,
                "phone_work": work,
                "email": email,
                "address_line1": line1,
                "address_line2": line2,
                "town": names.TOWN,
                "postcode": post,
                "preferred_language": language,
                "interpreter_needed": _yn(interpreter),
            }
        )
        children = pd.DataFrame({"_fam": self.fam, "upn": upn})
        links = contacts.merge(children, on="_fam").sort_values(["contact_ref", "upn"], kind="stable")
        return links[CONTACT_COLUMNS].reset_index(drop=True)


def _last_friday_of_june(year: int) -> dt.date:
    day = dt.date(year, 6, 30)
    return day - dt.timedelta(days=(day.weekday() - 4) % 7)


def generate(config: DemoConfig) -> DemoLA:
    """Build the synthetic local authority described by `config` (deterministic for a seed)."""
    b = _Builder(config)
    b.build_schools()
    b.build_calendar()
    b.build_pupils()
    b.build_marks()
    b.build_enrolments()
    return b.tables()
