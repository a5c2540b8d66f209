"""School request -> LA vetting: evidence gathered from the data, vetted against the code, issued (through the
notices helper's issue_notice: a stand-in here), returned or refused, on the chronology."""

import datetime as dt
import sys
import types

import pytest

from attend.casework.models import ChronologyEntry
from attend.enforcement import requests as svc
from attend.enforcement.checks import record_check
from attend.enforcement.codes import new_version
from attend.enforcement.models import FormalCheck, NoticeRequest
from attend.enforcement.steps_ladder import StepRefused
from attend.letters.compose import compose
from attend.letters.services import message_create, message_send
from attend.registers.models import Mark

from .ladder_world import NTI_START, TODAY, ladder_fixture  # noqa: F401
from .test_codes import VALUES

END = TODAY


def unauthorised(w, n):
    """Make the first `n` present sessions from 5 November unauthorised (O) on top of the world's 3."""
    present = Mark.objects.filter(
        enrolment=w["enrolment"], date__gte=dt.date(2025, 11, 5), code__in=["/", "\\"]
    )
    ids = list(present.order_by("date", "session").values_list("pk", flat=True)[:n])
    Mark.objects.filter(pk__in=ids).update(code="O")


def send_letter(w):
    draft = compose(template_name="concern_stage_1", pupil=w["maya"], contact=w["mother"], route="print",
                    as_of=dt.date(2025, 11, 10), with_pdf=False)  # fmt: skip
    return message_send(message_create(draft, as_of=dt.date(2025, 11, 10)))


def submit(w, reason="other", **kw):
    fields = {"school": w["alder"], "by": w["lee"], "reason": reason, "period_start": NTI_START, "period_end": END,
              "parents": [w["mother"]], "summary": "Absent most Mondays and Fridays; two meetings offered.", **kw}  # fmt: skip
    return svc.submit(w["maya"], **fields)


def checked(w):
    record_check(w["maya"], purpose=FormalCheck.Purpose.PENALTY_NOTICE, by=w["sam"], start=NTI_START, end=END,
                 answers={"eso": "no", "barriers": "no"})  # fmt: skip


@pytest.fixture
def issued(monkeypatch):
    """Stand-in for the notices helper's attend.enforcement.notices.issue_notice (not on this branch)."""
    calls = []
    stand_in = types.ModuleType("attend.enforcement.notices")
    stand_in.issue_notice = lambda **kw: calls.append(kw) or f"PN-{len(calls)}"
    monkeypatch.setitem(sys.modules, "attend.enforcement.notices", stand_in)
    import attend.enforcement as pkg

    monkeypatch.setattr(pkg, "notices", stand_in, raising=False)
    return calls


def test_the_evidence_comes_from_the_data(ladder):
    w = ladder
    letter = send_letter(w)
    nr = submit(
        w, reason="holiday", leave_request="Leave asked on 1 October for 3-14 November; refused 2 October"
    )
    extract = nr.evidence[0]
    assert (extract["kind"], extract["unauthorised"], extract["school_weeks"]) == ("register", 3, 3)
    assert len(extract["marks"]) == 26 and extract["marks"][2] == ["2025-11-04", "AM", "O"]
    assert nr.evidence[1] == {"kind": "letter", "ref": letter.pk, "title": f"{letter.template_version.template.title} "
                              f"({letter.sent_at:%d/%m/%Y})"}  # fmt: skip
    assert nr.evidence[2]["kind"] == "leave_request"
    assert nr.status == "submitted" and nr.case.stage == "formalise" and nr.code.version == 1
    entry = ChronologyEntry.objects.get(case=nr.case, kind="enforcement")
    assert entry.summary == ("Alder Primary asked the LA for a penalty notice (term-time holiday (leave refused or "
                             "not asked), 03/11/2025 to 19/11/2025)")  # fmt: skip


def test_bad_requests_are_refused_and_nothing_is_stored(ladder):
    w = ladder
    with pytest.raises(StepRefused, match="cannot end after today"):
        submit(w, period_end=dt.date(2025, 11, 20))
    with pytest.raises(StepRefused, match="not on Cedar Primary's roll"):
        submit(w, school=w["cedar"])
    with pytest.raises(StepRefused, match="Tom Neighbour: not this child's parent"):
        submit(w, parents=[w["neighbour"]])
    assert not NoticeRequest.objects.exists()


