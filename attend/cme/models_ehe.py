"""Elective home education (EA 1996 s7: a parent may educate a child "otherwise" than at school; DfE Elective home
education guidance, April 2019; 2024 Regs reg 9(1)(f): the name is deleted on the parent's notice in writing, and
for a child at a special school placed there by the LA only with the LA's consent, reg 9(3)). The child is no longer
a school pupil: this is the LA's record of the child."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class HomeEducation(models.Model):
    class Status(models.TextChoices):
        NOTICE_RECEIVED = "notice_received", "Notice received (not yet deleted from the roll)"
        AWAITING_CONSENT = "awaiting_consent", "Awaiting the LA's consent (special school placement)"
        HOME_EDUCATED = "home_educated", "Home educated"
        RETURNED = "returned", "Returned to school"
        ENDED = "ended", "Ended (moved away or past compulsory school age)"

    class Consent(models.TextChoices):
        NOT_NEEDED = "not_needed", "Not needed"
        PENDING = "pending", "Pending"
        GIVEN = "given", "Given"
        REFUSED = "refused", "Refused"

    ref = models.CharField(max_length=20, unique=True, help_text="EHE-000123")
    case = models.ForeignKey(
        "casework.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="home_education"
    )
    pupil = models.ForeignKey(
        "people.Pupil", on_delete=models.PROTECT, null=True, blank=True, related_name="home_education"
    )
    local_authority = models.ForeignKey("schools.LocalAuthority", on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey(
        "schools.School",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The school the child left (none for a child never at school)",
    )
    notice_received_on = models.DateField(help_text="When the parent's notice in writing reached the school")
    notice_from = models.ForeignKey(
        "people.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    notice_from_name = models.CharField(
        max_length=200, help_text="The parent who gave notice, as they signed it"
    )
    notice_note = models.TextField(
        blank=True, help_text="Reasons the parent gave, if any (they need not give any)"
    )
    special_school_la_placed = models.BooleanField(
        default=False,
        help_text="At a special school under arrangements made by the LA (consent needed first)",
    )
    consent = models.CharField(max_length=12, choices=Consent.choices, default=Consent.NOT_NEEDED)
    consent_on = models.DateField(null=True, blank=True)
    consent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    consent_note = models.TextField(blank=True)
    ehc_plan = models.BooleanField(default=False, help_text="Had an EHC plan at notice: the LA's extra steps")
    child_protection_plan = models.BooleanField(
        default=False, help_text="On a child protection plan at notice: the LA's extra steps"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOTICE_RECEIVED)
    started_on = models.DateField(null=True, blank=True, help_text="First day home educated (after deletion)")
    ended_on = models.DateField(null=True, blank=True)
    ended_note = models.CharField(max_length=300, blank=True)
    return_school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-notice_received_on", "-id"]

    def __str__(self) -> str:
        return self.ref


class EheContact(models.Model):
    """The LA's contact with a home-educating family and its view on whether the education appears suitable (EHE
    guidance 2019 ch.6: LAs should make informal enquiries; s437(1) if it appears not suitable)."""

    class Kind(models.TextChoices):
        LETTER = "letter", "Letter or email"
        PHONE = "phone", "Telephone call"
        VISIT = "visit", "Home visit"
        MEETING = "meeting", "Meeting elsewhere"
        REPORT = "report", "Report or samples of work received"
        OTHER = "other", "Other"

    class Suitability(models.TextChoices):
        NOT_ASSESSED = "not_assessed", "Not assessed at this contact"
        APPEARS_SUITABLE = "appears_suitable", "Education appears suitable"
        MORE_INFORMATION = "more_information", "More information needed"
        NOT_SUITABLE = "not_suitable", "Appears not suitable (consider a school attendance order, s437)"

    home_education = models.ForeignKey(HomeEducation, on_delete=models.PROTECT, related_name="contacts")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    on = models.DateField()
    with_whom = models.CharField(max_length=200, blank=True)
    note = models.TextField()
    suitability = models.CharField(
        max_length=20, choices=Suitability.choices, default=Suitability.NOT_ASSESSED
    )
    next_contact_on = models.DateField(null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-id"]
