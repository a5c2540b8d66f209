"""Two schools of one LA (A and B) and a third in another LA (C), each with a pupil, a contact, a term and
marks, for tests that a school's import cannot change another school's rows; and a checksum of every table an
import can write, to prove that a refused import changed nothing."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
from pathlib import Path

from attend.accounts.models import Membership
from attend.people.models import Contact, ContactSafety, Enrolment, Pupil, PupilContact, Transfer
from attend.people.upn import make_upn
from attend.registers.models import Mark, MarkChange
from attend.schools.models import AcademicYear, LocalAuthority, NonSchoolDay, School, Term, Trust

from .factories import make_enrolment, make_pupil

R = Membership.Role
WEDNESDAY = dt.date(2026, 11, 25)
DAYS = [WEDNESDAY + dt.timedelta(days=n) for n in (0, 1, 2, 5, 6)]  # Wed to Fri, Mon, Tue
NEW_UPN = make_upn("999", "1234", 26, 901)

# Tables an import writes, each read in primary-key order.
TABLES = [
    LocalAuthority, Trust, School, AcademicYear, Term, NonSchoolDay, Pupil, Enrolment, Contact, PupilContact,
    Mark, MarkChange, Transfer,
]  # fmt: skip


def checksum() -> str:
    digest = hashlib.sha256()
    for model in TABLES:
        digest.update(model._meta.label.encode())
        for row in model.objects.order_by("pk").values_list():
            digest.update(repr(row).encode())
    digest.update(repr(sorted(Transfer.from_schools.through.objects.values_list())).encode())
    return digest.hexdigest()


def _school(urn: int, la: LocalAuthority, name: str) -> School:
    return School.objects.create(
        urn=urn, laestab=f"{la.code}{urn % 10000:04d}", name=name, phase="primary", local_authority=la
    )


def make_scope_world() -> dict:
    la = LocalAuthority.objects.create(code="999", name="Testshire")
    other_la = LocalAuthority.objects.create(code="998", name="Otherfold")
    a, b = _school(100001, la, "Alder Primary"), _school(100002, la, "Beech Primary")
    c = _school(100003, other_la, "Cedar Primary")
    year = AcademicYear.objects.create(start_year=2026)
    world = {"la": la, "a": a, "b": b, "c": c}
    for key, school in (("a", a), ("b", b), ("c", c)):
        pupil = make_pupil(forename=f"Pupil{key.upper()}", child_protection_plan=(key == "b"))
        enrolment = make_enrolment(pupil, school, admission=dt.date(2026, 9, 2))
        contact = Contact.objects.create(
            contact_ref="MIS-7", source_school=school, forename="Parent", surname=key.upper(),
            phone_mobile=f"0770090000{ord(key) - 96}", address_line1=f"{key.upper()} Street",
        )  # fmt: skip
        PupilContact.objects.create(pupil=pupil, contact=contact, relationship="Mother")
        Term.objects.create(
            school=school, academic_year=year, name="Autumn",
            start_date=dt.date(2026, 9, 2), end_date=dt.date(2026, 12, 18),
        )  # fmt: skip
        Mark.objects.bulk_create(Mark(enrolment=enrolment, date=d, session="AM", code="/") for d in DAYS)
        world[f"pupil_{key}"], world[f"enrolment_{key}"], world[f"contact_{key}"] = pupil, enrolment, contact
    return world


def make_user_with(django_user_model, username: str, role: str, **scope):
    user = django_user_model.objects.create(username=username)
    Membership.objects.create(user=user, role=role, **scope)
    return user


PUPILS = ["upn", "school_urn", "legal_forename", "legal_surname", "date_of_birth", "sex", "nc_year",
          "admission_date", "leaving_date", "child_protection_plan"]  # fmt: skip
MARKS = ["upn", "school_urn", "date", "session", "code"]
CALENDAR = ["school_urn", "kind", "start_date", "end_date", "session", "name"]
CONTACTS = ["contact_ref", "upn", "relationship", "forename", "surname", "phone_mobile", "address_line1"]


def pupil_row(pupil: Pupil, school: School, **changes) -> list[str]:
    row = {
        "upn": pupil.upn, "school_urn": str(school.urn), "legal_forename": pupil.legal_forename,
        "legal_surname": pupil.legal_surname, "date_of_birth": pupil.date_of_birth.isoformat(), "sex": pupil.sex,
        "nc_year": "5", "admission_date": "2026-09-02", "leaving_date": "",
        "child_protection_plan": "Y" if pupil.child_protection_plan else "N",
    }  # fmt: skip
    row.update(changes)
    return [row[name] for name in PUPILS]


def text_of(header: list[str], rows: list[list[str]]) -> str:
    return ",".join(header) + "\n" + "".join(",".join(r) + "\n" for r in rows)


def write(path: Path, text: str, *, compress: bool = False, bom: bool = False) -> Path:
    data = (("\ufeff" if bom else "") + text).encode()
    path.write_bytes(gzip.compress(data) if compress else data)
    return path


def out_of_scope_files(world: dict) -> dict[str, str]:
    """For each kind, a file by which someone at school A tries to change school B's rows."""
    b, pupil_b = world["b"], world["pupil_b"]
    return {
        "pupils": text_of(
            PUPILS, [pupil_row(pupil_b, b, leaving_date="2026-11-25", legal_forename="Changed")]
        ),
        "marks": text_of(MARKS, [[pupil_b.upn, str(b.urn), WEDNESDAY.isoformat(), "AM", "O"]]),
        "calendar": text_of(CALENDAR, [[str(b.urn), "planned_closure", "2026-11-26", "", "", "Snow"]]),
        "contacts": text_of(
            CONTACTS, [["MIS-7", pupil_b.upn, "Mother", "Parent", "B", "07700900666", "Attacker Road"]]
        ),
        "schools": "la_code,la_name,urn,laestab,name,phase\n999,Testshire,100002,9990002,Renamed Beech,primary\n",
        "ctf": "<?xml version='1.0'?><CTfile><CTFpupilData/></CTfile>",
    }


