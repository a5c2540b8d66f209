"""A small synthetic local authority (the demo generator, 300 pupils in 4 schools) with alerts evaluated."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command


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


@pytest.fixture
def demo_la(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    # A live-server (transactional) test before this one flushes every table, including the default letter
    # templates the data migration made; the demo's letters need them back.
    from attend.letters.defaults import load_defaults
    from attend.letters.models import LetterTemplate, TemplateVersion

    load_defaults(LetterTemplate, TemplateVersion)
    call_command(
        "demo", "--no-serve", "--pupils", "300", "--schools", "4", "--end", DEMO_DAY.isoformat(),
        stdout=io.StringIO(),
    )  # fmt: skip
    call_command("alerts", "evaluate", stdout=io.StringIO())
    return tmp_path
