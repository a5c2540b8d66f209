"""The retention schedule: how long each kind of record is kept, a dry-run report, and the deletion job.

Personal data must be kept no longer than needed (UK GDPR Art. 5(1)(e), storage limitation); registers must be kept
at least six years (School Attendance (Pupil Registration) (England) Regulations 2024: "entries kept ≥6 years",
domain.md §4). Each `Category` below says what it covers, when a row becomes due, and why. `retention_report`
counts what is due on a date without changing anything; `retention_apply` deletes exactly that, set-based and in
chunks, and records one audit event with the counts. Both use the same predicates, and those predicates describe
the end state ("no mark after the cutoff is left"), so a report made before a run equals the run, and a second
run on the same date finds nothing (idempotent).

Order of deletion: marks, corrections, closed alerts, enrolments, pupils, contacts, import runs, then the files
jobs keep under VAR_DIR (built reports after ATTEND_RETENTION_REPORT_DAYS, uploads left behind; attend/jobs/files.py). An enrolment goes
only when every mark and alert it holds is due; a pupil only when every enrolment and alert is; a contact only when
every pupil it is linked to is.

Pupils named in the audit trail cannot be deleted: the trail is append-only and refers to them (PROTECT), and it
must keep showing who looked at a child's records. Such a pupil is pseudonymised instead: the row stays as the
trail's anchor, with every identifying field replaced (UPN `ERASED<id>`, names "Erased" / "pupil", date of birth
1 January 1900, characteristics cleared) and their contact and user links removed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet
from django.utils import timezone

from attend import audit
from attend.accounts.models import PupilLink
from attend.alerts.models import OPEN_STATUSES, Alert, NoticeSessionUse
from attend.audit.models import AuditEvent
from attend.jobs import files as job_files
from attend.people.models import Contact, Enrolment, Pupil, PupilContact
from attend.registers.models import ImportRun, Mark, MarkChange
from attend.schools.models import AcademicYear

from . import casework_retention

# The law's floor for registers; settings may lengthen it, never shorten it.
REGISTER_YEARS_MINIMUM = 6
# Rows per DELETE: small enough that each chunk is a short transaction, large enough to be quick.
CHUNK = 50_000
ERASED_PREFIX = "ERASED"


def register_years() -> int:
    return max(REGISTER_YEARS_MINIMUM, getattr(settings, "ATTEND_RETENTION_REGISTER_YEARS", 6))


def alert_years() -> int:
    return getattr(settings, "ATTEND_RETENTION_ALERT_YEARS", 2)


def _casework_model():
    """The casework table with an `end` date and a `pupil` (so far part-time timetables), if casework is installed."""
    if not apps.is_installed("attend.casework"):
        return None
    return apps.get_model("casework", "PartTimeTimetable")


def casework_years() -> int | None:
    """Years casework is kept after it ends, set by the LA (ATTEND_RETENTION_CASEWORK_YEARS); None: not set, so
    casework is kept, and so are the pupils it concerns."""
    return getattr(settings, "ATTEND_RETENTION_CASEWORK_YEARS", None) or None


def register_cutoff(as_of: dt.date) -> dt.date:
    """Register entries dated before this day are due: their academic year (1 August to 31 July) ended more than
    `register_years()` years before `as_of`. Marks of 2025/26 (ending 31 July 2026) are due from 1 August 2032."""
    return dt.date(AcademicYear.start_year_for(as_of) - register_years(), 8, 1)


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


@dataclass(frozen=True)
class Category:
    name: str
    what: str
    kept: str
    source: str
    deletes: bool = True


SCHEDULE = [
    Category(
        "marks",
        "Attendance register entries (one mark per pupil per session).",
        "6 years after the end of the academic year they belong to (ATTEND_RETENTION_REGISTER_YEARS, at least 6).",
        "School Attendance (Pupil Registration) (England) Regulations 2024: entries kept at least 6 years.",
    ),
    Category(
        "mark_changes",
        "Corrections to register entries (old code, new code, who, when).",
        "As long as the register entry they correct.",
        "Part of the register: the same regulation.",
    ),
    Category(
        "alerts",
        "Closed alerts (dismissed or cleared) with their evidence.",
        "2 years after they closed (ATTEND_RETENTION_ALERT_YEARS); open alerts are kept while open.",
        "Local policy choice: long enough to see a pattern return over the next school year.",
    ),
    Category(
        "enrolments",
        "Admission register entries (a pupil's period at a school).",
        "Until the leaving date is past the register cutoff and no mark, correction, alert or notice remains.",
        "Part of the register: the same regulation.",
    ),
    Category(
        "pupils",
        "Pupils, with their characteristics and flags, and their links to staff.",
        "Until no enrolment or alert remains. Pupils named in the audit trail are pseudonymised, not deleted.",
        "UK GDPR Art. 5(1)(e): nothing left to hold them for.",
    ),
    Category(
        "contacts",
        "Parents, carers and other contacts.",
        "Until no pupil they are linked to remains (pseudonymised pupils lose their contact links).",
        "UK GDPR Art. 5(1)(e).",
    ),
    Category(
        "import_runs",
        "Records of imports (file name, checksum, counts, who).",
        "6 years after the end of the academic year the import ran in, like the entries it wrote.",
        "Evidence of where register entries came from: kept as long as the entries.",
    ),
    Category(
        "audit_events",
        "The audit trail: sign-ins, who viewed or exported which pupil's records, changes.",
        "6 years after the end of the academic year of the event (reported as due; never deleted by this job).",
        "Accountability for access to children's records (UK GDPR Art. 5(2)); append-only by design, so "
        "removing due events is a deliberate database administrator step (docs/privacy.md).",
        deletes=False,
    ),
    Category(
        "cases",
        "Cases, with their chronology, stage changes, documents (and their files), assessment, plans, meetings, "
        "consent and safeguarding records.",
        "Per the local authority's policy: ATTEND_RETENTION_CASEWORK_YEARS after the case was closed; open cases are "
        "kept. Until it is set, nothing is deleted, and pupils with a case are kept while the case is.",
        "LA records management policy (e.g. the IRMS retention guidelines for local authorities).",
    ),
    Category(
        "casework",
        "Other casework records: part-time timetables.",
        "Per the local authority's policy: ATTEND_RETENTION_CASEWORK_YEARS after the record ends. Until it is set, "
        "nothing is deleted, and pupils with casework are kept.",
        "LA records management policy (e.g. the IRMS retention guidelines for local authorities).",
    ),
    Category(
        "reports",
        "Built report files (CSV under VAR_DIR/reports/: pupils' UPNs and attendance figures).",
        "7 days after they were built (ATTEND_RETENTION_REPORT_DAYS), for downloading; the job record stays.",
        "UK GDPR Art. 5(1)(e): a copy made to be downloaded; the figures can be built again.",
    ),
    Category(
        "uploads",
        "Uploaded import files (VAR_DIR/uploads/).",
        "Until their import has finished (the import deletes them); this job removes any left behind.",
        "UK GDPR Art. 5(1)(e): the imported rows are the record; the ImportRun keeps the file's name and checksum.",
    ),
]
CATEGORIES = {c.name: c for c in SCHEDULE}


# ----- which rows are due


@dataclass(frozen=True)
class Due:
    """The querysets of rows due on `as_of`."""

    as_of: dt.date

    @property
    def cutoff(self) -> dt.date:
        return register_cutoff(self.as_of)

    def marks(self) -> QuerySet:
        return Mark.objects.filter(date__lt=self.cutoff)

    def mark_changes(self) -> QuerySet:
        return MarkChange.objects.filter(date__lt=self.cutoff)

    def alerts(self) -> QuerySet:
        closed_before = _years_before(self.as_of, alert_years())
        at = _start_of(closed_before)
        return Alert.objects.exclude(status__in=OPEN_STATUSES).filter(
            Q(cleared_on__lt=closed_before)
            | Q(cleared_on__isnull=True, status_changed_at__lt=at)
            | Q(cleared_on__isnull=True, status_changed_at__isnull=True, updated_at__lt=at)
        )

    def casework(self) -> QuerySet | None:
        model = _casework_model()
        if model is None:
            return None
        years = casework_years()
        if years is None:
            return model.objects.none()
        return model.objects.filter(end__lt=_years_before(self.as_of, years))

    def cases(self) -> QuerySet:
        return casework_retention.due_cases(self.as_of, casework_years())

    def _kept_alerts(self) -> QuerySet:
        return Alert.objects.exclude(pk__in=self.alerts().values("pk"))

    def enrolments(self) -> QuerySet:
        from attend.cme.retention import enrolment_has_records as cme_enrolment_has_records

        cutoff = self.cutoff
        kept_alerts = self._kept_alerts()
        return (
            Enrolment.objects.filter(leaving_date__lt=cutoff)
            .filter(
                ~Exists(Mark.objects.filter(enrolment=OuterRef("pk"), date__gte=cutoff)),
                ~Exists(MarkChange.objects.filter(enrolment=OuterRef("pk"), date__gte=cutoff)),
                ~Exists(kept_alerts.filter(enrolment=OuterRef("pk"))),
                # Sessions relied on by a penalty notice or notice to improve are enforcement records (casework policy).
                ~Exists(NoticeSessionUse.objects.filter(enrolment=OuterRef("pk"))),
            )
            .exclude(cme_enrolment_has_records())
        )

    def _leaving(self) -> QuerySet:
        """Pupils with nothing left to keep them for (deleted, or pseudonymised if the audit trail names them)."""
        kept_enrolments = Enrolment.objects.exclude(pk__in=self.enrolments().values("pk"))
        pupils = Pupil.objects.filter(
            ~Exists(kept_enrolments.filter(pupil=OuterRef("pk"))),
            ~Exists(self._kept_alerts().filter(pupil=OuterRef("pk"))),
        )
        # Enforcement records are kept, and so is the pupil they name (attend/enforcement/retention.py).
        from attend.enforcement.retention import pupil_has_records

        pupils = pupils.exclude(pupil_has_records())
        # So are the LA's CME, deletion, home education and s19 records (attend/cme/retention.py).
        from attend.cme.retention import pupil_has_records as cme_pupil_has_records

        pupils = pupils.exclude(cme_pupil_has_records())
        casework = self.casework()
        if casework is not None:
            kept = casework.model.objects.exclude(pk__in=casework.values("pk"))
            pupils = pupils.filter(~Exists(kept.filter(pupil=OuterRef("pk"))))
            # Recorded circumstances (medical condition, bereavement) are casework too; until the schedule has a
            # category of their own, a pupil with any is kept rather than deleted with them.
            circumstances = apps.get_model("casework", "PupilCircumstance").objects
            pupils = pupils.filter(~Exists(circumstances.filter(pupil=OuterRef("pk"))))
            # A pupil with a case is kept while the case is.
            kept_cases = casework_retention.kept_cases(self.as_of, casework_years())
            pupils = pupils.filter(~Exists(kept_cases.filter(pupil=OuterRef("pk"))))
        return pupils

    def pupils(self) -> QuerySet:
        return self._leaving().filter(~Exists(AuditEvent.objects.filter(pupil=OuterRef("pk"))))

    def pupils_to_pseudonymise(self) -> QuerySet:
        return (
            self._leaving()
            .filter(Exists(AuditEvent.objects.filter(pupil=OuterRef("pk"))))
            .exclude(upn__startswith=ERASED_PREFIX)
        )

    def contacts(self) -> QuerySet:
        staying = Pupil.objects.exclude(pk__in=self._leaving().values("pk"))
        from attend.cme.retention import contact_has_records as cme_contact_has_records
        from attend.enforcement.retention import contact_has_records

        return Contact.objects.filter(
            ~Exists(PupilContact.objects.filter(contact=OuterRef("pk"), pupil__in=staying.values("pk")))
        ).exclude(contact_has_records() | cme_contact_has_records())

    def import_runs(self) -> QuerySet:
        return ImportRun.objects.filter(started_at__lt=_start_of(self.cutoff))

    def audit_events(self) -> QuerySet:
        return AuditEvent.objects.filter(at__lt=_start_of(self.cutoff))


# ----- the report


@dataclass
class CategoryReport:
    category: Category
    rows: int
    oldest: dt.date | None
    by_school: list[tuple[str, int]] = field(default_factory=list)  # (school, rows)
    note: str = ""


def _as_date(value) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def _per_school(qs: QuerySet, school_path: str) -> list[tuple[str, int]]:
    rows = (
        qs.values(f"{school_path}__urn", f"{school_path}__name")
        .annotate(n=Count("pk"))
        .order_by(f"{school_path}__urn")
    )
    return [(f"{r[f'{school_path}__urn']} {r[f'{school_path}__name']}", r["n"]) for r in rows]


def retention_report(*, as_of: dt.date) -> list[CategoryReport]:
    """What `retention_apply(as_of=...)` would delete, per category: rows, the oldest date, rows per school."""
    due = Due(as_of)
    reports = []

    def add(name: str, qs: QuerySet | None, date_field: str = "", school_path: str = "", note: str = ""):
        if qs is None:
            reports.append(CategoryReport(CATEGORIES[name], 0, None, note=note))
            return
        oldest = qs.aggregate(m=Min(date_field))["m"] if date_field else None
        by_school = _per_school(qs, school_path) if school_path else []
        reports.append(CategoryReport(CATEGORIES[name], qs.count(), _as_date(oldest), by_school, note))

    add("marks", due.marks(), "date", "enrolment__school")
    add("mark_changes", due.mark_changes(), "date", "enrolment__school")
    add("alerts", due.alerts(), "raised_on", "school")
    add("enrolments", due.enrolments(), "leaving_date", "school")
    pseudonymise = due.pupils_to_pseudonymise().count()
    add(
        "pupils",
        due.pupils(),
        note=f"{pseudonymise} more named in the audit trail will be pseudonymised" if pseudonymise else "",
    )
    add("contacts", due.contacts())
    add("import_runs", due.import_runs(), "started_at")
    add("audit_events", due.audit_events(), "at", note="not deleted by this job (append-only)")
    add(
        "casework",
        due.casework(),
        "end",
        "school",
        note=""
        if casework_years() is not None
        else "no LA policy set (ATTEND_RETENTION_CASEWORK_YEARS): kept",
    )
    cases = due.cases()
    add(
        "cases",
        cases,
        "closed_at",
        "school",
        note=casework_retention.cases_note(cases)
        if casework_years() is not None
        else "no LA policy set (ATTEND_RETENTION_CASEWORK_YEARS): kept",
    )
    add("reports", job_files.reports_due(as_of), "finished_at")
    uploads = job_files.uploads_due(as_of)
    created = [u.job_created for u in uploads if u.job_created is not None]
    reports.append(
        CategoryReport(
            CATEGORIES["uploads"], len(uploads), _as_date(min(created, default=None)), note="files"
        )
    )
    return reports


def report_text(reports: list[CategoryReport], *, as_of: dt.date) -> str:
    lines = [
        f"Retention report as of {as_of.isoformat()} (register cutoff {register_cutoff(as_of).isoformat()}: "
        f"entries dated before it are due). Nothing has been changed.",
        "",
        f"{'category':14} {'rows due':>10}  {'oldest':10}  rule",
    ]
    for r in reports:
        oldest = r.oldest.isoformat() if r.oldest else "-"
        lines.append(f"{r.category.name:14} {r.rows:>10}  {oldest:10}  {r.category.kept}")
        if r.note:
            lines.append(f"{'':14} {'':>10}  {'':10}  ({r.note})")
        for school, n in r.by_school:
            lines.append(f"{'':14} {n:>10}  {'':10}  at {school}")
    return "\n".join(lines)


# ----- the deletion job


def _delete_by_id_ranges(table: str, where: str, params: list) -> int:
    """DELETE FROM `table` WHERE `where`, walking the primary key in ranges of CHUNK ids, one short transaction
    each. Walking the key (rather than `LIMIT`) keeps every chunk an index range scan, however many rows are gone."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT min(id), max(id) FROM {table}")  # noqa: S608 (table names are ours)
        low, high = cursor.fetchone()
    if low is None:
        return 0
    deleted = 0
    for start in range(low, high + 1, CHUNK):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {table} WHERE id >= %s AND id < %s AND {where}",  # noqa: S608
                [start, start + CHUNK, *params],
            )
            deleted += cursor.rowcount
    return deleted


