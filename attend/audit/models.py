"""The audit trail: one row per thing that happened, never changed or removed once written.

Append-only is enforced twice: here (saving an existing event, deleting, and queryset update/delete raise) and in
the database (triggers from migrations 0002-0004 refuse UPDATE, DELETE, TRUNCATE, REPLACE and UPSERT, so raw SQL and
other programs cannot either). On SQLite, a migration that rebuilds this table (most field changes) drops the triggers: recreate them in the same
migration. tests/test_immutability.py fails if they are missing.
"""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone


class AuditEventImmutable(Exception):
    """Raised on any attempt to change or remove an audit event."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditEventImmutable("Audit events cannot be changed.")

    def delete(self):
        raise AuditEventImmutable("Audit events cannot be deleted.")

    def _raw_delete(self, using):
        raise AuditEventImmutable("Audit events cannot be deleted.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditEventImmutable("Audit events cannot be changed.")

    def update_or_create(self, *args, **kwargs):
        raise AuditEventImmutable("Audit events cannot be changed.")


class AuditEvent(models.Model):
    at = models.DateTimeField(default=timezone.now, db_index=True)
    # PROTECT: a user, school or pupil with audit history cannot be deleted by accident; deactivate users instead.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The actor's username at the time, kept even if the account is later renamed.
    actor_username = models.CharField(max_length=150, blank=True)
    action = models.CharField(
        max_length=100, db_index=True, help_text="Dotted code, e.g. people.pupil.viewed"
    )
    object_type = models.CharField(max_length=100, blank=True, help_text="app_label.model of the object")
    object_id = models.CharField(max_length=64, blank=True)
    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pupil = models.ForeignKey(
        "people.Pupil", on_delete=models.PROTECT, null=True, blank=True, related_name="audit_events"
    )
    ip = models.CharField(max_length=45, blank=True)
    data = models.JSONField(
        default=dict,
        blank=True,
        encoder=DjangoJSONEncoder,
        help_text='Details, e.g. {"before": {...}, "after": {...}}',
    )

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["pupil", "at"]), models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} by {self.actor_username or 'system'}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditEventImmutable("Audit events cannot be changed.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditEventImmutable("Audit events cannot be deleted.")

    @property
    def sentence(self) -> str:
        from .display import describe

        return describe(self)
