"""Letters benchmark: 1,000 one-page concern letters composed through the batch path, against WeasyPrint alone.

    .venv/bin/python bench/letters.py [--letters 1000] [--workers 2]

Builds a throwaway SQLite database with one school and 1,000 pupils (60 school days of marks each), then times:
1. Attend: a batch of stage-1 concern letters prepared exactly as the background task prepares it
   (`attend.letters.prepare.batch_prepare`: figures for all pupils from the statistics layer, merge and HTML per
   letter in the task's process, PDFs rendered in a pool of `--workers` processes, letters written in bulk with
   their audit events);
2. WeasyPrint alone: the same 1,000 HTML pages (read back from the batch) to PDF in a pool of the same size.
Prints both times and their ratio (target: Attend < 60 s on 2 cores and within 1.5x of WeasyPrint alone), plus
the time to preview one letter (target < 500 ms). Exits 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
TMP = tempfile.mkdtemp(prefix="attend-letters-bench-")
os.environ["ATTEND_VAR_DIR"] = TMP
os.environ["DATABASE_URL"] = f"sqlite:///{TMP}/bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "attend.settings")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from attend.letters.batches import batch_create
    from attend.letters.compose import compose, liable_contacts
    from attend.letters.figures import attendance_figures
    from attend.letters.pdfpool import CHUNK_HINT, render_pdfs
    from attend.letters.prepare import batch_prepare
    from attend.letters.tests.factories import AS_OF, make_contact, make_pupil, make_school
    from attend.people.models import Enrolment, Pupil

    t = time.perf_counter()
    school = make_school()
    for i in range(args.letters):
        make_contact(f"Family{i}", pupil=make_pupil(school, absences=10 + i % 30, surname=f"Family{i}"))
    print(f"set-up: {args.letters} pupils with marks in {time.perf_counter() - t:.1f} s")
    enrolments = list(Enrolment.objects.select_related("school"))
    attendance_figures(enrolments[:1], AS_OF)  # build the statistics store once, outside the timings

    pupil = enrolments[0].pupil
    contact = liable_contacts(pupil)[0].contact

    def preview():
        return compose(
            template_name="concern_stage_1",
            pupil=pupil,
            contact=contact,
            route="print",
            as_of=AS_OF,
            with_pdf=False,
        )

    preview()
    t = time.perf_counter()
    preview()
    preview_seconds = time.perf_counter() - t

    pupils = list(Pupil.objects.order_by("pk"))
    # Warm both paths alike (fonts, the OS cache, WeasyPrint's first page) with a small batch outside the timings.
    warm = batch_create(
        template_name="concern_stage_1", pupils=pupils[:4], as_of=AS_OF, by=None, title="warm-up"
    )
    batch_prepare(warm.pk, workers=args.workers)
    t = time.perf_counter()
    attendance_figures(enrolments, AS_OF)
    figures_seconds = time.perf_counter() - t
    t = time.perf_counter()
    batch = batch_create(template_name="concern_stage_1", pupils=pupils, as_of=AS_OF, by=None, route="print")
    batch = batch_prepare(batch.pk, workers=args.workers)
    attend_seconds = time.perf_counter() - t
    assert (batch.status, batch.total, batch.problems) == ("review", args.letters, []), batch.problems
    pages = list(batch.messages.order_by("pk").values_list("body_html", flat=True))
    assert all(bytes(p).startswith(b"%PDF") for p in batch.messages.values_list("pdf", flat=True))

    t = time.perf_counter()
    chunks = [pages[i : i + CHUNK_HINT] for i in range(0, len(pages), CHUNK_HINT)]
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(args.workers, mp_context=spawn) as pool:
        sizes = [len(pdf) for done in pool.map(render_pdfs, chunks) for pdf in done]
    weasy_seconds = time.perf_counter() - t
    assert len(sizes) == len(pages) == args.letters

    ratio = attend_seconds / weasy_seconds
    print(f"load average before the timings: {os.getloadavg()[0]:.2f}; cores: {os.cpu_count()}")
    print(
        f"preview of one letter (figures, merge, HTML; no PDF): {preview_seconds * 1000:.0f} ms (target < 500 ms)"
    )
    print(
        f"Attend batch path: {args.letters} letters composed, PDFs rendered and written in {attend_seconds:.1f} s "
        f"with {args.workers} PDF workers (target < 60 s)"
    )
    print(f"  (the attendance figures for all {args.letters} pupils, timed alone: {figures_seconds:.1f} s)")
    print(f"WeasyPrint alone, same {len(pages)} HTML pages, same pool: {weasy_seconds:.1f} s")
    print(f"ratio Attend / WeasyPrint alone: {ratio:.2f} (target <= 1.5)")
    return 0 if attend_seconds < 60 and ratio <= 1.5 and preview_seconds < 0.5 else 1


if __name__ == "__main__":
    sys.exit(main())
