"""Escalation of a missed check-in or an "I need help" (issue 18). The engine is being written (helper branch
`escalation`); these are the entry points `lone.py` calls, with what each must do."""

from __future__ import annotations


def schedule(round_) -> None:
    """Make sure the check for this round's next due check-in (plus the grace period) will run: enqueue the task
    to run at that time (django-tasks `run_after`), so it fires within a minute of falling due."""


def after_check_in(round_, check_in, *, now) -> None:
    """A check-in by the officer ends an open missed-check-in escalation (telling those already alerted) and
    schedules the next check."""
    schedule(round_)


def raise_help(round_, *, location: str, now, check_in):
    """Open a HELP escalation and send its first step at once."""
    raise NotImplementedError("the escalation engine is being written")
