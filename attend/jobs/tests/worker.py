"""Run queued tasks in a test with django-tasks-db's own worker code.

`attend db_worker --batch` calls close_old_connections() around every task, which on PostgreSQL closes the
connection that holds a test's transaction. This drives the same Worker (claim, run, record the result) without
that, so tests run inside their transaction on SQLite and PostgreSQL alike. Browser tests (transactional) call the
command itself."""

from __future__ import annotations

from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult


def _worker() -> Worker:
    return Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )


def run_queued_tasks() -> int:
    """Run queued tasks, oldest first, until none is left (tasks queued by a task run too). Returns how many ran."""
    ran = 0
    while run_one_task() is not None:
        ran += 1
    return ran


def run_one_task() -> str | None:
    """Run the oldest queued task only; returns its task path (None if nothing was queued)."""
    worker = _worker()
    result = DBTaskResult.objects.ready().order_by("enqueued_at").first()
    if result is None:
        return None
    result.claim(worker.worker_id)
    worker.run_task(result)
    return result.task_path
