"""Who goes out and who is told: the officer's lone-worker profile and the escalation contacts."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class OfficerProfile(models.Model):
    """What the office holds for an officer who visits alone (trust policy 2.2, 2.6, 6.1): the mobile number,
    the vehicle, a description the police can use, an emergency contact, and the training and DBS dates the
    manager watches."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="visit_profile"
    )
    mobile = models.CharField(max_length=30, blank=True, help_text="The mobile carried on visits")
    vehicle_make = models.CharField(max_length=40, blank=True)
    vehicle_model = models.CharField(max_length=40, blank=True)
    vehicle_registration = models.CharField(max_length=12, blank=True)
    vehicle_colour = models.CharField(max_length=30, blank=True)
    description = models.CharField(
        max_length=300,
        blank=True,
        help_text="How to recognise you (height, hair, usual coat): for the police",
    )
    emergency_contact_name = models.CharField(max_length=100, blank=True)
    emergency_contact_phone = models.CharField(max_length=30, blank=True)
    lone_worker_training_on = models.DateField(null=True, blank=True, help_text="Safe-working training")
    dbs_checked_on = models.DateField(null=True, blank=True, help_text="Enhanced DBS with barred list check")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"Visit profile of {self.user}"

    @property
    def vehicle(self) -> str:
        parts = [self.vehicle_colour, self.vehicle_make, self.vehicle_model]
        text = " ".join(p for p in parts if p)
        if self.vehicle_registration:
            text = f"{text}, registration {self.vehicle_registration}" if text else self.vehicle_registration
        return text


class EscalationContact(models.Model):
    """A named person told when an officer of this school or LA team misses a check-in: first the office (or
    the team's contacts), then the manager; out of hours the duty manager instead of both."""

    class Level(models.TextChoices):
        OFFICE = "office", "School office or team contact (told first)"
        MANAGER = "manager", "Manager (told next)"
        DUTY_MANAGER = "duty_manager", "Duty manager (out of hours)"

    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, null=True, blank=True, related_name="escalation_contacts"
    )
    local_authority = models.ForeignKey(
        "schools.LocalAuthority",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="escalation_contacts",
    )
    level = models.CharField(max_length=15, choices=Level.choices)
    name = models.CharField(max_length=100)
    email = models.EmailField(blank=True)
    mobile = models.CharField(max_length=30, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["level", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(school__isnull=False) | models.Q(local_authority__isnull=False),
                name="escalation_contact_has_owner",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_level_display()})"
