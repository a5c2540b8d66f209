"""Subject access includes the pupil's cases, every chronology entry (restricted notes and corrected entries too,
staff by role) and the documents, checked against their checksums."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from attend.casework.attachments import add_attachment, folder
from attend.casework.chronology import record_entry
from attend.casework.models import Attachment
from attend.casework.tests.caseapi_world import TODAY, at, make_caseworld
from attend.privacy.subject_access import subject_access_export

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"


@pytest.fixture
def w(db, settings, tmp_path, monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    settings.VAR_DIR = tmp_path
    w = make_caseworld()
    case = w["amy_case"]
    call = record_entry(case, kind="phone_call", summary="Rang mother", occurred_at=at(TODAY, 9), by=w["la_officer"],
                        outcome="no_answer", next_step="Try again", next_step_due=TODAY)  # fmt: skip
    record_entry(case, kind="phone_call", summary="Rang father, not mother", occurred_at=at(TODAY, 9),
                 by=w["la_officer"], corrects=call)  # fmt: skip
    record_entry(case, kind="safeguarding", summary="Disclosure passed to the DSL", occurred_at=at(TODAY, 11),
                 restricted=True, child_words="I don't want to go home")  # fmt: skip
    add_attachment(
        case, SimpleUploadedFile("gp letter.pdf", PDF), by=w["la_officer"], description="GP letter"
    )
    w["call"] = call
    return w


def read(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def table(files, name) -> list[dict]:
    return list(csv.DictReader(io.StringIO(files[name].decode("utf-8-sig"))))


def test_the_archive_holds_cases_chronology_and_documents(w):
    files = read(subject_access_export(pupil=w["amy"]).content)
    ref = w["amy_case"].ref
    assert [(r["case"], r["stage"], r["status"]) for r in table(files, "cases.csv")] == [
        (ref, "Listen and understand", "Open")
    ]
    entries = table(files, "chronology.csv")
    assert [(e["kind"], e["summary"], e["restricted"], e["corrects_entry"]) for e in entries] == [
        ("Telephone call", "Rang mother", "", ""),
        ("Telephone call", "Rang father, not mother", "", str(w["call"].pk)),
        ("Case opened, closed or reopened", "Case opened at the listen and understand stage", "", ""),
        ("Safeguarding", "Disclosure passed to the DSL", "yes", ""),
        ("Document added", "GP letter (gp letter.pdf)", "", ""),
    ]
    assert entries[0]["recorded_by"] == "staff member (LA attendance officer)"
    assert "la.officer" not in files["chronology.csv"].decode()
    attachment = Attachment.objects.get()
    assert files[f"documents/{ref}-{attachment.pk}-gp letter.pdf"] == PDF
    readme = files["README.txt"].decode()
    assert "chronology.csv    every entry on those cases, restricted notes included (5 rows)" in readme
    assert "documents/        the documents on those cases (1 files)" in readme


def test_a_changed_document_is_left_out_and_named(w):
    attachment = Attachment.objects.get()
    (folder() / attachment.stored_as).write_bytes(b"%PDF-1.4 tampered")
    files = read(subject_access_export(pupil=w["amy"]).content)
    assert not [n for n in files if n.startswith("documents/") and n != "documents/"]
    assert "gp letter.pdf: The stored file does not match the checksum" in files["README.txt"].decode()
