"""Forms of the phone pages: check out (start the round) and check in. A check-in form never refuses: what cannot
be read is left out and said, and the check-in is recorded anyway."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.utils import timezone


def at_time(day: dt.date, text: str) -> dt.datetime | None:
    """ "14:30", "1430", "2.30pm" on `day`, as an aware datetime; None if it cannot be read."""
    text = (text or "").strip().lower().replace(".", ":")
    match = re.fullmatch(r"(\d{1,2})(?::?(\d{2}))?\s*(am|pm)?", text)
    if not match:
        return None
    hour, minute, half = int(match[1]), int(match[2] or 0), match[3]
    if half == "pm" and hour < 12:
        hour += 12
    if half == "am" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return None
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


class StartForm(forms.Form):
    expected_back_at = forms.CharField(
        label="What time do you expect to be back?",
        help_text="For example, 15:30",
        required=False,
        max_length=10,
    )
    first_check_in_at = forms.CharField(
        label="When will you check in first? (optional)",
        help_text="For example, 11:00. If you leave it blank, an hour from now or your return time if sooner",
        required=False,
        max_length=10,
    )

    def __init__(self, *args, now: dt.datetime, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = now

    def clean_expected_back_at(self):
        text = self.cleaned_data["expected_back_at"]
        if not text.strip():
            return None  # lone.start_problems says so, with the other reasons
        value = at_time(timezone.localtime(self.now).date(), text)
        if value is None:
            raise forms.ValidationError(
                "Enter the time you expect to be back as hours and minutes, like 15:30"
            )
        return value

    def clean_first_check_in_at(self):
        text = self.cleaned_data["first_check_in_at"]
        if not text.strip():
            return None
        value = at_time(timezone.localtime(self.now).date(), text)
        if value is None:
            raise forms.ValidationError("Enter the first check-in time as hours and minutes, like 11:00")
        if value <= self.now:
            raise forms.ValidationError("The first check-in time must be later than now")
        return value


def read_check_in(post, round_, now: dt.datetime) -> dict:
    """What a check-in POST says, leniently: {"final", "visit", "new_address", "new_postcode", "note",
    "next_due_at", "unread"} where `unread` lists what could not be read (said to the officer, never a refusal)."""
    action = post.get("action", "")
    unread = []
    visit = None
    if post.get("visit"):
        visit = round_.visits.filter(pk=post["visit"]).first() if str(post["visit"]).isdigit() else None
        if visit is None:
            unread.append("the visit (it is not on this round): your check-in is recorded without it")
    address = post.get("address", "").strip()[:500] if action == "elsewhere" else ""
    if action == "elsewhere" and not address:
        unread.append("the address (none given): your check-in is recorded without it")
    next_due = None
    if post.get("next_due", "").strip():
        next_due = at_time(timezone.localtime(now).date(), post["next_due"])
        if next_due is None or next_due <= now:
            unread.append("the next check-in time (it must be a later time today, like 14:30)")
            next_due = None
    return {
        "final": action == "back",
        "visit": visit,
        "new_address": address,
        "new_postcode": post.get("postcode", "").strip()[:10],
        "note": post.get("note", "").strip()[:2000],
        "next_due_at": next_due,
        "unread": unread,
    }
