"""The penalty notice pages: a pupil's notices (audited), issue after the check, serve, record a payment, decide
at 28 days, upload the payments CSV with its line-by-line report; GOV.UK errors; another LA's notice is 404."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from attend.accounts.models import Membership
from attend.audit.models import AuditEvent
from attend.core.tests.factories import make_la, make_user
from attend.enforcement import notice_events, notices
from attend.enforcement.models import NoticeEvent, PenaltyNotice

from .notices_world import D, make_world, ten_sessions

pytestmark = pytest.mark.django_db
R = Membership.Role


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", "2025-11-19")


@pytest.fixture
def world(client):
    w = make_world()
    ten_sessions(w)
    client.force_login(w.officer)
    return w


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return " ".join(response.content.decode().split())


def issued(w):
    return notices.issue_notice(pupil=w.pupil, parent=w.mother, issue_date=D(2025, 11, 19), by=w.officer)


def test_check_then_issue(client, world):
    url = f"/enforcement/pupils/{world.pupil.upn}/notices/new/"
    data = {"parent": str(world.mother.pk), "issue_date": "2025-11-19", "reason": "other"}
    checked = page(client.post(url, data))
    assert "10 unauthorised sessions from 10/11/2025 to 14/11/2025, within 10 school weeks." in checked
    assert "£80.00 within 21 days of receipt, £160.00 within 28" in checked
    assert not PenaltyNotice.objects.exists()
    response = client.post(url, {**data, "confirm": "1"})
    assert response.status_code == 302 and response["Location"] == "/enforcement/notices/PN-2025-000001/"
    detail = page(client.get(response["Location"]))
    assert "PN-2025-000001" in detail and "Not yet served" in detail
    # Six months from the first session relied on (the default code counts from the first): 10 May 2026.
    assert "Last day to lay the information" in detail and "10 May 2026" in detail
    assert AuditEvent.objects.filter(action="enforcement.notice.viewed").exists()


def test_a_refusal_is_shown_as_a_govuk_error(client, world):
    url = f"/enforcement/pupils/{world.pupil.upn}/notices/new/"
    shown = page(client.post(url, {"parent": str(world.uncle.pk), "issue_date": "2025-11-19", "reason": "other",
                                   "confirm": "1"}))  # fmt: skip
    assert "govuk-error-summary" in shown
    assert "This person is not the child&#x27;s parent" in shown
    assert not PenaltyNotice.objects.exists()
    missing = page(client.post(url, {"issue_date": "", "reason": ""}))
    assert (
        "Choose the parent the notice is to" in missing and "Enter the date the notice is issued" in missing
    )


def test_pupil_notices_are_listed_and_the_view_audited(client, world):
    issued(world)
    shown = page(client.get(f"/enforcement/pupils/{world.pupil.upn}/notices/"))
    assert "PN-2025-000001" in shown and "Mia Fakeperson" in shown and "£80.00" in shown
    assert AuditEvent.objects.filter(action="enforcement.notices.viewed").count() == 1


def test_serve_pay_and_decide(client, world, monkeypatch):
    notice = issued(world)
    base = f"/enforcement/notices/{notice.number}/"
    refused = page(client.post(base + "serve/", {"method": "email", "on": "2025-11-19", "served_by": "A",
                                                 "address": "1 Street"}))  # fmt: skip
    assert "govuk-error-summary" in refused and not NoticeEvent.objects.exists()
    response = client.post(base + "serve/", {"method": "post", "on": "2025-11-19", "served_by": "A. Officer",
                                             "address": "1 Pretend Street"})  # fmt: skip
    assert response.status_code == 302
    assert "by 11 December 2025 (day 21)" in page(client.get(base))  # received 21 Nov (Friday)
    monkeypatch.setenv("ATTEND_TODAY", "2025-12-20")
    response = client.post(
        base + "payments/", {"amount": "80", "on": "2025-12-12", "reference": "R-1"}, follow=True
    )
    shown = page(response)
    assert "part-payment: £80.00 of £160.00 due on day 22" in shown
    shown = page(client.get(base))
    assert "Unpaid after 28 days" in shown
    response = client.post(base + "decide/", {"decision": "withdraw", "on": "2025-12-20"})
    assert "Choose the ground for withdrawing the notice" in page(response)
    response = client.post(
        base + "decide/", {"decision": "prosecute", "on": "2025-12-20", "note": "No contact"}
    )
    assert response.status_code == 302
    assert notices.notice_status(PenaltyNotice.objects.get()) == "prosecuted"


def test_upload_payments_with_a_report(client, world):
    notice = issued(world)
    notice_events.serve(
        notice, method="hand", on=D(2025, 11, 19), served_by="A", address="1 St", by=world.officer
    )
    body = b"notice_number,amount,paid_on,payment_reference\nPN-2025-000001,50,2025-11-19,B-1\nPN-2025-000009,80,2025-11-19,B-2\n"
    shown = page(
        client.post("/enforcement/notices/payments/upload/", {"file": SimpleUploadedFile("pay.csv", body)})
    )
    assert "Nothing was applied" in shown and "unknown notice number &#x27;PN-2025-000009&#x27;" in shown
    body = body.split(b"\nPN-2025-000009")[0] + b"\n"
    shown = page(
        client.post("/enforcement/notices/payments/upload/", {"file": SimpleUploadedFile("pay.csv", body)})
    )
    assert (
        "pay.csv: 1 applied" in shown
        and "part-payment: £50.00 of £80.00 due on day 1; £30.00 still owed" in shown
    )


def test_another_las_notice_is_404_and_nothing_changes(client, world):
    notice = issued(world)
    outsider = make_user(role=R.LA_OFFICER, local_authority=make_la("202", "Southshire"))
    client.force_login(outsider)
    base = f"/enforcement/notices/{notice.number}/"
    assert client.get(base).status_code == 404
    data = {"method": "hand", "on": "2025-11-19", "served_by": "X", "address": "Y"}
    assert client.post(base + "serve/", data).status_code == 404
    assert client.get(f"/enforcement/pupils/{world.pupil.upn}/notices/new/").status_code == 404
    assert not NoticeEvent.objects.exists()
    teacher = make_user(role=R.CLASS_TEACHER, school=world.school)
    client.force_login(teacher)
    assert client.get(base).status_code == 403
