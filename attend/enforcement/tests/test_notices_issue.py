"""Issuing a penalty notice: to a parent in the s576 sense, by someone s444B allows, one per parent per child for
the same sessions, at most 2 in a rolling 3 years, never while an ESO is in force (SI 2024/210; EA 1996 s444A,
s444B, s576; Children Act 1989 Sch 3 para 13)."""

from decimal import Decimal

import pytest

from attend.accounts.models import Membership
from attend.alerts.models import NoticeSessionUse
from attend.audit.models import AuditEvent
from attend.casework.cases import open_case
from attend.casework.models import Case, ChronologyEntry, Stage
from attend.core.tests.factories import make_la, make_user
from attend.enforcement import notices
from attend.enforcement.models import CodeOfConduct, FormalCheck, IssuerAuthorisation, PenaltyNotice
from attend.people.models import Contact

from .notices_world import D, make_world, mark, past_notice, ten_sessions, weekdays

pytestmark = pytest.mark.django_db
R = Membership.Role
ISSUE = D(2025, 11, 19)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", "2025-11-19")


def issue(w, parent, by=None, **kw):
    return notices.issue_notice(
        pupil=w.pupil, parent=parent, issue_date=kw.pop("on", ISSUE), by=by or w.officer, **kw
    )


def refused(w, parent, **kw) -> notices.NoticeRefused:
    with pytest.raises(notices.NoticeRefused) as caught:
        issue(w, parent, **kw)
    return caught.value


def test_issue_writes_the_notice_the_sessions_the_case_and_the_chronology():
    w = make_world()
    ten_sessions(w)
    notice = issue(w, w.mother)
    assert notice.number == "PN-2025-000001"
    assert (notice.amount_reduced, notice.amount_full, notice.sequence) == (
        Decimal("80.00"),
        Decimal("160.00"),
        1,
    )
    assert (notice.period_start, notice.period_end, notice.sessions) == (D(2025, 11, 10), D(2025, 11, 14), 10)
    assert notice.parent_basis == "Mother: has parental responsibility (EA 1996 s576)"
    assert notice.issuer_capacity == "la_officer"
    assert notice.code.version == 1  # the default code: no LA code configured
    used = NoticeSessionUse.objects.filter(notice_ref=notice.number)
    assert used.count() == 10 and set(used.values_list("contact_id", flat=True)) == {w.mother.pk}
    case = Case.objects.get(pupil=w.pupil)
    assert notice.case == case and case.stage == Stage.ENFORCE
    entry = ChronologyEntry.objects.filter(case=case, kind="enforcement").get()
    assert entry.summary.startswith("Penalty notice PN-2025-000001 issued to Mia Fakeperson")
    assert "£80.00/£160.00" in entry.summary
    assert AuditEvent.objects.filter(action="enforcement.notice.issued").count() == 1
    assert notices.notice_status(notice) == "issued"
    assert issue(w, w.father).number == "PN-2025-000002"


def test_an_open_case_moves_to_enforce_and_the_formal_check_is_stored():
    w = make_world()
    ten_sessions(w)
    case, _ = open_case(by=w.officer, pupil=w.pupil, school=w.school, stage=Stage.FACILITATE)
    check = FormalCheck.objects.create(
        pupil=w.pupil, kind="thorough", purpose="penalty_notice", answers={"sen": "no"}, done_by=w.officer,
        done_at="2025-11-18T10:00:00Z",
    )  # fmt: skip
    notice = issue(w, w.mother)
    case.refresh_from_db()
    assert case.stage == Stage.ENFORCE and notice.case == case
    assert notice.formal_check == check


def test_one_notice_per_parent_for_the_same_sessions_each_liable_parent_their_own():
    w = make_world()
    ten_sessions(w)
    issue(w, w.mother)
    again = refused(w, w.mother)
    assert again.reason == "sessions_already_used"
    assert issue(w, w.father).sessions == 10  # the other parent, the same absences
    assert issue(w, w.grandmother).parent_basis.startswith("Grandparent: has care of the child")
    assert PenaltyNotice.objects.count() == 3


