"""`attend letters templates` and `attend letters render`."""

from __future__ import annotations

import io
import re
import subprocess

import pytest
from django.core.management import CommandError, call_command

from .factories import make_contact, make_pupil, make_school

pytestmark = pytest.mark.django_db


def test_templates_lists_one_a_line_with_the_name_first():
    out = io.StringIO()
    call_command("letters", "templates", stdout=out)
    lines = out.getvalue().splitlines()
    names = [line.split("\t")[0] for line in lines]
    assert "concern_stage_1" in names and "first_day_absence_sms" in names and "penalty_notice" in names
    assert any(
        line.startswith("concern_stage_1\tletter\tpl\t") and "translation to be checked" in line
        for line in lines
    )


def test_render_writes_the_pdf_for_the_first_contact_with_parental_responsibility(tmp_path):
    school = make_school()
    pupil = make_pupil(school, absences=10, days=40)
    make_contact("Brown", title="Mr", forename="Tom", pr=False, pupil=pupil, priority=1)
    make_contact("Kowalska", pupil=pupil, priority=2)
    out_file = tmp_path / "letter.pdf"
    out = io.StringIO()
    call_command(
        "letters",
        "render",
        "concern_stage_1",
        "--upn",
        pupil.upn,
        "--as-of",
        "2026-11-25",
        "--out",
        str(out_file),
        stdout=out,
    )
    text = subprocess.run(
        ["pdftotext", str(out_file), "-"], capture_output=True, text=True, check=True
    ).stdout
    text = re.sub(r"\s+", " ", text)
    assert "Dear Mrs Kowalska" in text
    assert (
        "Amelia has missed 5 days of school since 1 September. That is about 32.5 hours of learning." in text
    )
    assert "Wrote" in out.getvalue()


def test_render_refuses_unknown_names_and_dates_with_a_reason(tmp_path):
    school = make_school()
    pupil = make_pupil(school, absences=0, days=5)
    with pytest.raises(CommandError, match="No template called 'nope'"):
        call_command("letters", "render", "nope", "--upn", pupil.upn, "--out", str(tmp_path / "x.pdf"))
    with pytest.raises(CommandError, match="--as-of must be a date"):
        call_command(
            "letters",
            "render",
            "concern_stage_1",
            "--upn",
            pupil.upn,
            "--as-of",
            "25/11/2026",
            "--out",
            str(tmp_path / "x.pdf"),
        )
    with pytest.raises(CommandError, match="not a letter"):
        call_command(
            "letters", "render", "first_day_absence_sms", "--upn", pupil.upn, "--out", str(tmp_path / "x.pdf")
        )
