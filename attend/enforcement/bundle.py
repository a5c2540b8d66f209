"""The court-ready evidence bundle for a prosecution: one PDF, indexed and page-numbered, built from the case data.

Contents, in order: index; summary in days and hours; for each school the child was registered at, the attendance
record in the form of an Education Act 1996 s566 certificate for the head (or the person in charge of alternative
provision) to sign, with the code key of the set in force on each date and the register's amendment history; the
chronology of contacts and support offered and declined; letters and notices with dates, method of service and
delivery status; contracts, notices to improve, penalty notices with payments, and orders; meeting records with
the family's responses; the schedule of unused material (CPIA 1996); the officer's witness statement drafted in
Criminal Justice Act 1967 s9 form; then the case's PDF documents, appended and listed in the index.

Page numbers in the index come from WeasyPrint's `target-counter`, so they are the pages the sections fall on. The
statement's own page count ("consisting of N pages") and the total with appended documents need a second pass:
the first rendering measures them."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone

from attend import audit

from . import bundle_data

STATEMENT_START = "statement-start"
STATEMENT_END = "statement-end"


@dataclass
class Appended:
    title: str
    exhibit: str
    pdf: bytes
    pages: int
    first_page: int = 0


@dataclass
class Built:
    pdf: bytes
    pages: int
    index: list[tuple[str, int]]  # (section title, first page) as printed in the index


def _appended(case) -> tuple[list[Appended], list[str]]:
    """The case's PDF documents (appended) and the others (listed as held separately)."""
    from pypdf import PdfReader

    from attend.casework.attachments import AttachmentDamaged, read_verified
    from attend.casework.models import Attachment

    appended, separate = [], []
    attachments = Attachment.objects.filter(entry__case=case, entry__restricted=False).order_by(
        "uploaded_at", "pk"
    )
    for n, attachment in enumerate(attachments, start=1):
        if attachment.content_type != "application/pdf":
            separate.append(f"{attachment.filename} ({attachment.content_type}): held separately")
            continue
        try:
            data = read_verified(attachment)
            pages = len(PdfReader(io.BytesIO(data)).pages)
        except (AttachmentDamaged, OSError, ValueError) as exc:
            separate.append(f"{attachment.filename}: could not be read ({exc})")
            continue
        appended.append(Appended(attachment.filename, f"D{n}", data, pages))
    return appended, separate


def _context(prosecution, *, officer, as_of: dt.date) -> dict:
    case, pupil, parent = prosecution.case, prosecution.pupil, prosecution.parent
    start, end = prosecution.period_start, prosecution.period_end
    redact = bundle_data.redactor_for(pupil, parent)
    relied, unused, restricted = bundle_data.chronology(case)
    sent = bundle_data.messages(pupil, until=as_of)
    steps = bundle_data.formal_steps(pupil)
    exhibits = [(f"L{n}", m) for n, m in enumerate(sent, start=1)]
    exhibits += [(f"N{n}", notice) for n, notice in enumerate(steps["notices"], start=1)]
    schools = bundle_data.school_records(pupil, start, end)
    total_unauthorised = sum(s.counts["unauthorised"] for s in schools)
    total_possible = sum(s.counts["possible"] for s in schools)
    return {
        "prosecution": prosecution,
        "case": case,
        "pupil": pupil,
        "parent": parent,
        "officer": officer,
        "officer_name": officer.get_full_name() or officer.username,
        "as_of": as_of,
        "start": start,
        "end": end,
        "schools": schools,
        "total_unauthorised": total_unauthorised,
        "total_possible": total_possible,
        "total_attended": sum(s.counts["attended"] for s in schools),
        "relied": [(e, redact(e.summary), redact(e.parent_words), redact(e.child_words)) for e in relied],
        "meetings": [
            (e, redact(e.summary), redact(e.parent_words), redact(e.child_words))
            for e in relied
            if e.kind in bundle_data.MEETING_KINDS
        ],
        "unused": unused,
        "restricted": restricted,
        "messages": [(ref, m, redact(m.subject)) for ref, m in exhibits if hasattr(m, "route")],
        "notice_exhibits": [(ref, n) for ref, n in exhibits if not hasattr(n, "route")],
        "steps": steps,
        "exhibit_refs": [ref for ref, _ in exhibits],
        "redactor": redact,
    }


