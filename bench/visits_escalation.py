"""Time from a check-in falling due to the first escalation email, through the real background worker.

    .venv/bin/python bench/visits_escalation.py [--runs 3] [--ahead 5]

Makes a temporary SQLite database, starts a real `attend db_worker` subprocess on it (polling every second, as in
the demo) and a local SMTP server (aiosmtpd); then, for each run, starts a round whose first check-in falls due
--ahead seconds later with a grace period of 0 (ATTEND_VISITS_GRACE_MINUTES=0), and measures from the due moment
to the first escalation email arriving at the SMTP server. Prints each run and the median.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def smtp_server(port: int):
    from aiosmtpd.controller import Controller

    class Handler:
        def __init__(self):
            self.arrivals: list[tuple[float, list[str]]] = []

        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            self.arrivals.append((time.time(), envelope.rcpt_tos))
            return "250 OK"

    handler = Handler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, handler


def environment(tmp: Path, port: int) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("ATTEND_TODAY", "DATABASE_URL")}
    env.update(
        DJANGO_SETTINGS_MODULE="attend.settings",
        DATABASE_URL=f"sqlite:///{tmp / 'bench.sqlite3'}",
        ATTEND_VAR_DIR=str(tmp),
        ATTEND_VISITS_GRACE_MINUTES="0",
        ATTEND_EMAIL_URL=f"smtp://127.0.0.1:{port}?timeout=5",
        ATTEND_EMAIL_VIA="smtp",
    )
    return env


def make_round(n: int):
    from django.utils import timezone

    from attend.accounts.models import Membership
    from attend.core.tests.factories import make_la, make_school, make_user
    from attend.visits.models import EscalationContact, OfficerProfile, Round, Visit

    school = make_school(la=make_la(), name=f"Bench School {n}")
    officer = make_user(f"bench-officer-{n}", role=Membership.Role.SCHOOL_OFFICER, school=school)
    OfficerProfile.objects.create(user=officer, mobile="07700 900123", description="Bench")
    EscalationContact.objects.create(
        school=school, level="office", name="Office", email=f"office{n}@bench.example"
    )
    EscalationContact.objects.create(
        school=school, level="duty_manager", name="Duty", email=f"duty{n}@bench.example"
    )
    today = timezone.localdate()
    round_ = Round.objects.create(officer=officer, school=school, day=today)
    Visit.objects.create(
        round=round_, order=1, address="1 Bench Road", postcode="NO1 1AA", source="case", reason="Bench",
        planned_for=today, risk_checked_at=timezone.now(), mode="alone",
    )  # fmt: skip
    return round_


def one_run(n: int, ahead: float, handler) -> float:
    from django.utils import timezone

    from attend.visits import lone

    round_ = make_round(n)
    now = timezone.now()
    due = now + dt.timedelta(seconds=ahead)
    lone.start_round(
        round_,
        by=round_.officer,
        expected_back_at=now + dt.timedelta(hours=1),
        now=now,
        first_check_in_at=due,
    )
    deadline = time.time() + ahead + 120
    while time.time() < deadline:
        for arrived, to in handler.arrivals:
            if any(f"{n}@bench.example" in t for t in to):
                return arrived - due.timestamp()
        time.sleep(0.05)
    raise SystemExit(f"run {n}: no escalation email within {ahead + 120:.0f} s")


def wait_for_worker(log: Path, timeout: float = 300) -> None:
    """Until the worker says it is polling (its start-up is not part of the figure)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if "Starting worker" in log.read_text(errors="ignore"):
            return
        time.sleep(0.2)
    raise SystemExit(f"the worker did not start within {timeout:.0f} s: see {log}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--ahead", type=float, default=5.0, help="seconds until the check-in falls due")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="attend-bench-escalation-"))
    port = free_port()
    os.environ.update(environment(tmp, port))
    os.environ.pop("ATTEND_TODAY", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    controller, handler = smtp_server(port)
    worker = subprocess.Popen(
        [str(ROOT / ".venv/bin/attend"), "db_worker", "--no-reload", "--queue-name", "*", "--interval", "1"],
        env=environment(tmp, port),
        stdout=open(tmp / "worker.log", "w"),  # noqa: SIM115
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_worker(tmp / "worker.log")
        figures = []
        for n in range(1, args.runs + 1):
            latency = one_run(n, args.ahead, handler)
            figures.append(latency)
            print(f"run {n}: first escalation email {latency:.2f} s after the check-in fell due")
        print(
            f"median {statistics.median(figures):.2f} s, max {max(figures):.2f} s over {len(figures)} runs "
            f"(worker polling every 1 s; SQLite at {tmp})"
        )
    finally:
        worker.terminate()
        worker.wait(timeout=10)
        controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
