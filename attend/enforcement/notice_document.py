"""The penalty notice as a document: the letters template `penalty_notice` (the school's, trust's, LA's or the
shipped default, attend.letters.library.resolve) rendered for the notice's parent to a PDF for first-class post.

A penalty notice is served by hand, left at the address or sent first class (2007 Regulations reg 20); it is never
emailed, texted or sent second class, so there is no other route here. The notice's own fields (`notice.*`, see
attend/letters/fields.py) come from the notice row, which never changes.
"""

from __future__ import annotations

from attend.letters import library
from attend.letters.context import MessageContext, Officer, address_lines, letterhead_for
from attend.letters.figures import enrolment_figures
from attend.letters.render import letter_html, pdf_bytes, render_parts
from attend.people.models import Enrolment

from .models import PenaltyNotice

TEMPLATE = "penalty_notice"


def _d(day) -> str:
    return f"{day.day} {day:%B %Y}"


def notice_fields(notice: PenaltyNotice) -> dict:
    issuer = notice.issued_by.get_full_name() or notice.issued_by.get_username()
    return {
        "number": notice.number,
        "issue_date": _d(notice.issue_date),
        "sessions": f"{notice.sessions} sessions",
        "period": f"from {_d(notice.period_start)} to {_d(notice.period_end)}",
        "amount_reduced": f"£{notice.amount_reduced:.2f}" if notice.amount_reduced is not None else "",
        "amount_full": f"£{notice.amount_full:.2f}",
        "issuer": f"{issuer} ({notice.get_issuer_capacity_display()})",
        "la_wording": notice.code.wording,
    }


def notice_pdf(notice: PenaltyNotice) -> bytes:
    """The notice, addressed to its parent, as a PDF (A4, letterhead, window-envelope address)."""
    enrolment = (
        Enrolment.objects.filter(pupil=notice.pupil, school=notice.school).order_by("-admission_date").first()
    )
    template, _ = library.resolve(TEMPLATE, notice.school)
    version = template.current
    head = letterhead_for(notice.school)
    context = MessageContext(
        pupil=notice.pupil,
        enrolment=enrolment,
        contact=notice.parent,
        figures=enrolment_figures(enrolment, notice.issue_date) if enrolment else None,
        as_of=notice.issue_date,
        officer=Officer.from_user(notice.issued_by, head),
        reference=notice.number,
    )
    merged = context.merge(head)
    merged["notice"] = notice_fields(notice)
    rendered = render_parts(version.subject, version.body, merged)
    html = letter_html(
        rendered,
        letterhead=head,
        address_lines=address_lines(notice.parent),
        date_text=_d(notice.issue_date),
        reference=notice.number,
    )
    return pdf_bytes(html)
