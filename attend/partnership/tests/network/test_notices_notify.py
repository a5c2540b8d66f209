"""The same-day network notice through GOV.UK Notify when ATTEND_EMAIL_VIA=notify: the official Notify client
against the fake Notify server (attend/letters/tests/fake_notify.py), sent once, retried after Notify was down, and
never sent twice when Notify had the first try after all. Jayden Okafor (child in need) at Alder Primary."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from attend.audit.models import AuditEvent
from attend.partnership.models import NetworkNotice
from attend.partnership.network import send_network_notices

from .conftest import TODAY, mark

SOCIAL_WORKER = "priya.shah@northshire-cs.example.gov.uk"


def at(hh: int, mm: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(TODAY, dt.time(hh, mm)))


@pytest.fixture
def via_notify(settings, fake_notify):
    settings.ATTEND_EMAIL_VIA = "notify"
    settings.ATTEND_NOTIFY_RETRY_DELAYS = [0.01, 0.02]
    return fake_notify


def test_after_the_cut_off_the_notice_goes_through_notify_once(world, via_notify):
    mark(world.jayden, "O")
    run = send_network_notices(TODAY, at(10, 30))
    assert run.sent == 1
    [sent] = via_notify.sent("email")
    notice = NetworkNotice.objects.get()
    assert sent["reference"] == f"network-notice-{notice.pk}-social_worker"
    assert sent["body"]["email_address"] == SOCIAL_WORKER
    assert sent["body"]["template_id"] == "2b5a3cd3-57f8-4b73-a4a5-d2b3ba1a3a5e"
    personal = sent["body"]["personalisation"]
    assert personal["subject"] == "Unexplained absence today: Jayden Okafor, Alder Primary"
    assert "has not arrived at Alder Primary today, Wednesday 19 November 2025" in personal["body"]
    assert "No reason had been given by the cut-off time (10:30)" in personal["body"]
    assert notice.status == NetworkNotice.Status.SENT
    [recipient] = notice.recipients
    assert (recipient["status"], recipient["provider"], recipient["provider_id"]) == (
        "sent",
        "notify",
        sent["id"],
    )
    again = send_network_notices(TODAY, at(10, 45))
    assert (again.sent, again.already) == (0, 1)
    assert len(via_notify.requests) == 1
    assert AuditEvent.objects.get(action="partnership.network_notice.sent").pupil == world.jayden


def test_notify_down_fails_the_notice_and_the_next_run_sends_it(world, via_notify):
    mark(world.jayden, "O")
    via_notify.fail_next = [500, 500, 500]  # the first try and both retries
    run = send_network_notices(TODAY, at(10, 30))
    assert (run.sent, run.failed) == (0, 1)
    notice = NetworkNotice.objects.get()
    assert notice.status == NetworkNotice.Status.FAILED
    assert notice.recipients[0]["reason"].startswith("GOV.UK Notify said (500)")
    assert via_notify.sent("email") == []

    run = send_network_notices(TODAY, at(10, 45))
    assert run.sent == 1
    [sent] = via_notify.sent("email")
    notice.refresh_from_db()
    assert notice.status == NetworkNotice.Status.SENT and notice.recipients[0]["provider_id"] == sent["id"]
    # The retry asked Notify first whether it already had the notice (it had not), then sent it.
    assert [r["path"] for r in via_notify.requests].count("/v2/notifications/email") == 4


def test_a_retry_never_sends_twice_when_notify_had_the_first_try(world, via_notify):
    mark(world.jayden, "O")
    via_notify.fail_next = [500, 500, 500]
    send_network_notices(TODAY, at(10, 30))
    notice = NetworkNotice.objects.get()
    # Notify did take the message although the answer never came back: it holds a notification for the key.
    via_notify.notifications["held-by-notify"] = {
        "id": "held-by-notify",
        "type": "email",
        "reference": f"network-notice-{notice.pk}-social_worker",
        "status": "delivered",
        "body": {},
    }
    run = send_network_notices(TODAY, at(10, 45))
    assert run.sent == 1
    notice.refresh_from_db()
    assert notice.recipients[0]["provider_id"] == "held-by-notify"
    assert len(via_notify.sent("email")) == 1  # nothing new sent
