"""Known risks before a visit: against a person (a contact) or, when it is about the place, an address. A marker
is personal data: it carries its reason, who recorded it and a review date, and a marker past its review date is
shown as "expired: review it" rather than as a fact, so it does not follow the next tenant."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class RiskKind(models.TextChoices):
    AGGRESSION = "aggression", "Previous aggression or threats"
    ANIMALS = "animals", "Dangerous animals"
    SAFEGUARDING = "safeguarding", "Safeguarding concern"
    INFECTION = "infection", "Infection precautions"  # a precaution, never a diagnosis
    LONE_NOT_ADVISED = "lone_not_advised", "Lone visit not advised"
    OTHER = "other", "Other risk"


class RiskMarker(models.Model):
    contact = models.ForeignKey(
        "people.Contact", on_delete=models.CASCADE, null=True, blank=True, related_name="risk_markers"
    )
    pupil = models.ForeignKey(
        "people.Pupil", on_delete=models.CASCADE, null=True, blank=True, related_name="risk_markers"
    )
    # About the place: matched on the normalised postcode and first address line.
    address_line1 = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    kind = models.CharField(max_length=20, choices=RiskKind.choices)
    reason = models.TextField(help_text="What happened or why: facts, not opinions")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField()
    review_on = models.DateField(help_text="After this date the marker is expired until someone reviews it")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    review_note = models.TextField(blank=True, help_text="Why the marker still stands, at the last review")
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    end_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["review_on"]
        indexes = [models.Index(fields=["postcode"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(contact__isnull=False)
                | models.Q(pupil__isnull=False)
                | ~models.Q(postcode=""),
                name="risk_marker_about_someone_or_somewhere",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} (review {self.review_on})"
