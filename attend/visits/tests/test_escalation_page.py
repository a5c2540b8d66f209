"""The escalation page: what to do, the messages sent with their status, who acknowledged and when, and the
"I am dealing with this" button; in scope for the same school or LA team only."""

from __future__ import annotations

import pytest

from attend.audit.models import AuditEvent
from attend.core.tests.factories import make_school, make_user
from attend.letters.tests.conftest import fake_notify, smtp_server  # noqa: F401
from attend.visits import escalation
from attend.visits.models import Escalation

from .escalation_world import R, at, start, world  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def escalated(world, smtp_server, fake_notify):  # noqa: F811
    start(world["round"], now=at("13:00"), first_check_in=at("14:00"))
    escalation.process_due(at("14:15"))
    escalation.process_due(at("14:30"))
    return {**world, "escalation": Escalation.objects.get(), "smtp": smtp_server}


def test_the_page_says_what_to_do_and_shows_every_message_sent(client, escalated):
    client.force_login(escalated["office_user"])
    page = client.get(f"/visits/escalations/{escalated['escalation'].pk}/").content.decode()
    assert "Olive Officer" in page and "Missed check-in" in page
    assert 'href="tel:07700 900123"' in page
    assert "ring the visit address: 01632 960111 (Pat Parent)" in page
    assert "Blue Ford Fiesta, registration AB12 CDE" in page and "Short grey hair, red raincoat" in page
    assert "Nobody has said they are dealing with this yet" in page
    assert "Email to Olu Office (office@alder.example)" in page
    assert "Text to Mina Manager (07700 900202)" in page
    assert 'Next reminder</dt><dd class="govuk-summary-list__value">14:45 to the manager' in page
    assert "I am dealing with this</button>" in page


def test_i_am_dealing_with_this_acknowledges_stops_the_reminders_and_shows_who(client, escalated):
    client.force_login(escalated["office_user"])
    url = f"/visits/escalations/{escalated['escalation'].pk}/"
    response = client.post(url, {"note": "Driving to Acacia Road"})
    assert response.status_code == 302 and response["Location"] == url
    esc = Escalation.objects.get()
    assert esc.acknowledged_by == escalated["office_user"] and not esc.open
    page = client.get(url).content.decode()
    assert "By Olu Office at 19 November 2025" in page and "Driving to Acacia Road" in page
    assert "I am dealing with this</button>" not in page
    assert esc.steps.get(number=3).status == "cancelled"


def test_an_acknowledgement_is_never_refused_a_long_note_or_none_at_all(client, escalated):
    client.force_login(escalated["office_user"])
    url = f"/visits/escalations/{escalated['escalation'].pk}/"
    assert client.post(url, {"note": "x" * 5000}).status_code == 302
    assert Escalation.objects.get().acknowledged_note == "x" * 5000
    assert client.post(url, {}).status_code == 302  # a second one: recorded in the audit trail only
    assert Escalation.objects.get().acknowledged_by == escalated["office_user"]
    assert AuditEvent.objects.filter(action="visits.escalation.acknowledged").count() == 2
    assert AuditEvent.objects.filter(action="visits.escalation.ended").count() == 1


def test_another_schools_office_gets_a_404_and_changes_nothing_an_la_officer_may_act(client, escalated):
    elsewhere = make_user("elm", role=R.SCHOOL_OFFICER, school=make_school(la=escalated["la"], name="Elm"))
    url = f"/visits/escalations/{escalated['escalation'].pk}/"
    client.force_login(elsewhere)
    assert client.get(url).status_code == 404
    assert client.post(url, {"note": "mine"}).status_code == 404
    assert Escalation.objects.get().acknowledged_at is None
    la_officer = make_user("lara", role=R.LA_OFFICER, local_authority=escalated["la"])
    client.force_login(la_officer)
    assert client.get(url).status_code == 200


def test_a_role_without_the_office_permission_is_refused(client, escalated):
    teacher = make_user("tess", role=R.CLASS_TEACHER, school=escalated["school"])
    client.force_login(teacher)
    assert client.get(f"/visits/escalations/{escalated['escalation'].pk}/").status_code == 403
