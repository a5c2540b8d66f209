"""The penalty notices API: issue by UPN and contact reference (201 with the number, the sessions relied on and
the amounts with their due dates), a refusal is 422 with a machine-readable reason, reads are scoped and audited,
payments by number. A fresh installation (no LA code): LA officers may issue and a case is opened."""

from decimal import Decimal

import pytest

from attend.accounts.models import Membership
from attend.api.tests.factories import bearer, token_for
from attend.audit.models import AuditEvent
from attend.casework.models import Case
from attend.core.tests.factories import make_la, make_user
from attend.enforcement import notice_events
from attend.enforcement.models import NoticeEvent, PenaltyNotice

from .notices_world import D, make_world, ten_sessions

pytestmark = pytest.mark.django_db
R = Membership.Role
URL = "/api/v1/penalty-notices/"
BOTH = ["enforcement:read", "enforcement:write"]


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", "2025-11-19")


@pytest.fixture
def world():
    w = make_world()
    ten_sessions(w)
    w.token = token_for(w.officer, BOTH)
    return w


def post(client, token, data, url=URL):
    return client.post(url, data, headers=bearer(token), content_type="application/json")


def issue(client, w, ref="C-MUM", **extra):
    return post(
        client, w.token, {"upn": w.pupil.upn, "parent_contact_ref": ref, "issue_date": "2025-11-19", **extra}
    )


def test_issue_answers_201_with_the_number_sessions_and_amounts(client, world):
    response = issue(client, world, reason="other")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"] == "PN-2025-000001"
    assert body["amounts"] == {
        "reduced": {"amount": "80.00", "pay_by": None},
        "full": {"amount": "160.00", "pay_by": None},
    }
    assert body["sessions"][:2] == [
        {"date": "2025-11-10", "session": "AM", "code": "O"},
        {"date": "2025-11-10", "session": "PM", "code": "O"},
    ]
    assert len(body["sessions"]) == 10
    assert (body["status"], body["sequence"], body["code_version"]) == ("issued", 1, 1)
    # A fresh installation: no LA code, so the LA officer may issue, no NTI first, and a case is opened.
    assert body["case"] == Case.objects.get(pupil=world.pupil).ref


def test_due_dates_appear_once_served(client, world):
    issue(client, world)
    notice = PenaltyNotice.objects.get()
    notice_events.serve(
        notice, method="post", on=D(2025, 11, 19), served_by="A", address="1 Street", by=world.officer
    )
    body = client.get(f"{URL}{notice.number}/", headers=bearer(world.token)).json()
    assert body["received_on"] == "2025-11-21"
    assert body["amounts"]["reduced"]["pay_by"] == "2025-12-11"
    assert body["amounts"]["full"]["pay_by"] == "2025-12-18"
    assert AuditEvent.objects.filter(action="enforcement.notice.viewed").count() == 1


@pytest.mark.parametrize(
    "ref, reason",
    [("C-UNC", "not_a_parent"), ("C-NOBODY", "not_a_parent")],
)
def test_refusals_are_422_with_a_reason_and_a_sentence(client, world, ref, reason):
    response = issue(client, world, ref=ref)
    assert response.status_code == 422
    assert response.json()["reason"] == reason and response.json()["detail"].endswith(".")
    assert not PenaltyNotice.objects.exists()


def test_the_same_sessions_twice_and_the_other_parent(client, world):
    assert issue(client, world).status_code == 201
    again = issue(client, world)
    assert (again.status_code, again.json()["reason"]) == (422, "sessions_already_used")
    assert issue(client, world, ref="C-DAD").status_code == 201


def test_an_unauthorised_role_is_422_not_authorised(client, world):
    head_elsewhere = make_user(role=R.LA_OFFICER, local_authority=make_la("202", "Southshire"))
    lead = make_user(role=R.ATTENDANCE_LEAD, school=world.school)
    response = post(client, token_for(lead, BOTH), {"upn": world.pupil.upn, "parent_contact_ref": "C-MUM",
                                                     "issue_date": "2025-11-19"})  # fmt: skip
    assert (response.status_code, response.json()["reason"]) == (422, "not_authorised")
    outside = post(client, token_for(head_elsewhere, BOTH), {"upn": world.pupil.upn, "parent_contact_ref": "C-MUM",
                                                             "issue_date": "2025-11-19"})  # fmt: skip
    assert outside.status_code == 404  # another LA's pupil: not even its existence


def test_bad_input_is_400(client, world):
    response = post(
        client, world.token, {"upn": "nope", "parent_contact_ref": "C-MUM", "issue_date": "2025-11-20"}
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"upn", "issue_date"}


def test_a_token_without_the_write_scope_cannot_issue(client, world):
    response = post(client, token_for(world.officer, ["enforcement:read"]), {
        "upn": world.pupil.upn, "parent_contact_ref": "C-MUM", "issue_date": "2025-11-19"})  # fmt: skip
    assert response.status_code == 403


def test_list_is_scoped_and_audited(client, world):
    issue(client, world)
    issue(client, world, ref="C-DAD")
    body = client.get(URL, headers=bearer(world.token)).json()
    assert [n["number"] for n in body["results"]] == ["PN-2025-000002", "PN-2025-000001"]
    other = make_user(role=R.LA_OFFICER, local_authority=make_la("202", "Southshire"))
    assert client.get(URL, headers=bearer(token_for(other, BOTH))).json()["results"] == []
    assert client.get(f"{URL}PN-2025-000001/", headers=bearer(token_for(other, BOTH))).status_code == 404
    assert AuditEvent.objects.filter(action="enforcement.notice.viewed").count() == 2


def test_payments_by_number(client, world):
    issue(client, world)
    url = f"{URL}PN-2025-000001/payments/"
    response = post(
        client, world.token, {"amount": "80.00", "paid_on": "2025-11-19", "payment_reference": "P-1"}, url
    )
    assert response.status_code == 201, response.content
    assert response.json()["notes"] == [] and response.json()["notice"]["status"] == "paid"
    again = post(
        client, world.token, {"amount": "80.00", "paid_on": "2025-11-19", "payment_reference": "P-1"}, url
    )
    assert (again.status_code, again.json()["reason"]) == (422, "payment_refused")
    unknown = post(client, world.token, {"amount": "80", "paid_on": "2025-11-19", "payment_reference": "P-2"},
                   f"{URL}PN-2025-999999/payments/")  # fmt: skip
    assert unknown.status_code == 404
    assert NoticeEvent.objects.filter(kind="payment").get().amount == Decimal("80.00")


def test_notices_are_never_changed_through_the_api(client, world):
    issue(client, world)
    for method in (client.put, client.patch, client.delete):
        assert method(f"{URL}PN-2025-000001/", headers=bearer(world.token)).status_code == 405
