"""A small synthetic local authority (the demo generator, 300 pupils in 4 schools) with alerts evaluated."""

from __future__ import annotations

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


@pytest.fixture
def demo_la(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    call_command("demo", "--no-serve", "--pupils", "300", "--schools", "4", stdout=io.StringIO())
    call_command("alerts", "evaluate", stdout=io.StringIO())
    return tmp_path
