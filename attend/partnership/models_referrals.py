"""Referrals from a case to a service in the LA's directory (attend.directory.Service): the service, the reason,
the family's consent (who gave it, when) or the lawful basis for sharing without it, the status (sent, accepted,
declined, closed) with a dated update for each step, and the outcome. Made and changed only through
attend.partnership.referrals, which puts each step on the case's chronology and the audit trail."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class LawfulBasis(models.TextChoices):
    PUBLIC_TASK = (
        "public_task",
        "UK GDPR Article 6(1)(e) public task, with Article 9(2)(g) substantial public interest",
    )
    SAFEGUARDING_S47 = "s47", "Safeguarding: Children Act 1989 section 47 (child at risk of significant harm)"
    CHILD_IN_NEED_S17 = "s17", "Children Act 1989 section 17 (child in need)"
    LEGAL_OBLIGATION = (
        "legal_obligation",
        "UK GDPR Article 6(1)(c) legal obligation (e.g. Education Act 1996)",
    )
    VITAL_INTERESTS = "vital_interests", "UK GDPR Article 6(1)(d) vital interests (life at risk)"


class Referral(models.Model):
    class Status(models.TextChoices):
        SENT = "sent", "Sent"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        CLOSED = "closed", "Closed"

    case = models.ForeignKey("casework.Case", on_delete=models.CASCADE, related_name="referrals")
    service = models.ForeignKey("directory.Service", on_delete=models.PROTECT, related_name="referrals")
    reason = models.TextField()
    consent_given_by = models.CharField(max_length=200, blank=True, help_text="Who gave consent, e.g. mother")
    consent_given_on = models.DateField(null=True, blank=True)
    lawful_basis = models.CharField(max_length=20, choices=LawfulBasis.choices, blank=True)
    lawful_basis_note = models.TextField(blank=True, help_text="Why sharing without consent is justified")
    safeguarding = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SENT)
    sent_on = models.DateField()
    replied_on = models.DateField(null=True, blank=True, help_text="When the service first replied")
    outcome = models.TextField(blank=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_on", "-pk"]
        indexes = [models.Index(fields=["status", "sent_on"], name="referral_status_sent")]

    def __str__(self) -> str:
        return f"Referral to {self.service.name} ({self.get_status_display()})"

    @property
    def with_consent(self) -> bool:
        return bool(self.consent_given_by and self.consent_given_on)


class ReferralUpdate(models.Model):
    """One dated step of a referral: sent, accepted, declined or closed, with what was said."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(max_length=10, choices=Referral.Status.choices)
    on = models.DateField()
    note = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "pk"]
