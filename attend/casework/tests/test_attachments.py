"""Documents on a case: type from the content (a renamed program is refused), size limit, stored 0600 under
VAR_DIR/attachments/ with a checksum checked on every (audited, in-scope) download."""

from __future__ import annotations

import hashlib
import io
import stat
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from attend.audit.models import AuditEvent
from attend.casework.attachments import detect_type, folder
from attend.casework.models import Attachment, ChronologyEntry

from .caseapi_world import TODAY, make_caseworld

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 200
    + b"This program cannot be run"
)
WORD_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'wordprocessingml.document.main+xml"/></Types>'
)


def zipped(members: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


DOCX = zipped({"[Content_Types].xml": WORD_TYPES, "word/document.xml": "<w:document/>"})


@pytest.fixture
def w(db, monkeypatch, settings, tmp_path):
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    settings.VAR_DIR = tmp_path
    return make_caseworld()


def upload(client, user, ref, name, content, description="GP letter about asthma"):
    client.force_login(user)
    return client.post(
        f"/cases/{ref}/attach/", {"description": description, "file": SimpleUploadedFile(name, content)}
    )


def test_a_pdf_is_stored_privately_with_its_checksum_and_put_on_the_chronology(client, w):
    response = upload(client, w["la_officer"], w["amy_case"].ref, "gp letter.pdf", PDF)
    assert response.status_code == 302 and response["Location"] == f"/cases/{w['amy_case'].ref}/"
    attachment = Attachment.objects.get()
    assert (attachment.filename, attachment.content_type, attachment.size) == (
        "gp letter.pdf",
        "application/pdf",
        len(PDF),
    )
    assert attachment.sha256 == hashlib.sha256(PDF).hexdigest()
    stored = folder() / attachment.stored_as
    assert stored.read_bytes() == PDF and "gp" not in attachment.stored_as
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    entry = attachment.entry
    assert (entry.kind, entry.summary, entry.recorded_by) == (
        "attachment", "GP letter about asthma (gp letter.pdf)", w["la_officer"],
    )  # fmt: skip
    assert AuditEvent.objects.filter(action="casework.attachment.added").count() == 1


@pytest.mark.parametrize(
    "name, content, kind",
    [
        ("minutes.docx", DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("photo.jpeg", b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x00" * 50, "image/jpeg"),
        ("scan.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "image/png"),
        ("notes.odt", zipped({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<x/>"}),
         "application/vnd.oasis.opendocument.text"),
        ("named-wrongly.txt", PDF, "application/pdf"),  # the content decides, not the name
    ],
)  # fmt: skip
def test_office_files_and_images_are_recognised_from_their_content(client, w, name, content, kind):
    assert upload(client, w["la_officer"], w["amy_case"].ref, name, content).status_code == 302
    assert Attachment.objects.get().content_type == kind


@pytest.mark.parametrize(
    "name, content",
    [
        ("report.pdf", EXE),  # a renamed program
        ("report.docx", zipped({"setup.exe": EXE})),  # a zip that is not an Office document
        ("macro.docx", zipped({"[Content_Types].xml": WORD_TYPES.replace("document.main", "document.macroEnabled.main")})),
        ("notes.txt", b"just some text"),
    ],
)  # fmt: skip
def test_a_file_of_another_type_is_refused_with_the_reason(client, w, name, content):
    response = upload(client, w["la_officer"], w["amy_case"].ref, name, content)
    page = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in page
    assert (
        f"{name} is not a PDF, an image (PNG, JPEG, GIF), or a Word, Excel, PowerPoint or OpenDocument"
        in page
    )
    assert "checked from its content, not its name" in page
    assert not Attachment.objects.exists() and list(folder().iterdir()) == []
    assert not ChronologyEntry.objects.filter(kind="attachment").exists()


def test_a_file_over_the_size_limit_is_refused(client, w, settings):
    settings.ATTEND_ATTACHMENT_MAX_MB = 1
    big = PDF + b"0" * (1024 * 1024)
    response = upload(client, w["la_officer"], w["amy_case"].ref, "big.pdf", big)
    assert "The file is larger than 1 MB, the most a case document may be" in response.content.decode()
    assert not Attachment.objects.exists() and list(folder().iterdir()) == []


def test_download_is_scoped_audited_and_checked(client, w):
    ref = w["amy_case"].ref
    upload(client, w["la_officer"], ref, "gp letter.pdf", PDF)
    attachment = Attachment.objects.get()
    url = f"/cases/{ref}/attachments/{attachment.pk}/"
    client.force_login(w["cedar_officer"])
    assert client.get(url).status_code == 404
    assert client.get(f"/cases/{w['kit_case'].ref}/attachments/{attachment.pk}/").status_code == 404
    client.force_login(w["alder_officer"])
    response = client.get(url)
    assert response.status_code == 200 and response.content == PDF
    assert response["Content-Disposition"] == 'attachment; filename="gp letter.pdf"'
    assert response["Content-Type"] == "application/pdf"
    event = AuditEvent.objects.get(action="casework.attachment.downloaded")
    assert event.data == {"case": ref, "filename": "gp letter.pdf"}
    # Changed on disk: refused with a clear message, and the attempt recorded.
    (folder() / attachment.stored_as).write_bytes(PDF.replace(b"Catalog", b"Catalot"))
    response = client.get(url)
    assert response.status_code == 409
    page = response.content.decode()
    assert "The document cannot be opened" in page
    assert "does not match the checksum taken when it was added" in page
    assert AuditEvent.objects.filter(action="casework.attachment.damaged").count() == 1


def test_only_writers_in_scope_may_upload(client, w):
    assert upload(client, w["cedar_officer"], w["amy_case"].ref, "x.pdf", PDF).status_code == 404
    assert not Attachment.objects.exists()


def test_legacy_word_is_recognised_by_its_stream_name(tmp_path):
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500 + "WordDocument".encode("utf-16-le"))
    assert detect_type(path) == "application/msword"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500)
    assert detect_type(path) is None
