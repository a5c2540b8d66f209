"""Targeting support meetings: recording this term's meeting per school, the actions agreed for named pupils
(each opens or updates the pupil's case), reviewing them, carrying unfinished ones over, and the LA's view of
which schools have had this term's meeting and which actions are overdue."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db import transaction

from attend import audit
from attend.casework.cases import open_case, open_case_for
from attend.casework.chronology import record_entry
from attend.casework.models import OPEN_CASE_STATUSES, EntryKind, Stage
from attend.core import clock
from attend.core.locking import VersionConflict, update_if_version
from attend.people.models import Enrolment, Pupil
from attend.schools.models import AcademicYear, School, Term

from .models_tsm import TERM_ORDER, AgreedAction, SupportMeeting, TermName

Status = SupportMeeting.Status
ActionStatus = AgreedAction.Status
UNFINISHED = (ActionStatus.OPEN,)


class TsmRefused(ValueError):
    """A meeting or action the service will not record; `field` names the form field at fault."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


MONTH_RULE = "autumn August to December, spring January to March, summer April to July"


def term_of(day: dt.date) -> tuple[int, str]:
    """The month rule, used only where none of a school's own term dates (`Term` rows) covers the day: autumn
    August to December, spring January to March, summer April to July."""
    start_year = AcademicYear.start_year_for(day)
    if day.month >= 8:
        return start_year, TermName.AUTUMN
    return start_year, TermName.SPRING if day.month <= 3 else TermName.SUMMER


@dataclass(frozen=True)
class SchoolTerm:
    """The TSM term a day falls in for one school, and whether it came from the school's own term dates."""

    start_year: int
    term: str
    from_calendar: bool
    name: str = ""  # the school's own name for the term (half-term) covering the day, e.g. "Spring 2"

    @property
    def key(self) -> tuple[int, str]:
        return self.start_year, self.term

    @property
    def label(self) -> str:
        return term_label(self.start_year, self.term)