def test_a_contact_who_is_not_a_parent_is_refused_and_nothing_changes():
    w = make_world()
    ten_sessions(w)
    assert refused(w, w.uncle).reason == "not_a_parent"
    stranger = Contact.objects.create(contact_ref="C-X", forename="Sam", surname="Stranger")
    assert refused(w, stranger).reason == "not_a_parent"
    assert not PenaltyNotice.objects.exists() and not NoticeSessionUse.objects.exists()
    assert not Case.objects.exists()


def test_below_the_threshold_is_refused_and_nothing_changes():
    w = make_world()
    mark(w.enrolment, weekdays(D(2025, 11, 10), 4))
    mark(w.enrolment, [D(2025, 11, 14)], sessions=("AM",))
    caught = refused(w, w.mother)
    assert (caught.reason, caught.detail) == ("not_eligible", "9 unauthorised sessions: a notice needs 10.")
    assert not PenaltyNotice.objects.exists() and not Case.objects.exists()


def test_a_second_notice_within_3_years_is_160_flat():
    w = make_world()
    ten_sessions(w)
    past_notice(w, w.mother, D(2025, 1, 6), number="PN-2025-000900")
    notice = issue(w, w.mother)
    assert (notice.sequence, notice.amount_reduced, notice.amount_full) == (2, None, Decimal("160.00"))


def test_a_third_inside_3_years_is_refused_with_the_next_tools():
    w = make_world()
    ten_sessions(w)
    past_notice(w, w.mother, D(2024, 9, 9), number="PN-2024-000001")
    past_notice(w, w.mother, D(2025, 1, 6), number="PN-2025-000900")
    caught = refused(w, w.mother)
    assert caught.reason == "limit_reached_in_3_years"
    assert "prosecution under EA 1996 s444, or an education supervision order" in caught.detail
    assert issue(w, w.father).sequence == 1  # the limit is per parent


def test_withdrawn_notices_and_notices_before_19_august_2024_do_not_count():
    w = make_world()
    ten_sessions(w)
    past_notice(w, w.mother, D(2024, 8, 18), number="PN-2024-000001")  # before the framework
    past_notice(w, w.mother, D(2025, 1, 6), number="PN-2025-000900", withdrawn=True)
    past_notice(w, w.mother, D(2025, 3, 3), number="PN-2025-000901")  # counts: paid or unpaid
    notice = issue(w, w.mother)
    assert notice.sequence == 2


@pytest.mark.parametrize("first, allowed", [(D(2024, 9, 11), False), (D(2024, 9, 10), True)])
def test_the_third_notice_block_just_inside_and_just_outside_3_years(monkeypatch, first, allowed):
    monkeypatch.setenv("ATTEND_TODAY", "2027-09-10")
    w = make_world()
    mark(w.enrolment, weekdays(D(2027, 9, 6), 5))  # Mon 6 - Fri 10 Sep 2027
    past_notice(w, w.mother, first, number="PN-2024-000001")
    past_notice(w, w.mother, D(2025, 1, 6), number="PN-2025-000900")
    if allowed:  # the first was issued 3 years ago today: outside the rolling 3 years
        assert issue(w, w.mother, on=D(2027, 9, 10)).sequence == 2
    else:
        assert refused(w, w.mother, on=D(2027, 9, 10)).reason == "limit_reached_in_3_years"


def test_no_notice_while_an_education_supervision_order_is_in_force(monkeypatch):
    w = make_world()
    ten_sessions(w)
    # Stand-in for the court helper's orders.order_in_force (Sch 3 para 13).
    monkeypatch.setattr(notices, "_order_in_force", lambda pupil, on: object() if pupil == w.pupil else None)
    assert refused(w, w.mother).reason == "order_in_force"
    assert not PenaltyNotice.objects.exists()


