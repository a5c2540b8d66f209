"""Who may do what: one declared table of named permissions, and deny by default.

Every URL in the project either declares the permission it needs (with `@permission_required_for`, or in
`URL_PERMISSIONS` for views we do not own) or is explicitly public (`@public`). `PermissionMiddleware` refuses any
request whose view has declared nothing, and `attend.core.tests.test_url_permissions` walks every URL pattern for
every role to check the table is what the code does.

A permission says which *kind* of page a role may open. Which rows a user then sees is scoping
(`attend.core.scoping`): an LA officer may open `pupil.view`, but only for pupils at schools in their LA.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.urls import reverse

from .identity import is_superuser, roles_of  # noqa: F401  (the one answer; kept importable from here)
from .models import Membership

R = Membership.Role

ALL_ROLES = frozenset(R.values)
# Read-only and narrow: they never hold a permission that writes, and see only pupils linked to them.
READ_ONLY_ROLES = frozenset({R.CLASS_TEACHER, R.SOCIAL_WORKER, R.VIRTUAL_SCHOOL})
SCHOOL_STAFF = frozenset({R.SCHOOL_OFFICER, R.ATTENDANCE_LEAD, R.HEADTEACHER, R.DSL})
LA_STAFF = frozenset({R.LA_OFFICER, R.LA_MANAGER})

# Marker for views anyone may open, signed in or not.
PUBLIC = "public"
# Permissions usable before the session's one-time code is entered (everything else waits for it).
BEFORE_TWO_FACTOR = frozenset({"account.two_factor"})


@dataclass(frozen=True)
class Permission:
    name: str
    roles: frozenset[str]
    description: str
    writes: bool = False


_TABLE = [
    Permission("home.view", ALL_ROLES, "See the home page with the schools in your scope."),
    Permission(
        "admin.site", frozenset({R.SYSTEM_ADMIN}), "Use the administration site (users, memberships)."
    ),
    Permission(
        "pupil.view",
        SCHOOL_STAFF | LA_STAFF | READ_ONLY_ROLES,
        "Open a pupil's record (only pupils in your scope, or linked to you).",
    ),
    Permission("school.dashboard", SCHOOL_STAFF | LA_STAFF, "See a school's attendance dashboard."),
    Permission("la.dashboard", LA_STAFF, "See the local authority dashboard across its schools."),
    Permission(
        "import.run",
        frozenset({R.SCHOOL_OFFICER, R.ATTENDANCE_LEAD, R.LA_OFFICER, R.SYSTEM_ADMIN}),
        "Import register files.",
        writes=True,
    ),
    Permission(
        "alerts.act",
        SCHOOL_STAFF | LA_STAFF,
        "Acknowledge, dismiss or link alerts on the work list (only alerts about pupils in your scope).",
        writes=True,
    ),
    Permission(
        "account.two_factor",
        ALL_ROLES,
        "Set up two-factor authentication and enter one-time codes (allowed before the code is entered).",
    ),
    Permission(
        "audit.view",
        frozenset({R.HEADTEACHER, R.DSL, R.ATTENDANCE_LEAD, R.LA_MANAGER}),
        "See and export who viewed or changed a pupil's records.",
    ),
    # Background jobs, settings pages and the trust dashboard (issue 6; attend/jobs, attend/directory, attend/web).
    Permission(
        "job.view",
        SCHOOL_STAFF | LA_STAFF | {R.SYSTEM_ADMIN},
        "See the progress and results of the imports and reports you started.",
    ),
    Permission(
        "report.build",
        SCHOOL_STAFF | LA_STAFF,
        "Build statistics reports (CSV) for the schools in your scope in the background.",
    ),
    Permission(
        "trust.dashboard",
        SCHOOL_STAFF | LA_STAFF,
        "See a trust's schools side by side (trusts you are a member of, or with schools in your scope).",
    ),
    Permission(
        "settings.view",
        frozenset({R.LA_MANAGER, R.ATTENDANCE_LEAD, R.HEADTEACHER, R.SYSTEM_ADMIN}),
        "Open the settings pages.",
    ),
    Permission(
        "settings.thresholds",
        frozenset({R.LA_MANAGER, R.ATTENDANCE_LEAD, R.HEADTEACHER}),
        "Change alert rule thresholds for your LA (LA managers) or your school (attendance leads, headteachers).",
        writes=True,
    ),
    Permission(
        "settings.users",
        frozenset({R.LA_MANAGER, R.SYSTEM_ADMIN}),
        "Add users, change their roles and deactivate them, within your scope.",
        writes=True,
    ),
    Permission(
        "services.view",
        SCHOOL_STAFF | LA_STAFF,
        "See the directory of local support services (early help, school nursing, CAMHS and others).",
    ),
    Permission(
        "services.manage",
        frozenset({R.LA_MANAGER, R.SYSTEM_ADMIN}),
        "Add and change entries in the services directory.",
        writes=True,
    ),
    Permission(
        "pupil.subject_access",
        frozenset({R.DSL, R.HEADTEACHER, R.LA_MANAGER}),
        "Download everything held about a pupil in your scope as one archive (subject access request).",
    ),
    # Letters (issue 15; attend/letters). Sending follows acting on the work list; editing the template library
    # follows changing the LA's or school's alert thresholds.
    Permission(
        "letters.send",
        SCHOOL_STAFF | LA_STAFF,
        "Send letters and messages about pupils in your scope; prepare, review and approve batches of letters.",
        writes=True,
    ),
    Permission(
        "letters.templates",
        frozenset({R.LA_MANAGER, R.ATTENDANCE_LEAD, R.HEADTEACHER}),
        "Edit the letter templates of your LA (LA managers) or your school (attendance leads, headteachers).",
        writes=True,
    ),
    # Casework (issue 16; attend/casework). Reading follows opening a pupil's record (staff only: the read-only
    # roles see the pupil page, not case records); writing follows acting on the work list.
    Permission(
        "cases.view",
        SCHOOL_STAFF | LA_STAFF,
        "See cases, their chronology, plans and meetings for pupils in your scope (restricted notes excepted).",
    ),
    Permission(
        "cases.write",
        SCHOOL_STAFF | LA_STAFF,
        "Open cases, add to their chronology, record assessments, plans, meetings and consent (your scope only).",
        writes=True,
    ),
    Permission(
        "cases.manage",
        frozenset({R.LA_MANAGER, R.ATTENDANCE_LEAD, R.HEADTEACHER}),
        "See caseloads across officers and approve the removal of an entry filed on the wrong child.",
        writes=True,
    ),
    Permission(
        "cases.safeguarding",
        frozenset({R.DSL, R.LA_MANAGER}),
        "Read and write restricted safeguarding notes (the school's DSL, the LA's safeguarding lead).",
        writes=True,
    ),
    # Partnership, the professional network (issue 17; attend/partnership/network.py).
    Permission(
        "network.view",
        SCHOOL_STAFF | LA_STAFF | frozenset({R.SOCIAL_WORKER, R.VIRTUAL_SCHOOL}),
        "See a pupil's professional network (social worker, virtual school, youth justice, early help).",
    ),
    Permission(
        "network.write",
        SCHOOL_STAFF | LA_STAFF,
        "Record who is in a pupil's professional network and their contact details (your scope only).",
        writes=True,
    ),
    Permission(
        "partnership.my_pupils",
        frozenset({R.SOCIAL_WORKER, R.VIRTUAL_SCHOOL}),
        "See the pupils linked to you with their attendance in days and hours missed.",
    ),
    Permission(
        "partnership.view",
        SCHOOL_STAFF | LA_STAFF,
        "Open the working-with-partners page (targeting support meetings, timetables, what works, services).",
    ),
    # Targeting support meetings (issue 17, area tsm; attend/partnership/tsm.py). The LA runs them; a school's
    # staff see their own school's meetings and packs.
    Permission(
        "tsm.view",
        SCHOOL_STAFF | LA_STAFF,
        "See targeting support meetings, their agreed actions and packs for the schools in your scope.",
    ),
    Permission(
        "tsm.write",
        LA_STAFF,
        "Record a school's termly targeting support meeting and the actions agreed for its pupils (your LA only).",
        writes=True,
    ),
    # Home visits and lone-worker safety (issue 18; attend/visits). Officers plan and record visits to pupils in
    # their scope; anyone in the office may record a check-in rung through and acknowledge an escalation.
    Permission(
        "visits.view",
        SCHOOL_STAFF | LA_STAFF,
        "See visit lists, rounds, risk markers and visit outcomes for pupils in your scope.",
    ),
    Permission(
        "visits.write",
        frozenset({R.SCHOOL_OFFICER, R.ATTENDANCE_LEAD, R.HEADTEACHER, R.LA_OFFICER, R.LA_MANAGER}),
        "Plan rounds, record risk checks and markers, check out and in, and record visit outcomes (your scope).",
        writes=True,
    ),
    Permission(
        "visits.office",
        SCHOOL_STAFF | LA_STAFF,
        "See who is out on visits, record a check-in rung through to the office, and acknowledge an escalation.",
        writes=True,
    ),
    Permission(
        "visits.manage",
        frozenset({R.LA_MANAGER, R.ATTENDANCE_LEAD, R.HEADTEACHER}),
        "Set the escalation contacts and see officers' expiring lone-worker training and DBS checks.",
        writes=True,
    ),
    # Formal support and enforcement (issue 19; attend/enforcement). Penalty notices and prosecutions are
    # criminal-offence data (UK GDPR Art. 10): only the roles that issue, request or decide them see them, and every
    # view is audited. Who may issue a notice is also bound by s444B and the LA's code (attend/enforcement/statute.py).
    Permission(
        "enforcement.view",
        frozenset({R.LA_OFFICER, R.LA_MANAGER, R.HEADTEACHER, R.ATTENDANCE_LEAD}),
        "See contracts, notices to improve, penalty notices, orders and prosecutions for pupils in your scope.",
    ),
    Permission(
        "enforcement.formal",
        frozenset({R.SCHOOL_OFFICER, R.ATTENDANCE_LEAD, R.HEADTEACHER, R.LA_OFFICER, R.LA_MANAGER}),
        "Record the check before a formal step, attendance contracts and notices to improve (your scope).",
        writes=True,
    ),
    Permission(
        "enforcement.request",
        frozenset({R.ATTENDANCE_LEAD, R.HEADTEACHER}),
        "Ask the LA for a penalty notice for a pupil at your school, with the evidence.",
        writes=True,
    ),
    Permission(
        "enforcement.issue",
        frozenset({R.LA_OFFICER, R.LA_MANAGER, R.HEADTEACHER, R.ATTENDANCE_LEAD}),
        "Vet requests, issue and serve penalty notices, record payments and withdrawals (if authorised).",
        writes=True,
    ),
    Permission(
        "enforcement.prosecute",
        LA_STAFF,
        "Consider supervision orders, decide and record prosecutions and build the evidence bundle (your LA).",
        writes=True,
    ),
    Permission(
        "enforcement.code",
        frozenset({R.LA_MANAGER}),
        "Set the LA's code of conduct for penalty notices (each change is a new version).",
        writes=True,
    ),
    Permission(
        "enforcement.register",
        LA_STAFF,
        "See the LA's enforcement register and the parental responsibility measures return, and export them.",
    ),
    # Children missing education, deletions from the roll, home education and s19 (issue 20; attend/cme). The LA's
    # statutory duties (EA 1996 s436A, s19; 2024 Regs reg 9, 13): schools notify, make their own enquiries and
    # record deletions; the LA owns the enquiry, the home education record and the s19 decision.
    Permission(
        "cme.view",
        SCHOOL_STAFF | LA_STAFF,
        "See children missing education enquiries, deletion returns and home education records in your scope.",
    ),
    Permission(
        "cme.enquire",
        SCHOOL_STAFF | LA_STAFF,
        "Open a children missing education enquiry and record reasonable enquiries (your scope).",
        writes=True,
    ),
    Permission(
        "cme.decide",
        LA_STAFF,
        "Close a children missing education enquiry with its outcome and refer a child to another LA (your LA).",
        writes=True,
    ),
    Permission(
        "cme.deletion",
        frozenset({R.SCHOOL_OFFICER, R.ATTENDANCE_LEAD, R.HEADTEACHER, R.LA_OFFICER, R.LA_MANAGER}),
        "Record a deletion from a school's admission register with its ground (a deletion return to the LA).",
        writes=True,
    ),
    Permission(
        "cme.ehe",
        LA_STAFF,
        "Keep the LA's home education records: notices, consent, contacts, suitability and returns to school.",
        writes=True,
    ),
    Permission(
        "cme.s19",
        LA_STAFF,
        "Record the LA's decision on arranging education for a child missing school through health or exclusion.",
        writes=True,
    ),
    Permission(
        "cme.returns",
        LA_STAFF,
        "See the LA's children missing education, deletions and home education lists and export the termly returns.",
    ),
    Permission("account.password", ALL_ROLES, "Change your own password (your current one first)."),
    Permission(
        "account.recovery_codes",
        ALL_ROLES,
        "Make a new set of two-factor recovery codes (only after entering a code this session).",
    ),
]

PERMISSIONS: dict[str, Permission] = {p.name: p for p in _TABLE}

# Views we do not own, by URL name. Everything in the "admin" namespace needs "admin.site" (see permission_for).
URL_PERMISSIONS: dict[str, str] = {}

# The apps whose models a system administrator may manage in the admin site. Pupil and register data are not
# among them: a system administrator runs the service, not casework (data minimisation, UK GDPR art. 5(1)(c)).
# Background task results are: they show which jobs failed and why. So are API tokens (list and revoke only).
# Django's groups and model permissions ("auth") are not: a group could carry pupil permissions past the role table.
SYSTEM_ADMIN_APPS = frozenset(
    {"accounts", "schools", "audit", "otp_totp", "otp_static", "django_tasks_database", "api"}
)


def has_permission(user, name: str) -> bool:
    """True if the user holds a role that the table allows for `name`. Superusers hold every permission."""
    try:
        permission = PERMISSIONS[name]
    except KeyError:
        raise ImproperlyConfigured(
            f"Unknown permission {name!r}: declare it in accounts/permissions.py"
        ) from None
    if is_superuser(user):
        return True
    return bool(roles_of(user) & permission.roles)


def check(request, name: str):
    """None if the request may go on; otherwise the response (sign-in redirect) or PermissionDenied raised."""
    if name == PUBLIC:
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not has_permission(request.user, name):
        raise PermissionDenied(f"You need the {name!r} permission.")
    if name not in BEFORE_TWO_FACTOR:
        from .two_factor import needs_verification

        if needs_verification(request.user):
            return redirect_to_login(request.get_full_path(), login_url=reverse("two-factor"))
    return None


def permission_required_for(name: str):
    """View decorator: sign-in redirect for anonymous users, 403 for users without a role allowed by `name`."""
    if name not in PERMISSIONS:
        raise ImproperlyConfigured(f"Unknown permission {name!r}: declare it in accounts/permissions.py")

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            refused = check(request, name)
            if refused is not None:
                return refused
            return view(request, *args, **kwargs)

        wrapped.attend_permission = name
        return wrapped

    return decorator


def public(view):
    """Mark a view as open to everyone (sign-in, health check). Use sparingly."""
    view.attend_permission = PUBLIC
    return view


def permission_for(match) -> str | None:
    """The permission a resolved URL declares, PUBLIC, or None if it declares nothing (and is refused)."""
    return _declared(match.func, match.namespaces, match.view_name)


def _declared(func, namespaces, view_name: str | None) -> str | None:
    declared = getattr(func, "attend_permission", None)
    if declared:
        return declared
    if "admin" in namespaces:
        return "admin.site"
    return URL_PERMISSIONS.get(view_name or "")


@dataclass(frozen=True)
class UrlEntry:
    """One URL pattern of the project: the chain of patterns from the root, and what it declares."""

    patterns: tuple  # URLPattern/URLResolver pattern objects, root first
    namespaces: tuple[str, ...]
    name: str | None
    callback: object

    @property
    def route(self) -> str:
        return "".join(str(p) for p in self.patterns)

    @property
    def view_name(self) -> str | None:
        return ":".join([*self.namespaces, self.name]) if self.name else None

    @property
    def permission(self) -> str | None:
        return _declared(self.callback, self.namespaces, self.view_name)


def url_entries(resolver=None, patterns=(), namespaces=()):
    """Every URL pattern in the project (admin included), depth first."""
    from django.urls import URLResolver, get_resolver

    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = (*namespaces, p.namespace) if p.namespace else namespaces
            yield from url_entries(p, (*patterns, p.pattern), ns)
        else:
            yield UrlEntry((*patterns, p.pattern), namespaces, p.name, p.callback)


def undeclared_urls() -> list[UrlEntry]:
    return [
        e
        for e in url_entries()
        if e.permission is None or (e.permission != PUBLIC and e.permission not in PERMISSIONS)
    ]


class PermissionMiddleware:
    """Deny by default: a view that declares no permission is refused, whoever asks."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        name = permission_for(match) if match is not None else None
        if name is None:
            raise PermissionDenied(
                f"The view {match.view_name if match else '?'} declares no permission "
                "(see attend/accounts/permissions.py)."
            )
        if getattr(view_func, "attend_api", False):
            # REST API views (attend/api) authenticate by bearer token, not session, and check this same
            # permission (plus the token's scope) themselves, answering 401/403 in JSON, never a sign-in redirect.
            return None
        return check(request, name)


def permission_table_markdown() -> str:
    """The table as Markdown, for docs/security.md (a test keeps the two the same)."""
    roles = list(R)
    header = "| permission | " + " | ".join(r.value for r in roles) + " | what it allows |"
    lines = [header, "|---" * (len(roles) + 2) + "|"]
    for p in _TABLE:
        marks = " | ".join("✔" if r.value in p.roles else "" for r in roles)
        lines.append(f"| `{p.name}`{' (writes)' if p.writes else ''} | {marks} | {p.description} |")
    return "\n".join(lines)
