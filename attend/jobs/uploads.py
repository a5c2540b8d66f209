"""Receiving an import file, by the web upload or `POST /api/v1/imports/`: one limit, streamed to disk.

Two settings limit every upload: `ATTEND_UPLOAD_MAX_BYTES`, the file as sent (a compressed file counts compressed),
and `ATTEND_UPLOAD_MAX_EXPANDED_BYTES`, the file as the importer reads it. `UploadLimitHandler` (the first of
FILE_UPLOAD_HANDLERS) stops reading a request once its file passes the first; `store_upload` copies the file in
chunks to its own folder, decompressing as it goes, and stops at the second. A small file that expands to
gigabytes therefore costs at most the limit on disk and one chunk in memory.

Compressed files are those the importers' CSV reader (pyarrow) would otherwise decompress by itself, unchecked,
because of their name: .gz, .bz2, .lz4 and .zst. They are stored decompressed (`marks.csv.gz` as `marks.csv`), so
the importer reads plain CSV or XML and its problems name the plain file. Other archives (.zip, .xz, ...) are
refused with a clear message. Stored files are readable by their owner only (0600, in a 0700 folder).
"""

from __future__ import annotations

import bz2
import gzip
import os
import re
import zlib
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload

CHUNK = 1 << 20
# Multipart framing and the form's other fields, on top of the file itself.
FORM_OVERHEAD = 64 * 1024
# Suffix -> codec, for the suffixes pyarrow's CSV reader decompresses by name.
COMPRESSED = {".gz": "gzip", ".bz2": "bz2", ".lz4": "lz4", ".zst": "zstd"}
REFUSED_ARCHIVES = (".zip", ".xz", ".7z", ".rar", ".tar", ".tgz", ".br")
REFUSAL_ATTRIBUTE = "attend_upload_refused"
UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class UploadRefused(Exception):
    """The upload is refused before anything is imported; the message says why, in plain words."""

    def __init__(self, message: str, *, too_large: bool = False):
        super().__init__(message)
        self.too_large = too_large


def max_bytes() -> int:
    return settings.ATTEND_UPLOAD_MAX_BYTES


def max_expanded_bytes() -> int:
    return settings.ATTEND_UPLOAD_MAX_EXPANDED_BYTES


def size_text(n: int) -> str:
    mb = 1024 * 1024
    return f"{n // mb:,} MB" if n >= mb and n % mb == 0 else f"{n:,} bytes"


def too_large_message() -> str:
    return f"The file is larger than {size_text(max_bytes())}, the most Attend accepts in one upload."


class UploadLimitHandler(FileUploadHandler):
    """Stops reading a request's file once it passes ATTEND_UPLOAD_MAX_BYTES, so an oversized upload is never
    written to a temporary file in full. The form's other fields are kept; `upload_refusal(request)` says why the
    file is missing."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.request_too_large = content_length > max_bytes() + FORM_OVERHEAD
        return None

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0
        if getattr(self, "request_too_large", False):
            self._refuse()

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > max_bytes():
            self._refuse()
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler (memory or temporary file) holds the file

    def _refuse(self):
        if self.request is not None:
            setattr(self.request, REFUSAL_ATTRIBUTE, too_large_message())
        raise StopUpload(connection_reset=False)


def upload_limits_text() -> str:
    return (
        f"Files up to {size_text(max_bytes())}, or {size_text(max_expanded_bytes())} once decompressed if you send "
        "them compressed (.gz, .bz2, .lz4 or .zst)."
    )


def upload_refusal(request) -> str:
    """Why the request's file was not received (too large), or ""."""
    return getattr(request, REFUSAL_ATTRIBUTE, "")


def stored_name(name: str, default: str) -> tuple[str, str | None]:
    """(the plain file name to store, the codec to decompress with or None). Refuses archives it cannot check."""
    name = UNSAFE.sub("_", Path(name or "").name).strip("._")[:150] or default
    lowered = name.lower()
    if lowered.endswith(REFUSED_ARCHIVES):
        raise UploadRefused(f"{name}: {_accepted()}")
    suffix = next((s for s in COMPRESSED if lowered.endswith(s)), None)
    if suffix is None:
        return name, None
    plain = name[: -len(suffix)]
    if not plain.strip(".") or plain.lower().endswith(tuple(COMPRESSED) + REFUSED_ARCHIVES):
        raise UploadRefused(f"{name}: {_accepted()}")
    return plain, COMPRESSED[suffix]


def _accepted() -> str:
    return (
        "send a plain CSV or XML file, or one compressed once with gzip (.gz), bzip2 (.bz2), lz4 (.lz4) or "
        "zstandard (.zst)."
    )


def private_folder(folder: Path) -> Path:
    """Make `folder` (and missing parents) enterable by the owner only."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    return folder


def open_private(path: Path):
    """A new file at `path`, owner read/write only (0600), for writing bytes."""
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")


def store_upload(upload: UploadedFile, folder: Path, *, default_name: str) -> Path:
    """Copy `upload` into `folder` (created 0700) as a 0600 file, decompressed, within both limits.

    Returns the stored path. Raises UploadRefused (and leaves no file) if the file is too large as sent or once
    decompressed, is an archive that cannot be checked, or is not valid compressed data."""
    if upload.size is not None and upload.size > max_bytes():
        raise UploadRefused(too_large_message(), too_large=True)
    name, codec = stored_name(upload.name, default_name)
    path = private_folder(folder) / name
    try:
        with open_private(path) as out:
            _copy(_chunks(upload, codec), out, upload.name, " once decompressed" if codec else "")
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


def _copy(chunks, out, name: str, when: str) -> None:
    limit, written = max_expanded_bytes(), 0
    for chunk in chunks:
        written += len(chunk)
        if written > limit:
            raise UploadRefused(
                f"{Path(name).name} is larger than {size_text(limit)}{when}, the most Attend "
                "imports from one file. Nothing was imported.",
                too_large=True,
            )
        out.write(chunk)


def _chunks(upload: UploadedFile, codec: str | None):
    if codec is None:
        yield from upload.chunks(CHUNK)
        return
    upload.seek(0)
    stream = _decompressing(upload, codec)
    try:
        while chunk := stream.read(CHUNK):
            yield chunk
    except (OSError, EOFError, zlib.error, ValueError) as exc:
        # pyarrow's errors (ArrowInvalid, ArrowIOError) are ValueError and OSError subclasses.
        raise UploadRefused(
            f"{Path(upload.name).name} is not a valid {codec} file: it could not be decompressed."
        ) from exc
    finally:
        stream.close()


def _decompressing(upload: UploadedFile, codec: str):
    if codec == "gzip":
        return gzip.GzipFile(fileobj=upload, mode="rb")
    if codec == "bz2":
        return bz2.BZ2File(upload, mode="rb")
    import pyarrow as pa

    return pa.CompressedInputStream(pa.PythonFile(upload, mode="r"), codec)
