"""Pupils, their contacts and their enrolments (periods on a school's admission register)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from attend.schools.models import School

from .upn import upn_problem


def validate_upn(value: str) -> None:
    problem = upn_problem(value)
    if problem:
        raise ValidationError(problem)


class Pupil(models.Model):
    class Sex(models.TextChoices):
        FEMALE = "F", "Female"
        MALE = "M", "Male"

    class SenStatus(models.TextChoices):
        NONE = "N", "No special educational needs"
        SEN_SUPPORT = "K", "SEN support"
        EHCP = "E", "Education, health and care plan"

    upn = models.CharField("UPN", max_length=13, unique=True, validators=[validate_upn])
    legal_forename = models.CharField(max_length=100)
    legal_surname = models.CharField(max_length=100)
    preferred_forename = models.CharField(max_length=100, blank=True)
    preferred_surname = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex.choices)
    ethnicity = models.CharField(max_length=4, blank=True, help_text="DfE ethnicity code, e.g. WBRI")
    first_language = models.CharField(max_length=3, blank=True, help_text="DfE language code, e.g. ENG")
    eal = models.BooleanField("English as an additional language", default=False)
    fsm = models.BooleanField("Eligible for free school meals", default=False)
    fsm6 = models.BooleanField("FSM at any time in the last 6 years", default=False)
    sen_status = models.CharField(
        "SEN status", max_length=1, choices=SenStatus.choices, default=SenStatus.NONE
    )
    looked_after = models.BooleanField(default=False)
    previously_looked_after = models.BooleanField(default=False)
    child_in_need = models.BooleanField(default=False)
    child_protection_plan = models.BooleanField(default=False)
    young_carer = models.BooleanField(default=False)

    class Meta:
        ordering = ["legal_surname", "legal_forename"]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.upn})"

    @property
    def display_name(self) -> str:
        forename = self.preferred_forename or self.legal_forename
        surname = self.preferred_surname or self.legal_surname
        return f"{forename} {surname}"

    def age_on(self, day: dt.date) -> int:
        years = day.year - self.date_of_birth.year
        if (day.month, day.day) < (self.date_of_birth.month, self.date_of_birth.day):
            years -= 1
        return years


class Contact(models.Model):
    """A parent, carer or other adult; siblings share contacts, so a contact links to many pupils.

    `contact_ref` is the id given by the MIS that sent it, so it means something only within that source: the
    school whose file sent it (`source_school`), or, when empty, an import for the whole service (the operator's
    command, an LA covering every school, a Common Transfer File)."""

    contact_ref = models.CharField(max_length=40, help_text="The MIS's own id for this contact")
    source_school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The school whose MIS sent this contact_ref (empty: a whole-service import)",
    )
    title = models.CharField(max_length=20, blank=True)
    forename = models.CharField(max_length=100)
    surname = models.CharField(max_length=100)
    phone_mobile = models.CharField(max_length=20, blank=True)
    phone_home = models.CharField(max_length=20, blank=True)
    phone_work = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)
    address_line1 = models.CharField(max_length=100, blank=True)
    address_line2 = models.CharField(max_length=100, blank=True)
    town = models.CharField(max_length=60, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    preferred_language = models.CharField(max_length=40, blank=True)
    interpreter_needed = models.BooleanField(default=False)

    class Meta:
        ordering = ["surname", "forename"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_school", "contact_ref"],
                condition=models.Q(source_school__isnull=False),
                name="contact_ref_unique_per_school",
            ),
            models.UniqueConstraint(
                fields=["contact_ref"],
                condition=models.Q(source_school__isnull=True),
                name="contact_ref_unique_service_wide",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title + ' ' if self.title else ''}{self.forename} {self.surname}"

    @property
    def address(self) -> str:
        """The postal address on one line, parts left blank in the contacts file left out."""
        parts = (self.address_line1, self.address_line2, self.town, self.postcode)
        return ", ".join(p.strip() for p in parts if p.strip())


class PupilContact(models.Model):
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="contact_links")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="pupil_links")
    relationship = models.CharField(max_length=40, help_text="e.g. Mother, Father, Carer, Grandparent")
    parental_responsibility = models.BooleanField(default=False)
    lives_with_pupil = models.BooleanField(default=False)
    priority = models.PositiveSmallIntegerField(default=1, help_text="1 = call first")

    class Meta:
        ordering = ["pupil", "priority"]
        constraints = [models.UniqueConstraint(fields=["pupil", "contact"], name="pupil_contact_unique")]

    def __str__(self) -> str:
        return f"{self.contact} ({self.relationship}) for {self.pupil}"


class Enrolment(models.Model):
    """A period on one school's admission register. DfE statistics count enrolments, not pupils."""

    class Registration(models.TextChoices):
        SINGLE = "single", "Single registration"
        MAIN = "main", "Dual registration: main"
        SUBSIDIARY = "subsidiary", "Dual registration: subsidiary"

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="enrolments")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="enrolments")
    admission_date = models.DateField()
    leaving_date = models.DateField(null=True, blank=True)
    nc_year = models.CharField(
        "NC year group",
        max_length=2,
        help_text="N1, N2, R, 1 to 14, or X (not following the National Curriculum)",
    )
    registration = models.CharField(max_length=10, choices=Registration.choices, default=Registration.SINGLE)

    class Meta:
        ordering = ["school", "pupil"]
        constraints = [
            models.UniqueConstraint(fields=["pupil", "school", "admission_date"], name="enrolment_unique"),
            models.CheckConstraint(
                condition=models.Q(leaving_date__isnull=True)
                | models.Q(leaving_date__gte=models.F("admission_date")),
                name="enrolment_leaves_after_admission",
            ),
        ]
        indexes = [models.Index(fields=["school", "admission_date"])]

    def __str__(self) -> str:
        return f"{self.pupil} at {self.school.name} from {self.admission_date}"

    def is_on_roll(self, on: dt.date) -> bool:
        return self.admission_date <= on and (self.leaving_date is None or on <= self.leaving_date)


