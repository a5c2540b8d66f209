"""Attendance contracts: parties, review in 4-6 weeks, signed or declined (recorded), reviews with attendance
since the start in days and hours, outcome, and the document for signature (PDF, read with pdftotext)."""

import datetime as dt
import subprocess

import pytest

from attend.casework.models import ChronologyEntry
from attend.enforcement.checks import record_check
from attend.enforcement.contracts import add_review, create_contract, decline, end_contract, sign
from attend.enforcement.documents_ladder import contract_pdf
from attend.enforcement.models import AttendanceContract, FormalCheck
from attend.enforcement.steps_ladder import StepRefused

from .ladder_world import NTI_START, ladder_fixture  # noqa: F401

START = NTI_START  # Monday 3 November 2025


def make(w, monkeypatch, review_on=dt.date(2025, 12, 1), **kw):
    monkeypatch.setenv("ATTEND_TODAY", "2025-11-03")
    if not FormalCheck.objects.filter(purpose="contract").exists():
        record_check(w["maya"], purpose=FormalCheck.Purpose.CONTRACT, by=w["sam"], start=START, end=START,
                     answers={"eso": "no", "barriers": "no"})  # fmt: skip
    fields = {
        "parents": [w["mother"]], "by": w["sam"], "starts_on": START, "review_on": review_on,
        "support_offered": "A morning check-in with Ms Rahman, the attendance mentor.",
        "parent_commitments": "- Maya is up by 7.30 every school day\n- Call the school by 8.30 if she is ill",
        "pupil_commitments": "Go to the check-in every morning.", **kw,
    }  # fmt: skip
    contract = create_contract(w["maya"], **fields)
    monkeypatch.setenv("ATTEND_TODAY", "2025-11-19")
    return contract


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.parametrize(
    "review_on,ok",
    [(dt.date(2025, 11, 30), False), (dt.date(2025, 12, 1), True), (dt.date(2025, 12, 15), True),
     (dt.date(2025, 12, 16), False)],
)  # fmt: skip
def test_the_review_is_4_to_6_weeks_after_the_start(ladder, monkeypatch, review_on, ok):
    if ok:
        assert make(ladder, monkeypatch, review_on=review_on).review_on == review_on
    else:
        with pytest.raises(StepRefused, match="between 01/12/2025 and 15/12/2025"):
            make(ladder, monkeypatch, review_on=review_on)
        assert not AttendanceContract.objects.exists()


def test_a_contract_is_a_formalise_step_on_the_case(ladder, monkeypatch):
    contract = make(ladder, monkeypatch)
    assert contract.status == "draft" and contract.school == ladder["alder"] and contract.code.version == 1
    assert contract.case.stage == "formalise"
    entry = ChronologyEntry.objects.get(case=contract.case, kind="enforcement")
    assert entry.summary == "Attendance contract offered to Grace Okafor: from 03/11/2025, review 01/12/2025"
    assert (entry.next_step, entry.next_step_due) == ("Attendance contract review", dt.date(2025, 12, 1))


def test_refused_without_a_check_commitments_or_to_a_non_parent(ladder, monkeypatch):
    w = ladder
    with pytest.raises(StepRefused, match="Record the check"):
        create_contract(w["maya"], parents=[w["mother"]], by=w["sam"], starts_on=START, review_on=dt.date(2025, 12, 1),
                        support_offered="Help", parent_commitments="Bring her")  # fmt: skip
    with pytest.raises(StepRefused, match="what the parents agree"):
        make(w, monkeypatch, parent_commitments="  ")
    with pytest.raises(StepRefused, match="Tom Neighbour: not this child's parent"):
        make(w, monkeypatch, parents=[w["neighbour"]])
    assert not AttendanceContract.objects.exists()


