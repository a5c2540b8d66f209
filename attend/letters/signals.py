"""Signals other apps listen to (letters never imports them: casework puts messages on a case's chronology).

`message_recorded` is sent when a message is created (`created=True`) and each time its status changes
(`created=False`), with `message` the `letters.Message`. Receivers run in the same database transaction as the
change, so what they record stands or falls with it."""

from __future__ import annotations

from django.dispatch import Signal

message_recorded = Signal()


def announce(message, *, created: bool) -> None:
    from .models import Message

    message_recorded.send(sender=Message, message=message, created=created)
