"""Signals other apps listen to (letters never imports them: casework puts messages on a case's chronology).

`message_recorded` is sent, after the database transaction commits, when a message is created (`created=True`)
and each time its status changes (`created=False`), with `message` the `letters.Message`."""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

message_recorded = Signal()


def announce(message, *, created: bool) -> None:
    """Send `message_recorded` once the current transaction commits (at once outside one)."""
    from .models import Message

    transaction.on_commit(
        lambda: message_recorded.send(sender=Message, message=message, created=created), robust=False
    )
