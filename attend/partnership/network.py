"""The professional network around a pupil, and the same-day notice of unexplained absence sent to it.

Guidance (WTISA 2024; seed 002): where a child with a social worker, or a looked-after child, is absent without
explanation, the school tells the social worker (and the virtual school) the same day. Attend sends that notice by
email (`attend.letters.transport.send_staff_email`: SMTP, or GOV.UK Notify when ATTEND_EMAIL_VIA=notify; the key
names the notice and the role, so a retry never sends twice) once the school's first-day call has failed, or after the LA's cut-off time (ATTEND_NETWORK_NOTICE_CUTOFF,
default 10:30) so that marks cleared by mid-morning alarm nobody. One notice per pupil per day, never two.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from attend import audit
from attend.accounts.models import PupilLink
from attend.accounts.permissions import READ_ONLY_ROLES
from attend.people.models import Enrolment, Pupil

from .models_network import NetworkMember, NetworkNotice, NetworkRole

# Codes that leave an absence unexplained: O (unauthorised, no reason) and N (reason not yet provided).
UNEXPLAINED_CODES = ("O", "N")
FAILED_CALL_OUTCOMES = ("no_answer", "voicemail", "unobtainable", "wrong_number")
SESSIONS = ("AM", "PM")


class NetworkError(ValueError):
    """Refused: the message says why, for the person who tried."""


# ----- the network ------------------------------------------------------------------------------------------


def network_of(pupil: Pupil) -> dict[str, NetworkMember | None]:
    """Each role, with its member or None, in the order the page shows them."""
    members = {m.role: m for m in pupil.network.select_related("user")}
    return {role: members.get(role) for role in NetworkRole.values}


def _read_only_user(email: str):
    """The Attend user with this email who holds a read-only role (social worker, virtual school), if one."""
    from attend.accounts.models import User

    if not email:
        return None
    return (
        User.objects.filter(email__iexact=email, is_active=True, memberships__role__in=READ_ONLY_ROLES)
        .distinct()
        .first()
    )


def _link(member: NetworkMember) -> None:
    if member.user_id:
        PupilLink.objects.get_or_create(
            user_id=member.user_id, pupil_id=member.pupil_id, defaults={"reason": member.get_role_display()}
        )


def _unlink(user_id: int | None, pupil: Pupil, keep: NetworkMember | None = None) -> None:
    """Remove the link made for a network role, unless the user still holds another role in this network."""
    if not user_id:
        return
    others = pupil.network.filter(user_id=user_id)
    if keep is not None:
        others = others.exclude(pk=keep.pk)
    if not others.exists():
        reasons = list(NetworkRole.labels)
        PupilLink.objects.filter(user_id=user_id, pupil=pupil, reason__in=reasons).delete()


FIELDS = ("name", "organisation", "email", "phone")


def set_member(pupil: Pupil, role: str, *, by, request=None, **values: str) -> NetworkMember:
    """Record (or change) the professional holding `role` for this pupil, audited; link them to the pupil if they
    are an Attend user with a read-only role."""
    if role not in NetworkRole.values:
        raise NetworkError(f"'{role}' is not a role in the professional network")
    values = {k: (values.get(k) or "").strip() for k in FIELDS}
    if not values["name"] or not values["organisation"]:
        raise NetworkError("Enter the name and the organisation")
    if not values["email"] and not values["phone"]:
        raise NetworkError("Enter an email address or a phone number, so the network can be reached")
    with transaction.atomic():
        member = NetworkMember.objects.select_for_update().filter(pupil=pupil, role=role).first()
        before = {k: getattr(member, k) for k in FIELDS} if member else None
        old_user = member.user_id if member else None
        if member is None:
            member = NetworkMember(pupil=pupil, role=role)
        for k, v in values.items():
            setattr(member, k, v)
        user = _read_only_user(values["email"])
        member.user = user
        member.updated_by = by if getattr(by, "pk", None) else None
        member.save()
        if old_user and old_user != member.user_id:
            _unlink(old_user, pupil, keep=member)
        _link(member)
        audit.record(
            "partnership.network_member.changed" if before else "partnership.network_member.added",
            by=by,
            obj=member,
            pupil=pupil,
            before=before,
            after={k: getattr(member, k) for k in FIELDS},
            data={"role": member.get_role_display(), "linked_user": user.get_username() if user else ""},
            request=request,
        )
    return member


def remove_member(pupil: Pupil, role: str, *, by, request=None) -> None:
    with transaction.atomic():
        member = NetworkMember.objects.select_for_update().filter(pupil=pupil, role=role).first()
        if member is None:
            raise NetworkError("There is nobody in that role to remove")
        before = {k: getattr(member, k) for k in FIELDS}
        user_id = member.user_id
        label = member.get_role_display()
        member.delete()
        _unlink(user_id, pupil)
        audit.record(
            "partnership.network_member.removed",
            by=by,
            pupil=pupil,
            before=before,
            data={"role": label},
            request=request,
        )


# ----- same-day notice of unexplained absence ---------------------------------------------------------------


def cutoff() -> dt.time:
    value = getattr(settings, "ATTEND_NETWORK_NOTICE_CUTOFF", "10:30") or "10:30"
    return dt.time.fromisoformat(value)


def needs_same_day_notice(pupil: Pupil) -> bool:
    return pupil.looked_after or pupil.child_in_need or pupil.child_protection_plan


@dataclass
class Absence:
    pupil: Pupil
    enrolment: Enrolment
    sessions: list[tuple[str, str]] = field(default_factory=list)  # (session, code or "")

    @property
    def sessions_text(self) -> str:
        return ", ".join(f"{s} {c or 'no mark'}" for s, c in self.sessions)


def unexplained_absences(day: dt.date) -> list[Absence]:
    """Pupils with a social worker or looked after, with someone in their network to email, who on `day` have an
    O or N mark, or no mark for a session their school has already registered (other pupils have marks)."""
    from attend.registers.models import Mark

    on_roll = Q(admission_date__lte=day) & (Q(leaving_date__isnull=True) | Q(leaving_date__gte=day))
    enrolments = (
        Enrolment.objects.filter(on_roll)
        .filter(
            Q(pupil__looked_after=True) | Q(pupil__child_in_need=True) | Q(pupil__child_protection_plan=True)
        )
        .filter(pupil__network__email__gt="")
        .select_related("pupil", "school")
        .distinct()
    )
    enrolments = list(enrolments)
    if not enrolments:
        return []
    codes = {
        (m["enrolment_id"], m["session"]): m["code"]
        for m in Mark.objects.filter(date=day, enrolment__in=enrolments).values(
            "enrolment_id", "session", "code"
        )
    }
    taken = set(
        Mark.objects.filter(date=day, enrolment__school_id__in={e.school_id for e in enrolments})
        .values_list("enrolment__school_id", "session")
        .distinct()
    )
    found = []
    for e in enrolments:
        absence = Absence(e.pupil, e)
        for session in SESSIONS:
            code = codes.get((e.pk, session))
            if code in UNEXPLAINED_CODES or (code is None and (e.school_id, session) in taken):
                absence.sessions.append((session, code or ""))
        if absence.sessions:
            found.append(absence)
    return found


def failed_call(pupil: Pupil, day: dt.date):
    """Today's failed first-day call on the pupil's case (a phone_call entry with no answer and the like)."""
    from attend.casework.models import ChronologyEntry

    return (
        ChronologyEntry.objects.filter(
            pupil=pupil,
            kind="phone_call",
            outcome__in=FAILED_CALL_OUTCOMES,
            occurred_at__date=day,
        )
        .order_by("occurred_at")
        .first()
    )


@dataclass
class NoticeRun:
    sent: int = 0
    failed: int = 0
    waiting: int = 0  # unexplained, but no failed call yet and before the cut-off
    already: int = 0

    def __str__(self) -> str:
        return (
            f"{self.sent} sent, {self.failed} failed, {self.waiting} waiting for the call or the cut-off, "
            + (f"{self.already} already sent today")
        )


def send_network_notices(day: dt.date, now: dt.datetime) -> NoticeRun:
    """Send today's notices: for each unexplained absence (unexplained_absences) whose first-day call has failed,
    or once `now` is past the cut-off. A pupil's notice is sent at most once a day; a failed one is tried again."""
    run = NoticeRun()
    local_now = timezone.localtime(now) if timezone.is_aware(now) else now
    past_cutoff = local_now.date() > day or local_now.time() >= cutoff()
    for absence in unexplained_absences(day):
        existing = NetworkNotice.objects.filter(pupil=absence.pupil, day=day).first()
        if existing is not None and existing.status == NetworkNotice.Status.SENT:
            run.already += 1
            continue
        call = failed_call(absence.pupil, day)
        if call is None and not past_cutoff:
            run.waiting += 1
            continue
        if call is not None:
            trigger = f"The first-day call at {timezone.localtime(call.occurred_at):%H:%M} was not answered"
        else:
            trigger = f"No reason had been given by the cut-off time ({cutoff():%H:%M})"
        notice = _claim(absence, day, trigger, existing)
        if notice is None:
            run.already += 1
            continue
        _send(notice, absence, now)
        if notice.status == NetworkNotice.Status.SENT:
            run.sent += 1
        else:
            run.failed += 1
    return run


