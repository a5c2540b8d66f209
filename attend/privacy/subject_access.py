"""Subject access (UK GDPR Art. 15): everything Attend holds about one pupil, as one zip archive.

The archive is the raw material for a subject access response: the data protection officer reviews it before it
leaves the organisation (README.txt says what to check). It holds:

    README.txt          what is in it, when and by whom it was made, what is withheld and why
    pupil.json          identity, characteristics and flags
    enrolments.csv      periods on schools' admission registers
    marks.csv           every register mark, with what the code means
    mark_changes.csv    corrections to marks
    contacts.csv        the pupil's contacts as recorded for them
    alerts.csv          alerts raised about the pupil
    cases.csv           the pupil's cases (stage, status, when opened and closed)
    chronology.csv      every entry on those cases, restricted safeguarding notes and corrected entries included
    casework.csv        other casework records (part-time timetables)
    circumstances.csv   circumstances recorded to weigh before acting (medical condition, bereavement)
    notice_sessions.csv sessions relied on by a penalty notice or notice to improve
    missing_education.csv children missing education enquiries, deletion returns, home education, s19 decisions
    access_log.csv      the audit trail of the pupil's records (who looked, by role; what was done)
    documents/          the documents on those cases (each checked against its checksum)

Making the archive is itself recorded in the audit trail.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Q, QuerySet
from django.utils import timezone

from attend import audit
from attend.accounts.models import Membership
from attend.alerts.models import Alert, NoticeSessionUse
from attend.audit.models import AuditEvent
from attend.casework.contacts import redact, safety_map
from attend.core.scoping import PupilAccess, contact_links_visible
from attend.core.spreadsheet import cell as _cell
from attend.people.models import Enrolment, Pupil, PupilContact
from attend.registers.models import AttendanceCode, Mark, MarkChange

from . import casework_access, cme_access

# Every stored field of the pupil (so a field added later is in the archive too), less the internal row id.
PUPIL_FIELDS = [f.name for f in Pupil._meta.concrete_fields if f.name != "id"]
# Who the pupil is, for a school that sees only its own period: characteristics and flags are as held now.
IDENTITY_FIELDS = ["upn", "legal_forename", "legal_surname", "date_of_birth", "sex"]

WITHHELD = """\
What is withheld, and why
-------------------------
- Names and usernames of staff in access_log.csv and mark_changes.csv: replaced by their role. Staff are third
  parties (Data Protection Act 2018, Schedule 2, Part 3, paragraph 16); the DPO may release names after review.
- Network (IP) addresses in the audit trail: security information about our systems, not about the pupil.
- Other pupils: nothing about siblings or classmates is included, even where they share a contact.

Review before release (the DPO decides; Attend cannot)
------------------------------------------------------
- pupil.json includes safeguarding flags (child protection plan, child in need, looked after). Information may be
  withheld where disclosure would be likely to cause serious harm to the physical or mental health of the pupil or
  another person (DPA 2018, Schedule 3, Part 2 and Part 5), or where it is social work data.
- alerts.csv includes staff's own words (reasons for dismissing alerts).
- contacts.csv includes parents' and carers' own contact details: check who is asking (for example a parent
  without parental responsibility, or a parent the pupil should not be found by). A contact or address marked
  confidential in casework (a non-molestation order, a refuge) is already redacted as "[confidential]".
- chronology.csv includes restricted safeguarding notes (restricted = yes), parents' and the child's own words,
  and what other people said; documents/ may hold letters from other agencies (third-party information). The
  archive holds all of it because a subject access request is run by the DSL, the head or an LA manager; the DPO
  decides what may be released.
