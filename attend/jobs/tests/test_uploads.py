"""The web upload: one size limit, compressed files decompressed with their expanded size checked as they are read,
files owner-only (0600) and deleted when the import has finished."""

from __future__ import annotations

import stat
import time
import tracemalloc
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from attend.jobs.models import Job
from attend.jobs.tests.compressed import SUFFIX, compress, gzip_bomb
from attend.people.models import Pupil
from attend.people.upn import make_upn

from .test_jobs import PUPIL_HEADER, pupils_csv, run_worker


def send(client, kind: str, name: str, data: bytes):
    return client.post(
        "/imports/new/",
        {"kind": kind, "file": SimpleUploadedFile(name, data, content_type="application/octet-stream")},
    )


def stored_files(root: Path) -> list[Path]:
    return sorted(p for p in (root / "uploads").rglob("*") if p.is_file())


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("codec", ["gzip", "bz2", "lz4", "zstd"])
def test_a_compressed_file_is_stored_decompressed_and_imported(client, place, settings, codec):
    client.force_login(place["officer"])
    upns = [make_upn("201", "2000", 26, n) for n in (1, 2)]
    text = pupils_csv(*[(u, place["school"].urn) for u in upns])
    response = send(client, "pupils", f"pupils.csv{SUFFIX[codec]}", compress(text.encode(), codec))
    job = Job.objects.get()
    assert response.status_code == 302 and job.title == "Import pupils from pupils.csv"
    [stored] = stored_files(settings.VAR_DIR)
    assert stored.name == "pupils.csv" and stored.read_text() == text  # the importer reads plain CSV
    run_worker()
    job.refresh_from_db()
    assert job.status == "done", job.summary
    assert set(Pupil.objects.values_list("upn", flat=True)) == set(upns)


def test_uploaded_files_are_owner_only_and_deleted_when_the_import_finishes(client, place, settings):
    client.force_login(place["officer"])
    good = pupils_csv((make_upn("201", "2000", 26, 3), place["school"].urn))
    send(client, "pupils", "pupils.csv", good.encode())
    send(
        client,
        "pupils",
        "broken.csv",
        (PUPIL_HEADER + "NOT-A-UPN,1,A,B,2015-01-01,F,4,2025-09-01\n").encode(),
    )
    files = stored_files(settings.VAR_DIR)
    assert [f.name for f in files] == ["pupils.csv", "broken.csv"]
    assert [mode(f) for f in files] == [0o600, 0o600]
    assert [mode(f.parent) for f in files] == [0o700, 0o700]

    run_worker()
    assert sorted(Job.objects.values_list("status", flat=True)) == ["done", "failed"]
    assert stored_files(settings.VAR_DIR) == []  # imported or refused, the file is gone
    assert list((settings.VAR_DIR / "uploads").iterdir()) == []


def test_a_gzip_bomb_is_refused_as_it_expands_with_little_memory(client, place, settings):
    settings.ATTEND_UPLOAD_MAX_EXPANDED_BYTES = 2 * 1024 * 1024
    client.force_login(place["officer"])
    row = f"{make_upn('201', '2000', 26, 4)},{place['school'].urn},Ada,Lovelace,2015-03-01,F,4,2025-09-01\n"
    bomb = gzip_bomb(PUPIL_HEADER, row, expanded_mb=64)
    assert len(bomb) < 400_000  # 64 MB once expanded

    tracemalloc.start()
    started = time.perf_counter()
    response = send(client, "pupils", "pupils.csv.gz", bomb)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    assert response.status_code == 200
    page = response.content.decode()
    assert "pupils.csv.gz is larger than 2 MB once decompressed" in page and "Nothing was imported" in page
    assert "There is a problem" in page  # the GOV.UK error summary
    assert not Job.objects.exists() and stored_files(settings.VAR_DIR) == []
    assert peak < 12 * 1024 * 1024, f"peak {peak:,} bytes"  # one chunk at a time, not 64 MB
    assert elapsed < 10, f"{elapsed:.1f} s"  # stops at 2 MB (well under a second unloaded)


# ~120 KB: refused while counting the file's chunks; ~360 KB: refused from the request's length, unread.
@pytest.mark.parametrize("rows", [2000, 6000])
def test_a_file_over_the_upload_limit_is_refused_before_it_is_stored(client, place, settings, rows):
    settings.ATTEND_UPLOAD_MAX_BYTES = 100_000
    client.force_login(place["officer"])
    big = pupils_csv(*[(make_upn("201", "2000", 27, n), place["school"].urn) for n in range(1, rows)])
    assert len(big) > 100_000
    response = send(client, "pupils", "pupils.csv", big.encode())
    assert response.status_code == 200
    page = response.content.decode()
    assert "The file is larger than 100,000 bytes, the most Attend accepts in one upload." in page
    assert "Choose a file to upload" not in page
    assert not Job.objects.exists() and stored_files(settings.VAR_DIR) == []
    # Just under the limit is accepted, and the page states the limits.
    small = pupils_csv((make_upn("201", "2000", 27, 1), place["school"].urn))
    assert send(client, "pupils", "pupils.csv", small.encode()).status_code == 302
    assert "Files up to 100,000 bytes" in client.get("/imports/new/").content.decode()


@pytest.mark.parametrize(
    "name, data, reason",
    [
        ("pupils.zip", b"PK\x03\x04 not checked", "send a plain CSV or XML file, or one compressed once"),
        ("pupils.csv.gz.gz", b"\x1f\x8b", "send a plain CSV or XML file, or one compressed once"),
        ("pupils.csv.gz", b"\x1f\x8b this is not gzip data", "pupils.csv.gz is not a valid gzip file"),
        ("pupils.csv.zst", b"not zstandard", "pupils.csv.zst is not a valid zstd file"),
    ],
)
def test_files_that_cannot_be_checked_are_refused_with_a_clear_message(client, place, settings, name, data,
                                                                       reason):  # fmt: skip
    client.force_login(place["officer"])
    response = send(client, "pupils", name, data)
    assert response.status_code == 200 and reason in response.content.decode()
    assert not Job.objects.exists() and stored_files(settings.VAR_DIR) == []
