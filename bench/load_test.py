"""Load test: 50 concurrent simulated users, each signed in as their own account, browsing the main pages of a
running Attend server on loopback, for a bounded time. Prints requests, errors (must be 0), throughput, and
p50 / p95 / max per page.

    uv run python bench/load_test.py                                  # 50 users, 60 s, 5,000 pupils in 20 schools
    uv run python bench/load_test.py --users 20 --seconds 30 --pupils 2000 --schools 8

Loopback only: the server is started here on 127.0.0.1 and stopped at the end: by default gunicorn, as in
production (--workers processes, one per core by default, 4 threads each; DEBUG off), or with --server runserver
Django's development server (one process, threaded); nothing else is contacted. Bounded: --seconds (default 60,
at most 600) and --users (at most 200); each request times out after 120 s.

Data: the demo generator's synthetic LA for the academic year ending --year-end, loaded once into a SQLite
database under var/bench/load_<pupils>p/ (kept for the next run) with bench/web_pages.py's loader, alerts evaluated
on --year-end, and --users accounts: a fifth are LA officers (whole LA), the rest school attendance officers spread
over the schools. Pages are dated --year-end (ATTEND_TODAY).

Each user signs in (spread over --ramp seconds), then repeats until the time is up: pick a page (home, work list,
pupil search, a pupil page in their scope, their school's dashboard, or for LA officers the LA dashboard), GET it,
wait a random think time (0 to 2 × --think seconds). Any status but 200, or a sign-in page, counts as an error.

Sign-in: the throttle counts failures only (per username and address), so 50 successful sign-ins from 127.0.0.1
are not limited. Sessions are Django's database sessions; each user keeps one session cookie for the whole run.
Two-factor authentication is off here (ATTEND_REQUIRE_2FA is off without ATTEND_SECURE): the load test measures
pages, not the authenticator app.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import re
import sqlite3
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "load-test-password-not-secret"
PAGES = ["home", "work list", "pupil search", "pupil page", "school dashboard", "LA dashboard"]


def load(args) -> None:
    """In a child process (ATTEND_VAR_DIR set): generate and import the LA, evaluate alerts, make the users."""
    sys.path.insert(0, str(ROOT / "bench"))
    import web_pages

    web_pages.load(args)
    from django.core.management import call_command

    call_command("alerts", "evaluate", "--as-of", args.year_end)
    make_users(args.users)
    from django.conf import settings

    (Path(settings.VAR_DIR) / "load_ready").write_text(json.dumps({k: str(v) for k, v in vars(args).items()}))


def make_users(n: int) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from attend.accounts.models import Membership
    from attend.schools.models import LocalAuthority, School

    User = get_user_model()
    la = LocalAuthority.objects.order_by("code").first()
    schools = list(School.objects.order_by("urn"))
    hashed = make_password(PASSWORD)  # one hash for all: creating 50 Argon2 hashes adds nothing to the test
    for i in range(n):
        username = f"load{i:03d}"
        if User.objects.filter(username=username).exists():
            continue
        user = User.objects.create(username=username, password=hashed)
        if i % 5 == 0:
            Membership.objects.create(user=user, role=Membership.Role.LA_OFFICER, local_authority=la)
        else:
            Membership.objects.create(
                user=user, role=Membership.Role.SCHOOL_OFFICER, school=schools[i % len(schools)]
            )


class Client:
    """One browser: its own cookies, a new loopback connection per request (as runserver closes them)."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes, float, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}/sign-in/"
        started = time.perf_counter()
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        elapsed = time.perf_counter() - started
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";")[0]
        return response.status, data, elapsed, response.getheader("Location", "")

    def sign_in(self, username: str) -> float:
        _, page, t1, _ = self.request("GET", "/sign-in/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        form = urlencode(
            {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD, "next": "/"}
        )
        status, _, t2, _ = self.request("POST", "/sign-in/", form)
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"sign-in as {username} failed ({status})")
        return t1 + t2


