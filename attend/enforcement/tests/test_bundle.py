"""The evidence bundle for a prosecution, read back as text with pdftotext: the index's page numbers are the pages
the sections fall on, a certificate for each school with the code key of the set in force, the chronology and
notices in order, the s9 declaration, the schedule of unused material, and the redactions."""

import datetime as dt
import io
import re
import subprocess
from decimal import Decimal

import pytest
from django.utils import timezone

from attend.audit.models import AuditEvent
from attend.casework.cases import open_case
from attend.casework.chronology import record_entry
from attend.core.tests.factories import make_la, make_pupil, make_school, make_user
from attend.enforcement.bundle import build_bundle
from attend.enforcement.models import CodeOfConduct, NoticeEvent, PenaltyNotice, Prosecution, SupervisionOrder
from attend.people.models import Enrolment, PupilContact
from attend.registers.models import Mark, MarkChange
from attend.registers.tests.factories import make_contact

pytestmark = pytest.mark.django_db


def _weekdays(start: dt.date, end: dt.date):
    day = start
    while day <= end:
        if day.weekday() < 5:
            yield day
        day += dt.timedelta(days=1)


def _marks(enrolment, start, end, pattern):
    """AM/PM marks on each weekday: `pattern(day) -> (am, pm)`."""
    rows = []
    for day in _weekdays(start, end):
        am, pm = pattern(day)
        rows += [Mark(enrolment=enrolment, date=day, session="AM", code=am)]
        rows += [Mark(enrolment=enrolment, date=day, session="PM", code=pm)]
    Mark.objects.bulk_create(rows)
    return len(rows)


