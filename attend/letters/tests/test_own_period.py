"""Letters keep to the reader's own enrolment periods (issue 14, finding 4): a school a pupil has left sees the
letters it sent while the pupil was there, read-only; the new school sees its own; the LA sees both."""

from __future__ import annotations

import datetime as dt

import pytest

from attend.core.tests.moves import TODAY, make_moved_pupil
from attend.letters.compose import compose
from attend.letters.models import Message
from attend.letters.services import message_create, message_send

pytestmark = pytest.mark.django_db


@pytest.fixture
def moved(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    world = make_moved_pupil()
    contact = world["pupil"].contact_links.get().contact
    contact.postcode = "DM1 1AA"
    contact.save()
    for key, day in (("alder", dt.date(2025, 10, 15)), ("beech", dt.date(2025, 12, 9))):
        draft = compose(
            template_name="concern_stage_1", pupil=world["pupil"], contact=contact, route="print", as_of=day
        )
        by = world["la_officer"]
        message = message_send(message_create(draft, as_of=day, by=by), by=by)
        # Sent by that school, on that day (the real clock stamps created_at: pin it).
        when = dt.datetime.combine(day, dt.time(10), dt.UTC)
        Message.objects.filter(pk=message.pk).update(school=world[key], created_at=when, sent_at=when)
        world[f"{key}_letter"] = message
    return world


def listed(client, user, pupil) -> set[int]:
    client.force_login(user)
    page = client.get(f"/letters/pupils/{pupil.upn}/").content.decode()
    return {m.pk for m in Message.objects.all() if f"/messages/{m.pk}/" in page}


def test_each_school_sees_the_letters_of_its_own_period_and_the_la_sees_both(client, moved):
    pupil, alder, beech = moved["pupil"], moved["alder_letter"], moved["beech_letter"]
    assert listed(client, moved["alder_dsl"], pupil) == {alder.pk}
    assert listed(client, moved["beech_officer"], pupil) == {beech.pk}
    assert listed(client, moved["la_officer"], pupil) == {alder.pk, beech.pk}
    client.force_login(moved["alder_officer"])
    assert client.get(f"/letters/pupils/{pupil.upn}/messages/{beech.pk}/").status_code == 404
    assert client.get(f"/letters/pupils/{pupil.upn}/messages/{alder.pk}/").status_code == 200


def test_the_school_the_pupil_left_cannot_mark_its_letter_returned(client, moved):
    pupil, alder = moved["pupil"], moved["alder_letter"]
    client.force_login(moved["alder_officer"])
    page = client.get(f"/letters/pupils/{pupil.upn}/messages/{alder.pk}/").content.decode()
    assert 'data-testid="mark-returned"' not in page
    response = client.post(f"/letters/pupils/{pupil.upn}/messages/{alder.pk}/", {"note": "Gone away"})
    assert response.status_code == 403
    alder.refresh_from_db()
    assert alder.status == "sent"