def _render(context: dict) -> tuple:
    from weasyprint import HTML

    html = render_to_string("enforcement/bundle/bundle.html", context)
    return HTML(string=html, base_url=None).render()


def _page_of(document, anchor: str) -> int:
    for number, page in enumerate(document.pages, start=1):
        if anchor in page.anchors:
            return number
    raise ValueError(f"The bundle has no anchor {anchor!r}")


def _stamp(appended: list[Appended], total: int, reference: str) -> bytes | None:
    """The appended documents' pages, each stamped with its bundle page number."""
    if not appended:
        return None
    from pypdf import PdfReader, PdfWriter
    from weasyprint import HTML

    numbers = [a.first_page + i for a in appended for i in range(a.pages)]
    stamps_html = render_to_string(
        "enforcement/bundle/stamps.html", {"numbers": numbers, "total": total, "reference": reference}
    )
    stamps = PdfReader(io.BytesIO(HTML(string=stamps_html).write_pdf()))
    writer = PdfWriter()
    k = 0
    for a in appended:
        for page in PdfReader(io.BytesIO(a.pdf)).pages:
            writer.add_page(page).merge_page(stamps.pages[k])
            k += 1
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def build_bundle(prosecution, *, by, as_of: dt.date | None = None) -> Built:
    """The bundle for a prosecution as one PDF. Audited: it is criminal-offence data."""
    from pypdf import PdfReader, PdfWriter

    as_of = as_of or timezone.localdate()
    context = _context(prosecution, officer=by, as_of=as_of)
    appended, separate = _appended(prosecution.case)
    context.update(appended=appended, separate=separate, statement_pages="N", total_pages="")
    context["sections"] = context_sections(context)
    first = _render(context)
    # Second pass: the statement's page count and the appended documents' first pages are now known.
    statement_pages = _page_of(first, STATEMENT_END) - _page_of(first, STATEMENT_START) + 1
    main_pages = len(first.pages)
    page = main_pages + 1
    for a in appended:
        a.first_page = page
        page += a.pages
    total = page - 1
    context.update(statement_pages=statement_pages, total_pages=total)
    document = _render(context)
    if len(document.pages) != main_pages:  # the numbers changed the layout: measure once more
        main_pages = len(document.pages)
        page = main_pages + 1
        for a in appended:
            a.first_page = page
            page += a.pages
        total = page - 1
        context.update(total_pages=total)
        document = _render(context)
    index = [(title, _page_of(document, anchor)) for title, anchor in context_sections(context)]
    index += [(f"Document {a.exhibit}: {a.title}", a.first_page) for a in appended]
    main = document.write_pdf(pdf_tags=True)
    pdf = main
    stamped = _stamp(appended, total, prosecution.case.ref)
    if stamped:
        writer = PdfWriter()
        for source in (main, stamped):
            for p in PdfReader(io.BytesIO(source)).pages:
                writer.add_page(p)
        out = io.BytesIO()
        writer.write(out)
        pdf = out.getvalue()
    audit.record(
        "enforcement.bundle.built",
        by=by,
        obj=prosecution,
        pupil=prosecution.pupil,
        data={"pages": total, "case": prosecution.case.ref},
    )
    return Built(pdf=pdf, pages=total, index=index)


def context_sections(context: dict) -> list[tuple[str, str]]:
    """(title, anchor) of each section in the order printed; the template draws the index from the same list."""
    sections = [("Summary of attendance in days and hours", "summary")]
    for n, school in enumerate(context["schools"], start=1):
        sections.append((f"Certificate of attendance record: {school.school_name}", f"certificate-{n}"))
    sections += [
        ("Chronology of contacts and support", "chronology"),
        ("Letters and notices sent", "letters"),
        ("Contracts, notices to improve, penalty notices and orders", "formal"),
        ("Meeting records with the family's responses", "meetings"),
        ("Schedule of unused material", "unused"),
        ("Witness statement (Criminal Justice Act 1967 s9)", STATEMENT_START),
    ]
    return sections
