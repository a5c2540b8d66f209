"""Predictions over the database: a few set-based queries per school, then the same features as for training.

Per school: one query for the enrolments on roll (with the pupil's characteristics), one for this academic
year's marks to date, one aggregate for last year's overall absence rate per pupil (at any school). Never one
query per pupil or per mark.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from django.db.models import Count, Q

from attend.people.models import Enrolment
from attend.registers.models import Mark
from attend.schools.models import AcademicYear, School

from .features import build_features, code_categories
from .model import Cohort, EarlyWarningModel

ENROLMENT_FIELDS = {
    "id": "enrolment",
    "pupil_id": "pupil",
    "pupil__upn": "upn",
    "nc_year": "nc_year",
    "school__phase": "phase",
    "pupil__sex": "sex",
    "pupil__fsm": "fsm",
    "pupil__sen_status": "sen_status",
    "pupil__eal": "eal",
    "pupil__looked_after": "looked_after",
    "pupil__child_in_need": "child_in_need",
}
OUTPUT_COLUMNS = [
    "enrolment",
    "pupil",
    "upn",
    "probability",
    "rate_to_date",
    "possible_sessions",
    "checkpoint_weeks",
    "used_last_year",
    "reasons",
]


def year_start(day: dt.date) -> dt.date:
    return dt.date(AcademicYear.start_year_for(day), 8, 1)


def _codes(category_test) -> list[str]:
    return [code for code, category in code_categories().items() if category_test(category)]


def on_roll(school: School, as_of: dt.date):
    return Enrolment.objects.filter(school=school, admission_date__lte=as_of).filter(
        Q(leaving_date__isnull=True) | Q(leaving_date__gte=as_of)
    )


def load_school(school: School, as_of: dt.date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(marks this academic year to `as_of`, pupils with characteristics and last year's rate) for a school."""
    return _load(on_roll(school, as_of), year_start(as_of), as_of)


def _load(enrolments, start: dt.date, end: dt.date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Marks of `enrolments` from `start` to `end`, and the enrolments with last year's rate (3 queries)."""
    pupils = pd.DataFrame.from_records(
        list(enrolments.values_list(*ENROLMENT_FIELDS)), columns=list(ENROLMENT_FIELDS.values())
    )
    rows = (
        Mark.objects.filter(enrolment__in=enrolments, date__gte=start, date__lte=end)
        .values_list("enrolment_id", "date", "session", "code")
        .iterator(chunk_size=20000)
    )
    marks = pd.DataFrame.from_records(rows, columns=["enrolment", "date", "session", "code"])
    if marks.empty:
        marks = marks.astype({"enrolment": np.int64, "date": "datetime64[ns]"})

    # Last year's overall absence rate per pupil, at whichever schools they attended (one aggregate query).
    prior_start = dt.date(start.year - 1, 8, 1)
    prior = (
        Mark.objects.filter(
            enrolment__pupil_id__in=enrolments.values("pupil_id"), date__gte=prior_start, date__lt=start
        )
        .values("enrolment__pupil_id")
        .annotate(
            possible=Count("id", filter=Q(code__in=_codes(lambda c: c != "not_possible"))),
            absent=Count("id", filter=Q(code__in=_codes(lambda c: c.endswith("_absence")))),
        )
        .values_list("enrolment__pupil_id", "possible", "absent")
    )
    rates = {pupil: absent / possible for pupil, possible, absent in prior if possible}
    pupils["prior_rate"] = pupils["pupil"].map(rates).astype(float)
    return marks, pupils


def history_cohort(start_year: int, schools) -> Cohort:
    """A completed academic year from the database as a training cohort (one school at a time, 3 queries each).

    Every enrolment at `schools` that was on roll at some point in the year, its marks for the year, and its
    pupil's rate the year before. The school days are the days with any mark, in order.
    """
    start, end = dt.date(start_year, 8, 1), dt.date(start_year + 1, 7, 31)
    marks, pupils = [], []
    for school in schools:
        enrolments = Enrolment.objects.filter(school=school, admission_date__lte=end).filter(
            Q(leaving_date__isnull=True) | Q(leaving_date__gte=start)
        )
        m, p = _load(enrolments, start, end)
        marks.append(m)
        pupils.append(p)
    all_marks = pd.concat(marks, ignore_index=True) if marks else pd.DataFrame(columns=["enrolment", "date"])
    all_pupils = pd.concat(pupils, ignore_index=True) if pupils else pd.DataFrame(columns=["enrolment"])
    days = np.sort(pd.to_datetime(all_marks["date"]).unique().to_numpy("datetime64[D]"))
    return Cohort(seed=None, marks=all_marks, pupils=all_pupils, days=days)


def school_weeks(marks: pd.DataFrame) -> float:
    """School weeks so far: distinct days with marks, five to a week."""
    return float(marks["date"].nunique()) / 5 if len(marks) else 0.0


def predict_school(school: School, as_of: dt.date, model: EarlyWarningModel) -> pd.DataFrame:
    """One row per enrolment on roll at `as_of`: probability of end-of-year persistent absence, reasons.

    Enrolments without a possible session yet get no probability (NaN) and no reasons.
    """
    marks, pupils = load_school(school, as_of)
    if pupils.empty:
        return pd.DataFrame(columns=[*OUTPUT_COLUMNS, "school_urn"])
    features = build_features(marks, pupils, as_of) if len(marks) else pd.DataFrame()
    if len(features):
        predicted = model.predict(features, school_weeks(marks))
    else:
        predicted = pd.DataFrame(columns=OUTPUT_COLUMNS[3:])
    out = pupils.set_index("enrolment")[["pupil", "upn"]].join(predicted, how="left")
    out["reasons"] = out["reasons"].apply(lambda r: r if isinstance(r, list) else [])
    out["school_urn"] = school.urn
    return out.reset_index()[[*OUTPUT_COLUMNS, "school_urn"]]
