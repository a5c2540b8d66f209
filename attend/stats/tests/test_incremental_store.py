"""The incremental refresh: after random small imports (new marks, corrections), enrolment changes and deletions, the
store brought up to date change by change is the same, table for table, as a store rebuilt whole."""

from __future__ import annotations

import datetime as dt
import random

import duckdb
import pytest

from attend.analytics.store import store_path
from attend.people.models import Enrolment
from attend.people.upn import make_upn
from attend.registers.imports import import_file
from attend.registers.models import Mark
from attend.stats import queries, store

from . import factories as f

MON = dt.date(2025, 9, 8)
DAYS = f.school_days(MON, 30)
CODES = ["/", "/", "/", "\\", "I", "N", "O", "L", "M", "G", "C", "B", "X"]
TABLES = {
    "marks": "enrolment_id, school_id, day, session, code_id, academic_year, age",
    "daily": "school_id, day, code_id, age, n",
    "enrolments": "*",
}


@pytest.fixture
def la_with_marks(db, settings, tmp_path):
    settings.ATTEND_STATS_DIR = str(tmp_path / "incremental")
    settings.ALERTS_AFTER_IMPORT = "off"
    schools = [f.school(100001), f.school(100002, phase="secondary")]
    rng = random.Random(22)
    enrolments = []
    for i in range(12):
        born = dt.date(2010 + i % 8, 1 + i % 12, 1 + i)
        enrolment = f.enrolment(
            schools[i % 2], born=born, nc_year=str(1 + i % 8), upn=make_upn("211", "1234", 25, i)
        )
        f.marks(enrolment, DAYS[:10], [rng.choice(CODES) for _ in range(20)])
        enrolments.append(enrolment)
    store.refresh()
    return schools, enrolments


def tables(directory) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(store_path(directory)), read_only=True)
    try:
        return {
            name: con.execute(f"select {columns} from {name} order by all").fetchall()
            for name, columns in TABLES.items()
        }
    finally:
        con.close()


def assert_same_as_full_rebuild(settings, tmp_path) -> None:
    incremental = tables(settings.ATTEND_STATS_DIR)
    settings.ATTEND_STATS_DIR, kept = str(tmp_path / "full"), settings.ATTEND_STATS_DIR
    try:
        store.refresh()
        full = tables(settings.ATTEND_STATS_DIR)
    finally:
        settings.ATTEND_STATS_DIR = kept
    for name in TABLES:
        assert incremental[name] == full[name], name


def marks_file(tmp_path, rows, name) -> object:
    path = tmp_path / name
    lines = ["upn,school_urn,date,session,code"]
    lines += [f"{e.pupil.upn},{e.school.urn},{d.isoformat()},{s},{c}" for e, d, s, c in rows]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_random_small_imports_applied_one_by_one_match_a_full_rebuild(la_with_marks, settings, tmp_path):
    schools, enrolments = la_with_marks
    rng = random.Random(7)
    for step in range(6):
        rows = []
        # New days for a few pupils, and corrections of marks already held.
        for enrolment in rng.sample(enrolments, 4):
            day = DAYS[10 + step * 3 + rng.randrange(3)]
            rows += [(enrolment, day, s, rng.choice(CODES)) for s in ("AM", "PM")]
        for enrolment in rng.sample(enrolments, 3):
            day = rng.choice(DAYS[:10])
            rows.append((enrolment, day, rng.choice(["AM", "PM"]), rng.choice(CODES)))
        rows = list({(e.pk, d, s): (e, d, s, c) for e, d, s, c in rows}.values())
        import_file("marks", marks_file(tmp_path, rows, f"step{step}.csv"))
        outcome = store.update()
        assert outcome["kind"] == "incremental", outcome
        assert outcome["marks_in"] >= 1
        assert_same_as_full_rebuild(settings, tmp_path)
    assert store.update()["kind"] == "none"