"""


def _csv(header: list[str], rows) -> tuple[bytes, int]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    n = 0
    for row in rows:
        writer.writerow([_cell(v) for v in row])
        n += 1
    return buffer.getvalue().encode("utf-8-sig"), n


def _roles(user_id: int | None, cache: dict[int, str]) -> str:
    if user_id is None:
        return "the system"
    if user_id not in cache:
        roles = sorted(
            {
                Membership.Role(r).label
                for r in Membership.objects.filter(user_id=user_id).values_list("role", flat=True)
            }
        )
        cache[user_id] = "staff member" + (f" ({', '.join(roles)})" if roles else "")
    return cache[user_id]


@dataclass
class SubjectAccessArchive:
    file_name: str
    content: bytes
    counts: dict[str, int]


def _casework(pupil: Pupil) -> QuerySet | None:
    if not apps.is_installed("attend.casework"):
        return None
    return (
        apps.get_model("casework", "PartTimeTimetable").objects.filter(pupil=pupil).select_related("school")
    )


def subject_access_export(
    *, pupil: Pupil, by=None, request=None, access: PupilAccess | None = None
) -> SubjectAccessArchive:
    """Build the archive for `pupil` and record that it was made. The caller must have checked scope.

    `access` (attend.core.scoping.pupil_access) limits the archive to what the person making it may see: a
    school the pupil has left gets its own period only (its enrolments, marks, alerts and records, the audit
    trail of those dates), and neither the pupil's current contacts nor their characteristics and flags as
    held now. Without it (the console command) the archive holds everything."""
    made_at = timezone.localtime()
    roles: dict[int, str] = {}
    files: dict[str, bytes] = {}
    counts: dict[str, int] = {}
    whole = access is None or access.whole
    current = access is None or access.current
    periods = Q() if access is None else access.rows()
    marks_in = Q() if access is None else access.marks()

    fields = PUPIL_FIELDS if current else IDENTITY_FIELDS
    identity = {name: getattr(pupil, name) for name in fields}
    identity["date_of_birth"] = pupil.date_of_birth.isoformat()
    identity["sex"] = pupil.get_sex_display()
    if current:
        identity["sen_status"] = pupil.get_sen_status_display()
    files["pupil.json"] = json.dumps(identity, indent=2, ensure_ascii=False).encode("utf-8")

    enrolments = Enrolment.objects.filter(pupil=pupil).select_related("school").order_by("admission_date")
    if not whole:
        enrolments = enrolments.filter(pk__in=access.enrolment_ids)
    files["enrolments.csv"], counts["enrolments"] = _csv(
        ["school_urn", "school", "admission_date", "leaving_date", "nc_year", "registration"],
        (
            (
                e.school.urn,
                e.school.name,
                e.admission_date,
                e.leaving_date,
                e.nc_year,
                e.get_registration_display(),
            )
            for e in enrolments
        ),
    )

    meanings = dict(AttendanceCode.objects.values_list("code", "meaning"))
    marks = (
        Mark.objects.filter(marks_in, enrolment__pupil=pupil)
        .order_by("date", "session")
        .values_list("enrolment__school__urn", "date", "session", "code")
    )
    files["marks.csv"], counts["marks"] = _csv(
        ["school_urn", "date", "session", "code", "code_meaning"],
        ((urn, day, session, code, meanings.get(code, "")) for urn, day, session, code in marks.iterator()),
    )

    changes = MarkChange.objects.filter(marks_in, enrolment__pupil=pupil).select_related(
        "enrolment__school", "import_run"
    )
    files["mark_changes.csv"], counts["mark_changes"] = _csv(
        ["school_urn", "date", "session", "old_code", "new_code", "changed_at", "changed_by", "source"],
        (
            (
                c.enrolment.school.urn,
                c.date,
                c.session,
                c.old_code,
                c.new_code,
                c.changed_at,
                _roles(c.changed_by_id, roles),
                f"import of {c.import_run.file_name}" if c.import_run_id else "",
            )  # fmt: skip
            for c in changes.order_by("date", "session", "changed_at")
        ),
    )

    links = PupilContact.objects.filter(pupil=pupil).select_related("contact").order_by("priority")
    if not current:
        links = links.none()  # the pupil's contacts as they are now belong to their current school
    elif by is not None and access is not None:
        links = links.filter(contact_links_visible(by))  # not the contacts another school holds
    # A contact or address marked confidential (a non-molestation order, a refuge: people.ContactSafety) is
    # redacted: the request may come from the other parent.
    safety = safety_map(links.values_list("contact_id", flat=True))
    files["contacts.csv"], counts["contacts"] = _csv(
        [
            "relationship",
            "parental_responsibility",
            "lives_with_pupil",
            "priority",
            "title",
            "forename",
            "surname",
            "phone_mobile",
            "phone_home",
            "phone_work",
            "email",
            "address_line1",
            "address_line2",
            "town",
            "postcode",
            "preferred_language",
            "interpreter_needed",
        ],  # fmt: skip
        (
            (
                link.relationship,
                link.parental_responsibility,
                link.lives_with_pupil,
                link.priority,
                link.contact.title,
                link.contact.forename,
                link.contact.surname,
                redact(link.contact, safety.get(link.contact_id), "phone_mobile"),
                redact(link.contact, safety.get(link.contact_id), "phone_home"),
                redact(link.contact, safety.get(link.contact_id), "phone_work"),
                redact(link.contact, safety.get(link.contact_id), "email"),
                redact(link.contact, safety.get(link.contact_id), "address_line1"),
                redact(link.contact, safety.get(link.contact_id), "address_line2"),
                redact(link.contact, safety.get(link.contact_id), "town"),
                redact(link.contact, safety.get(link.contact_id), "postcode"),
                link.contact.preferred_language,
                link.contact.interpreter_needed,
            )  # fmt: skip
            for link in links
        ),
    )

    alerts = (
        Alert.objects.filter(periods, pupil=pupil)
        .select_related("school", "case")
        .order_by("raised_on", "id")
    )
    files["alerts.csv"], counts["alerts"] = _csv(
        [
            "school_urn",
            "rule",
            "raised_on",
            "status",
            "reason",
            "measure",
            "cleared_on",
            "dismissed_reason",
            "case",
        ],  # fmt: skip
        (
            (
                a.school.urn,
                a.rule,
                a.raised_on,
                a.get_status_display(),
                a.reason,
                round(a.measure, 4),
                a.cleared_on,
                a.dismissed_reason,
                a.case.ref if a.case_id else "",
            )  # fmt: skip
            for a in alerts
        ),
    )

    casework = _casework(pupil)
    if casework is not None and not whole:
        casework = casework.filter(school_id__in=access.school_ids).filter(access.during("start"))
    files["casework.csv"], counts["casework"] = _csv(
        [
            "kind",
            "school_urn",
            "start",
            "end",
            "review_date",
            "reason",
            "agreed_with_parent",
            "sessions_per_week",
        ],
        (
            (
                "part-time timetable",
                t.school.urn,
                t.start,
                t.end,
                t.review_date,
                t.reason,
                t.agreed_with_parent,
                t.sessions_per_week,
            )  # fmt: skip
            for t in (casework if casework is not None else [])
        ),
    )

    cases = casework_access.cases_of(pupil, access)
    files["cases.csv"], counts["cases"] = _csv(casework_access.CASE_HEADER, casework_access.case_rows(cases))
    files["chronology.csv"], counts["chronology"] = _csv(
        casework_access.ENTRY_HEADER, casework_access.entry_rows(cases, lambda u: _roles(u, roles))
    )
    documents, unreadable = casework_access.documents(cases)
    counts["documents"] = len(documents)

    circumstances = (
        apps.get_model("casework", "PupilCircumstance").objects.filter(
            Q() if access is None else access.during("start"), pupil=pupil
        )
        if apps.is_installed("attend.casework")
        else []
    )
    files["circumstances.csv"], counts["circumstances"] = _csv(
        ["kind", "summary", "start", "end"],
        ((c.get_kind_display(), c.summary, c.start, c.end) for c in circumstances),
    )

    notices = NoticeSessionUse.objects.filter(marks_in, enrolment__pupil=pupil).select_related(
        "enrolment__school"
    )
    files["notice_sessions.csv"], counts["notice_sessions"] = _csv(
        ["school_urn", "date", "session", "used_by", "notice_ref"],
        (
            (n.enrolment.school.urn, n.date, n.session, n.get_kind_display(), n.notice_ref)
            for n in notices.order_by("date", "session")
        ),
    )

    files["missing_education.csv"], counts["missing_education"] = _csv(
        cme_access.HEADER, cme_access.rows(pupil, access)
    )

    events = AuditEvent.objects.filter(pupil=pupil).order_by("at", "id")
    if not whole:
        events = events.filter(access.during("at__date"))
    files["access_log.csv"], counts["access_log"] = _csv(
        ["when", "who", "action", "details"],
        (
            (
                e.at,
                _roles(e.actor_id, roles),
                e.action,
                ", ".join(f"{k}: {v}" for k, v in sorted(e.data.items()) if not isinstance(v, dict | list)),
            )  # fmt: skip
            for e in events
        ),
    )

    maker = by.get_username() if by is not None else "a command-line user"
    readme = _readme(pupil, made_at, maker, counts, access)
    if unreadable:
        readme += "\nDocuments that could not be included (tell the system administrator)\n" + "\n".join(
            f"- {u}" for u in unreadable
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", readme)
        for name, content in files.items():
            archive.writestr(name, content)
        archive.writestr(zipfile.ZipInfo("documents/"), b"")
        for name, content in documents.items():
            archive.writestr(name, content)
    audit.record(
        "privacy.subject_access.exported",
        by=by,
        request=request,
        obj=pupil,
        data={"files": sorted(["README.txt", *files]), "rows": counts, "own_period_only": not whole},
    )
    return SubjectAccessArchive(
        file_name=f"subject-access-{pupil.upn}-{made_at:%Y%m%d}.zip", content=buffer.getvalue(), counts=counts
    )


def _readme(
    pupil: Pupil, made_at: dt.datetime, maker: str, counts: dict[str, int], access: PupilAccess | None
) -> str:
    lines = [
        "Subject access export from Attend",
        "=================================",
        "",
        f"Pupil: {pupil.legal_forename} {pupil.legal_surname}, UPN {pupil.upn}",
        f"Made: {made_at:%d %B %Y at %H:%M} ({made_at.tzname()}) by {maker}",
        "",
        "This archive holds everything Attend records about this pupil. It is for the data protection officer",
        "to review before any of it is released (see 'Review before release' below).",
        "",
        *_own_period_note(access),
        "Files",
        "-----",
        "pupil.json        identity, characteristics and flags as held",
        f"enrolments.csv    periods on schools' admission registers ({counts['enrolments']} rows)",
        f"marks.csv         every attendance register mark, with what its code means ({counts['marks']} rows)",
        f"mark_changes.csv  corrections to marks ({counts['mark_changes']} rows)",
        f"contacts.csv      the pupil's contacts as recorded for them ({counts['contacts']} rows)",
        f"alerts.csv        attendance alerts raised about the pupil ({counts['alerts']} rows)",
        f"cases.csv         the pupil's cases ({counts['cases']} rows)",
        f"chronology.csv    every entry on those cases, restricted notes included ({counts['chronology']} rows)",
        f"casework.csv      other casework records: part-time timetables ({counts['casework']} rows)",
        f"circumstances.csv circumstances recorded to weigh before acting (medical condition, bereavement) "
        f"({counts['circumstances']} rows)",
        f"notice_sessions.csv  sessions relied on by a penalty notice or notice to improve ({counts['notice_sessions']} rows)",
        f"missing_education.csv  children missing education enquiries and the enquiries made, deletion returns, "
        f"home education, s19 decisions ({counts['missing_education']} rows)",
        f"access_log.csv    who viewed, exported or changed the pupil's records, by role ({counts['access_log']} rows)",
        f"documents/        the documents on those cases ({counts['documents']} files)",
        "",
        "How long Attend keeps these records: see the retention schedule (`attend retention report`, docs/privacy.md).",
        "",
        WITHHELD,
    ]
    return "\n".join(lines)


def _own_period_note(access: PupilAccess | None) -> list[str]:
    if access is None or access.whole:
        return []
    spans = "; ".join(
        f"from {p.start:%d %B %Y}" + (f" to {p.end:%d %B %Y}" if p.end else "") for p in access.periods
    )
    lines = [
        "It holds only the period(s) of the pupil's record at the schools of the person who made it "
        f"({spans}): their enrolments, marks, alerts and records, and the access log of those dates.",
    ]
    if not access.current:
        lines.append(
            "The pupil is no longer on roll there: their current contacts, characteristics and flags are not "
            "included (they are for the pupil's current school)."
        )
    return [*lines, ""]
