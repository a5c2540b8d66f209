"""Two workers at once (PostgreSQL: real row locks): each escalation opens once, each step runs once and each
message goes once, whichever worker takes it."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from attend.letters.tests.conftest import fake_notify, smtp_server  # noqa: F401
from attend.visits import escalation
from attend.visits.models import Escalation, EscalationMessage, EscalationStep

from .escalation_world import at, start, world  # noqa: F401
from .test_escalation import texts

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL only"),
]


def run_together(moment, workers: int = 4) -> list:
    barrier = threading.Barrier(workers)
    errors = []

    def work():
        try:
            barrier.wait()
            escalation.process_due(moment, enqueue_next=False)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_four_workers_at_once_open_run_and_send_everything_exactly_once(world, smtp_server, fake_notify):  # noqa: F811
    start(world["round"], now=at("13:00"), first_check_in=at("14:00"))
    assert run_together(at("14:15")) == []
    assert run_together(at("14:30")) == []
    assert Escalation.objects.count() == 1
    assert list(EscalationStep.objects.values_list("number", "status").order_by("number")) == [
        (1, "sent"), (2, "sent"), (3, "pending")
    ]  # fmt: skip
    assert sorted(m["to"][0] for m in smtp_server.messages) == [
        "manager@alder.example",
        "office@alder.example",
    ]
    assert sorted(phone for phone, _ in texts(fake_notify)) == ["07700 900201", "07700 900202"]
    assert set(EscalationMessage.objects.values_list("attempts", flat=True)) == {1}
