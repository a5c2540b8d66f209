"""Users and what they may see: a role scoped to a school, a trust or a local authority."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    pass


class Membership(models.Model):
    class Role(models.TextChoices):
        LA_OFFICER = "la_officer", "LA attendance officer"
        LA_MANAGER = "la_manager", "LA manager"
        SCHOOL_OFFICER = "school_officer", "School attendance officer"
        ATTENDANCE_LEAD = "attendance_lead", "Attendance lead / senior leader"
        HEADTEACHER = "headteacher", "Headteacher"
        DSL = "dsl", "Designated safeguarding lead"
        CLASS_TEACHER = "class_teacher", "Class teacher"
        SOCIAL_WORKER = "social_worker", "Social worker"
        VIRTUAL_SCHOOL = "virtual_school", "Virtual school"
        SYSTEM_ADMIN = "system_admin", "System administrator"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    local_authority = models.ForeignKey(
        "schools.LocalAuthority", on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )
    trust = models.ForeignKey(
        "schools.Trust", on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )
    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(local_authority__isnull=False)
                | models.Q(trust__isnull=False)
                | models.Q(school__isnull=False)
                | models.Q(role="system_admin"),
                name="membership_has_scope",
            )
        ]

    def __str__(self) -> str:
        scope = self.school or self.trust or self.local_authority or "everything"
        return f"{self.user} – {self.get_role_display()} – {scope}"


class PupilLink(models.Model):
    """A named link between a user and one pupil: how social workers, virtual school staff and class teachers
    see a pupil at all (they see no pupil without one)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="pupil_links")
    pupil = models.ForeignKey("people.Pupil", on_delete=models.CASCADE, related_name="user_links")
    reason = models.CharField(
        max_length=200, help_text="e.g. Allocated social worker; Virtual school caseworker"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "pupil"], name="pupil_link_unique")]

    def __str__(self) -> str:
        return f"{self.user} → {self.pupil} ({self.reason})"


class SignInThrottle(models.Model):
    """Failed sign-ins for one username from one address (or, with username `*`, for every username from one
    address); locks after repeated failures (accounts/throttle.py)."""

    username = models.CharField(max_length=150)
    ip = models.CharField(max_length=45)
    failures = models.PositiveSmallIntegerField(default=0)
    last_failure_at = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True)
    refused = models.PositiveIntegerField(default=0, help_text="Attempts refused during the current lock")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["username", "ip"], name="sign_in_throttle_unique")]

    def __str__(self) -> str:
        return f"{self.username} from {self.ip}: {self.failures} failures"
