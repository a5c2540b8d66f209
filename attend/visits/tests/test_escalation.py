"""A missed check-in escalates at due + grace (not a minute before), repeats, goes to the manager, stops when
someone acknowledges or the officer checks in; out of hours it goes to the duty manager. Emails are counted at a
real local SMTP server, texts at the fake GOV.UK Notify."""

from __future__ import annotations

import pytest

from attend.audit.display import describe
from attend.audit.models import AuditEvent
from attend.letters.tests.conftest import fake_notify, smtp_server  # noqa: F401
from attend.visits import escalation, lone
from attend.visits.models import CheckIn, Escalation, EscalationStep

from .escalation_world import at, start, world  # noqa: F401

pytestmark = pytest.mark.django_db


def emails(smtp) -> list[tuple[str, str, str]]:
    return [
        (m["to"][0], m["message"]["Subject"], m["message"].get_content().replace("\r\n", "\n").strip())
        for m in smtp.messages
    ]


def texts(notify) -> list[tuple[str, str]]:
    return [(n["body"]["phone_number"], n["body"]["personalisation"]["body"]) for n in notify.sent("sms")]


@pytest.fixture
def out(world, smtp_server, fake_notify):  # noqa: F811
    """Olive out from 13:00, her first check-in due at 14:00 (so escalation at 14:15)."""
    world["round"] = start(world["round"], now=at("13:00"), first_check_in=at("14:00"))
    return {**world, "smtp": smtp_server, "notify": fake_notify}


def test_a_missed_check_in_escalates_at_due_plus_grace_and_not_a_minute_before(out):
    report = escalation.process_due(at("14:14"))
    assert (report.opened, report.steps, report.sent) == ([], [], [])
    assert report.next_wake_up == at("14:15")
    assert out["smtp"].messages == [] and out["notify"].sent("sms") == []

    report = escalation.process_due(at("14:15"))
    assert len(report.opened) == 1 and [s.number for s in report.steps] == [1]
    assert [(to, subject) for to, subject, _ in emails(out["smtp"])] == [
        ("office@alder.example", "URGENT: Olive Officer missed a lone-worker check-in (due 14:00)")
    ]
    assert [phone for phone, _ in texts(out["notify"])] == ["07700 900201"]
    body = emails(out["smtp"])[0][2]
    for words in (
        "Olive Officer has not checked in from home visits. The check-in was due at 14:00",
        "Last known address: 12 Acacia Road.",
        "1. Ring Olive Officer on 07700 900123.",
        "2. If there is no answer, ring the visit address: 01632 960111 (Pat Parent).",
        "3. If you still cannot reach them, call the police on 999.",
        "the officer: Olive Officer; Short grey hair, red raincoat",
        "the vehicle: Blue Ford Fiesta, registration AB12 CDE",
        f"/visits/rounds/{out['round'].pk}/",
        f'press "I am dealing with this" at /visits/escalations/{report.opened[0].pk}/',
    ):
        assert words in body
    sms = texts(out["notify"])[0][1]
    assert sms.splitlines() == [
        "URGENT: Olive Officer missed a lone-worker check-in due 14:00. Last known: 12 Acacia Road.",
        "1 Ring Olive Officer on 07700 900123.",
        "2 No answer: ring the visit address 01632 960111 (Pat Parent).",
        "3 Still no answer: call 999. Officer: Short grey hair, red raincoat. Vehicle: Blue Ford Fiesta, "
        "registration AB12 CDE. Last known: 12 Acacia Road.",
        f'Dealing with it? Press "I am dealing with this": /visits/escalations/{report.opened[0].pk}/',
    ]
    assert report.next_wake_up == at("14:30")


def test_a_text_message_stays_within_notifys_limit_whatever_the_profile_holds(out):
    from attend.visits.models import Round

    Round.objects.filter(pk=out["round"].pk).update(description="tall " * 60, vehicle="van " * 50)
    escalation.process_due(at("14:15"))
    sms = texts(out["notify"])[0][1]
    assert len(sms) <= 918 and "call 999" in sms and "I am dealing with this" in sms


def test_it_repeats_goes_to_the_manager_then_to_both_and_stops_when_acknowledged(out):
    escalation.process_due(at("14:15"))
    escalation.process_due(at("14:29"))
    assert len(out["smtp"].messages) == 1
    escalation.process_due(at("14:30"))
    assert [to for to, _, _ in emails(out["smtp"])] == ["office@alder.example", "manager@alder.example"]
    assert "reminder 2" in emails(out["smtp"])[1][1]
    escalation.process_due(at("14:45"))
    assert [to for to, _, _ in emails(out["smtp"])][2:] == ["office@alder.example", "manager@alder.example"]
    assert len(texts(out["notify"])) == 4

    esc = Escalation.objects.get()
    escalation.acknowledge(esc, by=out["office_user"], note="Ringing her now", now=at("14:50"))
    esc.refresh_from_db()
    assert (esc.acknowledged_by, esc.acknowledged_at, esc.ended_at) == (
        out["office_user"],
        at("14:50"),
        at("14:50"),
    )
    assert list(esc.steps.values_list("number", "status")) == [
        (1, "sent"), (2, "sent"), (3, "sent"), (4, "cancelled")
    ]  # fmt: skip
    escalation.process_due(at("14:51"))  # the update to those already alerted
    updates = emails(out["smtp"])[4:]
    assert sorted(to for to, _, _ in updates) == ["manager@alder.example", "office@alder.example"]
    assert "Olu Office is dealing with it (since 14:50)." in updates[0][2]
    assert "Note: Ringing her now" in updates[0][2]
    assert len(texts(out["notify"])) == 6
    escalation.process_due(at("16:00"))
    escalation.process_due(at("23:00"))
    assert (len(out["smtp"].messages), len(texts(out["notify"]))) == (6, 6)
    sentences = [
        describe(e) for e in AuditEvent.objects.filter(action__startswith="visits.escalation").order_by("pk")
    ]
    assert sentences == [
        "An escalation opened for Olive Officer (Missed check-in, check-in due at 14:00), last known at "
        "12 Acacia Road.",
        "Escalation step 1 for Olive Officer went to the School office or team: Olu Office.",
        "Escalation step 2 for Olive Officer went to the Manager: Mina Manager.",
        "Escalation step 3 for Olive Officer went to the Manager: Olu Office, Mina Manager.",
        "Olu Office acknowledged the escalation for Olive Officer at 14:50: dealing with it.",
        "The escalation for Olive Officer ended: Olu Office is dealing with it (since 14:50); 2 people already "
        "alerted are told.",
    ]


