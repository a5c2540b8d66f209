"""Issue 14, finding 11: the web server refuses to start with the public built-in SECRET_KEY, except for the demo
and with ATTEND_DEBUG on."""

import os
import subprocess
import sys

import pytest


def start_wsgi(extra_env: dict[str, str]) -> subprocess.CompletedProcess:
    # What gunicorn (and runserver) do first: import attend.wsgi. A clean environment, as a server has.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("ATTEND_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, "-c", "import attend.wsgi; print('serving')"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_refuses_to_serve_with_the_built_in_key():
    result = start_wsgi({})
    assert result.returncode != 0
    assert "will not serve with its built-in, public SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    "env",
    [
        {"ATTEND_SECRET_KEY": "k7#Qm2vX9pL0wZr4tB8nF1yH6cJ3sD5gA0eU7iO2qW9"},
        {"ATTEND_DEBUG": "1"},
        {"ATTEND_DEMO": "1"},
    ],
    ids=["own-key", "debug", "demo"],
)
def test_it_serves_with_a_key_of_its_own_in_debug_or_for_the_demo(env):
    result = start_wsgi(env)
    assert result.returncode == 0, result.stderr
    assert "serving" in result.stdout


def test_the_tests_themselves_never_use_the_built_in_key(settings):
    assert settings.SECRET_KEY != settings.BUILT_IN_SECRET_KEY
