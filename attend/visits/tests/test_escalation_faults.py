"""Faults: a worker that stops mid-escalation and starts again skips nothing and sends nothing twice; SMTP or
Notify down means the message is retried with backoff and shown failed, and never stops the next step; "I need
help" escalates at once; `attend visits check` and the background task run the same check."""

from __future__ import annotations

import datetime as dt
import socket
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from attend.jobs.tests.worker import run_queued_tasks
from attend.letters import transport
from attend.letters.tests.conftest import fake_notify, smtp_server  # noqa: F401
from attend.visits import escalation, lone
from attend.visits.models import CheckIn, Escalation, EscalationMessage, Round

from .escalation_world import at, start, world  # noqa: F401
from .test_escalation import emails, texts

pytestmark = pytest.mark.django_db


class Crash(BaseException):
    """The worker process dying (not an error the engine catches)."""


@pytest.fixture
def out(world, smtp_server, fake_notify):  # noqa: F811
    world["round"] = start(world["round"], now=at("13:00"), first_check_in=at("14:00"))
    return {**world, "smtp": smtp_server, "notify": fake_notify}


def test_a_worker_stopped_mid_escalation_and_started_again_skips_nothing_and_sends_nothing_twice(
    out, monkeypatch
):
    escalation.process_due(at("14:15"))  # step 1: office told
    real = transport.send_staff_email
    calls = {"n": 0}

    def dies_once(**kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise Crash  # the worker dies after the message row exists, before the email goes
        return real(**kwargs)

    monkeypatch.setattr(transport, "send_staff_email", dies_once)
    with pytest.raises(Crash):
        escalation.process_due(at("14:30"))  # step 2 (manager): its rows are made, then the worker dies
    step2 = Escalation.objects.get().steps.get(number=2)
    assert step2.status == "sent" and step2.messages.count() == 2
    assert (len(out["smtp"].messages), len(texts(out["notify"]))) == (1, 1)  # nothing of step 2 went

    escalation.process_due(at("14:31"))  # started again: the text and the email of step 2 go, once each
    escalation.process_due(at("14:31"))  # a second run (or a second worker) finds nothing to do
    escalation.process_due(at("14:44"))
    assert [to for to, _, _ in emails(out["smtp"])] == ["office@alder.example", "manager@alder.example"]
    assert [phone for phone, _ in texts(out["notify"])] == ["07700 900201", "07700 900202"]
    assert step2.messages.get(channel="email").attempts == 2

    escalation.process_due(at("14:45"))  # step 3 is on time, not skipped
    assert [to for to, _, _ in emails(out["smtp"])][2:] == ["office@alder.example", "manager@alder.example"]
    keys = list(EscalationMessage.objects.values_list("key", flat=True))
    assert len(keys) == len(set(keys)) == 8  # 2 + 2 + 4 messages, each once
    assert [n["body"]["reference"] for n in out["notify"].sent("sms")] == [
        k for k in keys if "-sms-" in k
    ]  # the Notify reference is the row's key


def test_a_crash_before_a_step_is_recorded_leaves_the_step_due(out, monkeypatch):
    """The step's claim, its messages and the next step are one transaction: all or nothing."""

    def dies(*args, **kwargs):
        raise Crash

    monkeypatch.setattr(escalation, "contacts_for", dies)
    with pytest.raises(Crash):
        escalation.process_due(at("14:15"))
    monkeypatch.undo()
    esc = Escalation.objects.get()
    assert list(esc.steps.values_list("number", "status")) == [(1, "pending")]
    escalation.process_due(at("14:16"))
    assert [to for to, _, _ in emails(out["smtp"])] == ["office@alder.example"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_smtp_down_is_retried_with_backoff_shown_failed_and_never_stops_the_next_step(out, settings, client):
    working = settings.ATTEND_EMAIL_URL
    settings.ATTEND_EMAIL_URL = f"smtp://127.0.0.1:{free_port()}?timeout=2"  # nothing listens there
    escalation.process_due(at("14:15"))
    email = EscalationMessage.objects.get(channel="email")
    assert (email.status, email.attempts, email.next_attempt_at) == ("failed", 1, at("14:16"))
    assert "The email server did not accept the message" in email.reason
    assert email.step.status == "partly"
    assert [phone for phone, _ in texts(out["notify"])] == ["07700 900201"]  # the text still went

    escalation.process_due(at("14:16"))
    escalation.process_due(at("14:18"))
    email.refresh_from_db()
    assert (email.attempts, email.next_attempt_at) == (3, at("14:23"))  # after 1, 2, then 5 minutes

    client.force_login(out["office_user"])
    page = client.get(f"/visits/escalations/{email.step.escalation_id}/").content.decode()
    assert "Failed (will retry)" in page and "The email server did not accept the message" in page
    assert "next try 14:23" in page

    escalation.process_due(at("14:30"))  # step 2 goes on time although step 1's email still fails
    assert [phone for phone, _ in texts(out["notify"])] == ["07700 900201", "07700 900202"]
    settings.ATTEND_EMAIL_URL = working  # the server is back
    escalation.process_due(at("14:35"))
    assert sorted(to for to, _, _ in emails(out["smtp"])) == ["manager@alder.example", "office@alder.example"]
    assert set(Escalation.objects.get().steps.exclude(status="pending").values_list("status", flat=True)) == {
        "sent"
    }


def test_notify_down_is_retried_and_the_email_still_goes(out):
    out["notify"].fail_next = [500, 500]
    report = escalation.process_due(at("14:15"))
    assert [m.channel for m in report.sent] == ["email"] and [m.channel for m in report.failed] == ["sms"]
    assert "GOV.UK Notify said (500)" in report.failed[0].reason
    escalation.process_due(at("14:16"))  # second failure
    report = escalation.process_due(at("14:18"))
    assert [m.channel for m in report.sent] == ["sms"]
    assert [phone for phone, _ in texts(out["notify"])] == ["07700 900201"]


def test_i_need_help_escalates_at_once_to_office_and_manager_and_only_acknowledgement_ends_it(out):
    lone.need_help(out["round"], by=out["officer"], channel=CheckIn.Channel.PHONE_PAGE, now=at("13:40"))
    assert sorted(to for to, _, _ in emails(out["smtp"])) == ["manager@alder.example", "office@alder.example"]
    assert len(texts(out["notify"])) == 2
    subject, body = emails(out["smtp"])[0][1:]
    assert subject == "URGENT: Olive Officer needs help on a home visit"
    assert 'Olive Officer pressed "I need help" at 13:40 at 12 Acacia Road.' in body
    assert "call the police on 999" in body

    lone.check_in(out["round"], by=out["officer"], channel="page", now=at("13:45"))
    escalation.process_due(at("13:55"))
    esc = Escalation.objects.get(reason="help")
    assert esc.open and len(out["smtp"].messages) == 4  # a check-in does not end it: repeated at 13:55
    escalation.acknowledge(esc, by=out["office_user"], now=at("13:57"))
    escalation.process_due(at("14:30"))
    assert not Escalation.objects.get(reason="help").open
    assert len(out["smtp"].messages) == 6  # the two updates, then nothing more


def test_attend_visits_check_runs_once_prints_what_it_did_and_exits_0_with_a_message_left_to_retry(
    out, settings
):
    settings.ATTEND_EMAIL_URL = f"smtp://127.0.0.1:{free_port()}?timeout=2"
    printed = StringIO()
    call_command("visits", "check", "--now", "2025-11-19T14:15", stdout=printed)
    lines = printed.getvalue().splitlines()
    assert lines[0] == "Opened: Missed check-in for Olive Officer"
    assert "Sent sms to Olu Office <07700 900201>" in lines
    assert any(line.startswith("Failed email to Olu Office <office@alder.example>") for line in lines)
    assert lines[-1] == (
        "Checked as of 2025-11-19 14:15: 1 opened, 1 step(s), 1 sent, 1 failed (left to retry). "
        "Next check: 2025-11-19 14:16."
    )
    with pytest.raises(CommandError, match="is not a date and time"):
        call_command("visits", "check", "--now", "teatime")


def test_starting_a_round_queues_the_check_for_due_plus_grace(world):  # noqa: F811
    now = lone.moment()
    before = timezone.now()
    start(world["round"], now=now, first_check_in=now + dt.timedelta(minutes=30))
    task = DBTaskResult.objects.get(status="READY")
    assert task.task_path == "attend.visits.tasks.check_escalations"
    expected = before + dt.timedelta(minutes=45)
    assert abs((task.run_after - expected).total_seconds()) < 5


def test_the_background_task_sends_an_overdue_rounds_escalation(world, smtp_server):  # noqa: F811
    now = lone.moment()
    start(world["round"], now=now - dt.timedelta(hours=1), first_check_in=now + dt.timedelta(minutes=30))
    Round.objects.filter(pk=world["round"].pk).update(check_in_due_at=now - dt.timedelta(minutes=16))
    DBTaskResult.objects.all().delete()
    from attend.visits.tasks import check_escalations

    check_escalations.enqueue()
    assert run_queued_tasks() == 1
    first = "office@alder.example" if escalation.in_office_hours(now) else "duty@northshire.example"
    assert [to for to, _, _ in emails(smtp_server)] == [first]  # the real time of day decides
    # ... and it queued the next wake-up: the repeat, one interval on.
    assert DBTaskResult.objects.filter(status="READY").count() == 1
