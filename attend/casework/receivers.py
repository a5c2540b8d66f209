"""Casework listening to other apps (which never import casework): a letter, email or text message about a pupil
with an open case goes on that case's chronology, once."""

from __future__ import annotations

from django.dispatch import receiver

from attend.letters.signals import message_recorded

ROUTE_WORDS = {
    "post": "by first-class post",
    "print": "printed for posting or handing over",
    "email": "by email",
    "sms": "by text message",
}
# A message is contact with the family once it has gone (or been tried): a letter held for review, waiting in an
# unapproved batch, or skipped is not on the chronology (the status change that sends it puts it there).
ON_THE_RECORD = ("sent", "delivered", "returned", "failed")


def message_summary(message) -> str:
    from attend.letters.context import salutation

    title = message.template_version.template.title
    to = salutation(message.contact) if message.contact_id else (message.recipient or "").split("\n")[0]
    verb = "could not be sent" if message.status == "failed" else "sent"
    how = ROUTE_WORDS.get(message.route, "")
    return f"{title} {verb} to {to} {how}".strip() if verb == "sent" else f"{title} to {to} {how} {verb}"


@receiver(message_recorded, dispatch_uid="casework.message_on_chronology")
def message_on_chronology(sender, message, created: bool, **kwargs) -> None:
    from .cases import open_case_for
    from .chronology import record_message

    if message.status not in ON_THE_RECORD:
        return
    case = open_case_for(message.pupil)
    if case is None:
        return
    record_message(
        case, message, by=message.approved_by or message.created_by, summary=message_summary(message)
    )
