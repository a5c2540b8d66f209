"""Fixtures for the CME tests: a real local SMTP server (letters)."""

from attend.letters.tests.conftest import fake_notify, smtp_server  # noqa: F401
