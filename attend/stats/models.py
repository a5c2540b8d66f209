"""Published comparators: DfE "Pupil attendance in schools" figures (national, regional, LA) by phase."""

from __future__ import annotations

import uuid

from django.db import models


class BenchmarkRelease(models.Model):
    """One loaded DfE file (year-to-date or weekly). Crown copyright, Open Government Licence v3.0."""

    class Kind(models.TextChoices):
        YEAR_TO_DATE = "ytd", "Year to date"
        WEEKLY = "weekly", "Weekly"
        OTHER = "other", "Other"

    file_name = models.CharField(max_length=300)
    sha256 = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    time_period = models.CharField(max_length=20, help_text="DfE time_period, e.g. 202526")
    is_default_snapshot = models.BooleanField(default=False)
    attribution = models.TextField(
        default="Department for Education, Pupil attendance in schools. Crown copyright. "
        "Contains public sector information licensed under the Open Government Licence v3.0."
    )
    loaded_at = models.DateTimeField(auto_now_add=True)
    rows = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-time_period", "-loaded_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_kind_display()}, {self.time_period})"


class BenchmarkFigure(models.Model):
    """One row of a DfE file: an area (England, a region or an LA) x phase x period."""

    class Level(models.TextChoices):
        NATIONAL = "National", "England"
        REGIONAL = "Regional", "Region"
        LOCAL_AUTHORITY = "Local authority", "Local authority"

    class TotalMethod(models.TextChoices):
        NOT_TOTAL = "", "Not a total row"
        RATIO_OF_COUNTS = "ratio_of_counts", "Ratio of summed counts"
        ENROLMENT_WEIGHTED = "enrolment_weighted", "Enrolment-weighted average of the phase rates"
        UNEXPLAINED = "unexplained", "Neither ratio of counts nor weighted average"
        UNKNOWN = "unknown", "Cannot tell (suppressed or missing phase rows)"

    release = models.ForeignKey(BenchmarkRelease, on_delete=models.CASCADE, related_name="figures")
    geographic_level = models.CharField(max_length=20, choices=Level.choices)
    area_code = models.CharField(max_length=12, help_text="ONS code: E92000001, E12..., or the LA's new code")
    old_la_code = models.CharField(max_length=3, blank=True, help_text="DfE 3-digit LA code")
    area_name = models.CharField(max_length=120)
    region_name = models.CharField(max_length=60, blank=True)
    education_phase = models.CharField(max_length=20)
    time_period = models.CharField(max_length=20)
    time_identifier = models.CharField(max_length=40)
    period_label = models.CharField(
        max_length=60, blank=True, help_text="e.g. the week's date in weekly files"
    )
    enrolments = models.FloatField(null=True)
    possible_sessions = models.BigIntegerField(null=True)
    overall_absence = models.BigIntegerField(null=True)
    attendance_perc = models.FloatField(null=True)
    overall_absence_perc = models.FloatField(null=True)
    authorised_absence_perc = models.FloatField(null=True)
    unauthorised_absence_perc = models.FloatField(null=True)
    pa_perc = models.FloatField(null=True)
    suppressed = models.BooleanField(default=False)
    total_method = models.CharField(max_length=20, choices=TotalMethod.choices, blank=True, default="")
    # Every column of the row as published (numbers, or None where DfE suppressed the cell with "c").
    values = models.JSONField()

    class Meta:
        ordering = ["release", "geographic_level", "area_name", "education_phase"]
        indexes = [
            models.Index(fields=["geographic_level", "old_la_code", "education_phase"]),
            models.Index(fields=["geographic_level", "region_name", "education_phase"]),
        ]

    def __str__(self) -> str:
        return f"{self.area_name} {self.education_phase} {self.time_identifier} {self.time_period}"


class StoreState(models.Model):
    """One row that ties the columnar statistics store (attend.stats.store) to this database.

    The store records the token and generation it was built from. A different token (another database, a restored
    copy, a test's rolled-back transaction) or a higher generation (bumped by writers that change marks without a
    MarkChange row, such as retention) means the store cannot be brought up to date by applying the changes since
    it was built: it is rebuilt whole."""

    token = models.UUIDField(default=uuid.uuid4, editable=False)
    generation = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.token}:{self.generation}"
