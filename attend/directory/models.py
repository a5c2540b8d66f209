"""The services directory: local support that attendance staff refer families to (used by referrals later)."""

from __future__ import annotations

from django.db import models

from attend.schools.models import LocalAuthority


class Service(models.Model):
    """One local service, kept by an LA: what it offers, where, and how to refer a family to it."""

    class Kind(models.TextChoices):
        EARLY_HELP = "early_help", "Early help"
        SCHOOL_NURSING = "school_nursing", "School nursing"
        CAMHS = "camhs", "CAMHS (children and young people's mental health)"
        YOUNG_CARERS = "young_carers", "Young carers"
        SEND = "send", "SEND support"
        HOUSING = "housing", "Housing"
        CHARITY = "charity", "Local charity"
        OTHER = "other", "Other"

    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.CASCADE, related_name="services")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    area = models.CharField(
        max_length=200, blank=True, help_text="Where it works, e.g. the whole borough, or wards"
    )
    contact = models.CharField(max_length=300, help_text="Phone number, email address or website")
    how_to_refer = models.TextField(help_text="How to make a referral, and what consent is needed")
    notes = models.TextField(blank=True)
    active = models.BooleanField(
        default=True, help_text="Untick when the service closes (it stays on record)"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["local_authority", "name"], name="service_name_unique_in_la")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"
