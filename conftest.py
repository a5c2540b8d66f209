"""Shared pytest set-up. The suite runs twice in CI: on SQLite, and on PostgreSQL when DATABASE_URL points there."""

import os
import secrets

from django.conf import settings

# The tests never use the public built-in key (attend/accounts/startup.py refuses to serve with it): a random one
# per run, also for any `attend` process a test starts. pytest-django has loaded the settings already.
os.environ.setdefault("ATTEND_SECRET_KEY", f"tests-{secrets.token_urlsafe(40)}")
if settings.SECRET_KEY == settings.BUILT_IN_SECRET_KEY:
    settings.SECRET_KEY = os.environ["ATTEND_SECRET_KEY"]
