"""POST /api/v1/imports/ shares the web upload's limits: compressed files are decompressed with their expanded size
checked as they are read; oversized files answer 413 JSON and nothing is imported."""

from __future__ import annotations

import time
import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from attend.jobs.tests.compressed import SUFFIX, compress, gzip_bomb
from attend.people.models import Pupil
from attend.registers.models import ImportRun

from .factories import bearer, token_for
from .test_imports import NEW_A, NEW_B, PUPILS, pupils_file


def send(client, user, name: str, data: bytes, kind: str = "pupils"):
    upload = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    return client.post("/api/v1/imports/", {"kind": kind, "file": upload}, headers=bearer(token_for(user)))


@pytest.mark.parametrize("codec", ["gzip", "bz2", "lz4", "zstd"])
def test_a_compressed_file_is_imported_as_the_plain_file(world, client, codec):
    data = compress(pupils_file(world["a"].urn).encode(), codec)
    response = send(client, world["school_officer"], f"pupils.csv{SUFFIX[codec]}", data)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["file_name"], body["rows"], body["created"]) == ("pupils.csv", 2, 2)
    assert Pupil.objects.filter(upn__in=[NEW_A, NEW_B]).count() == 2


def test_problems_in_a_compressed_file_name_the_plain_file(world, client):
    text = PUPILS + f"NOT-A-UPN,{world['a'].urn},Testy,Newpupil,2016-02-02,F,4,2025-09-01\n"
    response = send(client, world["school_officer"], "pupils.csv.gz", compress(text.encode(), "gzip"))
    assert response.status_code == 400
    assert response.json()["problems"][0].startswith("pupils.csv:2: upn: ")


def test_a_gzip_bomb_is_refused_as_it_expands_with_little_memory(world, client, settings):
    settings.ATTEND_UPLOAD_MAX_EXPANDED_BYTES = 2 * 1024 * 1024
    row = f"{NEW_A},{world['a'].urn},Testy,Newpupil,2016-02-02,F,4,2025-09-01\n"
    bomb = gzip_bomb(PUPILS, row, expanded_mb=64)
    runs = ImportRun.objects.count()
    tracemalloc.start()
    started = time.perf_counter()
    response = send(client, world["school_officer"], "pupils.csv.gz", bomb)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert response.status_code == 413
    assert response.json() == {
        "detail": "pupils.csv.gz is larger than 2 MB once decompressed, the most Attend imports from one file. "
        "Nothing was imported.",
        "problems": [],
        "total_problems": 0,
        "status": 413,
    }
    assert not Pupil.objects.filter(upn=NEW_A).exists() and ImportRun.objects.count() == runs
    assert peak < 12 * 1024 * 1024, f"peak {peak:,} bytes"
    assert elapsed < 10, f"{elapsed:.1f} s"


@pytest.mark.parametrize("size", [150_000, 400_000])
def test_a_file_over_the_upload_limit_answers_413(world, client, settings, size):
    settings.ATTEND_UPLOAD_MAX_BYTES = 100_000
    text = pupils_file(world["a"].urn)
    padded = text + "\n" * (size - len(text))  # blank lines: a valid file, only too large
    response = send(client, world["school_officer"], "pupils.csv", padded.encode())
    assert response.status_code == 413
    assert response.json()["detail"] == (
        "The file is larger than 100,000 bytes, the most Attend accepts in one upload."
    )
    assert not Pupil.objects.filter(upn=NEW_A).exists()
    settings.ATTEND_UPLOAD_MAX_BYTES = 500_000  # the same file within the limit is imported
    assert send(client, world["school_officer"], "pupils.csv", padded.encode()).status_code == 201


def test_archives_that_cannot_be_checked_are_refused(world, client):
    for name, data, reason in [
        ("pupils.zip", b"PK\x03\x04", "pupils.zip: send a plain CSV or XML file"),
        ("pupils.csv.gz", b"\x1f\x8b not gzip", "pupils.csv.gz is not a valid gzip file"),
    ]:
        response = send(client, world["school_officer"], name, data)
        assert response.status_code == 400
        assert response.json()["detail"].startswith(reason)
    assert not ImportRun.objects.filter(imported_by=world["school_officer"]).exists()
