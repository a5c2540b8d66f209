"""The professional network around a pupil (social worker, virtual school, youth justice, early help) and the
same-day notices of unexplained absence sent to it (attend/partnership/network.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class NetworkRole(models.TextChoices):
    SOCIAL_WORKER = "social_worker", "Allocated social worker"
    VIRTUAL_SCHOOL = "virtual_school", "Virtual school caseworker"
    YOUTH_JUSTICE = "youth_justice", "Youth justice worker"
    EARLY_HELP = "early_help", "Early help lead"


class NetworkMember(models.Model):
    """One professional in a pupil's network: at most one per role. `user` is set when the professional is an
    Attend user with a read-only role; they are then linked to the pupil (accounts.PupilLink)."""

    pupil = models.ForeignKey("people.Pupil", on_delete=models.CASCADE, related_name="network")
    role = models.CharField(max_length=20, choices=NetworkRole.choices)
    name = models.CharField(max_length=150)
    organisation = models.CharField(max_length=150)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["pupil", "role"]
        constraints = [models.UniqueConstraint(fields=["pupil", "role"], name="network_member_one_per_role")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()}) for {self.pupil_id}"


class NetworkNotice(models.Model):
    """The same-day notice of a pupil's unexplained absence to their network: at most one per pupil and day
    (the unique constraint is what stops a second one, whichever process runs)."""

    class Status(models.TextChoices):
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    pupil = models.ForeignKey("people.Pupil", on_delete=models.CASCADE, related_name="network_notices")
    school = models.ForeignKey("schools.School", on_delete=models.SET_NULL, null=True, related_name="+")
    day = models.DateField()
    sessions = models.CharField(max_length=60, help_text="e.g. 'AM O, PM no mark'")
    trigger = models.CharField(max_length=200, help_text="Why it was sent: the failed call, or the cut-off")
    recipients = models.JSONField(default=list, help_text="[{role, name, email, status, reason}]")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SENDING)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day", "pupil"]
        constraints = [models.UniqueConstraint(fields=["pupil", "day"], name="network_notice_once_a_day")]

    def __str__(self) -> str:
        return f"Network notice for {self.pupil_id} on {self.day} ({self.status})"
