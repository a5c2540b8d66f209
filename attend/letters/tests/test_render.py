"""Every shipped template rendered for a pupil: PDFs checked as PDFs (pdftotext, pdfinfo, pdffonts)."""

from __future__ import annotations

import re
import subprocess
from decimal import ROUND_HALF_UP, Decimal

import pytest

from attend.letters.compose import compose
from attend.letters.context import Meeting
from attend.letters.models import LetterTemplate, Message
from attend.stats import queries

from .factories import AS_OF, make_contact, make_pupil, make_school

pytestmark = pytest.mark.django_db


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    return re.sub(r"\s+", " ", out.stdout)


def pdf_pages(pdf: bytes, tmp_path) -> int:
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


def pdf_fonts(pdf: bytes, tmp_path) -> list[list[str]]:
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in out.splitlines()[2:] if line.strip()]


@pytest.fixture
def family():
    school = make_school()
    pupil = make_pupil(school, absences=25, days=60)
    mother = make_contact(pupil=pupil)
    return school, pupil, mother


def stats_words(pupil, school):
    """Days and hours for the pupil straight from the statistics layer, rounded as letters say them."""
    start, end = queries.year_to_date(AS_OF)
    row = (
        queries.enrolment_measures(start, end, schools=[school], cohort="all").set_index("upn").loc[pupil.upn]
    )
    days = Decimal(str(row["days_missed"]))
    hours = (Decimal(str(row["hours_missed"])) * 2).quantize(Decimal("1"), rounding=ROUND_HALF_UP) / 2
    fmt = lambda v: f"{v:.1f}".removesuffix(".0")  # noqa: E731
    return f"{fmt(days)} days", f"about {fmt(hours)} hours"


def test_a_concern_letter_states_days_and_hours_equal_to_the_statistics(family, tmp_path):
    school, pupil, mother = family
    draft = compose(
        template_name="concern_stage_1", pupil=pupil, contact=mother, route=Message.Route.POST, as_of=AS_OF
    )
    text = pdf_text(draft.pdf, tmp_path)
    days, hours = stats_words(pupil, school)
    assert (days, hours) == ("12.5 days", "about 81.5 hours")
    assert f"Amelia has missed {days} of school since 1 September. That is {hours} of learning." in text
    assert "Dear Mrs Kowalska" in text
    assert "Mrs Anna Kowalska 12 Elm Road Northtown NT2 3BB" in text  # the window-envelope address block
    assert "Northfield Primary School" in text and "01632 960001" in text  # letterhead
    assert "Page 1 of 1" in text
    assert pdf_pages(draft.pdf, tmp_path) == 1
    fonts = pdf_fonts(draft.pdf, tmp_path)
    assert fonts and all(row[-5] == "yes" for row in fonts), fonts  # the "emb" column
    assert "%" not in text  # time missed, not a bare percentage


def test_every_shipped_template_renders_for_a_pupil(family, tmp_path):
    school, pupil, mother = family
    days, hours = stats_words(pupil, school)
    meeting = Meeting(
        kind="telephone call",
        date=AS_OF,
        time="10:00am",
        length="about 30 minutes",
        how_to_join="We will call you on 07700 900123.",
        agenda="How Amelia is getting on.",
    )
    for t in LetterTemplate.objects.filter(owner_key="default", language="en"):
        route = {"letter": "post", "email": "email", "sms": "sms"}[t.channel]
        draft = compose(
            template_name=t.name, pupil=pupil, contact=mother, route=route, as_of=AS_OF, meeting=meeting
        )
        if t.channel == "letter":
            text = pdf_text(draft.pdf, tmp_path)
            assert pdf_pages(draft.pdf, tmp_path) <= 2, t.name
            assert "{{" not in text and "Amelia" in text, t.name
            if "attendance.days_missed" in t.current.body:
                assert days in text and hours in text, t.name
        else:
            assert "Amelia" in draft.rendered.text and "{{" not in draft.rendered.text
    sms = compose(
        template_name="first_day_absence_sms", pupil=pupil, contact=mother, route="sms", as_of=AS_OF
    )
    assert sms.rendered.text == (
        "Northfield Primary School: Amelia is not in school today and we have not heard why. "
        "Please call us on 01632 960001 today."
    )
    assert sms.sms.fragments == 1


def test_the_polish_variant_is_chosen_for_a_polish_speaking_contact(family, tmp_path):
    school, pupil, mother = family
    mother.preferred_language = "Polish"
    mother.save()
    draft = compose(template_name="concern_stage_1", pupil=pupil, contact=mother, route="post", as_of=AS_OF)
    text = pdf_text(draft.pdf, tmp_path)
    assert draft.language == "pl" and not draft.interpreter_needed
    assert "Szanowni Państwo" in text and "12.5 days" in text
    assert "to be checked by a qualified translator" in text
    other = compose(template_name="concern_stage_2", pupil=pupil, contact=mother, route="post", as_of=AS_OF)
    assert other.language == "en" and other.interpreter_needed


def test_an_html_email_comes_from_the_same_letter_template(family):
    school, pupil, mother = family
    draft = compose(template_name="concern_stage_1", pupil=pupil, contact=mother, route="email", as_of=AS_OF)
    assert draft.pdf is None
    assert "<p>Amelia has missed 12.5 days of school since 1 September." in draft.html
    assert draft.rendered.subject == "Amelia's attendance at school"


def test_merge_values_are_escaped_in_html(family):
    school, pupil, mother = family
    pupil.preferred_forename = "<b>Amy</b>"
    pupil.save()
    draft = compose(template_name="concern_stage_1", pupil=pupil, contact=mother, route="email", as_of=AS_OF)
    assert "<b>Amy</b>" not in draft.html and "&lt;b&gt;Amy&lt;/b&gt;" in draft.html


def test_a_contact_with_no_mobile_gets_a_clear_reason(family):
    from attend.letters.compose import NoAddress

    school, pupil, mother = family
    mother.phone_mobile = ""
    mother.save()
    with pytest.raises(NoAddress, match="Mrs Anna Kowalska has no mobile number on record"):
        compose(template_name="first_day_absence_sms", pupil=pupil, contact=mother, route="sms", as_of=AS_OF)
