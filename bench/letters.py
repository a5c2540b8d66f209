"""Letters benchmark: 1,000 one-page concern letters rendered to PDF, against WeasyPrint alone on the same HTML.

    .venv/bin/python bench/letters.py [--letters 1000] [--workers 2]

Builds a throwaway SQLite database with one school and 1,000 pupils (60 school days of marks each), then times:
1. Attend: figures for all pupils from the statistics layer (one query per period), merge, HTML and PDF for each
   letter (attend.letters.compose), in a pool of worker processes;
2. WeasyPrint alone: the same 1,000 HTML pages to PDF in the same pool.
Prints both times and their ratio (target: Attend < 60 s on 2 cores and within 1.5x of WeasyPrint alone), plus
the time to preview one letter (target < 500 ms).
"""

from __future__ import annotations

import argparse
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


def _setup_django():
    import django

    django.setup()


def _weasy(html: str) -> int:
    from weasyprint import HTML

    return len(HTML(string=html).write_pdf(pdf_tags=True))


def _render_chunk(args) -> list[str]:
    """In a worker: compose letters (figures given) and render PDFs; returns the HTML pages for the baseline."""
    _setup_django()
    from attend.letters.compose import compose, liable_contacts
    from attend.letters.tests.factories import AS_OF
    from attend.people.models import Pupil

    pupil_ids, figures = args
    pages = []
    for pupil in Pupil.objects.filter(pk__in=pupil_ids).order_by("pk"):
        contact = liable_contacts(pupil)[0].contact
        e = pupil.enrolments.first()
        draft = compose(
            template_name="concern_stage_1",
            pupil=pupil,
            contact=contact,
            route="print",
            as_of=AS_OF,
            figures=figures[e.pk],
        )
        assert draft.pdf.startswith(b"%PDF")
        pages.append(draft.html)
    return pages


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    _setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from attend.letters.figures import attendance_figures
    from attend.letters.tests.factories import AS_OF, make_contact, make_pupil, make_school
    from attend.people.models import Enrolment

    t = time.perf_counter()
    school = make_school()
    for i in range(args.letters):
        make_contact(f"Family{i}", pupil=make_pupil(school, absences=10 + i % 30, surname=f"Family{i}"))
    print(f"set-up: {args.letters} pupils with marks in {time.perf_counter() - t:.1f} s")
    enrolments = list(Enrolment.objects.select_related("school"))
    attendance_figures(enrolments[:1], AS_OF)  # build the statistics store once, outside the timings

    from attend.letters.compose import compose, liable_contacts

    pupil = enrolments[0].pupil
    compose(
        template_name="concern_stage_1",
        pupil=pupil,
        contact=liable_contacts(pupil)[0].contact,
        route="print",
        as_of=AS_OF,
        with_pdf=False,
    )
    t = time.perf_counter()
    compose(
        template_name="concern_stage_1",
        pupil=pupil,
        contact=liable_contacts(pupil)[0].contact,
        route="print",
        as_of=AS_OF,
        with_pdf=False,
    )
    preview = time.perf_counter() - t

    t = time.perf_counter()
    figures = attendance_figures(enrolments, AS_OF)
    ids = [e.pupil_id for e in enrolments]
    chunks = [ids[i :: args.workers * 4] for i in range(args.workers * 4)]
    with ProcessPoolExecutor(args.workers) as pool:
        pages = [p for chunk in pool.map(_render_chunk, [(c, figures) for c in chunks]) for p in chunk]
    attend_seconds = time.perf_counter() - t

    t = time.perf_counter()
    with ProcessPoolExecutor(args.workers) as pool:
        sizes = list(pool.map(_weasy, pages, chunksize=25))
    weasy_seconds = time.perf_counter() - t
    assert len(sizes) == len(pages) == args.letters

    ratio = attend_seconds / weasy_seconds
    print(f"preview of one letter (figures, merge, HTML; no PDF): {preview * 1000:.0f} ms (target < 500 ms)")
    print(
        f"Attend: {args.letters} letters to PDF in {attend_seconds:.1f} s on {args.workers} workers (target < 60 s)"
    )
    print(f"WeasyPrint alone, same {len(pages)} HTML pages: {weasy_seconds:.1f} s")
    print(f"ratio Attend / WeasyPrint alone: {ratio:.2f} (target <= 1.5)")
    return 0 if attend_seconds < 60 and ratio <= 1.5 and preview < 0.5 else 1


if __name__ == "__main__":
    sys.exit(main())