def _delete_in_chunks(qs: QuerySet) -> int:
    """Delete through the ORM (so cascades to other apps' tables are followed), a chunk of primary keys at a time.
    Used for the smaller tables (alerts, enrolments, pupils, contacts), never for marks."""
    deleted = 0
    while True:
        ids = list(qs.values_list("pk", flat=True)[:1000])
        if not ids:
            return deleted
        with transaction.atomic():
            _, per_model = qs.model.objects.filter(pk__in=ids).delete()
        deleted += per_model.get(qs.model._meta.label, 0)


def _pseudonymise(qs: QuerySet) -> int:
    done = 0
    for pk in list(qs.values_list("pk", flat=True)):
        with transaction.atomic():
            PupilContact.objects.filter(pupil_id=pk).delete()
            PupilLink.objects.filter(pupil_id=pk).delete()
            Pupil.objects.filter(pk=pk).update(
                upn=f"{ERASED_PREFIX}{pk:07d}"[:13],
                legal_forename="Erased",
                legal_surname="pupil",
                preferred_forename="",
                preferred_surname="",
                date_of_birth=dt.date(1900, 1, 1),
                ethnicity="",
                first_language="",
                eal=False,
                fsm=False,
                fsm6=False,
                sen_status=Pupil.SenStatus.NONE,
                looked_after=False,
                previously_looked_after=False,
                child_in_need=False,
                child_protection_plan=False,
                young_carer=False,
            )
        done += 1
    return done


