"""Alerts raised by the identification rules (rules/), rule threshold overrides, and sessions used by notices."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from attend.people.models import Enrolment, Pupil
from attend.schools.models import LocalAuthority, School


class RuleSetting(models.Model):
    """Overrides one threshold of one rule for a local authority or a school (a school's value wins).

    Defaults live in code (rules/base.py DEFAULTS); `value` is parsed as the type of the default (int, float or HH:MM).
    """

    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.CASCADE, null=True, blank=True, related_name="rule_settings"
    )
    school = models.ForeignKey(
        School, on_delete=models.CASCADE, null=True, blank=True, related_name="rule_settings"
    )
    rule = models.CharField(max_length=40, help_text="Rule id, e.g. penalty_threshold, or 'school' for times")
    name = models.CharField(max_length=40, help_text="Setting name, e.g. sessions")
    value = models.CharField(max_length=40)

    class Meta:
        ordering = ["rule", "name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(local_authority__isnull=False) & Q(school__isnull=True))
                | (Q(local_authority__isnull=True) & Q(school__isnull=False)),
                name="rule_setting_la_or_school",
            ),
            models.UniqueConstraint(
                fields=["local_authority", "rule", "name"],
                condition=Q(school__isnull=True),
                name="rule_setting_unique_la",
            ),
            models.UniqueConstraint(
                fields=["school", "rule", "name"],
                condition=Q(local_authority__isnull=True),
                name="rule_setting_unique_school",
            ),
        ]

    def clean(self) -> None:
        from .rules import DEFAULTS, parse_setting

        if self.rule not in DEFAULTS or self.name not in DEFAULTS[self.rule]:
            known = ", ".join(f"{r}.{n}" for r, names in DEFAULTS.items() for n in names)
            raise ValidationError(f"Unknown setting {self.rule}.{self.name}; settings are: {known}")
        try:
            parse_setting(DEFAULTS[self.rule][self.name], self.value)
        except ValueError as exc:
            default = DEFAULTS[self.rule][self.name]
            raise ValidationError(
                {
                    "value": f"{self.value!r} is not a valid value for {self.rule}.{self.name} (like {default!r})"
                }
            ) from exc

    def __str__(self) -> str:
        scope = self.school or self.local_authority
        return f"{self.rule}.{self.name} = {self.value} ({scope})"


class NoticeSessionUse(models.Model):
    """A session already relied on for a parent by a penalty notice, a prosecution or (for every parent: `contact`
    null) a notice to improve; it is never relied on again for that parent, while each liable parent may get a
    notice for the same absences (national framework, domain.md §3.1; issue 19).

    Enforcement writes these rows when a notice is issued, in the same transaction.
    """

    class Kind(models.TextChoices):
        PENALTY_NOTICE = "penalty_notice", "Penalty notice"
        NOTICE_TO_IMPROVE = "notice_to_improve", "Notice to improve"
        PROSECUTION = "prosecution", "Prosecution"

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="notice_session_uses")
    date = models.DateField()
    session = models.CharField(max_length=2)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    notice_ref = models.CharField(max_length=60, blank=True)
    contact = models.ForeignKey(
        "people.Contact",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notice_session_uses",
        help_text="The parent the session was relied on for (empty: a notice to improve, for every parent)",
    )
    prosecution = models.ForeignKey(
        "enforcement.Prosecution",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="session_uses",
        help_text="The prosecution relying on the session, if any",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["enrolment", "date", "session"]
        constraints = [
            # Each parent at most once per session; the rows with no parent (notices to improve) once per session.
            models.UniqueConstraint(
                fields=["enrolment", "date", "session", "contact"],
                condition=models.Q(contact__isnull=False),
                name="notice_session_use_once_per_parent",
            ),
            models.UniqueConstraint(
                fields=["enrolment", "date", "session"],
                condition=models.Q(contact__isnull=True),
                name="notice_session_use_once_without_parent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id} {self.date} {self.session} ({self.get_kind_display()})"


OPEN_STATUSES = ("new", "acknowledged", "linked")


class Alert(models.Model):
    """One rule hit for one enrolment (or, for school-level rules, one school), kept open until acted on.

    There is at most one open alert per rule, enrolment and key (the key is the date, or date and session, for the
    daily rules first_day and missing_register; empty otherwise). Re-evaluation updates an open alert's evidence.
    """

    class Status(models.TextChoices):
        NEW = "new", "New"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        LINKED = "linked", "Linked to a case"
        DISMISSED = "dismissed", "Dismissed"
        CLEARED = "cleared", "Cleared (no longer met)"

    rule = models.CharField(max_length=40)
    key = models.CharField(max_length=20, blank=True, default="")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, null=True, blank=True, related_name="alerts")
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="alerts")
    raised_on = models.DateField()
    last_evaluated_on = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NEW)
    reason = models.TextField()
    evidence = models.JSONField(default=list, help_text="[[date, session, code], ...]")
    details = models.JSONField(default=dict, blank=True, help_text="Rule-specific extras, e.g. contacts")
    measure = models.FloatField(help_text="The rule's measure; a dismissed alert returns only if this rises")
    peak_measure = models.FloatField()
    review_context_first = models.BooleanField(default=False)
    flags = models.JSONField(default=list, blank=True)
    priority = models.PositiveSmallIntegerField(default=9, help_text="0 = vulnerable, call first")
    dismissed_reason = models.TextField(blank=True)
    dismissed_measure = models.FloatField(null=True, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    case = models.ForeignKey(
        "casework.Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="alerts",
        help_text="The case the alert is linked to (opening a case from an alert links them)",
    )
    raised_measure = models.FloatField(
        null=True, blank=True, help_text="The measure when raised; a higher measure now means worsening"
    )
    # Optimistic locking (attend.core.locking): every action from a page names the version it saw; the update
    # succeeds only if nobody changed the alert since. Re-evaluation does not bump it (it never changes status
    # of an alert someone is acting on, except clearing, which does).
    version = models.PositiveIntegerField(default=1)
    # A fingerprint of what the rule last said (evaluation._digest): an unchanged alert is found without reading
    # its JSON. Blank on alerts stored before it existed, which the next evaluation fills in.
    evaluated_digest = models.CharField(max_length=32, blank=True, default="", editable=False)
    cleared_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["school", "rule", "priority", "raised_on", "id"]
        indexes = [models.Index(fields=["school", "rule", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "enrolment", "key"],
                condition=Q(status__in=OPEN_STATUSES) & Q(enrolment__isnull=False),
                name="alert_one_open_per_enrolment",
            ),
            models.UniqueConstraint(
                fields=["rule", "school", "key"],
                condition=Q(status__in=OPEN_STATUSES) & Q(enrolment__isnull=True),
                name="alert_one_open_per_school",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.pupil_id or self.school_id} {self.get_status_display()}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class OfficerAssignment(models.Model):
    """A school's named officer, by side: the LA's named attendance officer for the school (WTISA 2024: a named
    LA officer per school, domain.md §4) or the school's own attendance officer. Alerts are routed by side
    (worklist.RULE_SIDE); a school with no named officer on a side sends that side's alerts to the team list."""

    class Side(models.TextChoices):
        LA = "la", "Local authority officer"
        SCHOOL = "school", "School attendance officer"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="officer_assignments")
    side = models.CharField(max_length=6, choices=Side.choices)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="officer_assignments"
    )

    class Meta:
        ordering = ["school", "side"]
        constraints = [
            models.UniqueConstraint(fields=["school", "side"], name="officer_assignment_one_per_side")
        ]

    def __str__(self) -> str:
        return f"{self.officer} – {self.get_side_display()} for {self.school}"
