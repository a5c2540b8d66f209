"""Rendering one template three ways: SMS/plain text, HTML (email and letter body), and a PDF letter.

Bodies are plain text with three conventions admins can type without HTML: a blank line starts a paragraph, a
line starting "- " is a bullet, a line starting "## " is a heading. Merge values are escaped before the HTML is
built, so a name like "O'Brien <script>" prints as text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from django.template import Context
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from .fields import ENGINE, TEXT_ENGINE


@lru_cache(maxsize=256)
def _compiled(text: str, html: bool):
    return (ENGINE if html else TEXT_ENGINE).from_string(text)


def render_text(body: str, context: dict) -> str:
    """Plain text (SMS, the text part of an email): no HTML escaping; blank lines collapsed to one."""
    text = _compiled(body, False).render(Context(context, autoescape=False))
    text = "\n".join(line.rstrip() for line in text.strip().splitlines())
    return re.sub(r"\n{3,}", "\n\n", text)


def _blocks_to_html(escaped: str) -> str:
    html = []
    for block in re.split(r"\n\s*\n", escaped.strip()):
        lines = [ln.strip() for ln in block.strip().splitlines() if ln.strip()]
        if not lines:
            continue
        if all(ln.startswith("- ") for ln in lines):
            items = "".join(f"<li>{ln[2:]}</li>" for ln in lines)
            html.append(f"<ul>{items}</ul>")
        elif lines[0].startswith("## "):
            html.append(f"<h2>{lines[0][3:]}</h2>")
            if lines[1:]:
                html.append(f"<p>{'<br>'.join(lines[1:])}</p>")
        else:
            html.append(f"<p>{'<br>'.join(lines)}</p>")
    return "\n".join(html)


def render_html(body: str, context: dict) -> str:
    """The body as HTML paragraphs, lists and headings (merge values escaped by the template engine)."""
    return mark_safe(_blocks_to_html(_compiled(body, True).render(Context(context, autoescape=True))))


def render_subject(subject: str, context: dict) -> str:
    return render_text(subject, context).replace("\n", " ")


@dataclass
class Rendered:
    subject: str
    text: str
    html: str


def render_parts(subject: str, body: str, context: dict) -> Rendered:
    return Rendered(render_subject(subject, context), render_text(body, context), render_html(body, context))


def letter_html(
    rendered: Rendered,
    *,
    letterhead: dict,
    address_lines: list[str],
    date_text: str,
    reference: str,
    large_print: bool = False,
    offer_phone_call: bool = False,
    translation_note: str = "",
) -> str:
    """The whole letter page as HTML for WeasyPrint (A4, letterhead, window-envelope address, page numbers)."""
    return render_to_string(
        "letters/pdf/letter.html",
        {
            "subject": rendered.subject,
            "body": mark_safe(rendered.html),
            "letterhead": letterhead,
            "logo": mark_safe(letterhead.get("logo_svg", "")),
            "address_lines": address_lines,
            "date_text": date_text,
            "reference": reference,
            "large_print": large_print,
            "offer_phone_call": offer_phone_call,
            "translation_note": translation_note,
        },
    )


def email_html(rendered: Rendered, *, letterhead: dict) -> str:
    return render_to_string(
        "letters/email.html", {"r": rendered, "body": mark_safe(rendered.html), "letterhead": letterhead}
    )


def pdf_bytes(html: str) -> bytes:
    """One HTML letter to PDF (fonts are embedded as subsets by WeasyPrint; tagged for screen readers)."""
    from weasyprint import HTML

    return HTML(string=html, base_url=None).write_pdf(pdf_tags=True)


def pdf_many(htmls: list[str]) -> bytes:
    """Many letters as one print file: each rendered on its own, pages joined in order."""
    from weasyprint import HTML

    documents = [HTML(string=h).render() for h in htmls]
    pages = [page for doc in documents for page in doc.pages]
    return documents[0].copy(pages).write_pdf(pdf_tags=True) if documents else b""
