"""Retraining on the database's own history: a completed year in, a model evaluated on held-back pupils out."""

from __future__ import annotations

import datetime as dt
import io
import json

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from attend.alerts.early_warning import store, synthetic
from attend.alerts.early_warning.db import history_cohort
from attend.people.models import Enrolment, Pupil
from attend.people.upn import make_upn
from attend.registers.models import Mark

from .factories import make_school


def load_into_db(cohort) -> None:
    """Write a synthetic cohort's schools-by-phase, pupils, enrolments and marks with bulk inserts."""
    schools = {phase: make_school(phase=phase) for phase in cohort.pupils["phase"].unique()}
    p = cohort.pupils
    pupils = Pupil.objects.bulk_create(
        Pupil(
            upn=make_upn("801", "2001", 20, i),
            legal_forename="Demo",
            legal_surname=f"Pupil{i}",
            date_of_birth=dt.date(2012, 1, 1),
            sex=p.at[i, "sex"],
            fsm=bool(p.at[i, "fsm"]),
            sen_status=p.at[i, "sen_status"],
        )
        for i in range(len(p))
    )
    enrolments = Enrolment.objects.bulk_create(
        Enrolment(
            pupil=pupils[i],
            school=schools[p.at[i, "phase"]],
            admission_date=dt.date(2025, 9, 1),
            nc_year=p.at[i, "nc_year"],
        )
        for i in range(len(p))
    )
    ids = np.array([e.pk for e in enrolments])
    m = cohort.marks
    Mark.objects.bulk_create(
        (
            Mark(enrolment_id=int(e), date=d, session=s, code=c)
            for e, d, s, c in zip(
                ids[m["enrolment"].to_numpy()],
                m["date"].to_numpy().astype("datetime64[D]").astype(dt.date),
                m["session"].astype(str),
                m["code"].astype(str),
                strict=True,
            )
        ),
        batch_size=5000,
    )


@pytest.mark.django_db
def test_train_from_history_holds_back_pupils_and_saves(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    cohort = synthetic.cohort(51, pupils=450, schools=4)
    load_into_db(cohort)
    from attend.schools.models import School

    read = history_cohort(2025, School.objects.order_by("urn"))
    assert len(read.pupils) == len(cohort.pupils) and len(read.marks) == len(cohort.marks)
    assert len(read.days) == len(cohort.days)

    out, err = io.StringIO(), io.StringIO()
    call_command("early_warning", "train", "--from-history", "2025", stdout=out, stderr=err)
    meta = json.loads(store.latest_path().with_suffix(".json").read_text())
    assert meta["trained_on"]["source"] == "database" and meta["trained_on"]["academic_year"] == "2025/26"
    trained, held = meta["trained_on"]["enrolments"], meta["evaluated_on"]["enrolments"]
    assert trained + held == len(cohort.pupils) and 0.2 < held / len(cohort.pupils) < 0.4
    assert {row["weeks"] for row in meta["evaluation"]} == {4, 8, 12}


@pytest.mark.django_db
def test_train_from_history_needs_a_year_of_data(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    make_school()
    with pytest.raises(CommandError, match="at least 300 enrolments"):
        call_command("early_warning", "train", "--from-history", "2024")


def test_held_out_share_is_by_pupil():
    held = store._held_out(np.arange(10000), 0.3)
    assert 0.28 < held.mean() < 0.32
    assert (store._held_out(np.arange(10000), 0.3) == held).all()
