"""Request pages: the school asks (evidence attached from the data), sees the status; the LA sees what is missing
against the code and decides; a school cannot decide; another LA gets 404; every view is audited."""

from attend.audit.models import AuditEvent
from attend.enforcement.models import NoticeRequest

from .ladder_world import ladder_fixture  # noqa: F401

DATA = {
    "reason": "other",
    "period_start": "2025-11-03",
    "period_end": "2025-11-19",
    "summary": "Absent Mondays",
}


def test_the_school_asks_and_the_la_returns_it(client, ladder):
    w = ladder
    client.force_login(w["lee"])
    response = client.post(
        f"/enforcement/requests/new/?upn={w['maya'].upn}", {**DATA, "parents": [str(w["mother"].pk)]}
    )
    nr = NoticeRequest.objects.get()
    assert response.url == f"/enforcement/requests/{nr.pk}/"
    page = client.get(response.url).content.decode()
    assert (
        "Waiting for the LA" in page and "3 unauthorised sessions (G, N, O or U) over 3 school weeks" in page
    )
    assert "Record the decision" not in page  # the school cannot decide
    assert client.post(response.url, {"action": "refuse", "note": "x"}).status_code == 404
    client.force_login(w["sam"])
    page = client.get(response.url).content.decode()
    assert "The period has 3 unauthorised sessions (G, N, O or U): the national threshold is 10" in page
    client.post(response.url, {"action": "return", "note": "Add the October letters"})
    client.force_login(w["lee"])
    page = client.get(response.url).content.decode()
    assert "Returned to the school for more</strong> Add the October letters" in page
    assert AuditEvent.objects.filter(action="enforcement.request.viewed").count() == 3  # each page shown


def test_bad_input_is_shown_and_another_la_gets_404(client, ladder):
    w = ladder
    client.force_login(w["lee"])
    page = client.post(f"/enforcement/requests/new/?upn={w['maya'].upn}", {**DATA, "period_end": "2025-11-20",
                                                                           "parents": [str(w["mother"].pk)]})  # fmt: skip
    assert b"cannot end after today" in page.content
    client.post(f"/enforcement/requests/new/?upn={w['maya'].upn}", {**DATA, "parents": [str(w["mother"].pk)]})
    nr = NoticeRequest.objects.get()
    client.force_login(w["pat"])
    assert (
        client.post(f"/enforcement/requests/{nr.pk}/", {"action": "refuse", "note": "x"}).status_code == 404
    )
    assert client.get(f"/enforcement/requests/{nr.pk}/").status_code == 404
    nr.refresh_from_db()
    assert nr.status == "submitted"


def test_the_case_panel_shows_requests_only_to_those_who_see_enforcement_records(client, ladder):
    from attend.core.tests.factories import make_user
    from attend.enforcement.tests.ladder_world import R

    w = ladder
    client.force_login(w["lee"])
    client.post(f"/enforcement/requests/new/?upn={w['maya'].upn}", {**DATA, "parents": [str(w["mother"].pk)]})
    ref = NoticeRequest.objects.get().case.ref
    assert "Penalty notice request, 3 Nov to 19 Nov 2025" in client.get(f"/cases/{ref}/").content.decode()
    client.force_login(
        make_user("officer", role=R.SCHOOL_OFFICER, school=w["alder"])
    )  # enforcement.formal only
    page = client.get(f"/cases/{ref}/").content.decode()
    assert 'data-testid="formal-steps-panel"' in page and "Penalty notice request, 3 Nov" not in page