class Transfer(models.Model):
    """A pupils (or CTF) row from one school naming a pupil already registered through schools outside the
    importing user's scope. The row made the new school's enrolment and changed nothing else; the LA confirms
    the transfer (a joiner) or undoes it (a mistyped UPN: the enrolment the row made is removed)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for the LA"
        CONFIRMED = "confirmed", "Confirmed"
        UNDONE = "undone", "Undone"

    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="transfers")
    from_schools = models.ManyToManyField(School, related_name="+")
    to_school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    # The enrolment the row made (empty once undone: it is removed then).
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.SET_NULL, null=True, blank=True, related_name="transfers"
    )
    admission_date = models.DateField()
    import_run = models.ForeignKey(
        "registers.ImportRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    file_line = models.CharField(max_length=600, help_text="file:line of the row")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["status", "to_school"])]

    def __str__(self) -> str:
        return f"Transfer of {self.pupil.upn} to {self.to_school.name} ({self.status})"


class ContactSafety(models.Model):
    """What officers record about a contact that no MIS import may overwrite: confidentiality and barriers.

    Separated parents: a contact or their address marked confidential (a non-molestation order, a refuge) is never
    shown to the other parent's side of the record, never printed in a letter to anyone else, and redacted from
    exports. Barriers to communication are shown before a meeting is booked.
    """

    class Barrier(models.TextChoices):
        LANGUAGE = "language", "Language"
        LITERACY = "literacy", "Low literacy"
        MENTAL_HEALTH = "mental_health", "Mental health needs"
        HEARING = "hearing", "Hearing or speech"
        NO_TECHNOLOGY = "no_technology", "No computer or smartphone at home (offer telephone)"

    contact = models.OneToOneField(Contact, on_delete=models.CASCADE, related_name="safety")
    contact_confidential = models.BooleanField(
        default=False, help_text="Hide this contact from the other parent's side of the record"
    )
    address_confidential = models.BooleanField(
        default=False, help_text="Never show or print this address to anyone else"
    )
    confidential_reason = models.CharField(max_length=200, blank=True, help_text="e.g. non-molestation order")
    barriers = models.JSONField(default=list, blank=True, help_text="Barrier values")
    barriers_note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return f"Safety record for {self.contact}"