def percentile(sorted_ms: list[float], q: float) -> float:
    return (
        sorted_ms[min(len(sorted_ms) - 1, int(round(q * (len(sorted_ms) - 1))))]
        if sorted_ms
        else float("nan")
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--think", type=float, default=0.5, help="mean think time between a user's pages (s)")
    parser.add_argument("--ramp", type=float, default=10, help="sign-ins spread over this many seconds")
    parser.add_argument("--pupils", type=int, default=5000)
    parser.add_argument("--schools", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--year-end", default="2026-07-17")
    parser.add_argument("--port", type=int, default=8797)
    parser.add_argument("--server", choices=["gunicorn", "runserver"], default="gunicorn")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="gunicorn worker processes")
    parser.add_argument("--dir", type=Path, help="data folder (default var/bench/load_<pupils>p)")
    parser.add_argument("--load-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not (1 <= args.users <= 200 and 0 < args.seconds <= 600):
        parser.error("--users must be 1 to 200 and --seconds at most 600 (the test is bounded)")
    if args.load_only:
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "attend.settings")
        django.setup()
        load(args)
        return

    folder = (args.dir or ROOT / "var" / "bench" / f"load_{args.pupils}p").resolve()
    folder.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "ATTEND_VAR_DIR": str(folder), "ATTEND_TODAY": args.year_end}
    for name in ("DATABASE_URL", "ATTEND_DEBUG", "ATTEND_SECURE", "ATTEND_REQUIRE_2FA"):
        env.pop(name, None)
    if not (folder / "load_ready").exists():
        print(f"Loading {args.pupils:,} pupils in {args.schools} schools into {folder} ...", flush=True)
        cmd = [sys.executable, __file__, "--load-only", "--users", "200", "--pupils", str(args.pupils),
               "--schools", str(args.schools), "--seed", str(args.seed), "--year-end", args.year_end]  # fmt: skip
        subprocess.run(cmd, env=env, check=True, cwd=ROOT)
    db = sqlite3.connect(folder / "attend.sqlite3")
    marks = db.execute("SELECT count(*) FROM registers_mark").fetchone()[0]
    n_pupils = db.execute("SELECT count(*) FROM people_pupil").fetchone()[0]
    urns = [r[0] for r in db.execute("SELECT urn FROM schools_school ORDER BY urn")]
    by_school = defaultdict(list)
    for upn, urn, surname in db.execute(
        "SELECT p.upn, s.urn, p.legal_surname FROM people_pupil p JOIN people_enrolment e ON e.pupil_id = p.id "
        "JOIN schools_school s ON s.id = e.school_id WHERE e.leaving_date IS NULL OR e.leaving_date >= ?",
        [args.year_end],
    ):
        by_school[urn].append((upn, surname))
    users = []
    for username, role, urn in db.execute(
        "SELECT u.username, m.role, s.urn FROM accounts_user u JOIN accounts_membership m ON m.user_id = u.id "
        "LEFT JOIN schools_school s ON s.id = m.school_id WHERE u.username LIKE 'load%' ORDER BY u.username"
    ):
        users.append((username, role, urn))
    db.close()
    users = users[: args.users]
    if len(users) < args.users:
        raise SystemExit(f"only {len(users)} load users in {folder}; delete the folder to rebuild")
    print(f"Data: {n_pupils:,} pupils, {len(urns)} schools, {marks:,} marks; pages dated {args.year_end}")
    print(f"{args.users} users ({sum(r == 'la_officer' for _, r, _ in users)} LA officers), {args.seconds:.0f} s, "
          f"think {args.think} s mean", flush=True)  # fmt: skip

    if args.server == "gunicorn":
        # As in production: worker processes (one per core by default) with a few threads each.
        command = [sys.executable, "-m", "gunicorn", "attend.wsgi:application", "--bind", f"127.0.0.1:{args.port}",
                   "--workers", str(args.workers), "--threads", "4", "--timeout", "120"]  # fmt: skip
    else:
        command = [sys.executable, "-m", "attend", "runserver", f"127.0.0.1:{args.port}", "--noreload"]
    print(f"server: {' '.join(command[1:])}", flush=True)
    server = subprocess.Popen(
        command,
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=(folder / "server.log").open("w"),
    )
    results: list[tuple[str, int, float, str]] = []  # (page, status, seconds, error)
    lock = threading.Lock()
    try:
        probe = Client(args.port)
        for _ in range(240):
            try:
                if probe.request("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.25)
        # Prime: the first statistics page builds the columnar store; that is start-up, not load.
        probe.sign_in(users[0][0])
        t = time.perf_counter()
        probe.request("GET", "/la/")
        print(f"prime: statistics store ready in {time.perf_counter() - t:.1f} s", flush=True)

        started = time.monotonic()
        stop_at = started + args.ramp + args.seconds
        sign_ins: list[float] = []

        def user_loop(index: int, username: str, role: str, urn: int | None) -> None:
            rng = random.Random(args.seed * 1000 + index)
            time.sleep(args.ramp * index / len(users))
            client = Client(args.port)
            try:
                elapsed = client.sign_in(username)
            except Exception as exc:  # noqa: BLE001 (counted and reported)
                with lock:
                    results.append(("sign-in", 0, 0.0, repr(exc)))
                return
            with lock:
                sign_ins.append(elapsed)
            mine = by_school[urn] if urn else [p for ps in by_school.values() for p in ps]
            my_urns = [urn] if urn else urns
            while time.monotonic() < stop_at:
                page = rng.choices(PAGES, weights=[1, 3, 2, 4, 3, 1 if role == "la_officer" else 0])[0]
                upn, surname = rng.choice(mine)
                path = {
                    "home": "/",
                    "work list": "/work/",
                    "pupil search": f"/pupils/?{urlencode({'q': surname[:4]})}",
                    "pupil page": f"/pupils/{upn}/",
                    "school dashboard": f"/schools/{rng.choice(my_urns)}/",
                    "LA dashboard": "/la/",
                }[page]
                try:
                    status, _, elapsed, location = client.request("GET", path)
                    error = "" if status == 200 else f"HTTP {status} {location}"
                except Exception as exc:  # noqa: BLE001
                    status, elapsed, error = 0, 0.0, repr(exc)
                with lock:
                    results.append((page, status, elapsed, error))
                time.sleep(rng.uniform(0, 2 * args.think))

        threads = [threading.Thread(target=user_loop, args=(i, *u), daemon=True) for i, u in enumerate(users)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=args.ramp + args.seconds + 300)
        wall = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(timeout=30)

    errors = [r for r in results if r[3]]
    ok = [r for r in results if not r[3]]
    print(f"\n{len(results)} requests in {wall:.0f} s (ramp {args.ramp:.0f} s + {args.seconds:.0f} s), "
          f"{len(errors)} errors, {len(results) / wall:.1f} requests/s; "
          f"{len(sign_ins)} sign-ins, median {percentile(sorted(sign_ins), 0.5) * 1000:.0f} ms")  # fmt: skip
    print(f"{'page':18} {'n':>6} {'p50':>9} {'p95':>9} {'max':>9}")
    summary = []
    for page in PAGES:
        ms = sorted(r[2] * 1000 for r in ok if r[0] == page)
        if not ms:
            continue
        row = {"page": page, "n": len(ms), "p50_ms": round(percentile(ms, 0.5)), "p95_ms": round(percentile(ms, 0.95)),
               "max_ms": round(ms[-1])}  # fmt: skip
        summary.append(row)
        print(f"{page:18} {row['n']:>6} {row['p50_ms']:>6} ms {row['p95_ms']:>6} ms {row['max_ms']:>6} ms")
    for page, _, _, error in errors[:20]:
        print(f"error: {page}: {error}")
    out = folder / "load_results.json"
    out.write_text(json.dumps({
        "args": {k: str(v) for k, v in vars(args).items()}, "pupils": n_pupils, "schools": len(urns),
        "marks": marks, "requests": len(results), "errors": len(errors), "seconds": wall,
        "per_second": len(results) / wall, "pages": summary, "when": dt.datetime.now(dt.UTC).isoformat(),
    }, indent=1))  # fmt: skip
    print(f"(saved {out})")
    if errors:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
