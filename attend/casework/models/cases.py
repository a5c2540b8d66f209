"""Cases, families and the LA's pathway: who a case is about, where it stands, who holds it.

Stages are the six of *Working together to improve school attendance* (2024): expect, monitor, listen and
understand, facilitate support, formalise support, enforce. An LA may name its own pathway's steps within them
(`PathwayStep`). A case is about a pupil on a roll, or about a child not on any roll or with no UPN (missing
education, a new arrival, home education breaking down), named by name, date of birth and address until it is
linked to a pupil record.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from attend.people.models import Pupil
from attend.schools.models import LocalAuthority, School


class Stage(models.TextChoices):
    EXPECT = "expect", "Expect"
    MONITOR = "monitor", "Monitor"
    LISTEN = "listen", "Listen and understand"
    FACILITATE = "facilitate", "Facilitate support"
    FORMALISE = "formalise", "Formalise support"
    ENFORCE = "enforce", "Enforce"


STAGE_ORDER = [s.value for s in Stage]


class PathwayStep(models.Model):
    """A step of an LA's own attendance pathway, inside one of the six national stages (e.g. "Stage 2 letter"
    inside facilitate support). Optional: cases without one just show the national stage."""

    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.CASCADE, related_name="pathway_steps"
    )
    stage = models.CharField(max_length=12, choices=Stage.choices)
    name = models.CharField(max_length=100)
    order = models.PositiveSmallIntegerField(default=1)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["local_authority", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["local_authority", "name"], name="pathway_step_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_stage_display()})"


class Family(models.Model):
    """Children an officer has confirmed belong together (siblings across schools). Links through shared
    contacts are only suggested (casework.families): shared phones and grandparents would join strangers."""

    ref = models.CharField(max_length=20, unique=True, help_text="FAM-000123")
    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "families"

    def __str__(self) -> str:
        return self.ref


class FamilyMember(models.Model):
    """One child in a family, confirmed by a named officer. A pupil is in at most one family."""

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="members")
    pupil = models.OneToOneField(Pupil, on_delete=models.CASCADE, related_name="family_membership")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(
        max_length=200, blank=True, help_text="How the officer knows, e.g. 'Mother confirmed'"
    )

    def __str__(self) -> str:
        return f"{self.pupil} in {self.family}"


OPEN_CASE_STATUSES = ("open", "monitoring")


class Case(models.Model):
    """One child's attendance case. At most one open (or monitoring) case per pupil."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        MONITORING = "monitoring", "Monitoring"
        CLOSED = "closed", "Closed"

    class CloseReason(models.TextChoices):
        IMPROVED = "improved", "Attendance improved"
        MOVED_LA = "moved_la", "Moved to another LA"
        HOME_EDUCATED = "home_educated", "Home educated"
        MISSING_EDUCATION = "missing_education", "Missing education (passed to the CME team)"
        LEFT_ROLL = "left_roll", "Left the roll"
        END_OF_CSA = "end_of_csa", "Reached the end of compulsory school age"
        TRANSFERRED_LA = "transferred_la", "Transferred to another LA"

    ref = models.CharField(max_length=20, unique=True, help_text="CW-000123")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, null=True, blank=True, related_name="cases")
    # A child not on any roll (or with no UPN) is named here until the case is linked to a pupil record.
    child_forename = models.CharField(max_length=100, blank=True)
    child_surname = models.CharField(max_length=100, blank=True)
    child_date_of_birth = models.DateField(null=True, blank=True)
    child_address = models.TextField(blank=True, help_text="One line per line of the address")
    child_postcode = models.CharField(max_length=10, blank=True)
    school = models.ForeignKey(School, on_delete=models.SET_NULL, null=True, blank=True, related_name="cases")
    local_authority = models.ForeignKey(
        LocalAuthority,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        help_text="The LA responsible (the school's LA, or where the child lives when not on a roll)",
    )
    la_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="la_cases"
    )
    school_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="school_cases",
    )
    lead_practitioner = models.CharField(
        max_length=150, blank=True, help_text="Name and role, e.g. 'Sam Patel, Early Help key worker'"
    )
    stage = models.CharField(max_length=12, choices=Stage.choices, default=Stage.LISTEN)
    pathway_step = models.ForeignKey(PathwayStep, on_delete=models.SET_NULL, null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    close_reason = models.CharField(max_length=20, choices=CloseReason.choices, blank=True)
    close_summary = models.TextField(blank=True)
    # Set by open_case from the service's clock (a demo's or a replayed day's cases open on that day).
    opened_at = models.DateTimeField(default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Optimistic locking (attend.core.locking) for stage, status and assignment changes from pages.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-opened_at", "-id"]
        indexes = [
            models.Index(fields=["school", "status"]),
            models.Index(fields=["la_officer", "status"]),
            models.Index(fields=["school_lead", "status"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil"],
                condition=Q(status__in=OPEN_CASE_STATUSES) & Q(pupil__isnull=False),
                name="case_one_open_per_pupil",
            ),
            models.CheckConstraint(
                condition=Q(pupil__isnull=False) | ~Q(child_surname=""),
                name="case_names_a_child",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | ~Q(close_reason=""),
                name="case_closed_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.child_name}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_CASE_STATUSES

    @property
    def child_name(self) -> str:
        if self.pupil_id:
            p = self.pupil
            return f"{p.preferred_forename or p.legal_forename} {p.preferred_surname or p.legal_surname}"
        return f"{self.child_forename} {self.child_surname}".strip()


class StageChange(models.Model):
    """Who moved a case between stages (or steps), when and why. Append-only like the chronology; each change is
    also a chronology entry, so the timeline shows it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(max_length=12, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=12, choices=Stage.choices)
    pathway_step = models.ForeignKey(PathwayStep, on_delete=models.SET_NULL, null=True, blank=True)
    reason = models.TextField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case", "changed_at", "id"]
