"""Background jobs that people start from the web pages (imports, report builds) and watch to the end."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Job(models.Model):
    """One long operation run by the task worker (`attend db_worker`), with the progress shown on its page.

    `progress_done` of `progress_total` steps are finished; `message` says what is happening now. When the job
    ends, `summary` says what it did, and a failed import lists every `file:line: field: reason` in `problems`.
    """

    class Kind(models.TextChoices):
        IMPORT = "import", "Import"
        REPORT = "report", "Report"

    class Status(models.TextChoices):
        # An upload whose columns are still being matched (a register report from an MIS, attend/jobs/drafts.py):
        # only its uploader sees it, and nothing runs until they choose "Import".
        DRAFT = "draft", "Not started: matching the columns"
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Running"
        DONE = "done", "Finished"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    # What to run: the import kind and stored file, or the report and the schools it covers.
    params = models.JSONField(default=dict, blank=True)
    # Scope: the schools the person could see when they started the job (reports cover only these).
    scope = models.CharField(max_length=200, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=1)
    message = models.CharField(max_length=300, blank=True)
    summary = models.TextField(blank=True)
    result = models.JSONField(default=dict, blank=True)
    problems = models.JSONField(default=list, blank=True)
    problems_total = models.PositiveIntegerField(default=0)
    output_file = models.CharField(max_length=300, blank=True, help_text="Relative to VAR_DIR")
    task_id = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="jobs", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.progress_done / self.progress_total) if self.progress_total else 0
