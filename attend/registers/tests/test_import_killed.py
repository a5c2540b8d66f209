"""An import killed part-way (SIGKILL, no chance to clean up) leaves the database exactly as it was.

`attend import marks FILE` runs as a real child process against the test database (on SQLite, a file copy of it;
on PostgreSQL, the same test database), on a file of about 550,000 marks: half for pupils with no marks yet (the
bulk path: COPY, and on PostgreSQL dropped and re-added constraints) and half for pupils who already have marks
and corrections (the staging-table path that writes MarkChange history). It is killed at moments read from the
outside, never from hooks in the code:

- validating: the child has opened the database but holds no write transaction;
- writing: the child holds the write transaction (SQLite: the database's write lock is taken; PostgreSQL: its
  server session is inside a transaction that has written), killed at once and again later in the write.

On PostgreSQL the later kills wait for named statements in pg_stat_activity (the marks COPY, the re-adding of a
constraint the bulk path dropped, the MarkChange insert). After each kill the marks, their checksum, the import
runs, the corrections, the audit trail and the table's constraints and indexes must be what they were; the same
import then runs to the end and gives the expected counts.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from attend.people.models import Enrolment, Pupil
from attend.people.upn import make_upn
from attend.registers.imports import import_file

from .factories import make_school, weekdays, write_csv

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(settings.BASE_DIR)
HEADER = ["upn", "school_urn", "date", "session", "code"]
PUPILS = 1200  # 600 with marks already, 600 without
TERM_START, YEAR_END = dt.date(2024, 9, 2), dt.date(2025, 7, 18)
FIRST_FORTNIGHT = weekdays(TERM_START, dt.date(2024, 9, 13))
TIMEOUT = 60


# ----- the data


def _make_pupils() -> list[Enrolment]:
    schools = [make_school(100001 + i) for i in range(3)]
    pupils = Pupil.objects.bulk_create(
        Pupil(
            upn=make_upn("999", f"{7000 + i // 1000}", 24, i % 1000),
            legal_forename=f"Testy{i}",
            legal_surname="Fakeperson",
            date_of_birth=dt.date(2015, 3, 14),
            sex="F",
        )
        for i in range(PUPILS)
    )
    Enrolment.objects.bulk_create(
        Enrolment(pupil=p, school=schools[i % 3], admission_date=TERM_START, nc_year="4")
        for i, p in enumerate(pupils)
    )
    return list(Enrolment.objects.select_related("pupil", "school").order_by("pupil__upn"))


def _code(i: int, day: dt.date, session: str) -> str:
    if (i + day.toordinal()) % 17 == 0:
        return "I"
    return "/" if session == "AM" else "\\"


def _write_marks(path: Path, enrolments: list[Enrolment], days: list[dt.date], code=_code) -> Path:
    with path.open("w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(HEADER)
        for day in days:
            iso = day.isoformat()
            writer.writerows(
                (e.pupil.upn, e.school.urn, iso, session, code(i, day, session))
                for i, e in enumerate(enrolments)
                for session in ("AM", "PM")
            )
    return path


@pytest.fixture
def existing(tmp_path):
    """Pupils, marks for half of them in the first fortnight, and corrections to some of those marks."""
    enrolments = _make_pupils()
    marked = enrolments[: PUPILS // 2]
    import_file("marks", _write_marks(tmp_path / "fortnight.csv", marked, FIRST_FORTNIGHT, lambda *_: "/"))
    fixes = [[e.pupil.upn, e.school.urn, "2024-09-04", "AM", "M"] for e in marked[:50]]
    import_file("marks", write_csv(tmp_path / "fixes.csv", HEADER, fixes))
    # The big file: the whole year for everyone, so it corrects many fortnight marks and adds all the rest.
    big = _write_marks(tmp_path / "year.csv", enrolments, weekdays(TERM_START, YEAR_END))
    return big


# ----- the database the child process uses, and how we read it


class Target:
    """The database the child import writes to, with read-only probes of its state."""

    def __init__(self, tmp_path: Path):
        self.vendor = connection.vendor
        self.env = {**os.environ, "ATTEND_VAR_DIR": str(tmp_path / "var")}
        if self.vendor == "sqlite":
            # The test database is in memory: copy it, triggers and all, to a file the child can open.
            self.path = tmp_path / "attend.sqlite3"
            connection.ensure_connection()
            copy = sqlite3.connect(self.path)
            connection.connection.backup(copy)
            copy.execute("PRAGMA journal_mode=WAL")
            copy.close()
            self.env["DATABASE_URL"] = f"sqlite:///{self.path}"
        else:
            s = connection.settings_dict
            self.env["DATABASE_URL"] = (
                f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST']}:{s['PORT'] or 5432}/{s['NAME']}"
            )

    def query(self, sql: str) -> list[tuple]:
        if self.vendor == "sqlite":
            db = sqlite3.connect(self.path, timeout=30)
            try:
                return db.execute(sql).fetchall()
            finally:
                db.close()
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()

    def state(self) -> dict:
        """Everything an import could touch, as comparable values."""
        marks = self.query("SELECT id, enrolment_id, date, session, code FROM registers_mark ORDER BY id")
        digest = hashlib.sha256(repr([tuple(str(v) for v in row) for row in marks]).encode()).hexdigest()
        state = {
            "marks": len(marks),
            "marks_sha256": digest,
            "import_runs": self.query(
                "SELECT id, kind, file_name, sha256, rows, created, updated, unchanged FROM registers_importrun "
                "ORDER BY id"
            ),
            "mark_changes": self.query(
                "SELECT id, enrolment_id, date, session, old_code, new_code, import_run_id "
                "FROM registers_markchange ORDER BY id"
            ),
            "audit_events": self.query("SELECT count(*) FROM audit_auditevent"),
        }
        if self.vendor == "sqlite":
            state["schema"] = self.query("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")
            state["integrity"] = self.query("PRAGMA integrity_check")
        else:
            state["constraints"] = self.query(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = 'registers_mark'::regclass ORDER BY conname"
            )
            state["indexes"] = self.query(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'registers_mark' ORDER BY indexname"
            )
        return state

    # -- phase probes (read from outside the child)

    def opened_database(self, pid: int) -> bool:
        if self.vendor == "sqlite":
            fd_dir = Path(f"/proc/{pid}/fd")
            try:
                return any(os.readlink(fd_dir / fd) == str(self.path) for fd in os.listdir(fd_dir))
            except OSError:  # the process ended, or a descriptor closed while we looked
                return False
        return bool(self._sessions())

    def writing(self, statement: str = "") -> bool:
        """True while the child holds a write transaction (and, on PostgreSQL, is running `statement`)."""
        if self.vendor == "sqlite":
            db = sqlite3.connect(self.path, timeout=0, isolation_level=None)
            try:
                db.execute("BEGIN IMMEDIATE")
                db.execute("ROLLBACK")
                return False
            except sqlite3.OperationalError as exc:  # "database is locked": someone holds the write lock
                assert "locked" in str(exc), exc
                return True
            finally:
                db.close()
        return any(
            in_transaction and (not statement or (state == "active" and query.startswith(statement)))
            for in_transaction, state, query in self._sessions()
        )

    def _sessions(self) -> list[tuple]:
        return self.query(
            # An autocommit SELECT runs in a transaction too; a transaction that has written has an xid.
            "SELECT backend_xid IS NOT NULL, state, query FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        )

    def wait_until_child_sessions_end(self) -> None:
        """PostgreSQL rolls back a dead client's transaction when its session notices the client is gone."""
        deadline = time.monotonic() + TIMEOUT
        while self.vendor == "postgresql" and self._sessions():
            assert time.monotonic() < deadline, "the killed import's server session did not end"
            time.sleep(0.05)


