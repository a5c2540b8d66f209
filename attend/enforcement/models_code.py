"""The LA's code of conduct, versioned, and the recorded check made before any formal step."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class CodeOfConduct(models.Model):
    """One version of an LA's code of conduct for penalty notices (WTISA ch.6; SI 2024/210 reg 2). A change is a new
    version; every decision stores the version it was made under. `local_authority` null is the installation's
    default (a fresh installation with no LA code configured)."""

    class TimeLimitFrom(models.TextChoices):
        FIRST_SESSION = "first", "The first session of the offence period relied on"
        LAST_SESSION = "last", "The last session of the offence period relied on"

    local_authority = models.ForeignKey(
        "schools.LocalAuthority",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="codes_of_conduct",
    )
    version = models.PositiveIntegerField()
    effective_from = models.DateField()
    nti_period_weeks = models.PositiveSmallIntegerField(
        default=4, help_text="The improvement period: 3 to 6 weeks"
    )
    sufficient_improvement = models.TextField(
        help_text="What counts as sufficient improvement during a notice to improve, in the LA's words"
    )
    sufficient_max_unauthorised = models.PositiveSmallIntegerField(
        default=0, help_text="At most this many unauthorised sessions in the period counts as sufficient"
    )
    nti_required = models.BooleanField(
        default=True,
        help_text="A notice to improve comes before a penalty notice (never for term-time holidays)",
    )
    schools_request_through_la = models.BooleanField(
        default=True, help_text="Schools ask the LA, which vets and issues"
    )
    time_limit_from = models.CharField(
        max_length=5, choices=TimeLimitFrom.choices, default=TimeLimitFrom.FIRST_SESSION
    )
    wording = models.TextField(blank=True, help_text="The LA's own wording printed on its notices")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["local_authority", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["local_authority", "version"], name="code_of_conduct_version_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(nti_period_weeks__gte=3, nti_period_weeks__lte=6),
                name="code_nti_period_3_to_6",
            ),
        ]

    def __str__(self) -> str:
        return f"Code of conduct v{self.version} ({self.local_authority or 'default'})"


class FormalCheck(models.Model):
    """The check recorded before a formal step (quick for a term-time holiday, thorough otherwise): the answers
    are stored with the decision they were made for."""

    class Kind(models.TextChoices):
        QUICK = "quick", "Quick (term-time holiday)"
        THOROUGH = "thorough", "Thorough"

    class Purpose(models.TextChoices):
        CONTRACT = "contract", "Attendance contract"
        NOTICE_TO_IMPROVE = "nti", "Notice to improve"
        PENALTY_NOTICE = "penalty_notice", "Penalty notice"
        PROSECUTION = "prosecution", "Prosecution"
        SUPERVISION_ORDER = "eso", "Education supervision order"

    pupil = models.ForeignKey("people.Pupil", on_delete=models.PROTECT, related_name="formal_checks")
    case = models.ForeignKey(
        "casework.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    purpose = models.CharField(max_length=15, choices=Purpose.choices)
    answers = models.JSONField(default=dict, help_text="Each question's answer and note, as asked")
    concerns = models.TextField(blank=True, help_text="What the answers raise, and how it was weighed")
    code = models.ForeignKey(CodeOfConduct, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    done_at = models.DateTimeField()

    class Meta:
        ordering = ["-done_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} check for {self.get_purpose_display()} ({self.done_at:%d/%m/%Y})"
