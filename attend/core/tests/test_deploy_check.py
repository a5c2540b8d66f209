"""Production settings pass Django's deployment checklist with no warnings at all."""

import os
import subprocess
import sys

PRODUCTION_ENV = {
    "ATTEND_DEBUG": "0",
    "ATTEND_SECURE": "1",
    "ATTEND_SECRET_KEY": "k7#Qm2vX9pL0wZr4tB8nF1yH6cJ3sD5gA0eU7iO2qW9xV4bN8mK1lP6zT3rY5uE",
    "ATTEND_ALLOWED_HOSTS": "attend.example.gov.uk",
}


def run_check(extra_env: dict[str, str]) -> subprocess.CompletedProcess:
    # A production process carries none of the test run's own settings (the browser tests allow async-unsafe ORM).
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("ATTEND_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, "-m", "attend", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_without_warnings():
    result = run_check(PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_demo_settings_would_not_pass():
    # The check is real: without ATTEND_SECURE the same command fails (no HSTS, insecure cookies).
    result = run_check({"ATTEND_DEBUG": "0"})
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = run_check({k: v for k, v in PRODUCTION_ENV.items() if k != "ATTEND_SECRET_KEY"})
    assert result.returncode != 0
    assert "ATTEND_SECRET_KEY must be set" in result.stderr
