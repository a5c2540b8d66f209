"""The same-day notice of unexplained absence to the professional network: sent by email through a real local
SMTP server once the first-day call has failed or after the cut-off, logged, and never sent twice."""

from __future__ import annotations

import datetime as dt

from django.core.management import call_command
from django.utils import timezone

from attend.audit.models import AuditEvent
from attend.casework.cases import open_case
from attend.casework.chronology import record_entry
from attend.partnership.models import NetworkNotice
from attend.partnership.network import send_network_notices

from .conftest import TODAY, mark


def at(hh: int, mm: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(TODAY, dt.time(hh, mm)))


def test_an_o_mark_waits_for_the_call_or_the_cut_off(world, smtp_server):
    mark(world.jayden, "O")
    run = send_network_notices(TODAY, at(9, 20))
    assert (run.sent, run.waiting) == (0, 1)
    assert smtp_server.messages == []
    assert not NetworkNotice.objects.exists()


def test_after_the_cut_off_the_social_worker_is_emailed_once(world, smtp_server):
    mark(world.jayden, "O")
    run = send_network_notices(TODAY, at(10, 30))
    assert run.sent == 1
    [mail] = smtp_server.messages
    assert mail["to"] == ["priya.shah@northshire-cs.example.gov.uk"]
    assert mail["message"]["Subject"] == "Unexplained absence today: Jayden Okafor, Alder Primary"
    body = mail["message"].get_body().get_content()
    assert "Wednesday 19 November 2025" in body
    assert "AM O" in body
    assert "No reason had been given by the cut-off time (10:30)" in body
    # A second run (cron every 15 minutes) sends nothing more.
    again = send_network_notices(TODAY, at(10, 45))
    assert (again.sent, again.already) == (0, 1)
    assert len(smtp_server.messages) == 1
    notice = NetworkNotice.objects.get()
    assert (notice.status, notice.sessions) == ("sent", "AM O")
    event = AuditEvent.objects.get(action="partnership.network_notice.sent")
    assert event.pupil == world.jayden
    assert event.data["to"] == "Priya Shah (Allocated social worker)"


def test_a_failed_first_day_call_sends_at_once_and_goes_on_the_case(world, smtp_server):
    mark(world.jayden, "N")
    case, _ = open_case(
        by=world.officer, pupil=world.jayden, school=world.school, reason="Persistent absence"
    )
    record_entry(
        case,
        kind="phone_call",
        summary="Called mother: no answer",
        by=world.officer,
        occurred_at=at(9, 5),
        outcome="no_answer",
    )
    run = send_network_notices(TODAY, at(9, 15))
    assert run.sent == 1
    body = smtp_server.messages[0]["message"].get_body().get_content()
    assert "The first-day call at 09:05 was not answered" in body
    entry = case.entries.get(kind="email")
    assert entry.summary.startswith(
        "Unexplained absence (AM N) emailed to the professional network: Priya Shah"
    )
    assert entry.source_ref == f"partnership.NetworkNotice:{NetworkNotice.objects.get().pk}"


def test_an_answered_call_does_not_trigger_before_the_cut_off(world, smtp_server):
    mark(world.jayden, "N")
    case, _ = open_case(
        by=world.officer, pupil=world.jayden, school=world.school, reason="Persistent absence"
    )
    record_entry(
        case,
        kind="phone_call",
        summary="Spoke to mother",
        by=world.officer,
        occurred_at=at(9, 5),
        outcome="spoke_to_parent",
    )
    assert send_network_notices(TODAY, at(9, 15)).waiting == 1
    assert smtp_server.messages == []


def test_no_mark_after_registration_counts_but_an_untaken_register_does_not(world, smtp_server):
    # Jayden has no AM mark while the rest of the school is registered; the PM register is not taken yet.
    run = send_network_notices(TODAY, at(11, 0))
    assert run.sent == 1
    assert NetworkNotice.objects.get().sessions == "AM no mark"


def test_a_mark_cleared_by_mid_morning_alarms_nobody(world, smtp_server):
    mark(world.jayden, "O")
    send_network_notices(TODAY, at(9, 30))
    mark(world.jayden, "M")  # the school heard: a medical appointment
    assert send_network_notices(TODAY, at(10, 30)).sent == 0
    assert smtp_server.messages == []


def test_pupils_without_a_social_worker_are_not_notified(world, smtp_server):
    mark(world.jayden, "/")
    mark(world.tom, "O")
    mark(world.kyla, "O")  # looked after: her virtual school caseworker is told
    run = send_network_notices(TODAY, at(10, 30))
    assert run.sent == 1
    assert [m["to"] for m in smtp_server.messages] == [["dan.ellis@northshire-vs.example.gov.uk"]]


def test_an_email_server_that_is_down_is_retried_next_run(world, settings):
    mark(world.jayden, "O")
    settings.ATTEND_EMAIL_URL = "smtp://127.0.0.1:9?timeout=1"
    settings.ATTEND_EMAIL_VIA = "smtp"
    run = send_network_notices(TODAY, at(10, 30))
    assert run.failed == 1
    assert NetworkNotice.objects.get().status == "failed"
    assert AuditEvent.objects.filter(action="partnership.network_notice.failed").count() == 1
    settings.ATTEND_EMAIL_URL = "locmem://"
    assert send_network_notices(TODAY, at(10, 45)).sent == 1
    assert NetworkNotice.objects.get().status == "sent"


def test_the_command_for_cron(world, smtp_server, capsys):
    mark(world.jayden, "O")
    call_command("network", "notify", "--date", "2025-11-19", "--at", "10:31")
    out = capsys.readouterr().out
    assert "Network notices for Wednesday 19 November 2025: 1 sent" in out
    call_command("network", "notify", "--date", "2025-11-19", "--at", "11:00")
    assert "0 sent" in capsys.readouterr().out
    assert len(smtp_server.messages) == 1


def test_the_task_sends_the_same_notices(world, smtp_server):
    from attend.partnership.tasks_network import send_network_notices_task

    mark(world.jayden, "O")
    result = send_network_notices_task.call("2025-11-19")
    assert result["sent"] == 1


def test_the_network_page_lists_the_notices_sent(client, world, smtp_server):
    mark(world.jayden, "O")
    send_network_notices(TODAY, at(10, 30))
    client.force_login(world.officer)
    page = client.get(f"/partnership/network/{world.jayden.upn}/").content.decode()
    assert 'data-testid="notices"' in page
    assert "Wed 19 Nov 2025" in page
    assert "Priya Shah (Allocated social worker)" in page
