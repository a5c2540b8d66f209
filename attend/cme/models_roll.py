"""Deletions from the admission register (Education (Pupil Registration) (England) Regulations 2024, reg 9(1) for
pupils of compulsory school age): a name is deleted if and only if a ground applies, never retrospectively, and every
deletion is a deletion return to the LA (reg 13(4)-(6)). A deletion is evidence for the LA's off-rolling checks, so
it is append-only (database triggers): a correction is a new return pointing at the old one."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class DeletionGround(models.TextChoices):  # domain.md §5, reg 9(1)(a)-(o)
    A = "a", "(a) Registered at another school"
    B = "b", "(b) Left nursery class and not continuing"
    C = "c", "(c) Dual registered: the other school consents and there is no belief the pupil will return"
    D = "d", "(d) School attendance order amended to name another school"
    E = "e", "(e) School attendance order revoked"
    F = "f", "(f) Parent has notified in writing that the child is educated otherwise than at school"
    G = "g", "(g) No longer lives within reasonable distance"
    H = "h", "(h) Not returned after a leave of absence"
    I = "i", "(i) 20 school days' continuous absence (G, N or O) and not located after reasonable enquiry"  # noqa: E741
    J = "j", "(j) Detained under a sentence of detention"
    K = "k", "(k) Died"
    L = "l", "(l) Will cease to be of compulsory school age and not continue"
    M = "m", "(m) Boarder whose fees are unpaid"
    N = "n", "(n) Ceased to be a pupil of an independent or non-maintained special school"
    O = "o", "(o) Permanently excluded"  # noqa: E741
    NOT_GIVEN = "not_given", "Not given (a leaving date arrived in an import without a ground)"


class RollDeletion(models.Model):
    class Source(models.TextChoices):
        FORM = "form", "Recorded on the deletion form"
        IMPORT = "import", "A leaving date in an import"
        HOME_EDUCATION = "home_education", "A parent's notice of home education"
        API = "api", "The API"

    enrolment = models.ForeignKey("people.Enrolment", on_delete=models.PROTECT, related_name="deletions")
    pupil = models.ForeignKey("people.Pupil", on_delete=models.PROTECT, related_name="roll_deletions")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="roll_deletions")
    ground = models.CharField(max_length=10, choices=DeletionGround.choices)
    deleted_on = models.DateField(help_text="The day the name was deleted (the enrolment's leaving date)")
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.FORM)
    destination_school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    destination_la = models.ForeignKey(
        "schools.LocalAuthority", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    destination_note = models.CharField(
        max_length=300, blank=True, help_text="Where the pupil went, if known"
    )
    cme_enquiry = models.ForeignKey(
        "cme.CmeEnquiry", on_delete=models.PROTECT, null=True, blank=True, related_name="deletions"
    )
    home_education = models.ForeignKey(
        "cme.HomeEducation", on_delete=models.PROTECT, null=True, blank=True, related_name="deletions"
    )
    note = models.TextField(blank=True, help_text="The school's reasons and what it checked")
    concerns = models.JSONField(
        default=list, blank=True, help_text="What looked like off-rolling when it was recorded, in words"
    )
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-deleted_on", "-id"]
        indexes = [models.Index(fields=["school", "deleted_on"], name="deletion_school_day")]
