"""Every example in docs/import-profiles.md is imported: a `<!-- example: profile=NAME -->` JSON block is a
profile, a `<!-- example: kind=marks file=F profile=NAME -->` CSV block is a report read through it."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from attend.registers.imports import import_file
from attend.registers.imports.profiles import ProfileSpec, preview
from attend.registers.models import Mark

from .factories import make_enrolment, make_pupil, make_school

DOC = Path(__file__).resolve().parents[3] / "docs" / "import-profiles.md"
EXAMPLE = re.compile(r"<!-- example: (?P<attrs>[^>]*?) -->\s*```(?P<lang>\w+)\n(?P<body>.*?)```", re.S)


def examples():
    profiles, files = {}, []
    for m in EXAMPLE.finditer(DOC.read_text(encoding="utf-8")):
        attrs = dict(pair.split("=", 1) for pair in m["attrs"].split())
        if m["lang"] == "json":
            profiles[attrs["profile"]] = json.loads(m["body"])
        else:
            files.append((attrs, m["body"]))
    return profiles, files


PROFILES, FILES = examples()


def test_the_doc_has_its_examples():
    assert sorted(PROFILES) == ["long-report", "wide-one-row", "wide-two-rows"]
    assert [a["profile"] for a, _ in FILES] == ["long-report", "wide-one-row", "wide-two-rows"]


@pytest.mark.django_db
@pytest.mark.parametrize(("attrs", "body"), FILES, ids=[a["file"] for a, _ in FILES])
def test_each_example_imports(tmp_path, attrs, body):
    school = make_school(100001)
    for upn in sorted(set(re.findall(r"\b[A-Z]\d{11}[0-9A-Z]\b", body))):
        make_enrolment(make_pupil(upn=upn), school, admission=dt.date(2025, 9, 1))
    path = tmp_path / attrs["file"]
    path.write_text(body, encoding="utf-8")
    spec = ProfileSpec.from_json(PROFILES[attrs["profile"]])
    shown = preview(path, spec)
    assert shown.problems == []
    result = import_file(attrs["kind"], path, profile=spec)
    assert result.rows == shown.total_rows == Mark.objects.count() > 0
    assert import_file(attrs["kind"], path, profile=spec).unchanged == result.rows


@pytest.mark.django_db
def test_the_examples_read_as_the_doc_says(tmp_path):
    school = make_school(100001)
    for upn in ("W999200125001", "K999200125002", "Z999200125003"):
        make_enrolment(make_pupil(upn=upn), school, admission=dt.date(2025, 9, 1))
    counts = {}
    for attrs, body in FILES:
        path = tmp_path / attrs["file"]
        path.write_text(body, encoding="utf-8")
        counts[attrs["file"]] = preview(path, ProfileSpec.from_json(PROFILES[attrs["profile"]])).total_rows
    # long: 4 marks (the repeated header skipped); wide one row: 4 + 2 + 4 (blank cells are no mark); two rows: 8
    assert counts == {"long-report.csv": 4, "wide-one-row.csv": 10, "wide-two-rows.csv": 8}
