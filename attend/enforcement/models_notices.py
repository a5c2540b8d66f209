"""Penalty notices (Education (Penalty Notices) (England) Regulations 2007 as amended by SI 2024/210; WTISA ch.6;
domain.md §3.1). A notice is evidence: its row is never edited or deleted (database triggers), and everything
that happens to it afterwards (service, payments, refunds, withdrawal, the 28-day decision) is a `NoticeEvent`,
itself append-only. Its status is worked out from its events."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from .models_code import CodeOfConduct, FormalCheck


class PenaltyNotice(models.Model):
    class Reason(models.TextChoices):  # the parental responsibility measures return's categories
        HOLIDAY = "holiday", "Term-time holiday"
        LATE = "late", "Late arrival (U)"
        OTHER = "other", "Other unauthorised absence"

    class Capacity(models.TextChoices):  # EA 1996 s444B and the 2007 Regulations
        HEADTEACHER = "headteacher", "Headteacher"
        AUTHORISED_STAFF = "authorised_staff", "Deputy or assistant head authorised by the head"
        LA_OFFICER = "la_officer", "LA officer authorised by the LA"
        POLICE = "police", "Police constable"

    number = models.CharField(max_length=30, unique=True, help_text="PN-2025-000123")
    pupil = models.ForeignKey("people.Pupil", on_delete=models.PROTECT, related_name="penalty_notices")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="penalty_notices")
    case = models.ForeignKey(
        "casework.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    parent = models.ForeignKey("people.Contact", on_delete=models.PROTECT, related_name="penalty_notices")
    parent_basis = models.CharField(
        max_length=200,
        help_text="Why this person is a parent (EA 1996 s576): parental responsibility, or care",
    )
    reason = models.CharField(max_length=10, choices=Reason.choices)
    issue_date = models.DateField()
    period_start = models.DateField(help_text="The first session relied on")
    period_end = models.DateField(help_text="The last session relied on")
    sessions = models.PositiveSmallIntegerField(help_text="How many unauthorised sessions are relied on")
    sequence = models.PositiveSmallIntegerField(
        help_text="1: first to this parent for this child in 3 years; 2: second"
    )
    amount_reduced = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="If paid within 21 days (none for a second)",
    )
    amount_full = models.DecimalField(max_digits=6, decimal_places=2)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issuer_capacity = models.CharField(max_length=20, choices=Capacity.choices)
    request = models.ForeignKey(
        "enforcement.NoticeRequest", on_delete=models.PROTECT, null=True, blank=True, related_name="notices"
    )
    formal_check = models.ForeignKey(
        FormalCheck, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    code = models.ForeignKey(CodeOfConduct, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issue_date", "number"]
        indexes = [models.Index(fields=["parent", "pupil", "issue_date"])]

    def __str__(self) -> str:
        return self.number


class NoticeEvent(models.Model):
    """Something that happened to a notice. Never edited: a correction is a new event pointing at the old one."""

    class Kind(models.TextChoices):
        SERVED = "served", "Served"
        PAYMENT = "payment", "Payment"
        REFUND = "refund", "Refund"
        WITHDRAWN = "withdrawn", "Withdrawn"
        PROSECUTE = "prosecute", "Decision: prosecute for the original offence"
        CORRECTION = "correction", "Correction"

    class Method(models.TextChoices):  # service: never email or SMS, never second-class post
        HAND = "hand", "By hand to the parent"
        LEFT_AT_ADDRESS = "left", "Left at the parent's usual or last known address"
        FIRST_CLASS_POST = "post", "First-class post"

    class WithdrawalGround(
        models.TextChoices
    ):  # the 2007 Regulations as amended; the PRM return's categories
        NOT_IN_LINE_WITH_CODE = "code", "Not issued in line with the local code of conduct"
        WRONG_PERSON = "wrong_person", "Issued to the wrong person"
        MATERIAL_ERROR = "error", "Contains a material error"
        UNPAID_NOT_PROSECUTED = "unpaid", "Unpaid and the LA decided not to prosecute"

    notice = models.ForeignKey(PenaltyNotice, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    on = models.DateField(help_text="Served, posted, paid, refunded, withdrawn or decided on")
    # Service
    method = models.CharField(max_length=6, choices=Method.choices, blank=True)
    served_by = models.CharField(max_length=150, blank=True)
    served_at_address = models.TextField(blank=True)
    received_on = models.DateField(
        null=True, blank=True, help_text="Receipt, deemed by the method of service"
    )
    # Payments and refunds
    amount = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    payment_reference = models.CharField(max_length=60, blank=True)
    source = models.CharField(
        max_length=200, blank=True, help_text="By hand, or the file and line it came from"
    )
    # Withdrawal and decisions
    ground = models.CharField(max_length=15, choices=WithdrawalGround.choices, blank=True)
    note = models.TextField(blank=True)
    corrects = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["notice", "on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["payment_reference"],
                condition=~models.Q(payment_reference=""),
                name="notice_event_payment_reference_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.on} for {self.notice_id}"


class IssuerAuthorisation(models.Model):
    """EA 1996 s444B: an authorisation to issue penalty notices — by the LA for one of its officers, or by a head
    for a deputy or assistant head of the school. A head and a constable issue in their own right and need none.

    A model rather than a role: the authorisation is a legal act by a named person on a date, evidenced on each
    notice, and an LA authorises some of its officers, not a role. Ending one is a new `ended_on`, never a delete."""

    class Capacity(models.TextChoices):
        AUTHORISED_STAFF = "authorised_staff", "Deputy or assistant head authorised by the head"
        LA_OFFICER = "la_officer", "LA officer authorised by the LA"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    capacity = models.CharField(max_length=20, choices=Capacity.choices)
    local_authority = models.ForeignKey(
        "schools.LocalAuthority", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    authorised_by = models.CharField(
        max_length=150, help_text="Who authorised: the head, or the LA's officer"
    )
    authorised_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-authorised_on"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(capacity="la_officer", local_authority__isnull=False, school__isnull=True)
                )
                | (models.Q(capacity="authorised_staff", school__isnull=False, local_authority__isnull=True)),
                name="issuer_authorisation_by_la_or_school",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_capacity_display()}: {self.user} from {self.authorised_on}"
