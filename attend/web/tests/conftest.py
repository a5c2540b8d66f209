"""A small synthetic local authority (the demo generator, 300 pupils in 4 schools) with alerts evaluated."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from attend.demo.tests.shared_load import shared_load, use_copy


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The dashboards cache figures per data version; test databases reuse ids, so start each test empty.
    from attend.web.dashboards import clear_cache

    clear_cache()
    yield
    clear_cache()


# The demo's data ends on a fixed school day (Thursday 20 November 2025) and `attend demo` pins the service's today
# to it, so the pages show the same work whatever day the tests run on.
DEMO_DAY = dt.date(2025, 11, 20)


def load_demo_la() -> None:
    call_command(
        "demo", "--no-serve", "--pupils", "300", "--schools", "4", "--end", DEMO_DAY.isoformat(),
        stdout=io.StringIO(),
    )  # fmt: skip
    call_command("alerts", "evaluate", stdout=io.StringIO())


@pytest.fixture(scope="module")
def shared_load_demo(django_db_setup, django_db_blocker, tmp_path_factory):
    # The load takes 10-15 s: once per module (per xdist worker), rolled back at the module's end.
    with shared_load(django_db_blocker, tmp_path_factory.mktemp("demo_la"), load_demo_la) as template:
        yield template


@pytest.fixture
def demo_la(request, shared_load_demo, db, settings, tmp_path):
    """The demo LA as loaded; the test's writes roll back after it and its VAR_DIR is its own copy."""
    return use_copy(request, shared_load_demo, tmp_path, settings)


@pytest.fixture
def demo_la_per_test(settings, tmp_path):
    """The demo LA loaded for this test alone: for transactional tests (live_server, the browser flows)."""
    settings.VAR_DIR = tmp_path
    load_demo_la()
    return tmp_path