def start_import(target: Target, path: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "attend", "import", "marks", str(path)],
        cwd=ROOT,
        env=target.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def kill_when(child: subprocess.Popen, ready, *, after: float = 0.0) -> None:
    """SIGKILL the child once `ready()` is true (and `after` seconds more), failing if it ends first."""
    deadline = time.monotonic() + TIMEOUT
    while not ready():
        if child.poll() is not None:
            out, err = child.communicate()
            pytest.fail(f"the import ended before the moment to kill it: {out.decode()} {err.decode()}")
        assert time.monotonic() < deadline, "the moment to kill the import never came"
        time.sleep(0.005)
    if after:
        time.sleep(after)
        assert ready(), "the import left the moment to kill it while we waited"
    assert child.poll() is None, "the import finished before it could be killed"
    child.send_signal(signal.SIGKILL)
    child.communicate(timeout=TIMEOUT)
    assert child.returncode == -signal.SIGKILL


def moments(target: Target, pid: int) -> list[tuple[str, object, float]]:
    opened = ("validating", lambda: target.opened_database(pid) and not target.writing(), 0.0)
    writing = ("writing, at once", lambda: target.writing(), 0.0)
    if target.vendor == "sqlite":
        return [opened, writing, ("writing, later", lambda: target.writing(), 0.4)]
    return [
        opened,
        writing,
        ("copying marks", lambda: target.writing("COPY registers_mark"), 0.0),
        ("re-adding a dropped constraint", lambda: target.writing("ALTER TABLE registers_mark ADD"), 0.0),
        ("writing corrections", lambda: target.writing("INSERT INTO registers_markchange"), 0.0),
    ]


def test_an_import_killed_at_any_moment_leaves_the_database_as_it_was(existing, tmp_path):
    target = Target(tmp_path)
    before = target.state()
    assert (
        before["marks"] == 600 * 20 and len(before["mark_changes"]) == 50 and len(before["import_runs"]) == 2
    )

    names = [name for name, _, _ in moments(target, 0)]
    for index, name in enumerate(names):
        child = start_import(target, existing)
        _, ready, after = moments(target, child.pid)[index]
        kill_when(child, ready, after=after)
        target.wait_until_child_sessions_end()
        assert target.state() == before, f"killed while {name}: the database changed"

    # The same file then imports completely.
    finished = subprocess.run(
        [sys.executable, "-m", "attend", "import", "marks", str(existing)],
        cwd=ROOT,
        env=target.env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert finished.returncode == 0, finished.stderr
    after = target.state()
    days = len(weekdays(TERM_START, YEAR_END))
    corrections = sum(
        1
        for i in range(PUPILS // 2)
        for day in FIRST_FORTNIGHT
        for session in ("AM", "PM")
        if _code(i, day, session)
        != ("M" if i < 50 and day == dt.date(2024, 9, 4) and session == "AM" else "/")
    )
    assert after["marks"] == PUPILS * days * 2
    assert len(after["mark_changes"]) == 50 + corrections
    assert len(after["import_runs"]) == 3
    assert after["import_runs"][-1][4:] == (PUPILS * days * 2, PUPILS * days * 2 - 600 * 20, corrections,
                                            600 * 20 - corrections)  # fmt: skip
    assert f"{PUPILS * days * 2} rows" in finished.stdout
