"""Documents on a case: type checked from the content (never the name), size limited, stored outside the database
under VAR_DIR/attachments/ (0600, a random name) with a SHA-256 that is checked again on every read.

Accepted: PDF, PNG, JPEG, GIF, Word/Excel/PowerPoint (DOCX, XLSX, PPTX), OpenDocument text (ODT) and legacy Word
and Excel (DOC, XLS). Office files are zip (or OLE2) containers: the zip's `[Content_Types].xml` (or ODT's
`mimetype`) must name a document of one of those kinds, so a renamed program, a macro-enabled file or any other
archive is refused. Size: `ATTEND_ATTACHMENT_MAX_MB` (default 20).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import zipfile
from pathlib import Path

from django.conf import settings
from django.db import transaction

from attend import audit

from .chronology import record_entry
from .models import Attachment, Case, EntryKind

CHUNK = 1024 * 1024
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAGIC = [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
]
# The main part's content type in [Content_Types].xml → the document's type. Macro-enabled files are not here.
OOXML = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    ),
}
ODT = "application/vnd.oasis.opendocument.text"
MACROS = b"macroEnabled"
# Names of the streams in a legacy Word or Excel file, as they appear (UTF-16LE) in its directory.
OLE_STREAMS = [
    ("WordDocument".encode("utf-16-le"), "application/msword"),
    ("Workbook".encode("utf-16-le"), "application/vnd.ms-excel"),
    ("Book".encode("utf-16-le"), "application/vnd.ms-excel"),
]
ACCEPTED_TEXT = "a PDF, an image (PNG, JPEG, GIF), or a Word, Excel, PowerPoint or OpenDocument text file"


class AttachmentRefused(ValueError):
    """The file cannot be added; the message says why, for the person who tried."""


class AttachmentDamaged(Exception):
    """The stored file no longer matches its checksum (changed or damaged on disk)."""


def max_bytes() -> int:
    return int(getattr(settings, "ATTEND_ATTACHMENT_MAX_MB", 20)) * 1024 * 1024


def folder() -> Path:
    path = Path(settings.VAR_DIR) / "attachments"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _zip_type(path: Path) -> str | None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" in names:
                info = archive.getinfo("[Content_Types].xml")
                if info.file_size > CHUNK:
                    return None
                types = archive.read(info)
                if MACROS.lower() in types.lower():
                    return None
                found = [doc for main, doc in OOXML.items() if main.encode() in types]
                return found[0] if len(found) == 1 else None
            if "mimetype" in names and archive.getinfo("mimetype").file_size < 100:
                return ODT if archive.read("mimetype").strip() == ODT.encode() else None
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError):
        return None
    return None


def _ole_type(path: Path) -> str | None:
    with path.open("rb") as f:
        head = f.read(4 * CHUNK)  # the directory of a small legacy file is near the start
    if "_VBA_PROJECT".encode("utf-16-le") in head:  # a legacy file with macros
        return None
    for name, content_type in OLE_STREAMS:
        if name in head:
            return content_type
    return None


def detect_type(path: Path) -> str | None:
    """The file's content type from its bytes, or None if it is not a document Attend accepts."""
    with path.open("rb") as f:
        head = f.read(16)
    for magic, content_type in MAGIC:
        if head.startswith(magic):
            return content_type
    if head.startswith(b"PK\x03\x04"):
        return _zip_type(path)
    if head.startswith(OLE2):
        return _ole_type(path)
    return None


def _receive(upload, target: Path) -> str:
    """Write the upload to `target` (0600), refusing it past the size limit; returns its SHA-256."""
    digest, size, limit = hashlib.sha256(), 0, max_bytes()
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        for chunk in upload.chunks(CHUNK):
            size += len(chunk)
            if size > limit:
                raise AttachmentRefused(
                    f"The file is larger than {limit // (1024 * 1024)} MB, the most a case document may be"
                )
            digest.update(chunk)
            out.write(chunk)
    if size == 0:
        raise AttachmentRefused("The file is empty")
    return digest.hexdigest()


def safe_filename(name: str) -> str:
    base = Path(name or "").name.replace("\x00", "")
    cleaned = "".join(c if c.isalnum() or c in " ._-()" else "_" for c in base).strip(" .")
    return cleaned[:150] or "document"


def add_attachment(case: Case, upload, *, by, description: str, request=None) -> Attachment:
    """Check and store an uploaded document, and put it on the case's chronology (an "attachment" entry with the
    Attachment row). Refuses (AttachmentRefused) a file over the size limit or of a type not accepted. The caller
    has checked the user may write to the case."""
    if not (description or "").strip():
        raise AttachmentRefused("Say what the document is")
    if upload is not None and upload.size is not None and upload.size > max_bytes():
        raise AttachmentRefused(
            f"The file is larger than {max_bytes() // (1024 * 1024)} MB, the most a case document may be"
        )
    stored_as = secrets.token_hex(16)
    target = folder() / stored_as
    try:
        sha256 = _receive(upload, target)
        content_type = detect_type(target)
        if content_type is None:
            raise AttachmentRefused(
                f"{safe_filename(upload.name)} is not {ACCEPTED_TEXT} (checked from its content, not its name)"
            )
        with transaction.atomic():
            entry = record_entry(
                case,
                kind=EntryKind.ATTACHMENT,
                summary=f"{description.strip()} ({safe_filename(upload.name)})",
                by=by,
                request=request,
            )
            attachment = Attachment.objects.create(
                entry=entry,
                filename=safe_filename(upload.name),
                content_type=content_type,
                size=target.stat().st_size,
                sha256=sha256,
                stored_as=stored_as,
                uploaded_by=by if getattr(by, "pk", None) else None,
            )
            audit.record(
                "casework.attachment.added",
                by=by,
                obj=attachment,
                pupil=case.pupil,
                school=case.school,
                data={"case": case.ref, "filename": attachment.filename, "type": content_type},
                request=request,
            )
        return attachment
    except BaseException:
        target.unlink(missing_ok=True)
        raise


def path_of(attachment: Attachment) -> Path:
    return folder() / Path(attachment.stored_as).name


def read_verified(attachment: Attachment) -> bytes:
    """The document's bytes, after checking them against the SHA-256 taken when it was added."""
    try:
        data = path_of(attachment).read_bytes()
    except FileNotFoundError:
        raise AttachmentDamaged("The stored file is missing") from None
    if hashlib.sha256(data).hexdigest() != attachment.sha256:
        raise AttachmentDamaged("The stored file does not match the checksum taken when it was added")
    return data
