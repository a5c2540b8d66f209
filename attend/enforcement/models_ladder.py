"""The steps before a penalty notice: a school's request to the LA, attendance contracts, notices to improve."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from .models_code import CodeOfConduct, FormalCheck


class NoticeRequest(models.Model):
    """A school asks the LA for a notice (with the register extract, letters, the notice to improve or the refused
    leave request); the LA checks it against its code and issues, returns or refuses it."""

    class Reason(models.TextChoices):
        HOLIDAY = "holiday", "Term-time holiday (leave refused or not asked)"
        LATE = "late", "Late arrival after registers closed (U)"
        OTHER = "other", "Other unauthorised absence"

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Waiting for the LA"
        ISSUED = "issued", "Issued"
        RETURNED = "returned", "Returned to the school for more"
        REFUSED = "refused", "Refused"

    pupil = models.ForeignKey("people.Pupil", on_delete=models.PROTECT, related_name="notice_requests")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="notice_requests")
    case = models.ForeignKey(
        "casework.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=10, choices=Reason.choices)
    period_start = models.DateField()
    period_end = models.DateField()
    parents = models.ManyToManyField(
        "people.Contact", related_name="+", help_text="The parents the school names"
    )
    summary = models.TextField(help_text="What happened and what the school has done")
    evidence = models.JSONField(default=list, blank=True, help_text="What was attached: [{kind, ref, title}]")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    decision_note = models.TextField(blank=True)
    code = models.ForeignKey(CodeOfConduct, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"Request for {self.pupil_id} ({self.get_status_display()})"


class AttendanceContract(models.Model):
    """A voluntary written agreement (ASBA 2003 s19 basis; WTISA): support offered, the parent's and the pupil's
    commitments, reviews every 4-6 weeks. A refusal to sign is recorded: it is evidence later."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Drafted, not yet signed"
        SIGNED = "signed", "Signed"
        DECLINED = "declined", "Declined by the parent"
        ENDED = "ended", "Ended"

    class Outcome(models.TextChoices):
        KEPT = "kept", "Kept: attendance improved"
        BROKEN = "broken", "Not kept"
        ENDED_EARLY = "ended_early", "Ended early"

    case = models.ForeignKey("casework.Case", on_delete=models.PROTECT, related_name="contracts")
    pupil = models.ForeignKey("people.Pupil", on_delete=models.PROTECT, related_name="attendance_contracts")
    parents = models.ManyToManyField("people.Contact", related_name="+")
    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    la_party = models.BooleanField(default=True, help_text="The LA is a party")
    pupil_party = models.BooleanField(default=True, help_text="The pupil is a party")
    support_offered = models.TextField()
    parent_commitments = models.TextField()
    pupil_commitments = models.TextField(blank=True)
    starts_on = models.DateField()
    review_on = models.DateField(help_text="4 to 6 weeks from the start")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    signed_on = models.DateField(null=True, blank=True)
    declined_on = models.DateField(null=True, blank=True)
    declined_reason = models.TextField(blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    formal_check = models.ForeignKey(
        FormalCheck, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    code = models.ForeignKey(CodeOfConduct, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on"]

    def __str__(self) -> str:
        return f"Attendance contract for {self.pupil_id} from {self.starts_on}"


class ContractReview(models.Model):
    contract = models.ForeignKey(AttendanceContract, on_delete=models.PROTECT, related_name="reviews")
    held_on = models.DateField()
    attendance_note = models.TextField(help_text="Attendance since the start, in days and hours")
    kept = models.BooleanField(help_text="Commitments being kept")
    next_review_on = models.DateField(null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["contract", "held_on"]


class NoticeToImprove(models.Model):
    """A final chance to engage with support before a penalty notice (WTISA; domain.md §3.1): an improvement period
    of 3-6 weeks, tracked live. Not required where support is inappropriate (a term-time holiday)."""

    class Outcome(models.TextChoices):
        IMPROVED = "improved", "Sufficient improvement: no notice"
        NOT_IMPROVED = "not_improved", "Not sufficient: next step considered"
        WITHDRAWN = "withdrawn", "Withdrawn"

    case = models.ForeignKey("casework.Case", on_delete=models.PROTECT, related_name="notices_to_improve")
    pupil = models.ForeignKey("people.Pupil", on_delete=models.PROTECT, related_name="notices_to_improve")
    parents = models.ManyToManyField("people.Contact", related_name="+")
    issued_on = models.DateField()
    period_start = models.DateField()
    period_end = models.DateField()
    support_offered = models.TextField()
    sufficient_improvement = models.TextField(
        help_text="What sufficient improvement means, as told to the parent"
    )
    max_unauthorised = models.PositiveSmallIntegerField(default=0)
    outcome = models.CharField(max_length=15, choices=Outcome.choices, blank=True)
    outcome_on = models.DateField(null=True, blank=True)
    outcome_note = models.TextField(blank=True)
    next_step = models.CharField(max_length=200, blank=True, help_text="The step suggested at the end")
    formal_check = models.ForeignKey(
        FormalCheck, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    code = models.ForeignKey(CodeOfConduct, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_on"]

    def __str__(self) -> str:
        return f"Notice to improve for {self.pupil_id}, {self.period_start} to {self.period_end}"
