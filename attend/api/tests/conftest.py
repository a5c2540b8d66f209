import pytest

from .factories import TODAY, make_world


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "fuzz: schemathesis property-based run against the API's OpenAPI schema"
    )


@pytest.fixture(autouse=True)
def _api_test_state(settings, tmp_path, monkeypatch, db):
    """Today is 10 October 2025; statistics in a fresh store; empty memo and throttle history (the throttle
    history is in the database cache, hence `db`)."""
    from django.core.cache import cache

    from attend.web.dashboards import clear_cache

    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    settings.ATTEND_STATS_DIR = str(tmp_path / "analytics")
    clear_cache()
    cache.clear()
    yield
    clear_cache()
    cache.clear()


@pytest.fixture
def world(db):
    return make_world()
