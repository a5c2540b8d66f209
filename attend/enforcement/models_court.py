"""Education supervision orders (Children Act 1989 s36, Sch 3 Pt III) and prosecutions (EA 1996 s444(1) and
(1A)), with the interview under caution (PACE Code C) and hearings. domain.md §3.2."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from .models_code import CodeOfConduct, FormalCheck


class SupervisionOrder(models.Model):
    """An education supervision order, from consideration to its end. While one is in force no penalty notice or
    prosecution for that child can be started (Sch 3 para 13)."""

    class Status(models.TextChoices):
        CONSIDERED = "considered", "Considered (EA 1996 s447)"
        NOT_PURSUED = "not_pursued", "Considered, not applied for"
        APPLIED = "applied", "Applied for"
        IN_FORCE = "in_force", "In force"
        REFUSED = "refused", "Refused by the court"
        ENDED = "ended", "Ended"

    case = models.ForeignKey("casework.Case", on_delete=models.PROTECT, related_name="supervision_orders")
    pupil = models.ForeignKey("people.Pupil", on_delete=models.PROTECT, related_name="supervision_orders")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.CONSIDERED)
    considered_on = models.DateField()
    consideration = models.TextField(help_text="Why an order would or would not help (s447)")
    social_care_consulted_on = models.DateField(null=True, blank=True, help_text="s36(8): before applying")
    social_care_response = models.TextField(blank=True)
    applied_on = models.DateField(null=True, blank=True)
    made_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(
        null=True, blank=True, help_text="1 year from the order; extensions up to 3 years"
    )
    supervisor = models.CharField(max_length=150, blank=True)
    directions = models.TextField(blank=True)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=200, blank=True)
    formal_check = models.ForeignKey(
        FormalCheck, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-considered_on"]

    def __str__(self) -> str:
        return f"Education supervision order for {self.pupil_id} ({self.get_status_display()})"


class SupervisionOrderEvent(models.Model):
    """Hearings, extensions, reviews, directions and breaches of an order."""

    class Kind(models.TextChoices):
        HEARING = "hearing", "Hearing"
        EXTENSION_APPLIED = "extension_applied", "Extension applied for"
        EXTENDED = "extended", "Extended"
        REVIEW = "review", "Review"
        DIRECTION = "direction", "Direction given"
        PARENT_BREACH = "parent_breach", "Persistent breach by a parent (Sch 3 para 18)"
        CHILD_BREACH = "child_breach", "Persistent breach by the child: social care told (Sch 3 para 19)"

    order = models.ForeignKey(SupervisionOrder, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    on = models.DateField()
    note = models.TextField(blank=True)
    new_expiry = models.DateField(null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["order", "on", "pk"]


class Prosecution(models.Model):
    class Offence(models.TextChoices):
        S444_1 = "s444_1", "EA 1996 s444(1): failing to secure regular attendance"
        S444_1A = "s444_1a", "EA 1996 s444(1A): knowing failure to secure regular attendance"

    class Basis(models.TextChoices):
        ABSENCE = "absence", "The absence itself"
        UNPAID_NOTICE = "unpaid_notice", "An unpaid penalty notice (the original offence)"

    class Status(models.TextChoices):
        DECIDED = "decided", "Decided to prosecute"
        LAID = "laid", "Information laid"
        HEARING = "hearing", "Listed for hearing"
        CONCLUDED = "concluded", "Concluded"
        DISCONTINUED = "discontinued", "Discontinued"

    class Outcome(models.TextChoices):
        FINE = "fine", "Fine"
        CONDITIONAL_DISCHARGE = "conditional_discharge", "Conditional discharge"
        ABSOLUTE_DISCHARGE = "absolute_discharge", "Absolute discharge"
        PARENTING_ORDER = "parenting_order", "Parenting order"
        COMMUNITY_ORDER = "community_order", "Community order"
        CUSTODY = "custody", "Custodial sentence"
        NOT_GUILTY = "not_guilty", "Not guilty"
        WITHDRAWN = "withdrawn", "Withdrawn"

    case = models.ForeignKey("casework.Case", on_delete=models.PROTECT, related_name="prosecutions")
    pupil = models.ForeignKey("people.Pupil", on_delete=models.PROTECT, related_name="prosecutions")
    parent = models.ForeignKey("people.Contact", on_delete=models.PROTECT, related_name="prosecutions")
    offence = models.CharField(max_length=10, choices=Offence.choices)
    basis = models.CharField(max_length=15, choices=Basis.choices, default=Basis.ABSENCE)
    notice = models.ForeignKey(
        "enforcement.PenaltyNotice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="prosecutions",
    )
    period_start = models.DateField(help_text="The first session of the offence period relied on")
    period_end = models.DateField(help_text="The last session of the offence period relied on")
    lay_by = models.DateField(help_text="The last day to lay the information (MCA 1980 s127: six months)")
    decided_on = models.DateField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reasons = models.TextField(help_text="Why prosecution, and why now")
    defences_considered = models.JSONField(
        default=dict,
        help_text="Each statutory defence (leave, sickness or unavoidable cause, religious observance, "
        "transport and walking distance, s444(6) travelling parent) and what was found",
    )
    supervision_order_considered = models.ForeignKey(
        SupervisionOrder,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="EA 1996 s447: an ESO must be considered first",
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DECIDED)
    laid_on = models.DateField(null=True, blank=True)
    single_justice_procedure = models.BooleanField(default=False)
    outcome = models.CharField(max_length=25, choices=Outcome.choices, blank=True)
    outcome_on = models.DateField(null=True, blank=True)
    outcome_detail = models.TextField(blank=True, help_text="Amounts, costs, order requirements")
    formal_check = models.ForeignKey(
        FormalCheck, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    code = models.ForeignKey(CodeOfConduct, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_on"]

    def __str__(self) -> str:
        return f"Prosecution of {self.parent_id} for {self.pupil_id} ({self.get_status_display()})"


class CautionInterview(models.Model):
    """An interview under caution (PACE 1984 Code C): the caution given, an interpreter, legal advice offered."""

    prosecution = models.ForeignKey(Prosecution, on_delete=models.PROTECT, related_name="interviews")
    held_on = models.DateTimeField()
    place = models.CharField(max_length=200)
    interviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    second_officer = models.CharField(max_length=150, blank=True)
    caution_given = models.BooleanField(default=False)
    legal_advice_offered = models.BooleanField(default=False)
    legal_advice_taken = models.BooleanField(default=False)
    interpreter_needed = models.BooleanField(default=False)
    interpreter = models.CharField(max_length=150, blank=True)
    record_ref = models.CharField(
        max_length=100, blank=True, help_text="Where the recording or notes are held"
    )
    summary = models.TextField()

    class Meta:
        ordering = ["prosecution", "held_on"]


class Hearing(models.Model):
    prosecution = models.ForeignKey(Prosecution, on_delete=models.PROTECT, related_name="hearings")
    on = models.DateTimeField()
    court = models.CharField(max_length=150)
    kind = models.CharField(
        max_length=60, help_text="First hearing, trial, sentence, Single Justice Procedure"
    )
    result = models.TextField(blank=True)

    class Meta:
        ordering = ["prosecution", "on"]
