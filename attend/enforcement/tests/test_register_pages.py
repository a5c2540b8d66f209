"""The register page and its CSV exports: permission, LA scope, audit, exact figures; the case page's Court panel."""

import datetime as dt
from decimal import Decimal

import pytest

from attend.accounts.models import Membership
from attend.audit.models import AuditEvent
from attend.casework.cases import open_case
from attend.core.tests.factories import make_la, make_school, make_user
from attend.enforcement import orders, prosecutions
from attend.enforcement.models import CodeOfConduct, NoticeEvent, PenaltyNotice, Prosecution

from .court_world import add_absences, make_world
from .test_prosecutions import ANSWERS

pytestmark = pytest.mark.django_db
D = dt.date


def _notice(w, number, school, paid_on=None):
    code = CodeOfConduct.objects.get_or_create(
        version=1, local_authority=None, defaults={"effective_from": D(2024, 8, 19)}
    )[0]
    notice = PenaltyNotice.objects.create(
        number=number,
        pupil=w["pupil"],
        school=school,
        parent=w["mother"],
        parent_basis="Mother",
        reason="holiday",
        issue_date=D(2025, 9, 29),
        period_start=D(2025, 9, 8),
        period_end=D(2025, 9, 12),
        sessions=10,
        sequence=1,
        amount_reduced=Decimal("80"),
        amount_full=Decimal("160"),
        issued_by=w["officer"],
        issuer_capacity="la_officer",
        code=code,
    )
    NoticeEvent.objects.create(
        notice=notice, kind="served", on=D(2025, 10, 1), method="hand", received_on=D(2025, 10, 1)
    )
    if paid_on:
        NoticeEvent.objects.create(notice=notice, kind="payment", on=paid_on, amount=Decimal("80"))
    return notice


@pytest.fixture
def w(monkeypatch):
    w = make_world(monkeypatch)
    _notice(w, "PN-2025-000001", w["school"], paid_on=D(2025, 10, 21))
    _notice(w, "PN-2025-000002", w["school"])
    other_la_school = make_school(la=make_la(code="999", name="Elsewhere"), name="Far Away School")
    _notice(w, "PN-2025-000003", other_la_school)
    return w


def test_the_register_shows_the_las_figures_and_is_audited(client, w):
    client.force_login(w["officer"])
    response = client.get("/enforcement/register/?year=2025")
    assert response.status_code == 200
    text = response.content.decode()
    assert "2 penalty notices: £80.00 paid, £160.00 outstanding." in text
    assert "Far Away School" not in text
    assert (
        '<th scope="row" class="govuk-table__header">Paid within 21 days</th><td class="govuk-table__cell govuk-table__cell--numeric">1</td>'
        in text
    )
    assert AuditEvent.objects.filter(action="enforcement.register.viewed", actor=w["officer"]).count() == 1


def test_school_staff_may_not_see_the_register(client, w):
    head = make_user("head", role=Membership.Role.HEADTEACHER, school=w["school"])
    client.force_login(head)
    assert client.get("/enforcement/register/").status_code == 403
    assert client.get("/enforcement/register/notices.csv").status_code == 403
    assert not AuditEvent.objects.filter(action__startswith="enforcement.register").exists()


def test_the_csv_exports(client, w):
    client.force_login(w["officer"])
    response = client.get("/enforcement/register/notices.csv")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert (
        lines[0] == "number,school,issue_date,reason,sequence,amount_full,received_on,status,paid,outstanding"
    )
    assert (
        lines[1]
        == "PN-2025-000001,Riverside Primary,2025-09-29,holiday,1,160.00,2025-10-01,Paid within 21 days,80.00,0.00"
    )
    assert (
        lines[2]
        == "PN-2025-000002,Riverside Primary,2025-09-29,holiday,1,160.00,2025-10-01,Unpaid,0.00,160.00"
    )
    assert len(lines) == 3
    prm = client.get("/enforcement/register/prm.csv?year=2025").content.decode().splitlines()
    assert prm[1] == "2025/26,Penalty notices issued,2"
    assert "2025/26,Paid within 21 days,1" in prm
    assert AuditEvent.objects.filter(action="enforcement.register.exported").count() == 2


