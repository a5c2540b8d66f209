"""Background work for home visits (django-tasks; run by `attend db_worker`): the lone-worker escalation check."""

from __future__ import annotations

from django_tasks import task


@task()
def check_escalations() -> dict:
    """Open, send and retry what is due now, then enqueue the next wake-up (attend.visits.escalation)."""
    from .escalation import process_due
    from .lone import moment

    report = process_due(moment())
    return {
        "opened": len(report.opened),
        "steps": len(report.steps),
        "sent": len(report.sent),
        "failed": len(report.failed),
    }
