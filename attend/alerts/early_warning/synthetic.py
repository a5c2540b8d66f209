"""Two consistent synthetic years from the demo generator, for training and honest evaluation.

The demo generator (attend/demo/generator.py) draws one academic year. "Last year's rate" needs the same pupils a
year earlier, so this module drives the generator's builder twice over one set of pupils:

1. the prior year: every pupil one NC year younger, with their latent absence propensity moved by a random
   year-to-year change (below), and a fresh random stream for the day-by-day marks;
2. the current year: the pupils as generated, with another fresh random stream; enrolments, joiners and leavers
   as the generator makes them.

The year-to-year change is an assumption, not a DfE figure (none was found, domain.md): the pupil's absence
propensity (the generator's ``p``) takes last year's year-group effect and moves by a log-normal step with standard
deviation ``YEAR_DRIFT_SD``. bench/early_warning.py prints how many of last year's persistent absentees are
persistently absent again, so that the strength of the link is visible next to the results.

Pupils admitted from outside the LA during the year (and Reception pupils) have no prior-year record.

This drives the generator's builder (``_Builder``: its build steps and the attributes ``p``, ``nc``, ``am``, ``pm``
and ``e_pupil``), which is not a public API: if the generator changes shape, this module is the one place to adapt.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from attend.demo import generator as g

from .model import Cohort

YEAR_DRIFT_SD = 0.5
ACADEMIC_YEAR_START = dt.date(2025, 9, 1)


def _prior_rates(b: g._Builder) -> np.ndarray:
    """Overall absence rate per pupil over the builder's whole-year code matrices (DfE definitions)."""
    from .features import code_categories

    cats = code_categories()
    category = np.array([cats.get(c, "not_possible") if c else "not_possible" for c in g.CODES], dtype=object)
    possible = category != "not_possible"
    absent = (category == "authorised_absence") | (category == "unauthorised_absence")
    n_possible = possible[b.am].sum(1) + possible[b.pm].sum(1)
    n_absent = absent[b.am].sum(1) + absent[b.pm].sum(1)
    return np.divide(n_absent, n_possible, out=np.full(len(n_possible), np.nan), where=n_possible > 0)


def cohort(seed: int, pupils: int = 8000, schools: int = 20) -> Cohort:
    """A synthetic LA (generator seed `seed`) with its prior year; deterministic for a seed."""
    config = g.DemoConfig(pupils=pupils, schools=schools, seed=seed, start=ACADEMIC_YEAR_START)
    b = g._Builder(config)
    b.build_schools()
    b.build_calendar()
    b.build_pupils()

    # The prior year: same pupils, one NC year younger, each propensity moved by the year-to-year change.
    p, nc = b.p.copy(), b.nc.copy()
    younger = np.maximum(nc - 1, 0)
    step = np.random.default_rng([seed, 1]).normal(0, YEAR_DRIFT_SD, len(nc)) - YEAR_DRIFT_SD**2 / 2
    b.p = np.minimum(p * np.exp(g.YEAR_EFFECT[younger] - g.YEAR_EFFECT[nc] + step), 0.95)
    b.nc = younger
    b.build_marks()
    prior = _prior_rates(b)
    prior[nc == 0] = np.nan

    # The current year, as the generator makes it (its random streams carry on, so the marks are new draws).
    b.p, b.nc = p, nc
    b.build_marks()
    b.build_enrolments()
    la = b.tables()

    e_pupil = b.e_pupil
    admitted = pd.to_datetime(la.pupils["admission_date"]).to_numpy("datetime64[D]")
    first_admission = pd.Series(admitted).groupby(e_pupil).transform("min").to_numpy("datetime64[D]")
    joined_from_outside = first_admission > la.days[min(2, len(la.days) - 1)]
    p = la.pupils
    frame = pd.DataFrame(
        {
            "enrolment": np.arange(len(p)),
            "pupil": e_pupil,
            "nc_year": p["nc_year"].to_numpy(),
            "phase": np.array(g.PHASES)[p["_phase"].to_numpy()],
            "sex": p["sex"].to_numpy(),
            "fsm": p["fsm"].to_numpy() == "Y",
            "sen_status": p["sen_status"].to_numpy(),
            "eal": p["eal"].to_numpy() == "Y",
            "looked_after": p["looked_after"].to_numpy() == "Y",
            "child_in_need": p["child_in_need"].to_numpy() == "Y",
            "prior_rate": np.where(joined_from_outside, np.nan, prior[e_pupil]),
        }
    )
    marks = _long_marks(la)
    # School days are the days with any mark, as when a cohort is read from the database (INSET days drop out).
    days = np.unique(marks["date"].to_numpy().astype("datetime64[D]"))
    return Cohort(seed=seed, marks=marks, pupils=frame, days=days)


def _long_marks(la: g.DemoLA) -> pd.DataFrame:
    """The code matrices as a long table (enrolment, date, session, code), sorted like the database query."""
    both = np.stack([la.am, la.pm], axis=2)
    e, d, s = np.nonzero(both)
    codes = both[e, d, s]
    return pd.DataFrame(
        {
            "enrolment": e.astype(np.int64),
            "date": la.days[d],
            "session": pd.Categorical.from_codes(s, ["AM", "PM"]),
            "code": pd.Categorical.from_codes(codes.astype(np.int16), list(g.CODES)),
        }
    )
