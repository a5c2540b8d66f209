"""Refuse to serve with the public built-in SECRET_KEY (issue 14, finding 11).

Anyone who reads the source knows that key, so they could forge session cookies and signed messages. The web
server (attend/wsgi.py: gunicorn, and `attend runserver` through it) refuses to start with it unless
ATTEND_DEBUG is on or `attend demo` is serving (it sets ATTEND_DEMO=1). Commands that do not serve (migrate,
import, db_worker) and the tests do not sign cookies for anyone, so they run as they are.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MESSAGE = (
    "Attend will not serve with its built-in, public SECRET_KEY: set ATTEND_SECRET_KEY to a long random value "
    "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), or run the demo with `attend demo` "
    "(scripts/demo.sh), or set ATTEND_DEBUG=1 on your own machine."
)


def uses_built_in_secret_key() -> bool:
    return settings.SECRET_KEY == settings.BUILT_IN_SECRET_KEY


def demo_is_running() -> bool:
    return os.environ.get("ATTEND_DEMO") == "1"


def refuse_public_secret_key() -> None:
    if uses_built_in_secret_key() and not settings.DEBUG and not demo_is_running():
        raise ImproperlyConfigured(MESSAGE)