@pytest.mark.parametrize("extra,over", [(6, False), (7, True)])
def test_vetting_the_threshold_9_vs_10_sessions(ladder, extra, over):
    w = ladder
    unauthorised(w, extra)  # 3 + 6 = 9 sessions; 3 + 7 = 10
    send_letter(w)
    checked(w)
    missing = svc.vet(submit(w), TODAY)
    threshold = [m for m in missing if "national threshold" in m]
    assert (threshold == []) is over
    if not over:
        assert threshold == [
            "The period has 9 unauthorised sessions (G, N, O or U): the national threshold is 10"
        ]


def test_vetting_against_the_code_names_everything_missing(ladder, monkeypatch):
    w = ladder
    new_version(w["la"], by=w["kim"], effective_from=dt.date(2025, 9, 1), values=VALUES)  # NTI required
    unauthorised(w, 7)
    nr = submit(w)
    assert svc.vet(nr, TODAY) == [
        "Letters to the parents about the absence: none are on record",
        "The check before a formal step (for a penalty notice) has not been recorded",
        "Grace Okafor: The code of conduct requires a notice to improve first",
    ]
    holiday = submit(w, reason="holiday")
    assert svc.vet(holiday, TODAY) == [
        "The refused leave request (or a note that none was made)",
        "The check before a formal step (for a penalty notice) has not been recorded",
    ]


def test_issue_only_when_nothing_is_missing_then_by_the_notices_helper(ladder, issued):
    w = ladder
    unauthorised(w, 7)
    send_letter(w)
    nr = submit(w, parents=[w["mother"], w["grandmother"]])
    with pytest.raises(StepRefused, match="Not issued: The check before a formal step"):
        svc.decide(nr, action="issue", by=w["sam"])
    nr.refresh_from_db()
    assert nr.status == "submitted" and issued == []
    checked(w)
    svc.decide(nr, action="issue", by=w["sam"])
    assert nr.status == "issued" and nr.decided_by == w["sam"]
    assert [c["parent"] for c in issued] == [w["mother"], w["grandmother"]]  # each liable parent their own
    assert issued[0]["issue_date"] == TODAY and issued[0]["notice_request"] == nr
    nr.case.refresh_from_db()
    assert nr.case.stage == "enforce"
    with pytest.raises(StepRefused, match="already issued"):
        svc.decide(nr, action="refuse", by=w["sam"], note="Changed my mind")


def test_return_and_refuse_need_words_and_the_school_sees_them(ladder):
    w = ladder
    nr = submit(w)
    with pytest.raises(StepRefused, match="what the school needs"):
        svc.decide(nr, action="return", by=w["sam"])
    svc.decide(nr, action="return", by=w["sam"], note="Add the letters sent in October")
    nr.refresh_from_db()
    assert (nr.status, nr.get_status_display(), nr.decision_note) == (
        "returned", "Returned to the school for more", "Add the letters sent in October")  # fmt: skip
    other = submit(w)
    with pytest.raises(StepRefused, match="reason for refusing"):
        svc.decide(other, action="refuse", by=w["sam"], note=" ")
    svc.decide(other, action="refuse", by=w["sam"], note="The absences were illness, evidenced by the GP")
    summaries = list(
        ChronologyEntry.objects.filter(case=nr.case, kind="enforcement").values_list("summary", flat=True)
    )
    assert (
        "LA returned the penalty notice request to the school: Add the letters sent in October" in summaries
    )
    assert (
        "LA refused the penalty notice request: The absences were illness, evidenced by the GP" in summaries
    )


def test_no_request_when_the_code_says_schools_issue_their_own(ladder):
    w = ladder
    new_version(w["la"], by=w["kim"], effective_from=dt.date(2025, 9, 1),
                values={**VALUES, "schools_request_through_la": False})  # fmt: skip
    with pytest.raises(
        StepRefused, match=r"schools do not request notices through the LA: the head.*\(s444B\)"
    ):
        submit(w)
    assert not NoticeRequest.objects.exists()