def test_the_case_page_court_panel_shows_the_last_day_to_lay(client, w):
    add_absences(w["pupil"], w["school"], [D(2025, 7, 1)])
    orders.consider(
        w["pupil"], on=D(2025, 11, 3), consideration="Would not help", pursue=False, by=w["officer"]
    )
    prosecution = prosecutions.decide(
        pupil=w["pupil"],
        parent=w["mother"],
        offence=Prosecution.Offence.S444_1,
        period_start=D(2025, 7, 1),
        period_end=D(2025, 7, 1),
        reasons="No engagement",
        defences=ANSWERS,
        by=w["officer"],
        on=D(2025, 11, 19),
    )
    client.force_login(w["officer"])
    text = client.get(f"/cases/{prosecution.case.ref}/").content.decode()
    assert 'data-testid="court-panel"' in text
    assert "1 January 2026" in text and "Magistrates&#x27; Courts Act 1980 s127" in text
    assert AuditEvent.objects.filter(action="enforcement.court.viewed").count() == 1


def test_the_court_panel_is_hidden_without_enforcement_view(client, w):
    orders.consider(
        w["pupil"], on=D(2025, 11, 3), consideration="Would not help", pursue=False, by=w["officer"]
    )
    school_officer = make_user("school.officer", role=Membership.Role.SCHOOL_OFFICER, school=w["school"])
    client.force_login(school_officer)
    case = w["pupil"].supervision_orders.get().case
    response = client.get(f"/cases/{case.ref}/")
    assert response.status_code == 200
    assert 'data-testid="court-panel"' not in response.content.decode()
    assert not AuditEvent.objects.filter(action="enforcement.court.viewed").exists()


def _posted_prosecution(w, **changes):
    data = {
        "parent": str(w["mother"].pk), "offence": "s444_1", "period_start": "2025-09-15", "period_end": "2025-09-19",
        "reasons": "Support declined", **{f"defence_{k}": v for k, v in ANSWERS.items()},
    }  # fmt: skip
    data.update(changes)
    return data


def test_consider_then_prosecute_through_the_pages(client, w):
    from attend.registers.tests.factories import weekdays

    add_absences(w["pupil"], w["school"], weekdays(D(2025, 9, 15), D(2025, 9, 19)))
    client.force_login(w["officer"])
    case, _ = open_case(by=w["officer"], pupil=w["pupil"], school=w["school"])
    # Without a consideration the decision is refused with the reason, nothing changed.
    response = client.post(f"/enforcement/cases/{case.ref}/prosecutions/new/", _posted_prosecution(w))
    assert response.status_code == 200
    assert (
        "Record the consideration of an education supervision order first (EA 1996 s447)"
        in response.content.decode()
    )
    assert not Prosecution.objects.exists()
    response = client.post(
        f"/enforcement/cases/{case.ref}/supervision-order/consider/",
        {"considered_on": "2025-11-19", "consideration": "A plan is in place", "pursue": "no"},
    )
    assert response.status_code == 302
    response = client.post(f"/enforcement/cases/{case.ref}/prosecutions/new/", _posted_prosecution(w))
    prosecution = Prosecution.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/prosecutions/{prosecution.pk}/")
    page = client.get(response["Location"]).content.decode()
    assert "15 March 2026" in page and "Lives 0.4 miles from the school" in page
    assert AuditEvent.objects.filter(action="enforcement.prosecution.viewed").count() == 1


def test_an_unanswered_defence_is_a_form_error(client, w):
    client.force_login(w["officer"])
    orders.consider(w["pupil"], on=D(2025, 11, 3), consideration="-", pursue=False, by=w["officer"])
    case = w["pupil"].supervision_orders.get().case
    response = client.post(
        f"/enforcement/cases/{case.ref}/prosecutions/new/", _posted_prosecution(w, defence_travelling="")
    )
    assert response.status_code == 200
    assert (
        "Answer the defence: A parent whose trade or business requires travel (s444(6))"
        in response.content.decode()
    )
    assert not Prosecution.objects.exists()


def test_another_las_case_is_404_and_unchanged(client, w):
    orders.consider(w["pupil"], on=D(2025, 11, 3), consideration="-", pursue=False, by=w["officer"])
    case = w["pupil"].supervision_orders.get().case
    stranger = make_user(
        "south.officer", role=Membership.Role.LA_OFFICER, local_authority=make_la(code="999")
    )
    client.force_login(stranger)
    response = client.post(
        f"/enforcement/cases/{case.ref}/supervision-order/consider/",
        {"considered_on": "2025-11-19", "consideration": "Intruder", "pursue": "no"},
    )
    assert response.status_code == 404
    assert w["pupil"].supervision_orders.count() == 1
