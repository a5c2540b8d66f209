"""Issue 14, finding 10: the API rate limit counts in a cache every worker process shares (the database), so
under gunicorn's several workers a 3-a-minute limit still lets 3 requests through, not 3 per worker."""

from django.core.cache import CacheHandler
from django.db import connection

from attend.api.models import ApiToken

from .factories import bearer, token_for


def test_the_rate_limit_history_lives_in_the_shared_database_cache(world, client, settings):
    settings.ATTEND_API_RATES = {"read": "3/minute", "import": "1/minute"}
    token = token_for(world["la_officer"])
    assert [client.get("/api/v1/schools/", headers=bearer(token)).status_code for _ in range(3)] == [200] * 3
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM attend_cache")
        keys = [row[0] for row in cursor.fetchall()]
    pk = ApiToken.objects.get().pk
    assert any(key.endswith(f"throttle_api_read_{pk}") for key in keys)
    # Another worker starts with nothing in its own memory: it reads the same three requests from the table.
    other_worker = CacheHandler()["default"]
    assert len(other_worker.get(f"throttle_api_read_{pk}")) == 3


def test_the_cache_table_is_made_by_migrate(db):
    assert "attend_cache" in connection.introspection.table_names()