def _claim(
    absence: Absence, day: dt.date, trigger: str, existing: NetworkNotice | None
) -> NetworkNotice | None:
    """The notice row this run will send, or None when another run holds it (the unique constraint decides)."""
    if existing is not None:
        claimed = NetworkNotice.objects.filter(pk=existing.pk, status=NetworkNotice.Status.FAILED).update(
            status=NetworkNotice.Status.SENDING, trigger=trigger, sessions=absence.sessions_text
        )
        return NetworkNotice.objects.get(pk=existing.pk) if claimed else None
    try:
        with transaction.atomic():
            return NetworkNotice.objects.create(
                pupil=absence.pupil,
                school=absence.enrolment.school,
                day=day,
                sessions=absence.sessions_text,
                trigger=trigger,
            )
    except IntegrityError:
        return None


def notice_text(notice: NetworkNotice, pupil: Pupil, school) -> tuple[str, str]:
    """(subject, body): the least the network needs to act, no more (no address, no family details)."""
    day = f"{notice.day:%A} {notice.day.day} {notice.day:%B %Y}"
    subject = f"Unexplained absence today: {pupil.display_name}, {school.name}"
    body = (
        f"{pupil.display_name} (born {pupil.date_of_birth:%d/%m/%Y}) has not arrived at {school.name} today, "
        f"{day}, and no reason has been given ({notice.sessions}).\n\n"
        f"{notice.trigger}.\n\n"
        "You are receiving this because you are in this child's professional network. Please check on the "
        "child's safety if you have a reason to, and tell the school what you know.\n"
    )
    body += (
        "\nThis email was sent by Attend. It is confidential: do not forward it outside your organisation.\n"
    )
    return subject, body