def _write_tables():
    """Every table a web page or API endpoint can write (attend.core.tests.test_write_endpoint_matrix), imported
    late so this module stays importable by import-only tests."""
    from attend.accounts.models import PupilLink, User
    from attend.alerts.models import Alert, NoticeSessionUse, OfficerAssignment, RuleSetting
    from attend.api.models import ApiToken
    from attend.casework.models import (
        Assessment,
        Attachment,
        Barrier,
        Case,
        ChronologyEntry,
        Consent,
        EntryRemoval,
        Family,
        FamilyMember,
        Meeting,
        PlanAction,
        PlanReview,
        SafeguardingRecord,
        StageChange,
        SupportPlan,
    )
    from attend.cme.models import EheContact, HomeEducation, RollDeletion
    from attend.directory.models import Service
    from attend.enforcement.models import NoticeEvent, PenaltyNotice, Prosecution, SupervisionOrder
    from attend.letters.models import (
        Batch,
        ContactPreference,
        Letterhead,
        LetterTemplate,
        Message,
        TemplateVersion,
    )
    from attend.partnership.models import NetworkMember
    from attend.partnership.models_tsm import AgreedAction, SupportMeeting
    from attend.visits.models import (
        CheckIn,
        Escalation,
        EscalationContact,
        EscalationMessage,
        EscalationStep,
        OfficerProfile,
        RiskMarker,
        Round,
        SafetyReport,
        SafetyReportRecipient,
        Visit,
        VisitOutcome,
    )

    return [
        *TABLES, User, Membership, PupilLink, Alert, OfficerAssignment, RuleSetting, Service, LetterTemplate,
        TemplateVersion, Letterhead, ContactPreference, Batch, Message, ApiToken,
        # Casework: cases, the chronology, documents, families, assessment and plans, meetings, consent,
        # safeguarding; contacts' safety.
        Case, ChronologyEntry, StageChange, EntryRemoval, Attachment, Family, FamilyMember, Assessment, Barrier,
        SupportPlan, PlanAction, PlanReview, Consent, Meeting, SafeguardingRecord, ContactSafety,
        # Partnership: the professional network.
        NetworkMember,
        # Partnership: targeting support meetings and their agreed actions.
        SupportMeeting, AgreedAction,
        # Home visits: officers' profiles, escalation contacts, rounds, visits and their outcomes, safety reports,
        # risk markers, check-ins, escalations.
        OfficerProfile, EscalationContact, Round, Visit, VisitOutcome, SafetyReport, SafetyReportRecipient,
        RiskMarker, CheckIn, Escalation, EscalationStep, EscalationMessage,
        # Enforcement, the ladder: code of conduct, checks, requests, contracts, notices to improve.
        *_ladder_tables(),
        # Enforcement: penalty notices, their events, the sessions they rely on.
        PenaltyNotice, NoticeEvent, NoticeSessionUse,
        # Enforcement (court): supervision orders and prosecutions.
        SupervisionOrder, Prosecution,
        # Children missing education: home education records, their contacts, deletions from the roll.
        HomeEducation, EheContact, RollDeletion,
        # Children missing education: enquiries, their reasonable enquiries, referrals to other LAs.
        *_cme_enquiry_tables(),
    ]  # fmt: skip


def _cme_enquiry_tables() -> list:
    from attend.cme.models import CmeEnquiry, EnquiryCheck, LaReferral

    return [CmeEnquiry, EnquiryCheck, LaReferral]


def _ladder_tables() -> list:
    from attend.enforcement.models import (
        AttendanceContract,
        CodeOfConduct,
        ContractReview,
        FormalCheck,
        NoticeRequest,
        NoticeToImprove,
    )

    return [CodeOfConduct, FormalCheck, NoticeRequest, AttendanceContract, ContractReview, NoticeToImprove]


# Columns that change by using the service, not by writing a row: signing in, using a token.
_USAGE_COLUMNS = {"User": {"last_login"}, "ApiToken": {"last_used_at"}}


def write_checksum(actor=None) -> str:
    """`checksum()` widened to users, memberships, alerts, rule settings, the services directory, letters and API
    tokens. The acting user's own password may change (the password page changes only one's own)."""
    digest = hashlib.sha256(checksum().encode())
    for model in _write_tables()[len(TABLES) :]:
        skip = _USAGE_COLUMNS.get(model.__name__, set())
        names = [f.attname for f in model._meta.concrete_fields if f.attname not in skip]
        digest.update(model._meta.label.encode())
        for row in model.objects.order_by("pk").values(*names):
            if actor is not None and model._meta.label == "accounts.User" and row["id"] == actor.pk:
                row.pop("password")
            digest.update(repr(row).encode())
    return digest.hexdigest()