def test_an_overdue_round_keeps_escalating_whatever_the_date_until_acknowledged(out):
    escalation.process_due(at("14:15"))
    escalation.process_due(at("09:00", day=at("14:15").date().replace(day=21)))  # Friday, worker was down
    steps = list(Escalation.objects.get().steps.values_list("number", "status"))
    assert steps == [(1, "sent"), (2, "sent"), (3, "pending")]  # one step on restart, not a burst
    assert Escalation.objects.get().steps.get(number=3).due_at == at(
        "09:15", day=at("14:15").date().replace(day=21)
    )


def test_a_check_in_ends_a_missed_check_in_escalation_and_tells_those_alerted(out):
    escalation.process_due(at("14:15"))
    lone.check_in(
        out["round"], by=out["officer"], channel=CheckIn.Channel.SMS, now=at("14:32"), location="Home"
    )
    esc = Escalation.objects.get()
    assert (esc.ended_at, esc.end_reason, esc.acknowledged_at) == (
        at("14:32"), "Olive Officer checked in at 14:32", None
    )  # fmt: skip
    escalation.process_due(at("14:33"))
    assert [to for to, _, _ in emails(out["smtp"])] == ["office@alder.example", "office@alder.example"]
    assert "Olive Officer checked in at 14:32." in emails(out["smtp"])[1][2]
    escalation.process_due(at("15:00"))
    assert len(out["smtp"].messages) == 2  # the manager is never told: nothing more to say
    # The next check-in is due at 15:32 (the check-in interval); missing that opens a new escalation.
    out["round"].refresh_from_db()
    assert out["round"].check_in_due_at == at("15:32")
    escalation.process_due(at("15:47"))
    assert Escalation.objects.filter(ended_at=None).count() == 1


def test_out_of_hours_the_steps_go_to_the_duty_manager(world, smtp_server, fake_notify):  # noqa: F811
    start(world["round"], now=at("16:30"), first_check_in=at("17:50"), back=at("17:55"))
    escalation.process_due(at("18:05"))
    escalation.process_due(at("18:20"))
    assert [to for to, _, _ in emails(smtp_server)] == ["duty@northshire.example", "duty@northshire.example"]
    assert [phone for phone, _ in texts(fake_notify)] == ["07700 900203", "07700 900203"]
    assert set(EscalationStep.objects.values_list("level", flat=True)) == {"duty_manager"}


def test_at_the_weekend_it_goes_to_the_duty_manager_in_the_daytime(world, smtp_server, fake_notify):  # noqa: F811
    saturday = at("11:00").date().replace(day=22)
    world["round"].day = saturday
    world["round"].save()
    start(world["round"], now=at("10:00", saturday), first_check_in=at("11:00", saturday))
    escalation.process_due(at("11:15", saturday))
    assert [to for to, _, _ in emails(smtp_server)] == ["duty@northshire.example"]


def test_a_school_with_no_contacts_falls_back_to_its_las(world, smtp_server):  # noqa: F811
    for contact in world["contacts"].values():
        contact.delete()
    from .escalation_world import make_contacts

    make_contacts({"local_authority": world["la"]}, prefix="LA ")
    start(world["round"], now=at("13:00"), first_check_in=at("14:00"))
    escalation.process_due(at("14:15"))
    assert [to for to, _, _ in emails(smtp_server)] == ["la-office@alder.example"]


def test_the_demo_contacts_tell_the_school_in_hours_and_the_las_duty_manager_out_of_hours(world, smtp_server):  # noqa: F811
    from attend.visits import demo_escalation

    for contact in world["contacts"].values():
        contact.delete()
    made = demo_escalation.seed(world["la"], at("09:00").date(), world["officer"])
    assert len(made) == 5
    assert (
        len(demo_escalation.seed(world["la"], at("09:00").date(), world["officer"])) == 5
    )  # runs twice safely
    start(world["round"], now=at("16:00"), first_check_in=at("17:30"), back=at("17:40"))
    escalation.process_due(at("17:45"))
    escalation.process_due(at("18:00"))
    urn = world["school"].urn
    assert [to for to, _, _ in emails(smtp_server)] == [
        f"office@school-{urn}.example",
        "duty-manager@la-team.example",
    ]