def _aware(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def prosecution(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", "2024-10-18")
    la = make_la()
    first = make_school(la=la, name="Brook Primary")
    second = make_school(la=la, name="Hill Academy")
    pupil = make_pupil(legal_forename="Ava", surname="Stone")
    moved = dt.date(2024, 9, 16)
    e1 = Enrolment.objects.create(
        pupil=pupil,
        school=first,
        admission_date=dt.date(2023, 9, 1),
        leaving_date=moved - dt.timedelta(days=1),
        nc_year="5",
    )
    e2 = Enrolment.objects.create(pupil=pupil, school=second, admission_date=moved, nc_year="5")
    # At Brook: July 2024 (2006 codes) and September until the move (2024 codes); unauthorised on Mondays.
    _marks(
        e1,
        dt.date(2024, 7, 1),
        dt.date(2024, 7, 19),
        lambda d: ("O", "O") if d.weekday() == 0 else ("/", "\\"),
    )
    _marks(
        e1,
        dt.date(2024, 9, 4),
        dt.date(2024, 9, 13),
        lambda d: ("G", "G") if d.weekday() == 0 else ("/", "\\"),
    )
    _marks(e2, moved, dt.date(2024, 10, 11), lambda d: ("N", "O") if d.weekday() == 0 else ("/", "\\"))
    MarkChange.objects.create(
        enrolment=e2, date=dt.date(2024, 9, 16), session="AM", old_code="N", new_code="O"
    )
    mother = make_contact(
        pupil, forename="Mia", surname="Stone", title="Ms", address_line1="1 River Row", postcode="LS9 7AB"
    )
    father = make_contact(
        pupil,
        forename="Tom",
        surname="Stone",
        relationship="Father",
        address_line1="22 Secret Lane",
        postcode="LS1 1ZZ",
    )
    PupilContact.objects.filter(contact__in=[mother, father]).update(parental_responsibility=True)
    sibling = make_pupil(legal_forename="Leo", surname="Stone")
    PupilContact.objects.create(pupil=sibling, contact=mother, relationship="Mother", priority=1)
    officer = make_user("la.officer")
    officer.first_name, officer.last_name = "Lena", "Officer"
    officer.save()
    case, _ = open_case(by=officer, pupil=pupil, school=second, occurred_at=_aware(dt.date(2024, 7, 2)))
    record_entry(
        case,
        kind="phone_call",
        by=officer,
        occurred_at=_aware(dt.date(2024, 7, 3)),
        summary="Rang Ms Stone about Mondays; Leo Stone was ill too. Dad lives at 22 Secret Lane.",
        outcome="spoke_to_parent",
        parent_words="Ava hates Mondays",
        support_offered=["mentoring"],
    )
    record_entry(
        case,
        kind="school_meeting",
        by=officer,
        occurred_at=_aware(dt.date(2024, 9, 20)),
        summary="Meeting in school with Ms Stone.",
        parent_words="I will bring her in myself",
        next_step="Ask Leo Stone's school about the mornings",
        support_offered=["breakfast_club"],
        support_declined=["parenting"],
    )
    record_entry(
        case,
        kind="note",
        by=officer,
        occurred_at=_aware(dt.date(2024, 9, 23)),
        summary="Internal note: discussed with manager.",
    )
    record_entry(
        case,
        kind="safeguarding",
        by=officer,
        occurred_at=_aware(dt.date(2024, 9, 24)),
        summary="Confidential concern XYZZY.",
        restricted=True,
    )
    code = CodeOfConduct.objects.create(
        version=1, effective_from=dt.date(2024, 8, 19), sufficient_improvement="No unauthorised absence"
    )
    notice = PenaltyNotice.objects.create(
        number="PN-2024-000007",
        pupil=pupil,
        school=second,
        case=case,
        parent=mother,
        parent_basis="Mother, parental responsibility",
        reason=PenaltyNotice.Reason.OTHER,
        issue_date=dt.date(2024, 9, 30),
        period_start=dt.date(2024, 9, 4),
        period_end=dt.date(2024, 9, 30),
        sessions=10,
        sequence=1,
        amount_reduced=Decimal("80"),
        amount_full=Decimal("160"),
        issued_by=officer,
        issuer_capacity=PenaltyNotice.Capacity.LA_OFFICER,
        code=code,
    )
    NoticeEvent.objects.create(
        notice=notice,
        kind=NoticeEvent.Kind.SERVED,
        on=dt.date(2024, 9, 30),
        method=NoticeEvent.Method.FIRST_CLASS_POST,
        received_on=dt.date(2024, 10, 2),
    )
    eso = SupervisionOrder.objects.create(
        case=case,
        pupil=pupil,
        considered_on=dt.date(2024, 10, 1),
        consideration="An order would not add to the support refused.",
        status=SupervisionOrder.Status.NOT_PURSUED,
        created_by=officer,
    )
    return Prosecution.objects.create(
        case=case,
        pupil=pupil,
        parent=mother,
        offence=Prosecution.Offence.S444_1,
        period_start=dt.date(2024, 7, 1),
        period_end=dt.date(2024, 10, 11),
        lay_by=dt.date(2025, 1, 1),
        decided_on=dt.date(2024, 10, 14),
        decided_by=officer,
        reasons="Support refused; attendance not improved.",
        supervision_order_considered=eso,
    )


def _pages(pdf: bytes) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout
    return text.decode().split("\f")


def test_the_index_points_at_the_pages_the_sections_are_on(prosecution):
    built = build_bundle(prosecution, by=prosecution.decided_by, as_of=dt.date(2024, 10, 18))
    pages = _pages(built.pdf)
    assert built.pages == len([p for p in pages if p.strip()])
    index_page = pages[0]
    titles = [
        "Summary of attendance in days and hours",
        "Certificate of attendance record: Brook Primary",
        "Certificate of attendance record: Hill Academy",
        "Chronology of contacts and support",
        "Letters and notices sent",
        "Schedule of unused material",
        "Witness statement",
    ]
    for title in titles:
        match = re.search(re.escape(title) + r"[^\n]*?\.\s*(\d+)\s*$", index_page, re.MULTILINE)
        assert match, f"{title!r} not in the index:\n{index_page}"
        page = int(match.group(1))
        assert title.split(":")[0] in pages[page - 1], f"{title!r} is not on page {page}"
        assert f"Page {page} of {built.pages}" in pages[page - 1]
    assert [t for t, _ in built.index][:3] == titles[:3]


def test_each_school_certifies_its_own_sessions_with_the_code_key_in_force(prosecution):
    built = build_bundle(prosecution, by=prosecution.decided_by, as_of=dt.date(2024, 10, 18))
    pages = "\f".join(_pages(built.pdf))
    brook = pages[pages.index("Certificate of attendance record: Brook Primary", 2000) :]
    brook = brook[: brook.index("Certificate of attendance record: Hill Academy")]
    # A row a week, Monday to Friday: Mondays unauthorised (O before 19 August 2024, G after).
    assert re.search(r"01/07/2024\s+O\s+O\s+/\s+\\\s+/", brook)
    assert re.search(r"02/09/2024\s+–\s+–\s+–\s+–\s+/\s+\\", brook)  # term began on Wednesday 4 September
    assert re.search(r"09/09/2024\s+G\s+G\s+/", brook) and "16/09/2024" not in brook
    assert "Code key, sessions before 19 August 2024" in brook and "Regulations 2006" in brook
    assert "Unauthorised absence not covered by another code" in brook  # O in 2006 words
    assert "Code key, sessions from 19 August 2024" in brook
    assert "section 566" in brook and "the headteacher" in brook
    hill = pages[pages.index("Certificate of attendance record: Hill Academy", 2000) :]
    assert "16/09/2024 AM" in hill  # the amendment N -> O
    # 4 Mondays at Hill from 16 September to 11 October: 8 unauthorised sessions, 4 days, 26 hours.
    plain = subprocess.run(
        ["pdftotext", "-", "-"], input=built.pdf, capture_output=True, check=True
    ).stdout.decode()
    assert re.search(r"Hill Academy\s+\(URN\s+\d+\)\s+40\s+32\s+0\s+8\s+4 days, about\s+26 hours", plain)
    assert "Ava could have attended 86 sessions (half days) and attended 70" in plain


def test_chronology_notices_statement_and_unused_material(prosecution):
    text = "\f".join(
        _pages(build_bundle(prosecution, by=prosecution.decided_by, as_of=dt.date(2024, 10, 18)).pdf)
    )
    chronology = text[
        text.index("Chronology of contacts and support", 2000) : text.index("Letters and notices sent", 2000)
    ]
    assert chronology.index("03/07/2024") < chronology.index("20/09/2024")
    assert "Ava hates Mondays" in chronology
    assert "PN-2024-000007" in text and "First-class post on 30/09/2024, received" in text
    assert "true to the best of my knowledge and belief" in text
    assert "liable to prosecution if I have" in text and "Age of witness: over 18" in text
    assert (
        "consisting of 1 page each signed by me" in text or "consisting of 2 pages each signed by me" in text
    )
    unused = text[text.index("Schedule of unused material", 2000) :]
    assert "U1" in unused and "Restricted safeguarding note (listed, not shown)" in unused
    assert "XYZZY" not in text
    assert "Leo Stone" not in text and "22 Secret Lane" not in text and "[redacted]" in text
    assert "Ask [redacted]'s school about the mornings" in text  # the meeting's next step, redacted too
    assert AuditEvent.objects.filter(action="enforcement.bundle.built").count() == 1


def test_pdf_documents_on_the_case_are_appended_and_numbered(prosecution, settings, tmp_path):
    from weasyprint import HTML

    from attend.casework.attachments import add_attachment

    settings.VAR_DIR = tmp_path
    from django.core.files.uploadedfile import SimpleUploadedFile

    pdf = HTML(
        string="<p>Minutes page one</p><p style='page-break-before: always'>Minutes page two</p>"
    ).write_pdf()
    add_attachment(
        prosecution.case,
        SimpleUploadedFile("minutes.pdf", pdf),
        by=prosecution.decided_by,
        description="Minutes",
    )
    built = build_bundle(prosecution, by=prosecution.decided_by, as_of=dt.date(2024, 10, 18))
    pages = _pages(built.pdf)
    assert "Minutes page two" in pages[built.pages - 1]
    assert f"Page {built.pages} of {built.pages}" in pages[built.pages - 1]
    first = built.pages - 1
    assert re.search(rf"Document D1: minutes\.pdf \(2 pages\) · page {first}", pages[0])
    assert io.BytesIO(built.pdf).getbuffer().nbytes > 0


def test_the_bundle_downloads_for_the_las_officers_only(prosecution, client):
    from attend.accounts.models import Membership

    la = prosecution.case.school.local_authority
    officer = make_user("in.scope", role=Membership.Role.LA_OFFICER, local_authority=la)
    client.force_login(officer)
    page = client.get(
        f"/enforcement/cases/{prosecution.case.ref}/prosecutions/{prosecution.pk}/"
    ).content.decode()
    assert f'href="/enforcement/prosecutions/{prosecution.pk}/bundle.pdf"' in page
    response = client.get(f"/enforcement/prosecutions/{prosecution.pk}/bundle.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "Witness statement" in "".join(_pages(response.content))
    client.force_login(
        make_user("elsewhere", role=Membership.Role.LA_OFFICER, local_authority=make_la("999", "X"))
    )
    assert client.get(f"/enforcement/prosecutions/{prosecution.pk}/bundle.pdf").status_code == 404
    school = prosecution.case.school
    client.force_login(make_user("school.lead", role=Membership.Role.ATTENDANCE_LEAD, school=school))
    assert client.get(f"/enforcement/prosecutions/{prosecution.pk}/bundle.pdf").status_code == 403
