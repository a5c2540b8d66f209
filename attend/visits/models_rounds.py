"""A day's round of home visits and the lone-worker safety around it.

A round is planned (visits chosen from the lists), risk-checked, started (the officer checks out with an expected
return time), checked in after each visit and at the end. `Round.check_in_due_at` is when the next check-in is
expected; past it plus the grace period (ATTEND_VISITS_GRACE_MINUTES) the round escalates. Each escalation step is
a row with its due time, and each message sent for it a row with its own status, so a worker that stops mid-way
resumes without skipping a step or sending a message twice."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Round(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        OUT = "out", "Out on visits"
        BACK = "back", "Back (checked in at the end)"
        CANCELLED = "cancelled", "Cancelled"

    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="visit_rounds"
    )
    # The team the office belongs to: the officer's school, or their LA. Escalation contacts come from it.
    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, null=True, blank=True, related_name="visit_rounds"
    )
    local_authority = models.ForeignKey(
        "schools.LocalAuthority", on_delete=models.PROTECT, null=True, blank=True, related_name="visit_rounds"
    )
    day = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    paired_with = models.CharField(
        max_length=150, blank=True, help_text="The colleague or social worker going too (both check in)"
    )
    paired_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Copied from the officer's profile when the round starts: what the office needs if the officer is missing.
    mobile = models.CharField(max_length=30, blank=True)
    vehicle = models.CharField(max_length=200, blank=True)
    description = models.CharField(max_length=300, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    expected_back_at = models.DateTimeField(null=True, blank=True)
    check_in_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_check_in_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day", "officer"]
        indexes = [models.Index(fields=["status", "check_in_due_at"])]

    def __str__(self) -> str:
        return f"Round of {self.officer} on {self.day} ({self.status})"


class Visit(models.Model):
    """One home visit: planned (from a case or a TSM action), reactive (from today's alerts), or added at a
    check-in (a sibling, a new address from a neighbour). The outcome is recorded against it and on the case."""

    class Source(models.TextChoices):
        CASE = "case", "Planned from a case"
        TSM = "tsm", "Agreed at a targeting support meeting"
        REACTIVE = "reactive", "Reactive: unexplained absence today"
        CHECK_IN = "check_in", "Added at a check-in"
        URGENT = "urgent", "Urgent welfare visit"

    class Mode(models.TextChoices):
        ALONE = "alone", "Alone"
        PAIRED = "paired", "Paired (colleague or social worker)"
        DOORSTEP = "doorstep", "Doorstep only"

    class Status(models.TextChoices):
        LISTED = "listed", "On the list"
        DONE = "done", "Visited"
        CANCELLED_FOR_SAFETY = "cancelled_safety", "Cancelled for safety"
        NOT_DONE = "not_done", "Not done"

    round = models.ForeignKey(Round, on_delete=models.CASCADE, null=True, blank=True, related_name="visits")
    order = models.PositiveSmallIntegerField(default=0)
    pupil = models.ForeignKey(
        "people.Pupil", on_delete=models.CASCADE, null=True, blank=True, related_name="visits"
    )
    case = models.ForeignKey(
        "casework.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="visits"
    )
    contact = models.ForeignKey(
        "people.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="visits"
    )
    address = models.TextField(help_text="One line per line of the address visited")
    postcode = models.CharField(max_length=10, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    reason = models.CharField(max_length=300, help_text="Why this visit: for the officer, never for the card")
    planned_for = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.LISTED)
    # The risk check before the visit (the officer confirms it; an urgent welfare visit takes the short check).
    mode = models.CharField(max_length=10, choices=Mode.choices, blank=True)
    risk_checked_at = models.DateTimeField(null=True, blank=True)
    risk_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    risk_check = models.JSONField(
        default=dict,
        blank=True,
        help_text="The answers confirmed: markers seen, last visit read, mode, notes",
    )
    urgent = models.BooleanField(default=False, help_text="Urgent welfare visit: the one-minute check")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["planned_for", "round", "order"]
        indexes = [models.Index(fields=["planned_for", "status"])]

    def __str__(self) -> str:
        return f"Visit to {self.postcode or self.address[:20]} on {self.planned_for}"


class CheckIn(models.Model):
    """A check-in is never refused: one for a visit not on the round is accepted and adds the visit."""

    class Kind(models.TextChoices):
        START = "start", "Checked out: round started"
        AFTER_VISIT = "after_visit", "After a visit"
        FINAL = "final", "Back: end of the round"
        HELP = "help", "I need help"
        OTHER = "other", "Other"

    class Channel(models.TextChoices):
        PHONE_PAGE = "page", "On the phone page"
        SMS = "sms", "By text message"
        OFFICE_CALL = "office_call", "Rang the office (recorded by the office)"

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="check_ins")
    visit = models.ForeignKey(
        Visit, on_delete=models.SET_NULL, null=True, blank=True, related_name="check_ins"
    )
    kind = models.CharField(max_length=15, choices=Kind.choices)
    channel = models.CharField(max_length=15, choices=Channel.choices)
    at = models.DateTimeField()
    location = models.CharField(max_length=300, blank=True, help_text="Where the officer is or was last")
    note = models.TextField(blank=True)
    next_due_at = models.DateTimeField(null=True, blank=True, help_text="The next check-in expected by")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["round", "at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%H:%M}"


class Escalation(models.Model):
    """A missed check-in or an "I need help": runs its steps until a person acknowledges it (or, for a missed
    check-in, the officer checks in)."""

    class Reason(models.TextChoices):
        MISSED_CHECK_IN = "missed", "Missed check-in"
        HELP = "help", "I need help"

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="escalations")
    reason = models.CharField(max_length=10, choices=Reason.choices)
    due_check_in_at = models.DateTimeField(null=True, blank=True, help_text="The check-in that was missed")
    last_known_location = models.CharField(max_length=300, blank=True)
    opened_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    acknowledged_note = models.TextField(blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-opened_at"]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} for {self.round}"

    @property
    def open(self) -> bool:
        return self.ended_at is None


class EscalationStep(models.Model):
    """One step of an escalation, created with its due time before it is due: the worker sends every step whose
    time has come and that is not yet done, so a stopped worker skips nothing when it starts again."""

    class Level(models.TextChoices):
        OFFICE = "office", "School office or team"
        MANAGER = "manager", "Manager"
        DUTY_MANAGER = "duty_manager", "Duty manager (out of hours)"

    class Status(models.TextChoices):
        PENDING = "pending", "Due"
        SENT = "sent", "Sent"
        PARTLY = "partly", "Sent, some messages failing (retrying)"
        CANCELLED = "cancelled", "Not needed (acknowledged first)"

    escalation = models.ForeignKey(Escalation, on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveSmallIntegerField()
    level = models.CharField(max_length=15, choices=Level.choices)
    due_at = models.DateTimeField(db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["escalation", "number"]
        constraints = [
            models.UniqueConstraint(fields=["escalation", "number"], name="escalation_step_number_unique")
        ]

    def __str__(self) -> str:
        return f"Step {self.number} ({self.level}) due {self.due_at:%H:%M}"


class EscalationMessage(models.Model):
    """One email or text for a step, to one contact. The unique key is the idempotency key given to the
    transport (Notify's reference), so a retry after a crash never sends it twice."""

    class Status(models.TextChoices):
        PENDING = "pending", "Not yet sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed (will retry)"
        CANCELLED = "cancelled", "Not sent (the escalation ended first)"

    class Kind(models.TextChoices):
        ALERT = "alert", "Alert: what to do"
        ENDED = "ended", "Ended: who is dealing with it, or the officer checked in"

    step = models.ForeignKey(EscalationStep, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=5, choices=Kind.choices, default=Kind.ALERT)
    channel = models.CharField(max_length=5)  # email or sms
    to = models.CharField(max_length=200)
    contact_name = models.CharField(max_length=100)
    key = models.CharField(max_length=200, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["step", "channel", "to"]

    def __str__(self) -> str:
        return f"{self.channel} to {self.to}: {self.status}"
