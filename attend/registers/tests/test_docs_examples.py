"""Every example file in docs/import*.md is imported, in order, into one database: a user who copies an example
gets it imported, not refused (the first UPN example once failed its own check letter).

Convention: a fenced block preceded by `<!-- example: kind=KIND file=NAME [profile=PROFILE] -->`. Every `csv` or
`xml` fenced block in those files must carry one. A report read through an import profile defined in the docs (a
`<!-- example: profile=NAME -->` JSON block) is imported with that profile by test_profiles_docs.py."""

import re
from pathlib import Path

import pytest

from attend.people.models import Enrolment, Pupil
from attend.registers.imports import KINDS, import_file
from attend.registers.models import Mark

pytestmark = pytest.mark.django_db
DOCS = Path(__file__).resolve().parents[3] / "docs"
MARKER = re.compile(
    r"<!--\s*example:\s*(?P<args>[^>]*?)\s*-->\s*\n```(?P<lang>\w*)\n(?P<body>.*?)\n```", re.S
)
FENCE = re.compile(r"^```(csv|xml)\s*$", re.M)


def examples() -> list[tuple[str, dict, str]]:
    found = []
    for doc in sorted(DOCS.glob("import*.md")):
        text = doc.read_text(encoding="utf-8")
        marked = {m.start("lang") - 3 for m in MARKER.finditer(text)}
        unmarked = [
            text[: f.start()].count("\n") + 1 for f in FENCE.finditer(text) if f.start() not in marked
        ]
        assert not unmarked, (
            f"{doc.name}: example block(s) at line(s) {unmarked} have no <!-- example: ... -->"
        )
        for m in MARKER.finditer(text):
            args = dict(part.split("=", 1) for part in m["args"].split())
            if "profile" not in args:  # profiles and the reports read through them: test_profiles_docs.py
                found.append((doc.name, args, m["body"] + "\n"))
    return found


def test_the_docs_have_examples_of_every_kind_they_describe():
    kinds = [args["kind"] for doc, args, _ in examples() if doc == "import-formats.md"]
    assert kinds == ["schools", "calendar", "pupils", "contacts", "marks", "ctf"]
    assert all(set(args) <= {"kind", "file"} and args["kind"] in KINDS for _, args, _ in examples())


def test_every_example_in_the_docs_imports(tmp_path):
    for doc, args, body in examples():
        path = tmp_path / args["file"]
        path.write_text(body, encoding="utf-8")
        result = import_file(args["kind"], path)
        assert result.rows, f"{doc}: example {args['file']} imported nothing"
    amy = Pupil.objects.get(upn="L999200115001")
    assert sorted(Enrolment.objects.filter(pupil=amy).values_list("school__urn", "nc_year")) == [
        (100001, "4"), (100002, "5"),
    ]  # fmt: skip
    assert Mark.objects.filter(enrolment__pupil=amy).count() == 4