def _send(notice: NetworkNotice, absence: Absence, now: dt.datetime) -> None:
    from attend.letters import transport

    pupil, school = absence.pupil, absence.enrolment.school
    subject, body = notice_text(notice, pupil, school)
    done = {r["email"] for r in notice.recipients if r.get("status") == "sent"}
    tried = {
        r["email"] for r in notice.recipients
    }  # a retry asks Notify first whether the last try got there
    already = set(done)
    recipients = [r for r in notice.recipients if r.get("status") == "sent"]
    for member in pupil.network.exclude(email="").order_by("role"):
        if member.email in done:
            continue
        outcome = transport.send_staff_email(
            to=member.email,
            subject=subject,
            text=body,
            key=f"network-notice-{notice.pk}-{member.role}",
            first_attempt=member.email not in tried,
        )
        done.add(member.email)
        recipients.append(
            {
                "role": member.get_role_display(),
                "name": member.name,
                "email": member.email,
                "status": outcome.status,
                "reason": outcome.reason,
                "provider": outcome.provider,
                "provider_id": outcome.provider_id,
            }
        )
    failed = [r for r in recipients if r["status"] != "sent"]
    new = [r for r in recipients if r["status"] == "sent" and r["email"] not in already]
    notice.recipients = recipients
    notice.status = NetworkNotice.Status.FAILED if failed else NetworkNotice.Status.SENT
    notice.sent_at = now if not failed else None
    notice.save(update_fields=["recipients", "status", "sent_at"])
    _log(notice, pupil, school, failed, new, now)


def _log(notice: NetworkNotice, pupil: Pupil, school, failed: list[dict], new: list[dict], now) -> None:
    """Audit every attempt; put what reached someone on the open case's chronology (each recipient once)."""
    from attend.casework.cases import open_case_for
    from attend.casework.chronology import record_entry

    to = ", ".join(f"{r['name']} ({r['role']})" for r in new)
    audit.record(
        "partnership.network_notice.failed" if failed else "partnership.network_notice.sent",
        obj=notice,
        pupil=pupil,
        school=school,
        data={
            "sessions": notice.sessions,
            "trigger": notice.trigger,
            "to": to or "nobody",
            "reason": "; ".join(f"{r['email']}: {r['reason']}" for r in failed),
        },
    )
    case = open_case_for(pupil)
    if case is None or not to:
        return
    record_entry(
        case,
        kind="email",
        summary=f"Unexplained absence ({notice.sessions}) emailed to the professional network: {to}. "
        f"{notice.trigger}.",
        occurred_at=now,
        source="partnership",
        source_ref=f"partnership.NetworkNotice:{notice.pk}",
    )


# ----- the read-only roles' pupils --------------------------------------------------------------------------


@dataclass
class LinkedPupil:
    pupil: Pupil
    reason: str
    enrolment: Enrolment | None
    figures: object | None  # attend.letters.figures.AttendanceFigures


def my_pupils(user, today: dt.date) -> list[LinkedPupil]:
    """The pupils linked to this user (social worker, virtual school), with attendance in days and hours missed
    this year and in the last 4 weeks (attend.letters.figures: the same numbers as the letters)."""
    from attend.letters.figures import enrolment_figures

    rows = []
    links = (
        PupilLink.objects.filter(user=user)
        .select_related("pupil")
        .order_by("pupil__legal_surname", "pupil__legal_forename")
    )
    for link in links:
        enrolments = list(link.pupil.enrolments.select_related("school").order_by("-admission_date"))
        current = next(
            (
                e
                for e in enrolments
                if e.admission_date <= today and (not e.leaving_date or e.leaving_date >= today)
            ),
            None,
        )
        figures = enrolment_figures(current, today) if current else None
        rows.append(LinkedPupil(link.pupil, link.reason, current, figures))
    return rows
