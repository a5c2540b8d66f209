"""attend demo: migrate, load the synthetic demo local authority on first run, print sign-in details, serve."""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Max

from attend.accounts.models import Membership
from attend.alerts.models import OfficerAssignment
from attend.casework.demo import record_demo_part_time_timetables
from attend.core import clock
from attend.demo.generator import FILES, DemoConfig, generate
from attend.letters.demo import record_demo_letters
from attend.registers.models import ImportRun, Mark
from attend.schools.models import LocalAuthority, School

# Obviously-demo sign-ins, created only together with the demo data. Never use these anywhere real.
DEMO_USERS = (
    ("la.officer", "demo-la-officer-pw", "LA attendance officer for Demoshire (all schools)"),
    ("school.officer", "demo-school-officer-pw", "school attendance officer at one primary school"),
    (
        "social.worker",
        "demo-social-worker-pw",
        "social worker: sees only the pupils linked to them (My pupils)",
    ),
    ("admin", "demo-admin-pw", "superuser (Django admin at /admin/)"),
)
IMPORT_ORDER = ("schools", "calendar", "pupils", "contacts", "marks")


@contextmanager
def no_evaluation_after_imports() -> Iterator[None]:
    """Load first, evaluate once: while the demo loads, its imports queue no alert evaluation
    (ALERTS_AFTER_IMPORT "off"), so the task worker that scripts/demo.sh starts beside it does not evaluate every
    school after each file while later files are still importing; `load` evaluates once, when the data is in."""
    missing = object()
    previous = getattr(settings, "ALERTS_AFTER_IMPORT", missing)
    settings.ALERTS_AFTER_IMPORT = "off"
    try:
        yield
    finally:
        if previous is missing:
            del settings.ALERTS_AFTER_IMPORT
        else:
            settings.ALERTS_AFTER_IMPORT = previous


