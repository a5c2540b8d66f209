"""Local authorities, trusts, schools and their calendars."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.validators import RegexValidator
from django.db import models


class LocalAuthority(models.Model):
    code = models.CharField("DfE LA code", max_length=3, unique=True, validators=[RegexValidator(r"^\d{3}$")])
    name = models.CharField(max_length=120)
    region_name = models.CharField(max_length=60, blank=True)

    class Meta:
        verbose_name_plural = "local authorities"
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Trust(models.Model):
    name = models.CharField(max_length=200, unique=True)
    group_uid = models.CharField("DfE group UID", max_length=10, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class School(models.Model):
    class Phase(models.TextChoices):
        PRIMARY = "primary", "Primary"
        SECONDARY = "secondary", "Secondary"
        SPECIAL = "special", "Special"
        PRU_AP = "pru_ap", "PRU / alternative provision"

    urn = models.PositiveIntegerField("URN", unique=True)
    laestab = models.CharField("LAESTAB", max_length=7, validators=[RegexValidator(r"^\d{7}$")])
    name = models.CharField(max_length=200)
    phase = models.CharField(max_length=10, choices=Phase.choices)
    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="schools")
    trust = models.ForeignKey(Trust, on_delete=models.SET_NULL, null=True, blank=True, related_name="schools")
    # DfE expects a 32.5-hour week: 6.5 hours a day unless the school says otherwise.
    school_day_hours = models.DecimalField(max_digits=4, decimal_places=2, default=Decimal("6.50"))
    # ISO weekdays the school normally meets ("12345" = Monday to Friday).
    meets_on_weekdays = models.CharField(
        max_length=7, default="12345", validators=[RegexValidator(r"^[1-7]{1,7}$")]
    )
    independent = models.BooleanField(
        default=False,
        help_text="An independent (private) school: it need not take part in the LA's termly targeting support "
        "meetings, so its decline is ordinary. Maintained schools and academies are expected to take part.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.urn})"

    def meets_on(self, day: dt.date) -> bool:
        return str(day.isoweekday()) in self.meets_on_weekdays


class AcademicYear(models.Model):
    """An English academic year, 1 August to 31 July (the census convention)."""

    start_year = models.PositiveSmallIntegerField(unique=True)

    class Meta:
        ordering = ["start_year"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"

    @property
    def start_date(self) -> dt.date:
        return dt.date(self.start_year, 8, 1)

    @property
    def end_date(self) -> dt.date:
        return dt.date(self.start_year + 1, 7, 31)

    @staticmethod
    def start_year_for(day: dt.date) -> int:
        return day.year if day.month >= 8 else day.year - 1


class Term(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="terms")
    academic_year = models.ForeignKey(AcademicYear, on_delete=models.PROTECT, related_name="terms")
    name = models.CharField(max_length=40)
    start_date = models.DateField()
    end_date = models.DateField()

    class Meta:
        ordering = ["school", "start_date"]
        constraints = [
            models.UniqueConstraint(fields=["school", "start_date"], name="term_unique_start_per_school"),
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="term_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school.name}: {self.name} {self.start_date}–{self.end_date}"


class NonSchoolDay(models.Model):
    """A day (or session) inside a term when the school does not meet: INSET days, bank holidays, planned closures."""

    class Kind(models.TextChoices):
        NON_SCHOOL_DAY = "non_school_day", "Non-school day (e.g. INSET, bank holiday)"
        PLANNED_CLOSURE = "planned_closure", "Planned closure (#)"

    class Session(models.TextChoices):
        BOTH = "", "Whole day"
        AM = "AM", "Morning"
        PM = "PM", "Afternoon"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="non_school_days")
    date = models.DateField()
    session = models.CharField(max_length=2, choices=Session.choices, blank=True, default="")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["school", "date"]
        constraints = [
            models.UniqueConstraint(fields=["school", "date", "session"], name="non_school_day_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.school.name}: {self.date} {self.get_kind_display()}"