def _season(row: Term, year_rows: list[Term]) -> str | None:
    """Autumn, spring or summer for a school's term row: from its name ("Autumn 2", "Spring term"), else from its
    place among the year's three terms or six half-terms; None when neither says."""
    name = row.name.lower()
    for value in TERM_ORDER:
        if value in name:
            return value
    ordered = sorted(year_rows, key=lambda t: t.start_date)
    if len(ordered) in (3, 6):
        return TERM_ORDER[ordered.index(row) * 3 // len(ordered)]
    return None


def school_terms(schools, day: dt.date) -> dict[int, SchoolTerm]:
    """Each school's TSM term on `day` (one query): the term of the school's own `Term` row covering the day,
    falling back to the month rule (`term_of`) where no row covers it (a holiday, or no term dates loaded)."""
    schools = list(schools)
    start_year = AcademicYear.start_year_for(day)
    rows: dict[int, list[Term]] = {}
    for row in Term.objects.filter(school__in=schools, academic_year__start_year=start_year):
        rows.setdefault(row.school_id, []).append(row)
    found: dict[int, SchoolTerm] = {}
    for school in schools:
        year_rows = rows.get(school.pk, [])
        covering = next((t for t in year_rows if t.start_date <= day <= t.end_date), None)
        season = _season(covering, year_rows) if covering else None
        if season:
            found[school.pk] = SchoolTerm(start_year, season, True, covering.name)
        else:
            found[school.pk] = SchoolTerm(*term_of(day), False)
    return found


def school_term(school: School, day: dt.date) -> SchoolTerm:
    return school_terms([school], day)[school.pk]


def previous_term(start_year: int, term: str) -> tuple[int, str]:
    index = TERM_ORDER.index(term)
    return (start_year, TERM_ORDER[index - 1]) if index else (start_year - 1, TERM_ORDER[-1])


def term_label(start_year: int, term: str) -> str:
    return f"{TermName(term).label} {start_year}/{(start_year + 1) % 100:02d}"


def meeting_for(school: School, day: dt.date) -> SupportMeeting | None:
    start_year, term = school_term(school, day).key
    return SupportMeeting.objects.filter(school=school, start_year=start_year, term=term).first()


def previous_meeting(meeting: SupportMeeting) -> SupportMeeting | None:
    """The school's last meeting before this one (any earlier term)."""
    earlier = [
        m for m in SupportMeeting.objects.filter(school=meeting.school).exclude(pk=meeting.pk)
        if m.term_key < meeting.term_key
    ]  # fmt: skip
    return max(earlier, key=lambda m: m.term_key, default=None)


def _check_meeting(
    status: str, meeting_date, attendees: str, record: str, declined_reason: str, today, *, independent: bool
):
    if status not in Status.values:
        raise TsmRefused("Choose whether the meeting was offered, held or declined", "status")
    if status == Status.HELD:
        if meeting_date is None:
            raise TsmRefused("Enter the date the meeting was held", "meeting_date")
        if meeting_date > today:
            raise TsmRefused("A held meeting's date must be today or in the past", "meeting_date")
        if not attendees.strip():
            raise TsmRefused("Enter who attended the meeting", "attendees")
        if not record.strip():
            raise TsmRefused("Enter the meeting record: what was discussed and agreed", "record")
    if status == Status.DECLINED and not independent and not declined_reason.strip():
        raise TsmRefused(
            "Enter why the school declined: only an independent school need not take part, and the LA is told "
            "a maintained school or academy declined",
            "declined_reason",
        )


def record_meeting(
    school: School,
    *,
    by,
    status: str,
    meeting_date: dt.date | None = None,
    attendees: str = "",
    record: str = "",
    declined_reason: str = "",
    day: dt.date | None = None,
    version: int | None = None,
    request=None,
) -> SupportMeeting:
    """Create or update the school's meeting for the term `day` (default today) falls in. A new meeting takes
    over the unfinished actions of the school's previous one."""
    today = clock.today()
    day = day or today
    _check_meeting(
        status, meeting_date, attendees, record, declined_reason, today, independent=school.independent
    )
    start_year, term = school_term(school, day).key
    values = {
        "status": status,
        "meeting_date": meeting_date,
        "attendees": attendees.strip(),
        "record": record.strip(),
        "declined_reason": declined_reason.strip() if status == Status.DECLINED else "",
        "recorded_by": by if getattr(by, "pk", None) else None,
    }
    with transaction.atomic():
        meeting = SupportMeeting.objects.filter(school=school, start_year=start_year, term=term).first()
        if meeting is None:
            meeting = SupportMeeting.objects.create(school=school, start_year=start_year, term=term, **values)
            carry_over(meeting, by=by)
        else:
            expected = meeting.version if version is None else version
            if not update_if_version(SupportMeeting, meeting.pk, expected, **values):
                raise VersionConflict("Someone else changed this meeting record first", meeting)
            meeting.refresh_from_db()
        audit.record(
            "partnership.tsm.recorded",
            by=by,
            obj=meeting,
            school=school,
            data={
                "term": meeting.term_label,
                "school_name": school.name,
                "status": meeting.get_status_display(),
            },
            request=request,
        )
    return meeting


def carry_over(meeting: SupportMeeting, *, by=None) -> list[AgreedAction]:
    """Copy every unfinished action of the school's earlier meetings into `meeting`; the old ones are marked
    carried over, so each action is open in one meeting only."""
    carried = []
    pending = (
        AgreedAction.objects.filter(meeting__school=meeting.school, status__in=UNFINISHED)
        .exclude(meeting=meeting)
        .select_related("meeting", "pupil")
    )
    for old in pending:
        if old.meeting.term_key >= meeting.term_key:
            continue
        new = AgreedAction.objects.create(
            meeting=meeting,
            pupil=old.pupil,
            action=old.action,
            lead_practitioner=old.lead_practitioner,
            due_date=old.due_date,
            case=old.case,
            carried_from=old,
            created_by=by if getattr(by, "pk", None) else None,
        )
        AgreedAction.objects.filter(pk=old.pk).update(status=ActionStatus.CARRIED, version=old.version + 1)
        audit.record(
            "partnership.tsm_action.carried",
            by=by,
            obj=new,
            pupil=old.pupil,
            school=meeting.school,
            data={"term": meeting.term_label},
        )
        carried.append(new)
    return carried


def pupil_at(school: School, upn: str, day: dt.date) -> Pupil:
    """The pupil with this UPN on the school's roll on `day`, or TsmRefused."""
    upn = (upn or "").strip().upper()
    if not upn:
        raise TsmRefused("Enter the pupil's UPN", "upn")
    on_roll = Enrolment.objects.filter(school=school, pupil__upn=upn, admission_date__lte=day).exclude(
        leaving_date__lt=day
    )
    enrolment = on_roll.select_related("pupil").first()
    if enrolment is None:
        raise TsmRefused(f"No pupil with UPN {upn} is on {school.name}'s roll", "upn")
    return enrolment.pupil


def agree_action(
    meeting: SupportMeeting,
    *,
    by,
    upn: str,
    action: str,
    lead_practitioner: str,
    due_date: dt.date | None = None,
    request=None,
) -> AgreedAction:
    """Record an action agreed for a pupil, with its lead practitioner (required), and put it on the pupil's case:
    the open case gets a chronology entry; a pupil without one gets a case opened at facilitate support."""
    if not (lead_practitioner or "").strip():
        raise TsmRefused(
            "Enter the lead practitioner: every agreed action needs a named lead", "lead_practitioner"
        )
    if not (action or "").strip():
        raise TsmRefused("Enter the action agreed", "action")
    if meeting.status == Status.DECLINED:
        raise TsmRefused("The school declined this meeting: record it as held before adding actions")
    today = clock.today()
    if due_date is not None and due_date < (meeting.meeting_date or today):
        raise TsmRefused("The date the action is due must be on or after the meeting", "due_date")
    pupil = pupil_at(meeting.school, upn, today)
    lead, action = lead_practitioner.strip(), action.strip()
    summary = f"Agreed at the {meeting.term_label} targeting support meeting: {action} (lead: {lead}" + (
        f", by {due_date:%-d %B %Y})" if due_date else ")"
    )
    with transaction.atomic():
        case = open_case_for(pupil)
        if case is None:
            case, _ = open_case(
                by=by,
                pupil=pupil,
                school=meeting.school,
                stage=Stage.FACILITATE,
                reason=f"agreed at the {meeting.term_label} targeting support meeting",
                request=request,
            )
        record_entry(case, kind=EntryKind.MULTI_AGENCY_MEETING, summary=summary, by=by, request=request)
        agreed = AgreedAction.objects.create(
            meeting=meeting,
            pupil=pupil,
            action=action,
            lead_practitioner=lead,
            due_date=due_date,
            case=case,
            created_by=by if getattr(by, "pk", None) else None,
        )
        audit.record(
            "partnership.tsm_action.agreed",
            by=by,
            obj=agreed,
            pupil=pupil,
            school=meeting.school,
            data={"case": case.ref, "lead_practitioner": lead},
            request=request,
        )
    return agreed


def review_action(
    agreed: AgreedAction, *, by, status: str, note: str = "", version: int | None = None, request=None
) -> AgreedAction:
    """The meeting's review of an action: done, no longer needed, or still not finished (with a note)."""
    if status not in (ActionStatus.OPEN, ActionStatus.DONE, ActionStatus.DROPPED):
        raise TsmRefused("Choose done, no longer needed or not finished", "status")
    if agreed.status == ActionStatus.CARRIED:
        raise TsmRefused("This action was carried over: review it at the meeting it was carried to")
    if status == ActionStatus.DROPPED and not note.strip():
        raise TsmRefused("Say why the action is no longer needed", "note")
    expected = agreed.version if version is None else version
    with transaction.atomic():
        if not update_if_version(AgreedAction, agreed.pk, expected, status=status, review_note=note.strip()):
            raise VersionConflict("Someone else reviewed this action first", agreed)
        agreed.refresh_from_db()
        if _case_open(agreed):
            record_entry(
                agreed.case,
                kind=EntryKind.NOTE,
                summary=f"Targeting support meeting action reviewed ({agreed.get_status_display().lower()}): "
                f"{agreed.action}" + (f". {note.strip()}" if note.strip() else ""),
                by=by,
                request=request,
            )
        audit.record(
            "partnership.tsm_action.reviewed",
            by=by,
            obj=agreed,
            pupil=agreed.pupil,
            school=agreed.meeting.school,
            data={"status": agreed.get_status_display()},
            request=request,
        )
    return agreed


def _case_open(agreed: AgreedAction) -> bool:
    return agreed.case is not None and agreed.case.status in OPEN_CASE_STATUSES


# ----- the LA's view


@dataclass
class SchoolRow:
    school: School
    meeting: SupportMeeting | None
    open_actions: int
    overdue_actions: int
    term: SchoolTerm | None = None

    @property
    def status_label(self) -> str:
        return self.meeting.get_status_display() if self.meeting else "Not yet offered"

    @property
    def unusual_decline(self) -> bool:
        """A maintained school or academy declined: the LA is shown it as unusual (an independent school need
        not take part, so its decline is ordinary)."""
        return unusual_decline(self.school, self.meeting)


def unusual_decline(school: School, meeting: SupportMeeting | None) -> bool:
    return meeting is not None and meeting.status == Status.DECLINED and not school.independent


def overdue(schools, day: dt.date):
    """Unfinished actions past their due date at these schools, oldest due first."""
    return (
        AgreedAction.objects.filter(meeting__school__in=schools, status__in=UNFINISHED, due_date__lt=day)
        .select_related("meeting__school", "pupil", "case")
        .order_by("due_date", "pk")
    )


def term_overview(schools, day: dt.date) -> dict:
    """This term's meeting per school (offered, held, declined or none yet) with its open and overdue actions."""
    schools = list(schools)
    terms = school_terms(schools, day)
    meetings = {
        m.school_id: m
        for m in SupportMeeting.objects.filter(
            school__in=schools, start_year__in={t.start_year for t in terms.values()}
        )
        if (m.start_year, m.term) == terms[m.school_id].key
    }
    open_by_school: dict[int, int] = {}
    overdue_by_school: dict[int, int] = {}
    for school_id, due in AgreedAction.objects.filter(
        meeting__school__in=schools, status__in=UNFINISHED
    ).values_list("meeting__school_id", "due_date"):
        open_by_school[school_id] = open_by_school.get(school_id, 0) + 1
        if due is not None and due < day:
            overdue_by_school[school_id] = overdue_by_school.get(school_id, 0) + 1
    rows = [
        SchoolRow(
            s, meetings.get(s.pk), open_by_school.get(s.pk, 0), overdue_by_school.get(s.pk, 0), terms[s.pk]
        )
        for s in sorted(schools, key=lambda s: s.name)
    ]
    labels = Counter(t.label for t in terms.values())
    by_months = [r for r in rows if not r.term.from_calendar]
    counts = {
        value: sum(1 for r in rows if r.meeting and r.meeting.status == value) for value in Status.values
    }
    counts["none"] = sum(1 for r in rows if r.meeting is None)
    counts["declined_not_independent"] = sum(1 for r in rows if r.unusual_decline)
    return {
        "term": labels.most_common(1)[0][0] if labels else term_label(*term_of(day)),
        "mixed_terms": len(labels) > 1,
        "by_months": by_months,
        # Each row says its own term when schools differ (in term, or in where the term came from).
        "row_terms": len(labels) > 1 or 0 < len(by_months) < len(rows),
        "month_rule": MONTH_RULE,
        "rows": rows,
        "counts": counts,
        "overdue": overdue(schools, day),
    }
