import pytest


@pytest.fixture(autouse=True)
def _stats_store(settings, tmp_path):
    # Each test builds its own columnar statistics store from its own database.
    settings.ATTEND_STATS_DIR = str(tmp_path / "analytics")
    settings.ATTEND_NOTIFY_RETRY_DELAYS = [0.01, 0.02]