@dataclass
class ApplyResult:
    as_of: dt.date
    deleted: dict[str, int]
    pseudonymised: int

    def summary(self) -> str:
        parts = ", ".join(f"{n} {name}" for name, n in self.deleted.items())
        return f"Retention applied as of {self.as_of.isoformat()}: deleted {parts}; pseudonymised {self.pseudonymised} pupils."


def retention_apply(*, as_of: dt.date, by=None) -> ApplyResult:
    """Delete every row the schedule says is due on `as_of` and record one audit event with the counts.

    Marks and corrections are deleted by primary-key ranges with plain SQL (no per-row ORM work); each chunk is its
    own short transaction, so a run stopped half-way has deleted only due rows and the next run finishes the job.
    """
    due = Due(as_of)
    cutoff = connection.ops.adapt_datefield_value(due.cutoff)
    deleted = {
        "marks": _delete_by_id_ranges("registers_mark", "date < %s", [cutoff]),
        "mark_changes": _delete_by_id_ranges("registers_markchange", "date < %s", [cutoff]),
        "alerts": _delete_in_chunks(due.alerts()),
        "enrolments": _delete_in_chunks(due.enrolments()),
        "casework": _delete_in_chunks(due.casework()) if due.casework() is not None else 0,
        "cases": casework_retention.delete_cases(due.cases()),
    }
    # Pseudonymise before deleting contacts, so the contacts of pseudonymised pupils are freed too.
    pseudonymised = _pseudonymise(due.pupils_to_pseudonymise())
    deleted["pupils"] = _delete_in_chunks(due.pupils())
    deleted["contacts"] = _delete_in_chunks(due.contacts())
    runs = due.import_runs()
    with transaction.atomic():
        MarkChange.objects.filter(import_run__in=runs.values("pk")).update(import_run=None)
        deleted["import_runs"] = runs._raw_delete(runs.db)
    deleted["reports"] = job_files.delete_reports(job_files.reports_due(as_of))
    deleted["uploads"] = job_files.delete_uploads(job_files.uploads_due(as_of))
    audit.record(
        "privacy.retention.applied",
        by=by,
        data={
            "as_of": as_of.isoformat(),
            "register_cutoff": due.cutoff.isoformat(),
            "deleted": deleted,
            "pseudonymised": pseudonymised,
        },
    )
    if deleted["marks"] or deleted["enrolments"]:
        _statistics_changed()
    return ApplyResult(as_of, deleted, pseudonymised)


def _statistics_changed() -> None:
    """The statistics store is a copy of the marks: queue its rebuild so deleted marks leave it too. Marks deleted
    by date (not with their enrolment) are invisible to the incremental refresh, so it rebuilds whole."""
    from attend.stats import store

    store.invalidate()
    store.request_refresh()
