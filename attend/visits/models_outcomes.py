"""What happened at each visit (the outcome) and the written report of a visit cancelled for safety.

An outcome is recorded once per visit, by the officer or the office, and goes on the case's chronology
(attend.visits.outcomes). A visit cancelled for safety produces a `SafetyReport`: the PDF from the Letters layer,
and one `SafetyReportRecipient` row per person or log it went to, with its status (trust policy 4.5 to 4.7)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class VisitOutcome(models.Model):
    class Concern(models.TextChoices):
        NONE = "", "No"
        FRONT_DOOR = "front_door", "Yes: the children's services front door"
        POLICE = "police", "Yes: the police"

    visit = models.OneToOneField("visits.Visit", on_delete=models.CASCADE, related_name="outcome")
    occurred_at = models.DateTimeField(help_text="When the visit happened (or was called off)")
    # Parent seen: one of the pupil's contacts, or someone else named.
    parent_seen = models.BooleanField(default=False)
    parent_contact = models.ForeignKey(
        "people.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    parent_seen_who = models.CharField(
        max_length=150, blank=True, help_text="Someone not on the contacts list"
    )
    # Child seen: alone or with whom, where, and their own words.
    child_seen = models.BooleanField(default=False)
    child_seen_alone = models.BooleanField(null=True, blank=True)
    child_seen_with = models.CharField(max_length=150, blank=True)
    child_seen_where = models.CharField(max_length=150, blank=True)
    child_spoken_with = models.BooleanField(default=False)
    child_words = models.TextField(blank=True, help_text="The child's own words")
    no_answer = models.BooleanField(default=False)
    card_left = models.BooleanField(default=False)
    neighbour_enquiries = models.TextField(blank=True, help_text="What neighbours said")
    not_safe = models.BooleanField(default=False, help_text="Not safe to proceed: cancelled for safety")
    not_safe_reason = models.TextField(blank=True)
    moved_away = models.BooleanField(default=False)
    new_address = models.TextField(blank=True)
    concern = models.CharField(max_length=12, choices=Concern.choices, blank=True)
    concern_reference = models.CharField(max_length=60, blank=True)
    concern_at = models.DateTimeField(null=True, blank=True)
    agreements = models.TextField(blank=True)
    follow_up_on = models.DateField(null=True, blank=True, help_text="When to check the agreement is kept")
    agreement_message = models.ForeignKey(
        "letters.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    next_steps = models.TextField(blank=True)
    risk_marker = models.ForeignKey(
        "visits.RiskMarker",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The marker the officer confirmed after a visit cancelled for safety",
    )
    cme_prompted = models.BooleanField(default=False, help_text="Moved away or repeated no answer")
    case = models.ForeignKey(
        "casework.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="visit_outcomes"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at"]

    def __str__(self) -> str:
        return f"Outcome of {self.visit}: {self.in_a_few_words}"

    @property
    def in_a_few_words(self) -> str:
        """The outcome as the pupil page's panel shows it."""
        parts = []
        if self.not_safe:
            parts.append("cancelled for safety")
        if self.parent_seen:
            parts.append("parent seen")
        if self.child_seen:
            parts.append("child seen" + (" alone" if self.child_seen_alone else ""))
        if self.no_answer:
            parts.append("no answer" + (", card left" if self.card_left else ""))
        if self.neighbour_enquiries:
            parts.append("neighbours asked")
        if self.moved_away:
            parts.append("moved away")
        if self.concern:
            parts.append("referred to the " + ("police" if self.concern == "police" else "front door"))
        if self.agreements:
            parts.append("agreement made")
        text = "; ".join(parts) or "recorded"
        return text[0].upper() + text[1:]


class SafetyReport(models.Model):
    """The written report of a visit cancelled for safety: the PDF rendered from the `visit_safety_report`
    letter template, sent by email to each recipient with the PDF attached."""

    visit = models.ForeignKey("visits.Visit", on_delete=models.CASCADE, related_name="safety_reports")
    outcome = models.ForeignKey(VisitOutcome, on_delete=models.CASCADE, related_name="safety_reports")
    reason = models.TextField()
    subject = models.CharField(max_length=200)
    text = models.TextField(help_text="The report as plain text (the email's body)")
    pdf = models.BinaryField()
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    made_at = models.DateTimeField()

    class Meta:
        ordering = ["-made_at"]

    def __str__(self) -> str:
        return f"Safety report for {self.visit}"

    @property
    def failed(self) -> bool:
        return any(r.status == SafetyReportRecipient.Status.FAILED for r in self.recipients.all())


class SafetyReportRecipient(models.Model):
    class Role(models.TextChoices):
        HEADTEACHER = "headteacher", "Headteacher"
        LINE_MANAGER = "line_manager", "Line manager"
        HS_LOG = "hs_log", "Health and safety incident log"

    class Status(models.TextChoices):
        SENT = "sent", "Sent"
        FAILED = "failed", "Not sent"

    report = models.ForeignKey(SafetyReport, on_delete=models.CASCADE, related_name="recipients")
    role = models.CharField(max_length=15, choices=Role.choices)
    name = models.CharField(max_length=150)
    email = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices)
    reason = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["report", "role", "name"]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.name}: {self.status}"
