"""The services directory: local support that attendance staff refer families to (used by referrals later)."""

from __future__ import annotations

from django.db import models

from attend.schools.models import LocalAuthority


class Service(models.Model):
    """One local service, kept by an LA: what it offers, where, and how to refer a family to it."""

    class Kind(models.TextChoices):
        EDUCATION_SUPPORT = "education_support", "Education support (attendance)"
        CME = "cme", "Children missing education"
        EHE = "ehe", "Elective home education"
        GRT = "grt", "Gypsy, Roma and Traveller education"
        CHILD_EMPLOYMENT = "child_employment", "Child employment and entertainment"
        EARLY_HELP = "early_help", "Early help"
        SOCIAL_CARE = "social_care", "Children's social care (front door)"
        POLICE = "police", "Police"
        VIRTUAL_SCHOOL = "virtual_school", "Virtual school"
        YOUTH_JUSTICE = "youth_justice", "Youth justice"
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
    # Referrals (attend.partnership.referrals): how long the service takes to reply, and whether it needs the
    # family's consent. A safeguarding service (SAFEGUARDING_KINDS) never refuses a referral for want of consent.
    reply_within_days = models.PositiveSmallIntegerField(
        default=10,
        help_text="Days the service takes to reply; no reply by then puts a reminder on the work list",
    )
    consent_required = models.BooleanField(
        default=True, help_text="The service accepts a referral only with the family's consent"
    )
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

    @property
    def is_safeguarding(self) -> bool:
        """A referral here is a safeguarding referral: never blocked for want of consent."""
        return self.kind in SAFEGUARDING_KINDS


SAFEGUARDING_KINDS = frozenset({Service.Kind.SOCIAL_CARE, Service.Kind.POLICE})
