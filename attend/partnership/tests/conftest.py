"""Fixtures shared by the partnership tests: the real local SMTP server and the fake GOV.UK Notify server from the
letters tests (attend/letters/tests/conftest.py)."""

from attend.letters.tests.conftest import fake_notify, smtp_server  # noqa: F401
