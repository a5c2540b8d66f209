"""Meetings by telephone or video (seed 000), consent for direct work with a child, and safeguarding records."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from attend.people.models import Contact

from .cases import Case


class Consent(models.Model):
    """A parent's consent to direct work with their child (e.g. online sessions): who, how, when, until when.

    The defaults (the parent will be at home; contact through the parent's number, never the child's) may be
    replaced by a different arrangement with its reason: an older pupil, a young carer, or a looked-after child
    whose consent comes through the social worker or the carer's delegated authority.
    """

    class How(models.TextChoices):
        WRITTEN = "written", "Signed form"
        EMAIL = "email", "By email"
        TELEPHONE = "telephone", "By telephone (recorded by the officer)"
        IN_PERSON = "in_person", "In person"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    contact = models.ForeignKey(Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    given_by_name = models.CharField(max_length=150, help_text="Who consented, e.g. 'Ms Jones (mother)'")
    how = models.CharField(max_length=12, choices=How.choices)
    given_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    scope = models.CharField(max_length=200, default="Online direct-work sessions with the child")
    parent_at_home = models.BooleanField(default=True)
    contact_number = models.CharField(
        max_length=20, blank=True, help_text="The parent's number used to reach the child"
    )
    other_arrangement = models.TextField(
        blank=True, help_text="A different arrangement from the defaults, with the reason"
    )
    withdrawn_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case", "-given_on"]

    def is_valid_on(self, day) -> bool:
        return (
            self.given_on <= day
            and (self.expires_on is None or day <= self.expires_on)
            and (self.withdrawn_on is None or day < self.withdrawn_on)
        )


class Meeting(models.Model):
    """A planned meeting with the family or the child: by telephone, video or in person."""

    class Method(models.TextChoices):
        TELEPHONE = "telephone", "Telephone"
        VIDEO = "video", "Video call"
        IN_PERSON = "in_person", "In person"

    class Purpose(models.TextChoices):
        PARENT_MEETING = "parent", "Meeting with parents or carers"
        DIRECT_WORK = "direct_work", "Direct work with the child"
        SCHOOL_MEETING = "school", "Meeting in school"
        MULTI_AGENCY = "multi_agency", "Multi-agency meeting"
        PANEL = "panel", "Attendance panel"

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"
        NOT_ATTENDED = "not_attended", "Did not take place (no answer or did not attend)"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="meetings")
    method = models.CharField(max_length=10, choices=Method.choices)
    purpose = models.CharField(max_length=14, choices=Purpose.choices)
    starts_at = models.DateTimeField()
    length_minutes = models.PositiveSmallIntegerField(default=30)
    agenda = models.TextField(help_text="One item a line; it becomes the record's headings")
    joining_details = models.TextField(blank=True, help_text="The link or number, and how to join")
    series = models.CharField(max_length=100, blank=True, help_text="A series of sessions shares a name")
    purpose_shared = models.TextField(blank=True, help_text="The session's purpose, shared in advance")
    consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="meetings"
    )
    other_arrangement = models.TextField(
        blank=True, help_text="Direct work without parental consent: the arrangement and its reason"
    )
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.PLANNED)
    record = models.TextField(blank=True, help_text="The written record, under the agenda's headings")
    invitation = models.ForeignKey(
        "letters.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["case", "starts_at"]
        indexes = [models.Index(fields=["starts_at", "status"])]


class SafeguardingRecord(models.Model):
    """A safeguarding step from a case: a concern raised to the school's DSL, a referral to children's social care
    (front door or MASH) or the police, or an allegation against staff to the LADO; with reference and outcome."""

    class Kind(models.TextChoices):
        DSL_CONCERN = "dsl_concern", "Concern raised to the designated safeguarding lead"
        SOCIAL_CARE = "social_care", "Referral to children's social care (front door or MASH)"
        POLICE = "police", "Referral to the police"
        LADO = "lado", "Allegation against staff referred to the LADO"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="safeguarding")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    summary = models.TextField()
    reference = models.CharField(max_length=60, blank=True)
    outcome = models.TextField(blank=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    raised_at = models.DateTimeField(auto_now_add=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["case", "-raised_at"]
