"""The chronology: one append-only timeline per case of every contact and event.

Entries are evidence (they may be relied on for a notice to improve, a penalty notice or in court), so nothing is
edited or deleted: the database refuses UPDATE and DELETE on both engines (migration casework/0004). A correction
is a new entry whose `corrects` names the one it corrects. The one exception is an entry filed on the wrong child,
a data breach: a manager approves its removal (`EntryRemoval`, which keeps who, why and when but not the content),
and retention deletes whole cases at the end of their period. Both go through `casework.chronology.erasure_permit`.

Other apps add entries through `attend.casework.chronology.record_entry`, never by writing these rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from attend.people.models import Pupil

from .cases import Case


class EntryKind(models.TextChoices):
    PHONE_CALL = "phone_call", "Telephone call"
    DOORSTEP_VISIT = "doorstep_visit", "Doorstep visit"
    HOME_VISIT = "home_visit", "Planned home visit"
    TELEPHONE_MEETING = "telephone_meeting", "Telephone meeting"
    VIDEO_MEETING = "video_meeting", "Video meeting"
    SCHOOL_MEETING = "school_meeting", "Meeting in school"
    ATTENDANCE_PANEL = "attendance_panel", "Attendance panel"
    PRE_LEGAL_MEETING = "pre_legal_meeting", "Pre-legal planning meeting"
    MULTI_AGENCY_MEETING = "multi_agency_meeting", "Multi-agency meeting"
    DIRECT_WORK = "direct_work", "Direct work session with the child"
    LETTER = "letter", "Letter"
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"
    NOTE = "note", "Note"
    STAGE_CHANGE = "stage_change", "Stage change"
    STATUS_CHANGE = "status_change", "Case opened, closed or reopened"
    ASSESSMENT = "assessment", "Assessment"
    PLAN = "plan", "Support plan"
    PLAN_REVIEW = "plan_review", "Plan review"
    CONSENT = "consent", "Consent"
    SAFEGUARDING = "safeguarding", "Safeguarding"
    REFERRAL = "referral", "Referral"
    ENFORCEMENT = "enforcement", "Formal or legal step"
    CME = "cme", "Children missing education enquiry"
    ATTACHMENT = "attachment", "Document added"


# Kinds that are a contact with the family or child (what "no contact for 20 school days" looks for).
CONTACT_KINDS = frozenset(
    {
        EntryKind.PHONE_CALL,
        EntryKind.DOORSTEP_VISIT,
        EntryKind.HOME_VISIT,
        EntryKind.TELEPHONE_MEETING,
        EntryKind.VIDEO_MEETING,
        EntryKind.SCHOOL_MEETING,
        EntryKind.ATTENDANCE_PANEL,
        EntryKind.MULTI_AGENCY_MEETING,
        EntryKind.DIRECT_WORK,
    }
)


class CallOutcome(models.TextChoices):
    SPOKE_TO_PARENT = "spoke_to_parent", "Spoke to parent or carer"
    SPOKE_TO_CHILD = "spoke_to_child", "Spoke to the child"
    NO_ANSWER = "no_answer", "No answer"
    VOICEMAIL = "voicemail", "Left a voicemail"
    WRONG_NUMBER = "wrong_number", "Wrong number"
    UNOBTAINABLE = "unobtainable", "Number unobtainable"


class Support(models.TextChoices):
    """Support that can be offered to a family: offered-and-declined is evidence for a notice to improve and for
    s444(1A), so it is recorded as structured values, not prose."""

    EARLY_HELP = "early_help", "Early help assessment"
    PASTORAL_PLAN = "pastoral_plan", "Pastoral support plan"
    MENTORING = "mentoring", "Mentoring or key adult in school"
    SCHOOL_NURSE = "school_nurse", "School nursing"
    MENTAL_HEALTH = "mental_health", "Mental health support team / CAMHS"
    SEND_REVIEW = "send_review", "SEND assessment or review"
    TRANSPORT = "transport", "Help with transport"
    BREAKFAST_CLUB = "breakfast_club", "Breakfast club"
    PARENTING = "parenting", "Parenting support"
    YOUNG_CARERS = "young_carers", "Young carers service"
    HOUSING = "housing", "Housing advice"
    FINANCIAL = "financial", "Financial or uniform help"
    REDUCED_TIMETABLE = "reduced_timetable", "Temporary part-time timetable"
    TELEPHONE_MEETING = "telephone_meeting", "Telephone or video meeting"
    OTHER = "other", "Other support"


class ChronologyEntry(models.Model):
    """One contact or event on a case. Never changed or deleted; see the module docstring."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="entries")
    # Kept beside the case so a pupil's timeline across cases is one indexed query.
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=24, choices=EntryKind.choices)
    occurred_at = models.DateTimeField()
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    summary = models.TextField()
    participants = models.TextField(blank=True, help_text="Who took part, one per line")
    outcome = models.CharField(max_length=40, blank=True, help_text="For calls: a CallOutcome value")
    child_seen = models.BooleanField(null=True, blank=True)
    child_heard = models.BooleanField(null=True, blank=True)
    child_words = models.TextField(blank=True, help_text="The child's own words, where given")
    parent_words = models.TextField(blank=True, help_text="The parent's or carer's own words, where given")
    next_step = models.TextField(blank=True)
    next_step_due = models.DateField(null=True, blank=True)
    interpreter_needed = models.BooleanField(null=True, blank=True)
    interpreter_used = models.BooleanField(null=True, blank=True)
    support_offered = models.JSONField(default=list, blank=True, help_text="Support values offered")
    support_declined = models.JSONField(default=list, blank=True, help_text="Support values declined")
    restricted = models.BooleanField(
        default=False,
        help_text="Safeguarding: visible only to the school's DSL and the LA's safeguarding lead",
    )
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections"
    )
    # Where the entry came from: casework pages, the API, letters, visits, enforcement... and the row there.
    source = models.CharField(max_length=30, default="casework")
    source_ref = models.CharField(max_length=60, blank=True, help_text="e.g. letters.Message:12")
    message = models.ForeignKey(
        "letters.Message", on_delete=models.PROTECT, null=True, blank=True, related_name="chronology_entries"
    )

    class Meta:
        ordering = ["occurred_at", "id"]
        verbose_name_plural = "chronology entries"
        indexes = [
            models.Index(fields=["case", "occurred_at"]),
            models.Index(fields=["pupil", "occurred_at"]),
            models.Index(fields=["next_step_due"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.occurred_at:%d %b %Y}"


class EntryRemoval(models.Model):
    """An entry filed on the wrong child, removed with a manager's approval. The entry's content is not kept:
    only which case it was on, who asked, who approved, why and when."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="removals")
    entry_id_removed = models.PositiveBigIntegerField(help_text="The id the removed entry had")
    entry_kind = models.CharField(max_length=24, choices=EntryKind.choices)
    entry_occurred_at = models.DateTimeField()
    reason = models.TextField(help_text="Why it was on the wrong child, e.g. 'Filed on a sibling's case'")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    # While waiting for approval the entry still exists; this points at it (and is cleared when it goes).
    pending_entry = models.OneToOneField(
        ChronologyEntry, on_delete=models.SET_NULL, null=True, blank=True, related_name="removal_request"
    )

    class Meta:
        ordering = ["-requested_at"]


class Attachment(models.Model):
    """A document on a chronology entry (PDF, image, Office file), stored outside the database with its SHA-256;
    read only through a scoped, audited view. Append-only like its entry."""

    entry = models.ForeignKey(ChronologyEntry, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(
        max_length=200, help_text="The name it was uploaded with (shown, never trusted)"
    )
    content_type = models.CharField(max_length=100, help_text="Detected from the content, not the name")
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    stored_as = models.CharField(max_length=200, unique=True, help_text="Path under VAR_DIR/attachments/")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["entry", "id"]
