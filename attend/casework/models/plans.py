"""Assessment (the voice of the child first) and the support plan with its SMART actions and reviews."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from .cases import Case


class Assessment(models.Model):
    """What the child and parents say, the barriers, strengths and support in place. One per case, revised in
    place with optimistic locking; each save also puts an "assessment" entry on the chronology."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="assessment")
    child_views = models.TextField(blank=True, help_text="The child's views in their own words")
    parent_views = models.TextField(blank=True, help_text="The parents' or carers' views in their own words")
    strengths = models.TextField(blank=True)
    # Support already in place: pastoral support plan, PEP, EHC plan, early help, reduced timetable.
    support_in_place = models.JSONField(default=list, blank=True)
    # Seed 002's questions for social workers: on roll? mental health, anxiety, behaviour, suspensions,
    # reduced timetable, SEND, pupil premium, current plans. {question_key: answer text}.
    questions = models.JSONField(default=dict, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)


class Barrier(models.Model):
    """One barrier to attendance, from the taxonomy, marked in school, outside school or both."""

    class Kind(models.TextChoices):
        PHYSICAL_HEALTH = "physical_health", "Physical health"
        MENTAL_HEALTH = "mental_health", "Mental health, anxiety, emotionally based school avoidance"
        SEND_UNMET = "send_unmet", "SEND need unmet"
        BULLYING = "bullying", "Bullying or friendships"
        TRANSPORT = "transport", "Transport"
        YOUNG_CARER = "young_carer", "Young carer"
        FAMILY = "family", "Family circumstances"
        HOUSING = "housing", "Housing"
        FINANCIAL = "financial", "Financial hardship"
        LANGUAGE = "language", "Language"
        PARENTAL_ENGAGEMENT = "parental_engagement", "Parental engagement"
        OTHER = "other", "Other"

    class Where(models.TextChoices):
        IN_SCHOOL = "in_school", "In school"
        OUTSIDE = "outside", "Outside school"
        BOTH = "both", "Both"

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="barriers")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    where = models.CharField(max_length=10, choices=Where.choices)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["assessment", "kind"]
        constraints = [models.UniqueConstraint(fields=["assessment", "kind"], name="barrier_once_per_kind")]


class SupportPlan(models.Model):
    """An attendance support (or return-to-school) plan. Actions and reviews hang off it."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        ENDED = "ended", "Ended"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="plans")
    title = models.CharField(max_length=150, default="Attendance support plan")
    started_on = models.DateField()
    review_date = models.DateField(help_text="The next review of the whole plan")
    goal = models.CharField(max_length=200, blank=True, help_text="e.g. '90% over the next 6 weeks'")
    goal_percent = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    goal_weeks = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["case", "-started_on", "-id"]


class PlanAction(models.Model):
    """One SMART action: what, who owns it, by when, how we will know."""

    class Owner(models.TextChoices):
        SCHOOL = "school", "School"
        PARENT = "parent", "Parent or carer"
        PUPIL = "pupil", "Pupil"
        AGENCY = "agency", "Another agency"
        LA = "la", "Local authority"

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        NOT_DONE = "not_done", "Not done"

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    owner = models.CharField(max_length=10, choices=Owner.choices)
    owner_name = models.CharField(max_length=150, blank=True, help_text="e.g. 'Mrs Khan, head of year 8'")
    starts_on = models.DateField()
    due = models.DateField()
    review_date = models.DateField(null=True, blank=True)
    success_criteria = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["plan", "due", "id"]


class PlanReview(models.Model):
    """A review of a plan: progress against each action and the goal, and the next review date."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField()
    progress = models.TextField()
    # {action_id: {"status": PlanAction.Status, "note": "..."}}
    action_progress = models.JSONField(default=dict, blank=True)
    next_review = models.DateField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "reviewed_on", "id"]