def test_a_refusal_is_recorded_in_the_parents_words(ladder, monkeypatch):
    contract = make(ladder, monkeypatch)
    with pytest.raises(StepRefused, match="their reason"):
        decline(contract, by=ladder["sam"], on=dt.date(2025, 11, 5), reason="")
    decline(
        contract,
        by=ladder["sam"],
        on=dt.date(2025, 11, 5),
        reason="I don't need a contract to get her to school",
    )
    contract.refresh_from_db()
    assert (contract.status, contract.declined_on) == ("declined", dt.date(2025, 11, 5))
    entry = ChronologyEntry.objects.filter(case=contract.case, kind="enforcement").order_by("-pk").first()
    assert entry.summary == "Attendance contract declined on 05/11/2025 by Grace Okafor"
    assert entry.parent_words == "I don't need a contract to get her to school"
    with pytest.raises(StepRefused, match="declined by the parent: it cannot be signed"):
        sign(contract, by=ladder["sam"], on=dt.date(2025, 11, 6))


def test_a_review_works_out_attendance_since_the_start_in_days_and_hours(ladder, monkeypatch):
    contract = make(ladder, monkeypatch)
    with pytest.raises(StepRefused, match="cannot be reviewed"):
        add_review(contract, by=ladder["sam"], held_on=dt.date(2025, 11, 19), kept=True, next_review_on=None)
    sign(contract, by=ladder["sam"], on=dt.date(2025, 11, 3))
    with pytest.raises(StepRefused, match="4 to 6 weeks after this review"):
        add_review(contract, by=ladder["sam"], held_on=dt.date(2025, 11, 19), kept=True,
                   next_review_on=dt.date(2025, 12, 1))  # fmt: skip
    review = add_review(contract, by=ladder["sam"], held_on=dt.date(2025, 11, 19), kept=False,
                        next_review_on=dt.date(2025, 12, 17))  # fmt: skip
    # 26 possible sessions (13 days), 23 attended (11.5 days), 3 missed: 1.5 days x 6.5 hours = 9.75 -> about 10.
    assert review.attendance_note == (
        "Since 3 November 2025: attended 11.5 of 13 days (88.5%); missed 1.5 days, about 10 hours of learning "
        "(3 unauthorised sessions)"
    )
    contract.refresh_from_db()
    assert contract.review_on == dt.date(2025, 12, 17)
    end_contract(contract, by=ladder["sam"], on=dt.date(2025, 11, 19), outcome="broken")
    assert contract.status == "ended" and contract.outcome == "broken"


def test_the_document_for_signature_has_every_party_and_a_line_each(ladder, monkeypatch, tmp_path):
    w = ladder
    contract = make(w, monkeypatch, parents=[w["mother"], w["grandmother"]])
    text = pdf_text(contract_pdf(contract, by=w["sam"], on=dt.date(2025, 11, 3)), tmp_path)
    assert text.count("Attendance contract for Maya Okafor") == 2  # one copy per parent
    flat = " ".join(text.split())
    assert "between Grace Okafor, Ruth Okafor, Maya Okafor, Alder Primary and Northshire." in flat
    assert "Maya is up by 7.30 every school day" in text
    assert "Go to the check-in every morning." in text
    assert "A morning check-in with Ms Rahman" in text
    assert "starts on Monday 3 November. We will meet to review it on Monday 1 December 2025" in flat
    for party in (
        "Parent or carer: Mrs Grace Okafor",
        "Pupil: Maya Okafor",
        "For Alder Primary",
        "For Northshire",
    ):
        assert party in text
    assert text.count("Signed: ____") == 8  # four parties on each of two copies
    assert "Placeholder" not in text


def test_only_the_parties_sign(ladder, monkeypatch, tmp_path):
    w = ladder
    contract = make(w, monkeypatch, pupil_party=False, la_party=False)
    flat = " ".join(pdf_text(contract_pdf(contract, by=w["sam"], on=dt.date(2025, 11, 3)), tmp_path).split())
    assert "agreement between Grace Okafor and Alder Primary." in flat
    assert "Pupil:" not in flat and "For Northshire" not in flat and "What Maya agrees to do" not in flat
    assert flat.count("Signed: ____") == 2  # the parent and the school
