"""Shared pytest set-up. The suite runs twice in CI: on SQLite, and on PostgreSQL when DATABASE_URL points there.

`ATTEND_TEST_DAY` (saturday, sunday, bank-holiday, summer-holiday, weekday or YYYY-MM-DD; attend.core.travel) moves
the process clock to that day for the whole run, ticking from 10:00 London time, so a test that reads the real date
through the code under test fails here rather than on the first weekend. scripts/test.sh runs the PostgreSQL pass on
a Saturday.
"""

import datetime as dt
import os
import secrets
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from hypothesis import settings as hypothesis_settings

# No test is timed (speed lives in bench/): Hypothesis's default 200 ms deadline per example fails property tests
# on a loaded machine (seen: test_measures_from_counts under two xdist workers and a benchmark).
hypothesis_settings.register_profile("attend", deadline=None)
hypothesis_settings.load_profile("attend")

# One headless Chromium for the whole run (attend/web/tests/browser_kit.py says why it must be one).
from attend.web.tests.browser_kit import browser  # noqa: E402, F401

# The tests never use the public built-in key (attend/accounts/startup.py refuses to serve with it): a random one
# per run, also for any `attend` process a test starts. pytest-django has loaded the settings already.
os.environ.setdefault("ATTEND_SECRET_KEY", f"tests-{secrets.token_urlsafe(40)}")
if settings.SECRET_KEY == settings.BUILT_IN_SECRET_KEY:
    settings.SECRET_KEY = os.environ["ATTEND_SECRET_KEY"]

_traveller = None


def pytest_configure(config):
    global _traveller
    name = os.environ.get("ATTEND_TEST_DAY", "")
    if not name:
        return
    import time_machine

    from attend.core.travel import day_to_test

    day = day_to_test(name, dt.date.today())
    _traveller = time_machine.travel(
        dt.datetime.combine(day, dt.time(10), ZoneInfo("Europe/London")), tick=True
    )
    _traveller.start()


def pytest_report_header(config):
    if _traveller is not None:
        return f"ATTEND_TEST_DAY={os.environ['ATTEND_TEST_DAY']}: the clock reads {dt.datetime.now():%A %d %B %Y %H:%M}"
    return None


def pytest_unconfigure(config):
    if _traveller is not None:
        _traveller.stop()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """A module's tests on a shared demo load (attend/demo/tests/shared_load.py) run after its other tests: the
    load stays in an open transaction until the module's last test, where the others would see it."""
    from attend.demo.tests.shared_load import SHARED_FIXTURE_PREFIX

    start = 0
    for end in range(1, len(items) + 1):
        if end == len(items) or getattr(items[end], "module", None) is not getattr(
            items[start], "module", None
        ):
            items[start:end] = sorted(
                items[start:end],
                key=lambda item: any(n.startswith(SHARED_FIXTURE_PREFIX) for n in item.fixturenames),
            )
            start = end
