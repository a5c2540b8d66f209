"""HTML letter pages to PDF in a pool of separate processes (one per core by default), so composing a batch of
1,000 letters never holds the web app or the task worker's own process.

The workers only run WeasyPrint: they touch no database and import no Django. They are started with "spawn" (a
clean interpreter, nothing inherited from a parent that may hold database connections or threads)."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Executor, Future, ProcessPoolExecutor

CHUNK_HINT = 20  # letters per job: small enough for a smooth progress bar, large enough to keep workers busy


def render_pdfs(htmls: list[str]) -> list[bytes]:
    """In a worker: each HTML letter page to a tagged PDF (fonts embedded as subsets)."""
    from weasyprint import HTML

    return [HTML(string=h, base_url=None).write_pdf(pdf_tags=True) for h in htmls]


def default_workers() -> int:
    from django.conf import settings

    configured = getattr(settings, "ATTEND_LETTERS_PDF_WORKERS", None)
    return int(configured) if configured is not None else (os.cpu_count() or 1)


class InProcess(Executor):
    """`workers=0`: render in this process, one call at a time (for a machine with one core)."""

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller through the future
            future.set_exception(exc)
        return future


def pdf_pool(workers: int | None = None) -> Executor:
    workers = default_workers() if workers is None else workers
    if workers <= 0:
        return InProcess()
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
