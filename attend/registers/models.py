"""The register: DfE attendance codes (as data), marks, their correction history and import runs."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from attend.people.models import Enrolment
from attend.schools.models import LocalAuthority, School


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

    # No index of its own: the unique (enrolment, date, session) index starts with it and serves every lookup by
    # enrolment, and one index fewer to keep is ~14% off a bulk insert (measured at 2 million marks).
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="marks", db_index=False)
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

    class Source(models.TextChoices):
        WEB = "web", "Web upload"
        API = "api", "API"
        COMMAND = "command", "Command line"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    file_name = models.CharField(max_length=500)
    # Where the file came from (issue 21): how it was sent, the import profile that read it, and for a CTF the
    # supplier and software named in its header. The LA's "data received" page reads these per school.
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.COMMAND)
    profile_name = models.CharField(max_length=100, blank=True)
    supplier = models.CharField(max_length=200, blank=True)
    # The schools whose registers (marks) the run carried, and the latest day it held a mark for.
    schools = models.ManyToManyField(School, blank=True, related_name="import_runs")
    latest_mark_date = models.DateField(null=True, blank=True)
    # The service's day (attend.core.clock.today()) the registers arrived on: the day the "no registers received"
    # rule counts from (attend.registers.arrivals). Set for runs that carried registers; a pinned clock pins it too.
    received_on = models.DateField(null=True, blank=True, db_index=True)
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


class ImportProfile(models.Model):
    """A saved mapping from an MIS report's columns to Attend's mark fields, so a school's export imports without
    hand-editing (attend.registers.imports.profiles reads `spec`). Owned by one school or one LA; the shipped
    profiles live in registers/data/profiles/ and are not rows. A profile never widens the importer's scope."""

    class Layout(models.TextChoices):
        LONG = "long", "One row per pupil per session"
        WIDE = "wide", "One row per pupil, one column per session"

    name = models.CharField(max_length=100)
    school = models.ForeignKey(
        School, on_delete=models.CASCADE, null=True, blank=True, related_name="import_profiles"
    )
    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.CASCADE, null=True, blank=True, related_name="import_profiles"
    )
    layout = models.CharField(max_length=10, choices=Layout.choices)
    # The mapping as profiles.ProfileSpec.to_json() writes it (columns, constants, date format, sessions, wide header).
    spec = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(local_authority__isnull=False) & models.Q(school__isnull=True))
                | (models.Q(local_authority__isnull=True) & models.Q(school__isnull=False)),
                name="import_profile_la_or_school",
            ),
            models.UniqueConstraint(
                fields=["school", "name"],
                condition=models.Q(school__isnull=False),
                name="import_profile_school_name",
            ),
            models.UniqueConstraint(
                fields=["local_authority", "name"],
                condition=models.Q(local_authority__isnull=False),
                name="import_profile_la_name",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.school or self.local_authority})"
