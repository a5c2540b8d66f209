"""Background work for letters (django-tasks; run by `attend db_worker`)."""

from __future__ import annotations

from django_tasks import task


@task()
def prepare_batch(batch_id: int) -> dict:
    """Compose a batch's letters in a process pool. A preparation killed mid-way resumes where it stopped when
    this is enqueued again (`attend letters resume`)."""
    from .prepare import batch_prepare

    batch = batch_prepare(batch_id)
    return {"letters": batch.total, "problems": len(batch.problems)}


@task()
def send_batch(batch_id: int) -> dict:
    """Send an approved batch. A batch killed mid-way is resumed by enqueueing this again."""
    from .batches import batch_send
    from .models import Batch

    return batch_send(Batch.objects.get(pk=batch_id))


@task()
def refresh_statuses() -> int:
    """Ask GOV.UK Notify for the latest status of messages still marked sent."""
    from .services import messages_refresh

    return messages_refresh()
