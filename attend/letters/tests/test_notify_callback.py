"""GOV.UK Notify's callbacks, posted as Notify posts them (JSON, bearer token, no session or CSRF token), for
messages sent through the real Notify client to the fake Notify."""

from __future__ import annotations

import json

import pytest

from attend.alerts.models import Alert
from attend.audit.display import describe
from attend.audit.models import AuditEvent
from attend.letters.compose import compose
from attend.letters.services import message_create, message_send

from .factories import AS_OF, make_contact, make_pupil, make_school

pytestmark = pytest.mark.django_db
TOKEN = "notify-callback-token-7f3a9c"
URL = "/letters/notify/callback/"


@pytest.fixture
def family(settings, monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", "2026-11-25")
    settings.ATTEND_NOTIFY_CALLBACK_TOKEN = TOKEN
    school = make_school()
    pupil = make_pupil(school, absences=25)
    return pupil, make_contact(pupil=pupil)


@pytest.fixture
def csrf_client(client):
    client.handler.enforce_csrf_checks = True  # as Notify: no CSRF cookie, no session
    return client


def sent(pupil, contact, name, route):
    draft = compose(template_name=name, pupil=pupil, contact=contact, route=route, as_of=AS_OF)
    return message_send(message_create(draft, as_of=AS_OF))


def receipt(message, status, **extra):
    """A delivery receipt with the fields Notify's callback documentation lists."""
    return {
        "id": message.provider_id,
        "reference": message.idempotency_key,
        "to": message.recipient,
        "status": status,
        "created_at": "2026-11-25T09:15:30.000000Z",
        "completed_at": "2026-11-25T09:16:02.000000Z",
        "sent_at": "2026-11-25T09:15:31.000000Z",
        "notification_type": "sms",
        "template_id": "f33517ff-2a88-4f6e-b855-c550268ce08a",
        "template_version": 1,
        **extra,
    }


def post(client, body, token=TOKEN):
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return client.post(URL, data=json.dumps(body), content_type="application/json", headers=headers)


def test_a_delivery_receipt_marks_the_sms_delivered_once_and_audits_it(family, fake_notify, csrf_client):
    pupil, mother = family
    message = sent(pupil, mother, "first_day_absence_sms", "sms")
    response = post(csrf_client, receipt(message, "delivered"))
    assert (response.status_code, response.json()) == (200, {"status": "delivered"})
    message.refresh_from_db()
    assert (message.status, message.status_reason) == ("delivered", "GOV.UK Notify: delivered")
    # Notify retries a callback: the same receipt again changes and audits nothing.
    assert post(csrf_client, receipt(message, "delivered")).status_code == 200
    events = AuditEvent.objects.filter(action="letters.message.callback")
    assert events.count() == 1
    assert describe(events.get()) == (
        f"GOV.UK Notify reported a message about {pupil.display_name} as delivered (sent to delivered)."
    )


@pytest.mark.parametrize(
    "status, reason",
    [
        ("permanent-failure", "the number or address does not exist or cannot receive messages: check it"),
        ("temporary-failure", "the phone was off or the inbox full for 72 hours: try again or phone"),
        ("technical-failure", "a technical failure at GOV.UK Notify: nothing was delivered; send it again"),
    ],
)
def test_a_failure_receipt_marks_the_message_failed_with_the_reason(
    family, fake_notify, client, status, reason
):
    pupil, mother = family
    message = sent(pupil, mother, "first_day_absence_sms", "sms")
    assert post(client, receipt(message, status)).status_code == 200
    message.refresh_from_db()
    assert (message.status, message.status_reason) == ("failed", f"GOV.UK Notify: {status} ({reason})")


def test_a_returned_letter_callback_marks_it_returned_and_asks_for_an_address_check(
    family, fake_notify, client
):
    pupil, mother = family
    letter = sent(pupil, mother, "concern_stage_1", "post")
    body = {
        "notification_id": letter.provider_id,
        "reference": letter.idempotency_key,
        "date_sent": "2026-11-25",
    }
    assert post(client, body).json() == {"status": "returned"}
    letter.refresh_from_db()
    assert letter.status == "returned"
    assert Alert.objects.filter(pupil=pupil, rule="returned_post").count() == 1
    # A late "delivered"-style report never moves it back.
    assert post(client, receipt(letter, "received")).json() == {"status": "returned"}


@pytest.mark.parametrize("token", [None, "", "wrong-token", TOKEN + "x"])
def test_a_bad_or_missing_token_is_refused_with_401_and_no_detail(family, fake_notify, client, token):
    pupil, mother = family
    message = sent(pupil, mother, "first_day_absence_sms", "sms")
    response = post(client, receipt(message, "delivered"), token=token)
    assert (response.status_code, response.content) == (401, b"")
    message.refresh_from_db()
    assert message.status == "sent"


def test_no_token_configured_refuses_every_callback(family, fake_notify, client, settings):
    pupil, mother = family
    message = sent(pupil, mother, "first_day_absence_sms", "sms")
    settings.ATTEND_NOTIFY_CALLBACK_TOKEN = ""
    assert post(client, receipt(message, "delivered"), token="").status_code == 401


def test_unknown_ids_are_404_and_bad_bodies_400(family, client):
    unknown = {"id": "0b3e7c7a-6f1d-4c5e-9a59-2f1c0a1b2c3d", "status": "delivered"}
    assert post(client, unknown).status_code == 404
    headers = {"Authorization": f"Bearer {TOKEN}"}
    bad = client.post(URL, data="not json", content_type="application/json", headers=headers)
    assert (bad.status_code, bad.json()) == (400, {"error": "The body is not JSON"})
    assert post(client, {"status": "delivered"}).status_code == 400
    assert post(client, ["a list"]).status_code == 400
    assert client.get(URL, headers=headers).status_code == 405
