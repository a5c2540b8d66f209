"""Delivery through a real local SMTP server and a fake GOV.UK Notify reached by the official client."""

from __future__ import annotations

import base64

import pytest

from attend.audit.models import AuditEvent
from attend.letters.compose import MessageError, compose
from attend.letters.models import Message
from attend.letters.services import message_create, message_refresh, message_send
from attend.letters.transport import email_settings

from .factories import AS_OF, make_contact, make_pupil, make_school

pytestmark = pytest.mark.django_db


@pytest.fixture
def family():
    school = make_school()
    pupil = make_pupil(school, absences=25, days=60)
    return pupil, make_contact(pupil=pupil)


def make(pupil, contact, name, route, **kw):
    return message_create(
        compose(template_name=name, pupil=pupil, contact=contact, route=route, as_of=AS_OF), as_of=AS_OF, **kw
    )


def test_an_email_reaches_the_smtp_server(family, smtp_server):
    pupil, mother = family
    message = message_send(make(pupil, mother, "first_day_absence_email", "email"))
    assert (message.status, message.provider) == ("sent", "smtp")
    [got] = smtp_server.messages
    assert got["to"] == [mother.email]
    email = got["message"]
    assert email["Subject"] == "Amelia is not in school today"
    assert "Amelia is not in school today (Wednesday 25 November)" in email.get_body(("plain",)).get_content()
    assert "<p>Dear Mrs Kowalska</p>" in email.get_body(("html",)).get_content()
    assert AuditEvent.objects.filter(action="letters.message.sent", pupil=pupil).exists()


def test_an_sms_reaches_notify_and_its_status_updates(family, fake_notify):
    pupil, mother = family
    message = message_send(make(pupil, mother, "first_day_absence_sms", "sms"))
    assert (message.status, message.provider) == ("sent", "notify")
    [sms] = fake_notify.sent("sms")
    assert sms["body"]["phone_number"] == "07700900123"
    assert sms["body"]["personalisation"]["body"].startswith(
        "Northfield Primary School: Amelia is not in school"
    )
    assert sms["body"]["reference"] == message.idempotency_key
    fake_notify.set_status(message.provider_id, "delivered")
    assert message_refresh(message).status == "delivered"


def test_a_letter_goes_to_notify_as_a_first_class_precompiled_pdf(family, fake_notify):
    pupil, mother = family
    message = message_send(make(pupil, mother, "concern_stage_1", "post"))
    [letter] = fake_notify.sent("letter")
    assert letter["body"]["postage"] == "first"
    assert base64.b64decode(letter["body"]["content"]) == bytes(message.pdf)
    fake_notify.set_status(message.provider_id, "received")
    assert message_refresh(message).status == "sent"
    fake_notify.set_status(message.provider_id, "returned-letter")
    assert message_refresh(message).status == "returned"


def test_a_resend_is_refused(family, fake_notify):
    pupil, mother = family
    message = message_send(make(pupil, mother, "first_day_absence_sms", "sms"))
    with pytest.raises(MessageError, match="never sent twice"):
        message_send(message)
    with pytest.raises(MessageError, match="never sent twice"):
        make(pupil, mother, "first_day_absence_sms", "sms")
    assert len(fake_notify.sent("sms")) == 1


def test_a_notify_4xx_marks_the_message_failed_with_notifys_reason(family, fake_notify):
    pupil, mother = family
    mother.phone_mobile = "07700900999"
    mother.save()
    message = message_send(make(pupil, mother, "first_day_absence_sms", "sms"))
    assert message.status == "failed"
    assert "Not a UK mobile number" in message.status_reason and "(400)" in message.status_reason


def test_a_5xx_is_retried_and_sent_once(family, fake_notify):
    pupil, mother = family
    fake_notify.fail_next = [500, 503]
    message = message_send(make(pupil, mother, "first_day_absence_sms", "sms"))
    assert message.status == "sent"
    assert len(fake_notify.sent("sms")) == 1
    assert len([r for r in fake_notify.requests if r["path"].endswith("/sms")]) == 3


def test_when_retries_run_out_the_message_fails_and_can_be_tried_again_without_a_double_send(
    family, fake_notify
):
    pupil, mother = family
    fake_notify.fail_next = [500, 500, 500]
    message = message_send(make(pupil, mother, "first_day_absence_sms", "sms"))
    assert message.status == "failed" and "(500)" in message.status_reason
    assert fake_notify.sent("sms") == []
    message.status = Message.Status.QUEUED
    message.save()
    assert message_send(message).status == "sent"
    assert len(fake_notify.sent("sms")) == 1


def test_a_request_that_reached_notify_before_a_crash_is_not_sent_again(family, fake_notify):
    pupil, mother = family
    message = make(pupil, mother, "first_day_absence_sms", "sms")
    # Notify took the first attempt, but the process died before it saved Notify's id.
    message_send(message)
    Message.objects.filter(pk=message.pk).update(status="queued", provider_id="", provider="")
    message.refresh_from_db()
    resent = message_send(message)
    assert resent.status == "sent" and len(fake_notify.sent("sms")) == 1
    assert resent.provider_id == fake_notify.sent("sms")[0]["id"]


def test_a_bad_api_key_is_refused_by_the_fake_and_the_message_fails(family, fake_notify, settings):
    pupil, mother = family
    settings.ATTEND_NOTIFY_API_KEY = "attend_test-26785a09-ab16-4eb0-8407-a37497a57506-" + "0" * 36
    message = message_send(make(pupil, mother, "first_day_absence_sms", "sms"))
    assert message.status == "failed" and "(403)" in message.status_reason


def test_email_url_settings():
    assert email_settings("smtp://user:p%40ss@mail.example:587?tls=1") == {
        "backend": "django.core.mail.backends.smtp.EmailBackend",
        "host": "mail.example",
        "port": 587,
        "username": "user",
        "password": "p@ss",
        "use_tls": True,
        "use_ssl": False,
        "timeout": 10.0,
    }
    assert email_settings("console://")["backend"].endswith("console.EmailBackend")
