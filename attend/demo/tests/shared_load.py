"""Load an expensive world (the demo LA, a permission matrix's world) once per test module, and give every test
its own untouched copy of it.

`shared_load(...)` runs the load inside an outer transaction opened on the test database and rolled back when the
module is done. Each test's own pytest-django transaction then nests in it as a savepoint, so whatever a test
writes is rolled back after it and the next test sees the world as loaded. Files do not roll back: `use_copy()`
copies the VAR_DIR the load wrote (the DuckDB statistics store, the demo's CSV files and PDFs) into the test's own
tmp_path and points settings.VAR_DIR there.

Only for non-transactional tests (transaction=True and live_server tests commit and flush: they load per test).
While the outer transaction is open its data is visible to every test of the module: name the module-scoped
fixture shared_load_<something>, and the root conftest runs the tests that use it after the module's others.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import transaction
from django.test import override_settings

# How the names of the module-scoped fixtures built on shared_load begin (the root conftest orders their tests last).
SHARED_FIXTURE_PREFIX = "shared_load_"


@contextmanager
def shared_load(django_db_blocker, var_dir: Path, load: Callable[[], None]) -> Iterator[Path]:
    """Run `load()` with VAR_DIR at `var_dir` inside a transaction kept open (and rolled back) around the with."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        # Code under test may open durable=True blocks: Django allows them directly inside a TestCase's block.
        outer._from_testcase = True
    try:
        with django_db_blocker.unblock(), override_settings(VAR_DIR=var_dir):
            load()
        yield var_dir
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def use_copy(request: pytest.FixtureRequest, template: Path, tmp_path: Path, settings) -> Path:
    """The test's own VAR_DIR: a copy of the shared load's. Refuses a transactional test (it cannot see, or would
    commit into, the outer transaction)."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
    if transactional or {"transactional_db", "live_server"} & set(request.fixturenames):
        pytest.fail("a transactional test cannot use a shared load (for the demo LA: use demo_la_per_test)")
    shutil.copytree(template, tmp_path, dirs_exist_ok=True)
    settings.VAR_DIR = tmp_path
    return tmp_path