class Command(BaseCommand):
    help = (
        "Set up and serve the demo: migrate; if the database has no schools, generate the synthetic demo local "
        "authority into VAR_DIR/demo/, import it and create the demo users; print the sign-in details; then "
        "serve on http://127.0.0.1:8000 unless --no-serve."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="set up and stop, without serving")
        parser.add_argument("--pupils", type=int, default=8000, help="pupils in the demo LA (default 8000)")
        parser.add_argument("--schools", type=int, default=20, help="schools in the demo LA (default 20)")
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument(
            "--end",
            type=dt.date.fromisoformat,
            default=None,
            help="last date of the demo's register data, YYYY-MM-DD (default: today); the demo's today is the "
            "last school day up to it",
        )
        parser.add_argument(
            "--addrport", default="127.0.0.1:8000", help="where to serve (default 127.0.0.1:8000)"
        )

    def say(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()

    def handle(self, *args, **options):
        self.say("Attend demo: bringing the database up to date (migrate)...")
        call_command("migrate", interactive=False, verbosity=0)
        if School.objects.exists():
            self.say("The database already has schools: not loading the demo data again.")
        else:
            with no_evaluation_after_imports():
                self.load(options)
        if day := clock.pinned_today():
            self.say(
                f"The demo's today is {day:%A %-d %B %Y} ({clock.pin_and_reason()[1]}): every page is as of that day."
            )
        self.print_sign_in(options["addrport"])
        if not options["no_serve"]:
            self.say(f"Serving on http://{options['addrport']}/ (Ctrl+C to stop)")
            os.environ["ATTEND_DEMO"] = "1"  # serving with the built-in key is allowed for the demo only
            call_command("runserver", options["addrport"], use_reloader=False)

    def load(self, options) -> None:
        config = DemoConfig(
            pupils=options["pupils"],
            schools=options["schools"],
            seed=options["seed"],
            end=options.get("end") or clock.today(),
        )
        out = Path(settings.VAR_DIR) / "demo"
        self.say(
            f"First run: generating the demo local authority ({config.pupils:,} pupils, {config.schools} "
            f"schools, seed {config.seed}) into {out}/ ..."
        )
        t0 = time.perf_counter()
        la = generate(config)
        rows = la.write(out)
        self.say(f"  generated marks from {la.start} to {la.end} in {time.perf_counter() - t0:.1f} s")
        for kind, name in zip(IMPORT_ORDER, FILES, strict=True):
            t = time.perf_counter()
            self.say(f"  importing {name} ({rows[name]:,} rows)...")
            call_command("import", kind, str(out / name), stdout=self.stdout)
            self.say(f"    done in {time.perf_counter() - t:.1f} s")
        # The schools' records of the part-time timetables behind their C2 marks (casework; alerts rule 8).
        recorded = record_demo_part_time_timetables(
            school_ids=School.objects.filter(local_authority__code=config.la_code).values("pk")
        )
        self.say(f"  recorded {recorded} part-time timetables (one in four C2 pupils left without one)")
        self.pin_today()
        # Their details (hours, reasons, reviews): one past its review, one behaviour-related with the LA (partnership).
        from attend.partnership.demo_timetables import detail_demo_timetables

        detail_demo_timetables(
            school_ids=School.objects.filter(local_authority__code=config.la_code).values("pk"),
            today=clock.today(),
        )
        self.create_users(config.la_code)
        self.record_s19(config.la_code)
        # What the scheduler does after every import: turn the new marks into today's alerts and work list.
        t = time.perf_counter()
        self.say(f"  evaluating alert rules as of {clock.today()}...")
        call_command("alerts", "evaluate", stdout=self.stdout)
        self.say(f"    done in {time.perf_counter() - t:.1f} s")
        self.record_casework(config.la_code)
        self.record_partnership(config.la_code)
        self.record_visits(config.la_code)
        # Letters and messages already sent at each stage, with their delivery statuses (attend.letters); those
        # about a pupil with an open case go on its chronology too.
        sent = record_demo_letters(
            school_ids=list(
                School.objects.filter(local_authority__code=config.la_code).values_list("pk", flat=True)
            ),
            as_of=clock.today(),
        )
        self.say(f"  recorded {sent} letters and messages sent at every stage")
        self.record_enforcement(config.la_code, out)
        self.record_cme(config.la_code)
        self.report_what_works(config.la_code)
        self.say(f"Demo data loaded in {time.perf_counter() - t0:.1f} s.")

    def record_casework(self, la_code: str) -> None:
        """Cases at every stage, with assessments, plans, meetings and chronologies (attend.casework)."""
        from attend.casework.demo import record_demo_cases
        from attend.casework.demo_meetings import add_demo_meetings
        from attend.casework.demo_plans import add_demo_plans
        from attend.casework.models import Case

        User = get_user_model()
        officer = User.objects.get(username="la.officer")
        opened = record_demo_cases(
            school_ids=list(
                School.objects.filter(local_authority__code=la_code).values_list("pk", flat=True)
            ),
            as_of=clock.today(),
            la_officer=officer,
            school_officer=User.objects.get(username="school.officer"),
        )
        cases = list(Case.objects.select_related("pupil", "school").order_by("pk"))
        plans = add_demo_plans(cases, by=officer)
        meetings = add_demo_meetings(cases)
        self.say(
            f"  opened {opened} cases at every stage, with {plans['plans']} support plans, "
            f"{plans['assessments']} assessments and {meetings} meetings"
        )

    def record_partnership(self, la_code: str) -> None:
        """Working with partners (attend.partnership): professional networks, and what the what-works report says."""
        from attend.partnership.demo_network import add_demo_network

        User = get_user_model()
        networks = add_demo_network(
            la_code=la_code,
            by=User.objects.get(username="la.officer"),
            social_worker=User.objects.get(username="social.worker"),
        )
        self.say(f"  gave {networks} children with a social worker or in care their professional network")
        from attend.partnership.demo_referrals import record_demo_referrals
        from attend.partnership.demo_tsm import add_demo_tsm

        officer = User.objects.get(username="la.officer")
        referrals = record_demo_referrals(la_code, by=officer)
        self.say(
            f"  seeded {referrals['services']} local services and made {referrals['referrals']} referrals "
            f"({referrals['reminders']} waiting too long for a reply)"
        )
        tsm = add_demo_tsm(la_code, by=officer, as_of=clock.today())
        self.say(
            f"  targeting support meetings this term: {tsm['held']} held, {tsm['offered']} offered, "
            f"{tsm['declined']} declined, with {tsm['actions']} agreed actions"
        )

    def record_visits(self, la_code: str) -> None:
        """Home visits (attend.visits): escalation contacts, officers' profiles, past visits on cases, today's
        round being planned by the school's officer, and the LA officer out on a round whose check-in is overdue
        (the office dashboard shows it in red; the task worker escalates it)."""
        from attend.visits import demo_escalation, demo_lists, demo_lone, demo_outcomes

        User = get_user_model()
        la = LocalAuthority.objects.get(code=la_code)
        today = clock.today()
        la_officer = User.objects.get(username="la.officer")
        school_officer = User.objects.filter(username="school.officer").first()
        officers = [o for o in (la_officer, school_officer) if o is not None]
        demo_escalation.seed(la, today, *officers)
        past = demo_outcomes.seed(la, today, officers)
        for n, officer in enumerate(officers):
            demo_lone.make_profile(officer, mobile=f"07700 900{200 + n:03d}")
        rounds = demo_lone.seed(la, today, la_officer)
        planned = demo_lists.seed(la, today, *officers[1:])
        self.say(
            f"  home visits: {past} past visits recorded on cases, {len(planned['visits'])} visits listed, "
            f"{len(planned['markers'])} risk markers; {len(rounds)} round out today with its check-in overdue"
        )

    def record_enforcement(self, la_code: str, out: Path) -> None:
        """Formal support and enforcement (attend.enforcement): penalty notices at every step, the LA's code of
        conduct with a contract, a notice to improve and a school's request, supervision orders and prosecutions,
        and one evidence bundle written to the demo folder."""
        from attend.casework.models import Case
        from attend.enforcement.bundle import build_bundle
        from attend.enforcement.demo_court import add_demo_court
        from attend.enforcement.demo_ladder import add_demo_ladder
        from attend.enforcement.demo_notices import demo_notices
        from attend.enforcement.models import Prosecution

        User = get_user_model()
        officer = User.objects.get(username="la.officer")
        school_ids = list(School.objects.filter(local_authority__code=la_code).values_list("pk", flat=True))
        # Notices first: they are issued under the installation's default code (no notice to improve required);
        # the LA's own code, which requires one, comes into force with the ladder's steps.
        notices = demo_notices(school_ids=school_ids, today=clock.today(), by=officer)
        cases = list(Case.objects.select_related("pupil", "school").order_by("pk"))
        ladder = add_demo_ladder(
            cases, by=officer, school_lead=User.objects.filter(username="school.officer").first()
        )
        court = add_demo_court(la_code, by=officer)
        self.say(
            f"  enforcement: {len(notices)} penalty notices ({', '.join(sorted(notices))}), "
            f"{ladder['contracts']} attendance contract, {ladder['ntis']} notice to improve, {ladder['requests']} "
            f"school request; {court['orders']} supervision orders, {court['prosecutions']} prosecutions"
        )
        prosecution = Prosecution.objects.select_related("case").order_by("pk").first()
        if prosecution is not None:
            built = build_bundle(prosecution, by=officer, as_of=clock.today())
            path = out / f"evidence-bundle-{prosecution.case.ref}.pdf"
            path.write_bytes(built.pdf)
            self.say(
                f"  wrote the evidence bundle for case {prosecution.case.ref} ({built.pages} pages) to {path}"
            )

    def record_s19(self, la_code: str) -> None:
        """Health-related absence (attend.cme.s19): one s19 decision recorded and one due. Before the alerts are
        evaluated: when the demo's marks give no case it turns two pupils' last 15 school days into illness."""
        from attend.cme.demo_s19 import seed

        officer = get_user_model().objects.get(username="la.officer")
        made = seed(LocalAuthority.objects.get(code=la_code), clock.today(), by=officer)
        _marks_changed_outside_imports()
        self.say(f"  s19: {made}")

    def record_cme(self, la_code: str) -> None:
        """The LA's duties to children out of school (attend.cme): deletion returns under several grounds (one
        cluster before a census day), children educated at home, children missing education enquiries open and
        closed; then their work-list items."""
        from attend.cme import demo_ehe, demo_enquiries, demo_roll
        from attend.cme.ehe import sync_ehe_prompts
        from attend.cme.enquiries import sync_enquiry_prompts
        from attend.cme.roll_prompts import sync_roll_prompts

        la = LocalAuthority.objects.get(code=la_code)
        officer = get_user_model().objects.get(username="la.officer")
        today = clock.today()
        deletions = demo_roll.seed(la, today, by=officer)
        home = demo_ehe.seed(la, today, by=officer)
        enquiries = demo_enquiries.seed(la, today, officer)
        _marks_changed_outside_imports()
        open_ = sum(1 for e in enquiries if e.status == "open")
        items = [sync_roll_prompts(today), sync_ehe_prompts(today), sync_enquiry_prompts(today)]
        self.say(
            f"  missing education: {open_} open and {len(enquiries) - open_} closed enquiries, "
            f"{deletions['deletions']} deletion returns ({deletions['cluster']} in a cluster before census day), "
            f"{len(home)} home education records; {sum(i['raised'] for i in items)} work-list items"
        )

    def report_what_works(self, la_code: str) -> None:
        from attend.partnership.demo_whatworks import demo_whatworks_summary

        for line in demo_whatworks_summary(LocalAuthority.objects.get(code=la_code)):
            self.say(f"  what works: {line}")

    def pin_today(self) -> None:
        """The demo's data stops at the day it was generated for (or before it, at a weekend or in the holidays):
        pin the service's today to the last school day in the data, so the work lists show that day's work."""
        last = Mark.objects.aggregate(last=Max("date"))["last"]
        if last is not None:
            clock.pin(last, "the last school day in the demo data")
            # The files were imported before the pin, on the real day: they arrived on the demo's today.
            ImportRun.objects.filter(received_on__gt=last).update(received_on=last)

    @transaction.atomic
    def create_users(self, la_code: str) -> None:
        User = get_user_model()
        la = LocalAuthority.objects.get(code=la_code)
        school = School.objects.filter(local_authority=la, phase=School.Phase.PRIMARY).order_by("urn").first()
        passwords = {username: password for username, password, _ in DEMO_USERS}

        def user(username: str, **fields) -> None:
            account, _ = User.objects.get_or_create(username=username, defaults=fields)
            account.set_password(passwords[username])
            account.save()
            return account

        officer = user(
            "la.officer", first_name="Lena", last_name="Demo-Officer", email="la.officer@example.com"
        )
        Membership.objects.get_or_create(user=officer, role=Membership.Role.LA_OFFICER, local_authority=la)
        if school is not None:
            school_user = user(
                "school.officer",
                first_name="Sam",
                last_name="Demo-Attendance",
                email="school.officer@example.com",
            )
            Membership.objects.get_or_create(
                user=school_user, role=Membership.Role.SCHOOL_OFFICER, school=school
            )
            OfficerAssignment.objects.get_or_create(
                school=school, side=OfficerAssignment.Side.SCHOOL, defaults={"officer": school_user}
            )
        # Work-list routing (docs/alerts.md): the LA officer is the named LA officer for a patch of a quarter of
        # the schools (by URN); the other schools' LA-side alerts go to the team list.
        patch = list(School.objects.filter(local_authority=la).order_by("urn"))
        for each in patch[: max(1, len(patch) // 4)]:
            OfficerAssignment.objects.get_or_create(
                school=each, side=OfficerAssignment.Side.LA, defaults={"officer": officer}
            )
        worker = user(
            "social.worker", first_name="Sol", last_name="Demo-Worker", email="social.worker@example.gov.uk"
        )
        Membership.objects.get_or_create(user=worker, role=Membership.Role.SOCIAL_WORKER, local_authority=la)
        admin = user("admin", email="admin@example.com", is_staff=True, is_superuser=True)
        Membership.objects.get_or_create(user=admin, role=Membership.Role.SYSTEM_ADMIN)

    def print_sign_in(self, addrport: str) -> None:
        User = get_user_model()
        present = set(
            User.objects.filter(username__in=[u for u, _, _ in DEMO_USERS]).values_list("username", flat=True)
        )
        if not present:
            self.say("No demo users in this database (it was not loaded by `attend demo`).")
            return
        self.say("")
        self.say(
            "Demo sign-in details (synthetic data; these passwords are public, never use them for real):"
        )
        for username, password, what in DEMO_USERS:
            if username not in present:
                continue
            extra = ""
            if username == "school.officer":
                membership = (
                    Membership.objects.filter(user__username=username).select_related("school").first()
                )
                if membership and membership.school:
                    extra = f": {membership.school.name}"
            self.say(f"  {username:<15} password {password:<24} {what}{extra}")
        self.say(f"Sign in at http://{addrport}/sign-in/")
        self.say("")


def _marks_changed_outside_imports() -> None:
    """The demo's story scripts delete or recode a few marks directly (no MarkChange row): the statistics store
    cannot apply that as a change, so its next refresh rebuilds it whole."""
    from attend.stats import store

    store.invalidate()