def test_enrolment_changes_and_deletions_are_applied(la_with_marks, settings, tmp_path):
    schools, enrolments = la_with_marks
    moved, reborn, leaving = enrolments[0], enrolments[1], enrolments[2]
    # A correction of the school an enrolment belongs to (and so every mark's school), a corrected date of
    # birth (every mark's cohort age), a new pupil with marks, and an enrolment erased by retention.
    Enrolment.objects.filter(pk=moved.pk).update(school=schools[1])
    reborn.pupil.date_of_birth = dt.date(2019, 12, 1)
    reborn.pupil.save()
    late = f.enrolment(schools[0], born=dt.date(2016, 5, 5))
    f.marks(late, DAYS[12:14], ["N", "N", "/", "I"])
    leaving.delete()
    outcome = store.update()
    assert outcome["kind"] == "incremental", outcome
    assert outcome["enrolments_changed"] == 4
    assert_same_as_full_rebuild(settings, tmp_path)
    figures = queries.enrolment_measures(MON, DAYS[-1], cohort="all").set_index("enrolment_id")
    assert leaving.pk not in figures.index
    assert figures.loc[late.pk].unauthorised_absence == 2


def test_a_corrected_mark_deleted_afterwards_leaves_the_store(la_with_marks, settings, tmp_path):
    _, enrolments = la_with_marks
    first = Mark.objects.filter(enrolment=enrolments[3]).order_by("date", "session").first()
    new_code = "I" if first.code != "I" else "N"
    import_file(
        "marks", marks_file(tmp_path, [(enrolments[3], first.date, first.session, new_code)], "fix.csv")
    )
    Mark.objects.filter(pk=first.pk).delete()
    outcome = store.update()
    assert outcome["kind"] == "incremental" and outcome["marks_out"] == 1 and outcome["marks_in"] == 0
    assert_same_as_full_rebuild(settings, tmp_path)


def test_what_the_incremental_refresh_cannot_see_falls_back_to_a_full_rebuild(la_with_marks, settings):
    _, enrolments = la_with_marks
    # Marks recoded without a MarkChange row (as retention or a repair script might): invalidate() says so.
    Mark.objects.filter(enrolment=enrolments[4]).update(code="G")
    store.invalidate()
    outcome = store.update()
    assert outcome["kind"] == "full" and "generation" in outcome["reason"]
    figures = queries.enrolment_measures(MON, DAYS[-1], cohort="all").set_index("enrolment_id")
    assert figures.loc[enrolments[4].pk].unauthorised_absence == 20


def test_readers_of_the_old_store_keep_their_figures_until_they_reopen(la_with_marks, tmp_path):
    _, enrolments = la_with_marks
    before = store.status()
    with store.source() as src:
        old = src.con.con.execute("select count(*) from marks").fetchone()[0]
        f.marks(f.enrolment(enrolments[0].school, born=dt.date(2017, 2, 2)), DAYS[20:21], ["N", "N"])
        assert store.update()["kind"] == "incremental"
        assert src.con.con.execute("select count(*) from marks").fetchone()[0] == old
    after = store.status()
    assert after.version != before.version and not after.stale
    with store.source() as src:
        assert src.con.con.execute("select count(*) from marks").fetchone()[0] == old + 2


def test_several_imports_landing_together_cost_one_refresh(
    la_with_marks, settings, tmp_path, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    from attend.jobs.tests.worker import run_queued_tasks
    from attend.stats.tasks import refresh_store

    _, enrolments = la_with_marks
    for n, enrolment in enumerate(enrolments[:3]):
        rows = [(enrolment, DAYS[25], s, "N") for s in ("AM", "PM")]
        with django_capture_on_commit_callbacks(execute=True):
            import_file("marks", marks_file(tmp_path, rows, f"school-upload-{n}.csv"))
    queued = DBTaskResult.objects.filter(task_path=refresh_store.module_path)
    assert queued.count() == 1
    assert run_queued_tasks() == 1
    done = queued.get()
    assert done.return_value["kind"] == "incremental" and done.return_value["marks_in"] == 6
    assert not store.status().stale
    assert_same_as_full_rebuild(settings, tmp_path)
