"""Support already recorded about a pupil before any case: part-time timetables (the only lawful use of C2) and
circumstances an officer must weigh (medical condition, bereavement). Alerts rules read both."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from attend.people.models import Pupil
from attend.schools.models import School


class TimetableReason(models.TextChoices):
    MEDICAL = "medical", "Medical reintegration"
    SUSPENSION = "suspension", "Reintegration after a suspension"
    SEND_SEMH = "send_semh", "SEND or social, emotional and mental health (SEMH) needs"
    OTHER = "other", "Other"


class TimetableStatus(models.TextChoices):
    ACTIVE = "active", "In place"
    ENDED = "ended", "Ended: back to full time"


class LaScrutiny(models.TextChoices):
    NOT_NEEDED = "not_needed", "Not needed"
    REQUESTED = "requested", "LA scrutiny requested"
    AGREED = "agreed", "LA agreed"
    CHALLENGED = "challenged", "LA challenged"


class PartTimeTimetable(models.Model):
    """A temporary part-time timetable agreed for a pupil of compulsory school age: the only lawful use of C2.

    2024 Regs reg 11: leave for a part-time timetable must be agreed with a parent the pupil lives with, with agreed
    times and dates; guidance: only in very exceptional circumstances, time-limited, formally and regularly reviewed,
    with a plan to return full-time, and the LA told (domain.md §5). A session marked C2 is covered when its date
    falls within start..end and on or before the review date.
    """

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="part_time_timetables")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="part_time_timetables")
    start = models.DateField()
    end = models.DateField(help_text="The planned last day before a full-time return")
    review_date = models.DateField(help_text="C2 after this date needs the timetable reviewed (and extended)")
    reason = models.TextField(
        help_text="Why, e.g. medical reintegration after surgery (never to manage behaviour)"
    )
    agreed_with_parent = models.BooleanField(
        default=False, help_text="Agreed with a parent the pupil normally lives with (2024 Regs reg 11)"
    )
    sessions_per_week = models.PositiveSmallIntegerField(
        help_text="Sessions a week the pupil attends (of 10)"
    )
    # Recorded from the pupil page (issue 17, attend.partnership.timetables); older rows (admin, demo) leave these
    # at their defaults.
    hours_per_week = models.DecimalField(
        max_digits=4, decimal_places=1, null=True, blank=True, help_text="Hours a week in school"
    )
    reason_category = models.CharField(
        max_length=20, choices=TimetableReason.choices, default=TimetableReason.OTHER
    )
    behaviour_related = models.BooleanField(
        default=False,
        help_text="Behaviour is part of the reason: needs a fuller justification and LA scrutiny",
    )
    behaviour_justification = models.TextField(blank=True)
    return_plan = models.TextField(blank=True, help_text="The plan back to full time")
    parent_contact = models.ForeignKey(
        "people.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=TimetableStatus.choices, default=TimetableStatus.ACTIVE)
    la_scrutiny = models.CharField(max_length=12, choices=LaScrutiny.choices, default=LaScrutiny.NOT_NEEDED)
    la_notified_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["school", "pupil", "start"]
        indexes = [models.Index(fields=["school", "start"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="ptt_end_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(review_date__gte=models.F("start")), name="ptt_review_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(sessions_per_week__lte=10), name="ptt_at_most_10_sessions"
            ),
        ]

    def clean(self) -> None:
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": "The end date is before the start date."})
        if self.start and self.review_date and self.review_date < self.start:
            raise ValidationError({"review_date": "The review date is before the start date."})

    def covers(self, day) -> bool:
        """Is a C2 on `day` covered by this timetable (started, not ended, not past its review)?"""
        return self.start <= day <= min(self.end, self.review_date)

    def __str__(self) -> str:
        return f"Part-time timetable for {self.pupil} from {self.start} (review {self.review_date})"


class TimetableReview(models.Model):
    """One formal review of a part-time timetable with the family: what was found, and what happens next (a new
    review date, a new planned end, different hours, or the return to full time)."""

    timetable = models.ForeignKey(PartTimeTimetable, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField()
    notes = models.TextField()
    next_review_date = models.DateField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["timetable", "reviewed_on", "pk"]

    def __str__(self) -> str:
        return f"Review of timetable {self.timetable_id} on {self.reviewed_on}"


class PupilCircumstance(models.Model):
    """Something in a pupil's life that an officer must weigh before acting on an alert: a medical condition, a
    bereavement, or another circumstance. While it is current, every alert about the pupil says "review context
    first" (issue 5), as an EHC plan does. A one-line summary only: clinical or safeguarding detail belongs in the
    case record, not here."""

    class Kind(models.TextChoices):
        MEDICAL_CONDITION = "medical_condition", "Medical condition"
        BEREAVEMENT = "bereavement", "Bereavement"
        OTHER = "other", "Other circumstance (e.g. a family crisis)"

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="circumstances")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    summary = models.CharField(
        max_length=200, help_text="One line, e.g. 'Type 1 diabetes, care plan in place'"
    )
    start = models.DateField()
    end = models.DateField(null=True, blank=True, help_text="Leave empty while it lasts")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pupil", "start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
                name="circumstance_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pupil}: {self.get_kind_display()} from {self.start}"

    def is_current(self, day) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)
