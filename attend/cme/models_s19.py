"""The LA's duty to arrange suitable education for a child who, because of illness, exclusion or otherwise, would not
receive it (EA 1996 s19). Statutory guidance "Arranging education for children who cannot attend school because of
health needs" (December 2023): the LA should be ready to act when a child will miss 15 school days or more, in one
spell or in total over the school year. Exclusion: full-time provision from the sixth school day of a permanent
exclusion (s19, LA) or of a suspension (Education (Provision of Full-Time Education for Excluded Pupils) (England)
Regulations 2007, the school). Each decision is recorded with the days counted."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ProvisionDecision(models.Model):
    class Trigger(models.TextChoices):
        HEALTH = "health", "Health: 15 school days missed or expected"
        SUSPENSION = "suspension", "Suspension beyond five school days"
        EXCLUSION = "exclusion", "Permanent exclusion beyond five school days"

    class Decision(models.TextChoices):
        ARRANGING = "arranging", "The LA is arranging education (s19)"
        SCHOOL_PROVIDING = "school_providing", "The school is providing suitable education"
        NOT_NEEDED = "not_needed", "Not needed (reason recorded)"
        AWAITING_EVIDENCE = "awaiting_evidence", "Awaiting medical or other evidence"

    pupil = models.ForeignKey("people.Pupil", on_delete=models.PROTECT, related_name="provision_decisions")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    local_authority = models.ForeignKey("schools.LocalAuthority", on_delete=models.PROTECT, related_name="+")
    trigger = models.CharField(max_length=12, choices=Trigger.choices)
    days_counted = models.DecimalField(max_digits=5, decimal_places=1, help_text="School days counted")
    counted_from = models.DateField()
    counted_to = models.DateField()
    sixth_day = models.DateField(null=True, blank=True, help_text="Exclusion: the day provision must start")
    decision = models.CharField(max_length=20, choices=Decision.choices)
    reason = models.TextField()
    provision = models.TextField(blank=True, help_text="What is arranged: hours a week, where, by whom")
    provision_starts = models.DateField(null=True, blank=True)
    review_on = models.DateField(null=True, blank=True)
    decided_on = models.DateField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_on", "-id"]
