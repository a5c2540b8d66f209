"""Targeting support meetings (TSMs): the LA meets each school once a term to review its persistently and
severely absent pupils and agree actions for named pupils, each with a lead practitioner. The next meeting
reviews them; unfinished actions carry over to it."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from attend.casework.models import Case
from attend.people.models import Pupil
from attend.schools.models import School


class TermName(models.TextChoices):
    AUTUMN = "autumn", "Autumn"
    SPRING = "spring", "Spring"
    SUMMER = "summer", "Summer"


TERM_ORDER = [t.value for t in TermName]


class SupportMeeting(models.Model):
    """One school's TSM for one term. Offered until it is held or the school declines (independent schools need
    not take part)."""

    class Status(models.TextChoices):
        OFFERED = "offered", "Offered"
        HELD = "held", "Held"
        DECLINED = "declined", "Declined"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="support_meetings")
    start_year = models.PositiveSmallIntegerField(
        help_text="The academic year's first year: 2025 for 2025/26"
    )
    term = models.CharField(max_length=8, choices=TermName.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OFFERED)
    meeting_date = models.DateField(null=True, blank=True)
    attendees = models.TextField(blank=True)
    record = models.TextField("Meeting record", blank=True)
    declined_reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["school__name", "-start_year", "-term"]
        constraints = [
            models.UniqueConstraint(fields=["school", "start_year", "term"], name="tsm_one_per_school_term")
        ]

    @property
    def term_label(self) -> str:
        return f"{self.get_term_display()} {self.start_year}/{(self.start_year + 1) % 100:02d}"

    @property
    def term_key(self) -> tuple[int, int]:
        return self.start_year, TERM_ORDER.index(self.term)

    def __str__(self) -> str:
        return f"{self.school} · {self.term_label}"


class AgreedAction(models.Model):
    """A per-pupil action agreed at a TSM, with its lead practitioner. It opens or updates the pupil's case."""

    class Status(models.TextChoices):
        OPEN = "open", "Not finished"
        DONE = "done", "Done"
        DROPPED = "dropped", "No longer needed"
        CARRIED = "carried", "Carried over to the next meeting"

    meeting = models.ForeignKey(SupportMeeting, on_delete=models.CASCADE, related_name="actions")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="tsm_actions")
    action = models.TextField()
    lead_practitioner = models.CharField(max_length=200)
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    review_note = models.TextField(blank=True)
    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="tsm_actions"
    )
    carried_from = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="carried_to"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["meeting", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(lead_practitioner=""), name="tsm_action_has_lead_practitioner"
            )
        ]

    def __str__(self) -> str:
        return f"{self.pupil} · {self.action[:40]}"
