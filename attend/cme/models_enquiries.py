"""Children missing education (EA 1996 s436A: the LA must make arrangements to identify children of compulsory
school age in its area who are not registered pupils and not receiving suitable education otherwise; CME statutory
guidance, August 2024). One enquiry per child; the LA where the child lives owns it (the guidance's "home LA"),
whatever LA the school is in."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class CmeEnquiry(models.Model):
    class Source(models.TextChoices):
        ALERT = "alert", "20 days' continuous absence (work-list alert)"
        SCHOOL = "school", "A school's notification"
        RETURNED_LETTER = "returned_letter", "A letter returned by the post (gone away)"
        VISIT = "visit", "A home visit (moved away, or no answer again and again)"
        DELETION = "deletion", "A deletion return with no known destination"
        BY_HAND = "by_hand", "Opened by hand (for example a child never on a roll)"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    class Outcome(models.TextChoices):
        FOUND_HERE = "found_here", "Found: on a school roll here"
        FOUND_OTHER_LA = "found_other_la", "Found: in another LA (referred to that LA)"
        HOME_EDUCATED = "home_educated", "Found: home educated"
        LEFT_COUNTRY = "left_country", "Left the country"
        NOT_FOUND = "not_found", "Not found after reasonable enquiries"

    ref = models.CharField(max_length=20, unique=True, help_text="CME-000123")
    case = models.ForeignKey("casework.Case", on_delete=models.PROTECT, related_name="cme_enquiries")
    pupil = models.ForeignKey(
        "people.Pupil", on_delete=models.PROTECT, null=True, blank=True, related_name="cme_enquiries"
    )
    school = models.ForeignKey(
        "schools.School",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cme_enquiries",
        help_text="The school the child was last on the roll of (or that notified the LA)",
    )
    local_authority = models.ForeignKey(
        "schools.LocalAuthority",
        on_delete=models.PROTECT,
        related_name="cme_enquiries",
        help_text="The LA responsible for the enquiry: where the child lives (or was last known to live)",
    )
    lives_in_la = models.ForeignKey(
        "schools.LocalAuthority",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Where the child lives, if known and not the school's LA",
    )
    placing_la = models.ForeignKey(
        "schools.LocalAuthority",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="For a looked-after child: the LA that looks after the child (its virtual school)",
    )
    source = models.CharField(max_length=20, choices=Source.choices)
    source_alert = models.ForeignKey(
        "alerts.Alert", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source_ref = models.CharField(
        max_length=60, blank=True, help_text="What started it: a letter, visit outcome or deletion, by id"
    )
    concern = models.TextField(help_text="Why the child may be missing education, in the officer's words")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    outcome_on = models.DateField(null=True, blank=True)
    outcome_note = models.TextField(blank=True)
    found_school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    found_la = models.ForeignKey(
        "schools.LocalAuthority", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    opened_at = models.DateTimeField()
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil"],
                condition=models.Q(status="open", pupil__isnull=False),
                name="cme_one_open_enquiry_per_pupil",
            ),
            models.CheckConstraint(
                condition=models.Q(status="open", outcome="") | ~models.Q(status="open"),
                name="cme_open_enquiry_has_no_outcome",
            ),
        ]

    def __str__(self) -> str:
        return self.ref


class EnquiryCheck(models.Model):
    """One reasonable enquiry, recorded with who made it and when. Append-only (database triggers): the checks are
    the evidence that the school and the LA "have failed after reasonable enquiry to locate the pupil" (2024 Regs
    reg 9(1)(i)); a correction is a new check pointing at the old one."""

    class Kind(models.TextChoices):
        CONTACTS = "contacts", "Parents and contacts rung"
        EMERGENCY_CONTACTS = "emergency_contacts", "Emergency contacts rung"
        HOME_VISIT = "home_visit", "Home visit"
        NEIGHBOURS = "neighbours", "Neighbours asked"
        SIBLINGS_SCHOOLS = "siblings_schools", "Siblings' schools asked"
        HOUSING = "housing", "Housing"
        COUNCIL_TAX = "council_tax", "Council tax"
        SOCIAL_CARE = "social_care", "Children's social care"
        SCHOOL_NURSING = "school_nursing", "School nursing"
        GP = "gp", "GP (where shared)"
        POLICE = "police", "Police (where there is concern)"
        LOST_PUPIL_DATABASE = "lost_pupil_database", "Lost pupil database (school to school)"
        OTHER_LA = "other_la", "Another LA asked (suspected move)"
        SCHOOL_ENQUIRIES = "school_enquiries", "The school's own enquiries"
        SAFEGUARDING_REFERRAL = "safeguarding_referral", "Safeguarding referral made"
        OTHER = "other", "Other enquiry"

    class Party(models.TextChoices):  # reg 9(1)(i) needs both
        SCHOOL = "school", "The school"
        LA = "la", "The local authority"

    enquiry = models.ForeignKey(CmeEnquiry, on_delete=models.PROTECT, related_name="checks")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    party = models.CharField(max_length=10, choices=Party.choices)
    done_on = models.DateField()
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    done_by_name = models.CharField(max_length=200, help_text="Who made the enquiry, as they signed it")
    result = models.TextField(help_text="What was found out")
    located = models.BooleanField(default=False, help_text="This enquiry found where the child is")
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["done_on", "id"]


class LaReferral(models.Model):
    """A referral to another LA: the child was found there, lives there, or is looked after by it (its virtual
    school). Recorded with what was sent, to whom and when."""

    class Reason(models.TextChoices):
        FOUND_THERE = "found_there", "The child has been found in that LA"
        LIVES_THERE = "lives_there", "The child lives in that LA: it owns the CME enquiry"
        LOOKED_AFTER = "looked_after", "A looked-after child: that LA's virtual school"

    enquiry = models.ForeignKey(
        CmeEnquiry, on_delete=models.PROTECT, null=True, blank=True, related_name="la_referrals"
    )
    pupil = models.ForeignKey(
        "people.Pupil", on_delete=models.PROTECT, null=True, blank=True, related_name="la_referrals"
    )
    from_la = models.ForeignKey("schools.LocalAuthority", on_delete=models.PROTECT, related_name="+")
    to_la = models.ForeignKey("schools.LocalAuthority", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    sent_on = models.DateField()
    sent_to = models.CharField(max_length=200, help_text="Who at that LA, and how (email address or team)")
    summary = models.TextField(help_text="What was shared with the other LA")
    message = models.ForeignKey(
        "letters.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    acknowledged_on = models.DateField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_on", "-id"]
