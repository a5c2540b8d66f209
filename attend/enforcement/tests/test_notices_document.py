"""The penalty notice as a PDF from the letters template (read back with pdftotext): the notice's number, the
parent, the offence, the amounts and windows; a second notice has no reduced amount. The download is audited."""

import subprocess

import pytest

from attend.audit.models import AuditEvent
from attend.enforcement import notices
from attend.enforcement.notice_document import notice_pdf
from attend.letters.models import LetterTemplate

from .notices_world import D, make_world, past_notice, ten_sessions

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", "2025-11-19")


def text_of(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "notice.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(out.split())


def test_the_shipped_template_is_no_longer_a_placeholder():
    template = LetterTemplate.objects.get(owner_key="default", name="penalty_notice", language="en")
    assert not template.placeholder and template.formal
    assert "section 444A" in template.current.body


def test_the_notice_pdf(tmp_path):
    w = make_world()
    ten_sessions(w)
    notice = notices.issue_notice(pupil=w.pupil, parent=w.mother, issue_date=D(2025, 11, 19), by=w.officer)
    text = text_of(notice_pdf(notice), tmp_path)
    assert "Penalty notice PN-2025-000001" in text
    assert "Mia Fakeperson" in text and "1 Pretend Street" in text
    assert "without authorisation for 10 sessions from 10 November 2025 to 14 November 2025" in text
    assert "£80.00 if paid within 21 days of receiving this notice, or £160.00 if paid within 28 days" in text
    assert "section 444(1) of the Education Act 1996" in text
    assert "Issued by la.officer (LA officer authorised by the LA)." in text


def test_a_second_notice_says_there_is_no_reduction_and_the_download_is_audited(tmp_path, client):
    w = make_world()
    ten_sessions(w)
    past_notice(w, w.father, D(2025, 1, 6), number="PN-2025-000900")
    notice = notices.issue_notice(pupil=w.pupil, parent=w.father, issue_date=D(2025, 11, 19), by=w.officer)
    client.force_login(w.officer)
    response = client.get(f"/enforcement/notices/{notice.number}/notice.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = text_of(response.content, tmp_path)
    assert "£160.00 if paid within 28 days of receiving this notice. This is a second notice" in text
    assert "£80.00" not in text
    assert AuditEvent.objects.filter(action="enforcement.notice.viewed", data__via="notice PDF").count() == 1
