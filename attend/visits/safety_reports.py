"""The written report of a visit cancelled for safety (trust policy 4.5 to 4.7), and the risk marker it proposes.

Who it goes to: for a school's officer, the school's headteacher (a user with the headteacher role at the school,
else the school's letterhead email); for an LA officer, the line manager (the LA's managers, else the team's
named manager among the escalation contacts) and the employer's health-and-safety incident log
(ATTEND_VISITS_HS_LOG_EMAIL). The report is the `visit_safety_report` letter template rendered to PDF by the
Letters layer, emailed with the PDF attached through `attend.letters.transport.send_staff_email`; each recipient
is a row with its status, so one that was not sent shows on the outcome page.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from attend import audit
from attend.accounts.models import Membership
from attend.letters import library
from attend.letters.compose import enrolment_on
from attend.letters.context import Meeting, MessageContext, Officer, letterhead_for
from attend.letters.models import Letterhead
from attend.letters.render import letter_html, pdf_bytes, render_parts
from attend.letters.transport import send_staff_email

from . import risks
from .models import EscalationContact, RiskKind, RiskMarker, SafetyReport, SafetyReportRecipient, Visit

TEMPLATE = "visit_safety_report"
R = Membership.Role
ROLE = SafetyReportRecipient.Role
MARKER_REVIEW_DAYS = 182


@dataclass(frozen=True)
class Recipient:
    role: str
    name: str
    email: str

    @property
    def role_label(self) -> str:
        return ROLE(self.role).label.lower()


def officer_team(visit: Visit, officer) -> tuple:
    """(school, local_authority) the officer visits for: the round's, else the officer's own membership (a
    school's first), else the pupil's school."""
    if visit.round_id and (visit.round.school_id or visit.round.local_authority_id):
        return visit.round.school, (None if visit.round.school_id else visit.round.local_authority)
    memberships = list(officer.memberships.select_related("school", "local_authority")) if officer else []
    for m in memberships:
        if m.school_id:
            return m.school, None
    for m in memberships:
        if m.local_authority_id:
            return None, m.local_authority
    enrolment = enrolment_on(visit.pupil, visit.planned_for)
    return (enrolment.school if enrolment else None), None


def _users(role: str, **scope) -> list[Recipient]:
    members = Membership.objects.filter(role=role, user__is_active=True, **scope).select_related("user")
    return [
        Recipient(ROLE.HEADTEACHER if role == R.HEADTEACHER else ROLE.LINE_MANAGER,
                  m.user.get_full_name() or m.user.username, m.user.email)
        for m in members
    ]  # fmt: skip


def report_recipients(visit: Visit, officer) -> list[Recipient]:
    school, la = officer_team(visit, officer)
    if school is not None:
        heads = _users(R.HEADTEACHER, school=school)
        if not any(h.email for h in heads):
            head = Letterhead.objects.filter(school=school).first()
            heads = heads or [Recipient(ROLE.HEADTEACHER, f"The headteacher, {school.name}", "")]
            if head and head.email:
                heads = [Recipient(ROLE.HEADTEACHER, f"The headteacher, {school.name}", head.email)]
        return heads
    managers = _users(R.LA_MANAGER, local_authority=la) if la else []
    if la and not any(m.email for m in managers):
        named = EscalationContact.objects.filter(
            local_authority=la, level=EscalationContact.Level.MANAGER, active=True
        ).exclude(email="")
        managers = [Recipient(ROLE.LINE_MANAGER, c.name, c.email) for c in named] or managers
    managers = managers or [Recipient(ROLE.LINE_MANAGER, "The line manager", "")]
    log = Recipient(ROLE.HS_LOG, "Health and safety incident log", settings.ATTEND_VISITS_HS_LOG_EMAIL)
    return [*managers, log]


def render_report(outcome, recipients: list[Recipient], *, by) -> tuple[str, str, bytes]:
    """(subject, text, pdf) of the report: the letter template with the visit in the `meeting` fields."""
    visit = outcome.visit
    enrolment = enrolment_on(visit.pupil, visit.planned_for)
    school = enrolment.school if enrolment else None
    template, _ = library.resolve(TEMPLATE, school, "en")
    head = letterhead_for(school)
    at = timezone.localtime(outcome.occurred_at)
    ctx = MessageContext(
        pupil=visit.pupil,
        enrolment=enrolment,
        contact=None,
        figures=None,
        as_of=at.date(),
        officer=Officer.from_user(by, head),
        meeting=Meeting(
            kind="home visit",
            date=at.date(),
            time=f"{at:%H:%M}",
            place=", ".join(line.strip() for line in visit.address.splitlines() if line.strip()),
            record=outcome.not_safe_reason,
            agenda=outcome.next_steps or "The officer will plan the next visit with the risk in mind.",
        ),
        reference=f"visit-{visit.pk}/{TEMPLATE}",
    )
    rendered = render_parts(template.current.subject, template.current.body, ctx.merge(head))
    to = [f"To: {r.name} ({r.role_label})" for r in recipients]
    html = letter_html(
        rendered,
        letterhead=head,
        address_lines=to,
        date_text=f"{at.day} {at:%B %Y}",
        reference=ctx.reference,
    )
    return rendered.subject, rendered.text, pdf_bytes(html)


def send_report(outcome, recipients: list[Recipient], *, by, now: dt.datetime) -> SafetyReport:
    """Make the report and email it to each recipient; a recipient with no address, or whose email fails, is a
    row "not sent" with the reason (shown on the outcome page)."""
    subject, text, pdf = render_report(outcome, recipients, by=by)
    with transaction.atomic():
        report = SafetyReport.objects.create(
            visit=outcome.visit, outcome=outcome, reason=outcome.not_safe_reason, subject=subject, text=text,
            pdf=pdf, made_by=by, made_at=now,
        )  # fmt: skip
    rows = []
    for r in recipients:
        row = SafetyReportRecipient(report=report, role=r.role, name=r.name, email=r.email)
        _deliver(report, row, now=now)
        rows.append(row)
    audit.record(
        "visits.safety_report.sent", by=by, obj=report, pupil=outcome.visit.pupil,
        data={"visit": outcome.visit_id, "to": ", ".join(f"{r.name} ({r.status})" for r in rows)},
    )  # fmt: skip
    return report


def _deliver(report: SafetyReport, row: SafetyReportRecipient, *, now: dt.datetime) -> None:
    """Email the report to one recipient and save the row with the outcome (the key makes a retry safe)."""
    if not row.email:
        row.status, row.reason = (
            row.Status.FAILED,
            "No email address on record: print the report and hand it over",
        )
    else:
        sent = send_staff_email(
            to=row.email, subject=report.subject, text=report.text,
            key=f"visits/safety-report-{report.pk}/{row.email}", first_attempt=row.pk is None,
            attachment=(f"visit-{report.visit_id}-safety-report.pdf", bytes(report.pdf)),
        )  # fmt: skip
        ok = sent.status == "sent"
        row.status = row.Status.SENT if ok else row.Status.FAILED
        row.reason, row.sent_at = ("" if ok else sent.reason[:300]), (now if ok else None)
    row.save()


def resend_failed(report: SafetyReport, *, by, now: dt.datetime) -> list[SafetyReportRecipient]:
    """Send the report again to each recipient it did not reach (an address added since, or the email server
    back). The health-and-safety log takes ATTEND_VISITS_HS_LOG_EMAIL as it is now."""
    rows = list(report.recipients.filter(status=SafetyReportRecipient.Status.FAILED))
    for row in rows:
        if row.role == ROLE.HS_LOG and not row.email:
            row.email = settings.ATTEND_VISITS_HS_LOG_EMAIL
        _deliver(report, row, now=now)
    audit.record(
        "visits.safety_report.resent", by=by, obj=report, pupil=report.visit.pupil,
        data={"visit": report.visit_id, "to": ", ".join(f"{r.name} ({r.status})" for r in rows)},
    )  # fmt: skip
    return rows


# ----- the risk marker the report proposes (the officer confirms it)

_KIND_WORDS = (
    (RiskKind.ANIMALS, r"\b(dog|dogs|animal|animals|snake|cat)\b"),
    (RiskKind.AGGRESSION, r"aggress|threat|shout|abus|violen|swear|hostile"),
    (RiskKind.INFECTION, r"infect|isolat|contagious"),
)


def proposed_marker(outcome) -> dict:
    """The form's initial values: the kind guessed from the reason, about the person seen or the address."""
    reason = outcome.not_safe_reason
    kind = next((k for k, pattern in _KIND_WORDS if re.search(pattern, reason, re.I)), RiskKind.OTHER)
    contact = outcome.parent_contact or outcome.visit.contact
    about = "address" if kind == RiskKind.ANIMALS or contact is None else "person"
    review = timezone.localdate(outcome.occurred_at) + dt.timedelta(days=MARKER_REVIEW_DAYS)
    return {"kind": kind, "about": about, "reason": reason, "review_on": review.isoformat()}


def confirm_marker(outcome, *, kind: str, about: str, reason: str, review_on: dt.date, by, now) -> RiskMarker:
    visit = outcome.visit
    contact = outcome.parent_contact or visit.contact
    who = {}
    if about == "person":
        who = {"contact": contact} if contact is not None else {"pupil": visit.pupil}
    else:
        who = {"address_line1": (visit.address.splitlines() or [""])[0][:100], "postcode": visit.postcode}
    marker = RiskMarker.objects.create(
        kind=kind, reason=reason, recorded_by=by, recorded_at=now, review_on=review_on, **who
    )
    audit.record(
        "visits.risk_marker.recorded", by=by, obj=marker, pupil=visit.pupil,
        data={**risks.audit_data(marker), "visit": visit.pk},
    )  # fmt: skip
    return marker
