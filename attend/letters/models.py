"""Templates (per LA, trust or school, versioned), letterheads, and every message produced from them."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from attend.people.models import Contact, Pupil
from attend.schools.models import LocalAuthority, School, Trust


class Channel(models.TextChoices):
    LETTER = "letter", "Letter (PDF, post or email)"
    EMAIL = "email", "Email"
    SMS = "sms", "Text message (SMS)"


class LetterTemplate(models.Model):
    """One template, owned by nobody (the shipped default), an LA, a trust or a school.

    A school uses its own template of a name if it has one, then its trust's, then its LA's, then the default
    (`attend.letters.library.resolve`). Text lives in immutable `TemplateVersion`s; `current` is the newest.
    """

    class Kind(models.TextChoices):
        FIRST_DAY = "first_day", "First-day absence"
        CONCERN = "concern", "Attendance concern"
        MEETING = "meeting", "Meetings"
        PLAN = "plan", "Plans and records"
        RECOGNITION = "recognition", "Recognition"
        VISIT = "visit", "Home visits"
        FORMAL = "formal", "Formal notices"

    name = models.SlugField(max_length=60, help_text="What scripts pass to `attend letters render`")
    language = models.CharField(max_length=10, default="en", help_text="en, pl, ur, ... (ISO 639-1)")
    title = models.CharField(max_length=120)
    description = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    formal = models.BooleanField(
        default=False, help_text="Goes to each parent who may be liable, by first-class post when posted"
    )
    immediate = models.BooleanField(
        default=False, help_text="Sent at once, never held for review (first-day)"
    )
    placeholder = models.BooleanField(
        default=False, help_text="Wording to be supplied by the Enforcement work"
    )
    translation_note = models.CharField(max_length=200, blank=True)
    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.CASCADE, null=True, blank=True)
    trust = models.ForeignKey(Trust, on_delete=models.CASCADE, null=True, blank=True)
    school = models.ForeignKey(School, on_delete=models.CASCADE, null=True, blank=True)
    owner_key = models.CharField(
        max_length=30, editable=False, help_text="default, la:ID, trust:ID or school:ID"
    )
    current = models.ForeignKey(
        "TemplateVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["kind", "name", "language", "owner_key"]
        constraints = [
            models.UniqueConstraint(fields=["owner_key", "name", "language"], name="letter_template_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.title} [{self.name}, {self.language}, {self.owner_label}]"

    @property
    def owner_label(self) -> str:
        if self.school_id:
            return self.school.name
        if self.trust_id:
            return self.trust.name
        if self.local_authority_id:
            return self.local_authority.name
        return "Attend default"

    def save(self, *args, **kwargs):
        owners = [o for o in (self.school_id, self.trust_id, self.local_authority_id) if o]
        if len(owners) > 1:
            raise ValidationError("A template belongs to one school, trust or LA (or none: the default).")
        if self.school_id:
            self.owner_key = f"school:{self.school_id}"
        elif self.trust_id:
            self.owner_key = f"trust:{self.trust_id}"
        elif self.local_authority_id:
            self.owner_key = f"la:{self.local_authority_id}"
        else:
            self.owner_key = "default"
        super().save(*args, **kwargs)


class TemplateVersion(models.Model):
    """The text of a template at one moment. Never changed or deleted: a message records the version it used."""

    template = models.ForeignKey(LetterTemplate, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    subject = models.CharField(max_length=200, blank=True, help_text="Email subject or letter heading")
    body = models.TextField()
    note = models.CharField(max_length=200, blank=True, help_text="What changed")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["template", "-number"]
        constraints = [models.UniqueConstraint(fields=["template", "number"], name="template_version_unique")]

    def __str__(self) -> str:
        return f"{self.template.name} v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("A template version is never changed: save a new version instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("A template version is never deleted: messages record which version they used.")


class Letterhead(models.Model):
    """The top of a letter: one per school or LA (a school without one uses its LA's)."""

    local_authority = models.OneToOneField(LocalAuthority, on_delete=models.CASCADE, null=True, blank=True)
    school = models.OneToOneField(School, on_delete=models.CASCADE, null=True, blank=True)
    address = models.TextField(blank=True, help_text="One line per line of the address")
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    website = models.CharField(max_length=100, blank=True)
    logo_svg = models.TextField(blank=True, help_text="The logo as SVG (drawn into the PDF, never fetched)")
    signatory_name = models.CharField(max_length=100, blank=True)
    signatory_role = models.CharField(max_length=100, blank=True)

    def __str__(self) -> str:
        return f"Letterhead for {self.school or self.local_authority}"


class ContactPreference(models.Model):
    """How a contact wants letters: large print on request, a telephone call offered for low literacy.
    (A confidential address is `people.ContactSafety.address_confidential`, shared with the rest of the service.)"""

    contact = models.OneToOneField(Contact, on_delete=models.CASCADE, related_name="letter_preference")
    large_print = models.BooleanField(default=False)
    offer_phone_call = models.BooleanField(
        default=False, help_text="Low literacy: offer to read it by telephone"
    )


class Batch(models.Model):
    """A mail-merge run: one template for many pupils, reviewed before anything is sent."""

    class Status(models.TextChoices):
        PREPARING = "preparing", "Preparing the letters"
        REVIEW = "review", "Waiting for review"
        APPROVED = "approved", "Approved, sending"
        DONE = "done", "Sent"

    template = models.ForeignKey(LetterTemplate, on_delete=models.PROTECT, related_name="batches")
    title = models.CharField(max_length=200)
    as_of = models.DateField()
    channel = models.CharField(max_length=10, default="post")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REVIEW)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    problems = models.JSONField(default=list, blank=True, help_text="Pupils left out, with the reason")
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    pupil_ids = models.JSONField(default=list, blank=True, help_text="The pupils to compose for, in order")
    prepared = models.PositiveIntegerField(
        default=0, help_text="How many of `pupil_ids` are composed (a resumed preparation starts after them)"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "batches"

    def __str__(self) -> str:
        return self.title


class Message(models.Model):
    """One letter, email or text message to one contact about one pupil: exactly what was (or will be) sent."""

    class Route(models.TextChoices):
        POST = "post", "Post (GOV.UK Notify, first class)"
        PRINT = "print", "Printed and posted or handed over by staff"
        EMAIL = "email", "Email"
        SMS = "sms", "Text message"

    class Status(models.TextChoices):
        HELD = "held", "Held for review"
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"
        RETURNED = "returned", "Returned"
        SKIPPED = "skipped", "Skipped at review"

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="messages")
    school = models.ForeignKey(School, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    contact = models.ForeignKey(Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    template_version = models.ForeignKey(TemplateVersion, on_delete=models.PROTECT, related_name="messages")
    route = models.CharField(max_length=10, choices=Route.choices)
    recipient = models.TextField(help_text="Email address, mobile number or postal address used")
    language = models.CharField(max_length=10, default="en")
    subject = models.CharField(max_length=200, blank=True)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    pdf = models.BinaryField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    status_reason = models.CharField(max_length=300, blank=True)
    hold_reason = models.CharField(max_length=300, blank=True)
    interpreter_needed = models.BooleanField(default=False)
    idempotency_key = models.CharField(max_length=200, unique=True)
    provider = models.CharField(max_length=20, blank=True, help_text="smtp, notify or print")
    provider_id = models.CharField(max_length=100, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, null=True, blank=True, related_name="messages")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    status_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["pupil", "created_at"]), models.Index(fields=["batch", "status"])]

    def __str__(self) -> str:
        return f"{self.template_version} to {self.recipient.splitlines()[0] if self.recipient else '?'}"

    @property
    def was_sent(self) -> bool:
        return self.status in (self.Status.SENT, self.Status.DELIVERED, self.Status.RETURNED) or bool(
            self.provider_id
        )
