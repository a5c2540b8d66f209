"""Recording an order's and a prosecution's next steps through the pages: refusals as form errors, nothing
changed; 404 outside the write scope."""

import datetime as dt

import pytest

from attend.accounts.models import Membership
from attend.core.tests.factories import make_la, make_user
from attend.enforcement import orders, prosecutions
from attend.enforcement.models import Prosecution, SupervisionOrder
from attend.registers.tests.factories import weekdays

from .court_world import add_absences, make_world
from .test_prosecutions import ANSWERS

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def w(monkeypatch):
    return make_world(monkeypatch)


def _order(w):
    return orders.consider(
        w["pupil"], on=D(2025, 11, 3), consideration="May help", pursue=True, by=w["officer"]
    )


def test_applying_without_the_consultation_is_shown_as_an_error(client, w):
    order = _order(w)
    client.force_login(w["officer"])
    url = f"/enforcement/cases/{order.case.ref}/supervision-orders/{order.pk}/step/"
    response = client.post(url, {"step": "applied", "on": "2025-11-19"})
    assert response.status_code == 200
    assert "the LA must consult them before applying (Children Act 1989 s36(8))" in response.content.decode()
    assert SupervisionOrder.objects.get(pk=order.pk).status == "considered"
    assert (
        client.post(url, {"step": "consulted", "on": "2025-11-10", "note": "No objection"}).status_code == 302
    )
    assert client.post(url, {"step": "applied", "on": "2025-11-12"}).status_code == 302
    assert (
        client.post(url, {"step": "made", "on": "2025-11-19", "supervisor": "Eva Officer"}).status_code == 302
    )
    order.refresh_from_db()
    assert order.status == "in_force" and order.expires_on == D(2026, 11, 18)


def test_a_childs_breach_without_telling_social_care_is_refused(client, w):
    order = _order(w)
    orders.record_consultation(order, on=D(2025, 11, 4), response="-", by=w["officer"])
    orders.apply(order, on=D(2025, 11, 5), by=w["officer"])
    orders.order_made(order, on=D(2025, 11, 6), supervisor="Eva Officer", by=w["officer"])
    client.force_login(w["officer"])
    url = f"/enforcement/cases/{order.case.ref}/supervision-orders/{order.pk}/step/"
    response = client.post(url, {"step": "child_breach", "on": "2025-11-18", "note": "Refuses"})
    assert "(Children Act 1989 Sch 3 para 19)" in response.content.decode()
    assert not order.events.exists()


def test_prosecution_steps_through_the_page(client, w):
    add_absences(w["pupil"], w["school"], weekdays(D(2025, 9, 15), D(2025, 9, 19)))
    orders.consider(w["pupil"], on=D(2025, 11, 3), consideration="-", pursue=False, by=w["officer"])
    p = prosecutions.decide(
        pupil=w["pupil"], parent=w["mother"], offence="s444_1", period_start=D(2025, 9, 15),
        period_end=D(2025, 9, 19), reasons="-", defences=ANSWERS, by=w["officer"], on=D(2025, 11, 19),
    )  # fmt: skip
    client.force_login(w["officer"])
    url = f"/enforcement/cases/{p.case.ref}/prosecutions/{p.pk}/step/"
    response = client.post(
        url, {"step": "interview", "on": "2025-11-19", "place": "County Hall", "note": "Said"}
    )
    assert "starts with the caution (PACE Code C 10.1)" in response.content.decode()
    assert not p.interviews.exists()
    ok = {"step": "interview", "on": "2025-11-19", "time": "10:00", "place": "County Hall", "note": "Said",
          "caution_given": "on", "legal_advice_offered": "on"}  # fmt: skip
    assert client.post(url, ok).status_code == 302
    assert client.post(url, {"step": "laid", "on": "2025-11-19"}).status_code == 302
    assert (
        client.post(
            url, {"step": "hearing", "on": "2025-11-19", "place": "Northshire MC", "kind": "Trial"}
        ).status_code
        == 302
    )
    assert (
        client.post(
            url, {"step": "outcome", "on": "2025-11-19", "outcome": "fine", "note": "£200"}
        ).status_code
        == 302
    )
    p.refresh_from_db()
    assert (p.status, p.outcome, p.interviews.count(), p.hearings.count()) == ("concluded", "fine", 1, 1)


def test_another_las_order_is_404(client, w):
    order = _order(w)
    client.force_login(
        make_user("south", role=Membership.Role.LA_OFFICER, local_authority=make_la(code="999"))
    )
    url = f"/enforcement/cases/{order.case.ref}/supervision-orders/{order.pk}/step/"
    assert client.post(url, {"step": "consulted", "on": "2025-11-10"}).status_code == 404
    assert SupervisionOrder.objects.get(pk=order.pk).social_care_consulted_on is None
    assert Prosecution.objects.count() == 0