def test_who_may_issue_s444b():
    w = make_world()
    ten_sessions(w)
    school_officer = make_user(role=R.SCHOOL_OFFICER, school=w.school)
    assert refused(w, w.mother, by=school_officer).reason == "not_authorised"
    other_la = make_user(role=R.LA_OFFICER, local_authority=make_la("202", "Southshire"))
    assert refused(w, w.mother, by=other_la).reason == "not_authorised"
    lead = make_user(role=R.ATTENDANCE_LEAD, school=w.school)
    assert refused(w, w.mother, by=lead).reason == "not_authorised"
    IssuerAuthorisation.objects.create(
        user=lead,
        capacity="authorised_staff",
        school=w.school,
        authorised_by="The head",
        authorised_on=D(2025, 9, 1),
    )
    assert issue(w, w.mother, by=lead).issuer_capacity == "authorised_staff"
    head = make_user(role=R.HEADTEACHER, school=w.school)
    assert issue(w, w.father, by=head).issuer_capacity == "headteacher"


def test_with_an_la_code_an_officer_needs_the_las_authorisation():
    w = make_world()
    ten_sessions(w)
    CodeOfConduct.objects.create(
        local_authority=w.school.local_authority, version=1, effective_from=D(2025, 9, 1),
        sufficient_improvement="-", nti_required=False,
    )  # fmt: skip
    assert refused(w, w.mother).reason == "not_authorised"
    IssuerAuthorisation.objects.create(
        user=w.officer, capacity="la_officer", local_authority=w.school.local_authority,
        authorised_by="Head of service", authorised_on=D(2025, 11, 20),
    )  # fmt: skip
    assert refused(w, w.mother).reason == "not_authorised"  # not yet authorised on the issue date
    IssuerAuthorisation.objects.create(
        user=w.officer, capacity="la_officer", local_authority=w.school.local_authority,
        authorised_by="Head of service", authorised_on=D(2025, 9, 1),
    )  # fmt: skip
    notice = issue(w, w.mother)
    assert notice.code.local_authority == w.school.local_authority


def test_the_las_code_requires_a_notice_to_improve_first_except_for_holidays(monkeypatch):
    w = make_world()
    ten_sessions(w)
    code = CodeOfConduct.objects.create(
        local_authority=w.school.local_authority, version=3, effective_from=D(2025, 9, 1),
        sufficient_improvement="-", nti_required=True,
    )  # fmt: skip
    IssuerAuthorisation.objects.create(
        user=w.officer, capacity="la_officer", local_authority=w.school.local_authority,
        authorised_by="Head of service", authorised_on=D(2025, 9, 1),
    )  # fmt: skip
    caught = refused(w, w.mother)
    assert caught.reason == "notice_to_improve_first" and "version 3" in caught.detail
    assert issue(w, w.mother, reason="holiday").code == code  # a term-time holiday: no NTI needed
    # Stand-in for the ladder helper's ntis.nti_in_force_or_done.
    monkeypatch.setattr(notices, "_nti_in_force_or_done", lambda pupil, parent, on: True)
    assert issue(w, w.father).code.version == 3


@pytest.mark.parametrize("ended_on, refused_", [(None, True), (D(2025, 11, 19), False)])
def test_the_stand_in_reads_a_recorded_order_in_force(ended_on, refused_):
    """Until the court helper's orders.order_in_force is merged, notices reads SupervisionOrder itself."""
    from attend.enforcement.models import SupervisionOrder

    w = make_world()
    ten_sessions(w)
    case, _ = open_case(by=w.officer, pupil=w.pupil, school=w.school, stage=Stage.ENFORCE)
    SupervisionOrder.objects.create(
        case=case, pupil=w.pupil, status="in_force", considered_on=D(2025, 6, 1), consideration="-",
        made_on=D(2025, 7, 1), expires_on=D(2026, 6, 30), ended_on=ended_on, created_by=w.officer,
    )  # fmt: skip
    if refused_:
        assert refused(w, w.mother).reason == "order_in_force"
    else:  # ended on the issue date: no longer in force
        assert issue(w, w.mother).number == "PN-2025-000001"
