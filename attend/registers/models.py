"""The register: DfE attendance codes (as data), marks, their correction history and import runs."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from attend.people.models import Enrolment


class AttendanceCode(models.Model):
    """One register code. Loaded from data/attendance_codes_2024.csv (SI 2024/208 reg 10 plus legacy codes)."""

    class Category(models.TextChoices):
        PRESENT = "present", "Present"
        APPROVED_EDUCATIONAL_ACTIVITY = "approved_educational_activity", "Approved educational activity"
        AUTHORISED_ABSENCE = "authorised_absence", "Authorised absence"
        UNAUTHORISED_ABSENCE = "unauthorised_absence", "Unauthorised absence"
        NOT_POSSIBLE = "not_possible", "Not a possible session"

    code = models.CharField(max_length=2, primary_key=True)
    status = models.CharField(max_length=80)
    meaning = models.CharField(max_length=200)
    statistical_category = models.CharField(max_length=30, choices=Category.choices)
    counts_as_attendance = models.BooleanField()
    is_possible_session = models.BooleanField()
    dfe_column = models.CharField("DfE data column", max_length=80, blank=True)
    is_legacy = models.BooleanField(default=False)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code}: {self.meaning}"

    @property
    def is_absence(self) -> bool:
        return self.statistical_category in (
            self.Category.AUTHORISED_ABSENCE,
            self.Category.UNAUTHORISED_ABSENCE,
        )


class Session(models.TextChoices):
    AM = "AM", "Morning"
    PM = "PM", "Afternoon"


class Mark(models.Model):
    """One register entry: an enrolment's code for one session. The big table (~20 million a year per LA).

    Written only through the bulk paths in registers/imports.py, never one ORM call per mark.
    """

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="marks")
    date = models.DateField()
    session = models.CharField(max_length=2, choices=Session.choices)
    # A plain column checked against the code table at import: a database foreign key would cost a lookup per row.
    code = models.CharField(max_length=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "date", "session"], name="mark_one_per_session"),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id} {self.date} {self.session} {self.code}"


class ImportRun(models.Model):
    class Kind(models.TextChoices):
        SCHOOLS = "schools", "Schools"
        PUPILS = "pupils", "Pupils"
        CONTACTS = "contacts", "Contacts"
        MARKS = "marks", "Marks"
        CALENDAR = "calendar", "Calendar"
        CTF = "ctf", "Common Transfer File"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    file_name = models.CharField(max_length=500)
    sha256 = models.CharField(max_length=64)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} import of {self.file_name} at {self.started_at:%Y-%m-%d %H:%M}"


class MarkChange(models.Model):
    """A correction: an import replaced an existing mark with a different code. Append-only history."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="mark_changes")
    date = models.DateField()
    session = models.CharField(max_length=2, choices=Session.choices)
    old_code = models.CharField(max_length=2)
    new_code = models.CharField(max_length=2)
    changed_at = models.DateTimeField(auto_now_add=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    import_run = models.ForeignKey(ImportRun, on_delete=models.SET_NULL, null=True, blank=True)

    class Meta:
        ordering = ["enrolment", "date", "session", "changed_at"]
        indexes = [models.Index(fields=["enrolment", "date", "session"])]

    def __str__(self) -> str:
        return f"{self.date} {self.session}: {self.old_code} → {self.new_code}"
