"""The retention schedule: rows on each side of every boundary, the dry run equal to the run, idempotence."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from attend import audit
from attend.alerts.models import Alert
from attend.audit.models import AuditEvent
from attend.casework.models import PartTimeTimetable
from attend.core.tests.factories import make_la, make_pupil, make_school, make_user
from attend.people.models import Contact, Enrolment, Pupil, PupilContact
from attend.privacy import retention
from attend.privacy.retention import register_cutoff, retention_apply, retention_report
from attend.registers.models import ImportRun, Mark, MarkChange

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_var_dir(settings, tmp_path):
    """Report and upload files are looked for under VAR_DIR: a fresh one, not the demo's."""
    settings.VAR_DIR = tmp_path


AS_OF = dt.date(2032, 8, 1)  # register cutoff 1 Aug 2026: marks of 2025/26 and before are due
LAST_DAY_OF_2025_26 = dt.date(2026, 7, 31)
FIRST_DAY_OF_2026_27 = dt.date(2026, 8, 1)


def aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def enrol(pupil, school, admission, leaving=None) -> Enrolment:
    return Enrolment.objects.create(
        pupil=pupil, school=school, admission_date=admission, leaving_date=leaving, nc_year="6"
    )


def mark(enrolment, day, code="/", session="AM") -> Mark:
    return Mark.objects.create(enrolment=enrolment, date=day, session=session, code=code)


def alert(enrolment, status, *, cleared_on=None, changed=None) -> Alert:
    return Alert.objects.create(
        rule="persistent_absence",
        pupil=enrolment.pupil,
        enrolment=enrolment,
        school=enrolment.school,
        raised_on=dt.date(2028, 1, 10),
        last_evaluated_on=dt.date(2028, 1, 10),
        status=status,
        reason="Absent 12% of possible sessions",
        measure=0.12,
        peak_measure=0.12,
        cleared_on=cleared_on,
        status_changed_at=changed,
    )


def run_started(day: dt.date) -> ImportRun:
    run = ImportRun.objects.create(kind="marks", file_name=f"{day}.csv", sha256="0" * 64)
    ImportRun.objects.filter(pk=run.pk).update(started_at=aware(day))
    return run


@pytest.fixture
def world():
    la = make_la()
    school = make_school(la=la, name="Oldfield Primary")
    other = make_school(la=la, name="Newfield Academy")
    w = {"school": school, "other": other}

    # Left in July 2026: every mark is from 2025/26, so everything about this pupil is due.
    w["gone"] = make_pupil(surname="Gone")
    w["gone_enrolment"] = enrol(w["gone"], school, dt.date(2020, 9, 1), dt.date(2026, 7, 20))
    mark(w["gone_enrolment"], dt.date(2026, 7, 20))
    mark(w["gone_enrolment"], LAST_DAY_OF_2025_26, "I", "PM")  # the last day of the academic year: due
    MarkChange.objects.create(
        enrolment=w["gone_enrolment"], date=dt.date(2026, 7, 20), session="AM", old_code="N", new_code="/"
    )
    w["gone_contact"] = Contact.objects.create(contact_ref="C-GONE", forename="Pat", surname="Gone")
    PupilContact.objects.create(pupil=w["gone"], contact=w["gone_contact"], relationship="Mother")

    # Still at school: the 2025/26 mark goes, the 2026/27 marks stay, and so does the pupil.
    w["staying"] = make_pupil(surname="Staying")
    w["staying_enrolment"] = enrol(w["staying"], other, dt.date(2025, 9, 1))
    mark(w["staying_enrolment"], dt.date(2026, 7, 17))
    mark(w["staying_enrolment"], FIRST_DAY_OF_2026_27, "Z")  # first day of the next academic year: kept
    mark(w["staying_enrolment"], dt.date(2026, 9, 3))
    MarkChange.objects.create(
        enrolment=w["staying_enrolment"], date=dt.date(2026, 9, 3), session="AM", old_code="N", new_code="/"
    )
    # A sibling contact, shared with the pupil who goes: kept for the pupil who stays.
    PupilContact.objects.create(pupil=w["staying"], contact=w["gone_contact"], relationship="Mother")
    w["staying_only_contact"] = Contact.objects.create(
        contact_ref="C-STAY", forename="Sam", surname="Staying"
    )
    PupilContact.objects.create(pupil=w["staying"], contact=w["staying_only_contact"], relationship="Father")

    # Left long ago, but someone looked at the record: pseudonymised, not deleted (the audit trail names them).
    w["watched"] = make_pupil(surname="Watched", child_protection_plan=True)
    enrol(w["watched"], school, dt.date(2019, 9, 1), dt.date(2025, 7, 18))
    audit.record("people.pupil.viewed", by=make_user("dsl"), obj=w["watched"], data={"page": "record"})
    watched_contact = Contact.objects.create(contact_ref="C-WATCHED", forename="Lee", surname="Watched")
    PupilContact.objects.create(pupil=w["watched"], contact=watched_contact, relationship="Carer")

    # Left long ago, but an alert is still open: kept until it is closed.
    w["open_alert_pupil"] = make_pupil(surname="Openalert")
    e = enrol(w["open_alert_pupil"], school, dt.date(2019, 9, 1), dt.date(2025, 7, 18))
    w["open_alert"] = alert(e, "new")

    # Left long ago, with a part-time timetable: casework has no LA policy set, so it is kept.
    w["casework_pupil"] = make_pupil(surname="Casework")
    enrol(w["casework_pupil"], school, dt.date(2019, 9, 1), dt.date(2025, 7, 18))
    PartTimeTimetable.objects.create(
        pupil=w["casework_pupil"], school=school, start=dt.date(2025, 1, 6), end=dt.date(2025, 2, 28),
        review_date=dt.date(2025, 2, 7), reason="Medical reintegration", sessions_per_week=6,
    )  # fmt: skip

    # Closed alerts on each side of two years.
    w["cleared_due"] = alert(w["staying_enrolment"], "cleared", cleared_on=dt.date(2030, 7, 31))
    w["cleared_kept"] = alert(w["staying_enrolment"], "cleared", cleared_on=dt.date(2030, 8, 1))
    w["dismissed_due"] = alert(w["staying_enrolment"], "dismissed", changed=aware(dt.date(2030, 7, 31)))
    w["dismissed_kept"] = alert(w["staying_enrolment"], "dismissed", changed=aware(dt.date(2030, 8, 1)))

    # Import runs on each side of the cutoff; a correction names the old run.
    w["old_run"] = run_started(LAST_DAY_OF_2025_26)
    w["new_run"] = run_started(FIRST_DAY_OF_2026_27)
    MarkChange.objects.filter(date=dt.date(2026, 9, 3)).update(import_run=w["old_run"])
    return w


def counts(reports) -> dict[str, int]:
    return {r.category.name: r.rows for r in reports}


def test_the_register_cutoff_follows_academic_years():
    assert register_cutoff(dt.date(2032, 7, 31)) == dt.date(2025, 8, 1)
    assert register_cutoff(dt.date(2032, 8, 1)) == dt.date(2026, 8, 1)


def test_registers_can_be_kept_longer_but_never_less_than_six_years(settings):
    settings.ATTEND_RETENTION_REGISTER_YEARS = 7
    assert register_cutoff(AS_OF) == dt.date(2025, 8, 1)
    settings.ATTEND_RETENTION_REGISTER_YEARS = 3
    assert register_cutoff(AS_OF) == dt.date(2026, 8, 1)


def test_the_day_before_the_boundary_nothing_of_2025_26_is_due(world):
    day_before = AS_OF - dt.timedelta(days=1)
    assert counts(retention_report(as_of=day_before))["marks"] == 0
    assert counts(retention_report(as_of=day_before))["mark_changes"] == 0
    assert counts(retention_report(as_of=day_before))["import_runs"] == 0
    # Only the enrolments that ended in 2024/25 are due; the one that ended in July 2026 is not.
    due = retention.Due(day_before).enrolments()
    assert world["gone_enrolment"] not in due and due.count() == 2


def test_the_report_counts_what_is_due_and_changes_nothing(world):
    before = (Mark.objects.count(), Pupil.objects.count(), Contact.objects.count(), Alert.objects.count())
    reports = retention_report(as_of=AS_OF)
    assert counts(reports) == {
        "marks": 3,
        "mark_changes": 1,
        "alerts": 2,
        "enrolments": 3,  # the pupil who went, the watched pupil, the casework pupil (kept for casework)
        "pupils": 1,
        "contacts": 1,  # the watched pupil's; the shared contact stays for the sibling
        "import_runs": 1,
        "audit_events": 0,
        "casework": 0,
        "cases": 0,
        "reports": 0,
        "uploads": 0,
    }
    marks = next(r for r in reports if r.category.name == "marks")
    assert marks.oldest == dt.date(2026, 7, 17)
    assert [n for _, n in marks.by_school] == [2, 1]
    assert "Oldfield Primary" in marks.by_school[0][0]
    pupils = next(r for r in reports if r.category.name == "pupils")
    assert "1 more named in the audit trail will be pseudonymised" in pupils.note
    assert before == (
        Mark.objects.count(),
        Pupil.objects.count(),
        Contact.objects.count(),
        Alert.objects.count(),
    )


def test_applying_deletes_exactly_what_the_report_said(world, monkeypatch):
    monkeypatch.setattr(retention, "CHUNK", 2)  # several id ranges even on this small table
    reported = counts(retention_report(as_of=AS_OF))
    result = retention_apply(as_of=AS_OF)
    assert {k: v for k, v in result.deleted.items()} == {k: reported[k] for k in result.deleted}
    assert result.pseudonymised == 1

    assert sorted(Mark.objects.values_list("date", flat=True)) == [FIRST_DAY_OF_2026_27, dt.date(2026, 9, 3)]
    assert list(MarkChange.objects.values_list("date", "import_run")) == [(dt.date(2026, 9, 3), None)]
    assert set(Alert.objects.all()) == {world["open_alert"], world["cleared_kept"], world["dismissed_kept"]}
    assert not Pupil.objects.filter(pk=world["gone"].pk).exists()
    assert Pupil.objects.filter(pk__in=[world["staying"].pk, world["open_alert_pupil"].pk,
                                        world["casework_pupil"].pk]).count() == 3  # fmt: skip
    assert set(Contact.objects.values_list("contact_ref", flat=True)) == {"C-GONE", "C-STAY"}
    assert list(ImportRun.objects.all()) == [world["new_run"]]
    assert PartTimeTimetable.objects.count() == 1


def test_a_pupil_named_in_the_audit_trail_is_pseudonymised(world):
    retention_apply(as_of=AS_OF)
    watched = Pupil.objects.get(pk=world["watched"].pk)
    assert watched.upn.startswith("ERASED")
    assert (watched.legal_forename, watched.legal_surname, watched.date_of_birth) == (
        "Erased",
        "pupil",
        dt.date(1900, 1, 1),
    )
    assert not watched.child_protection_plan
    assert not watched.enrolments.exists()
    assert AuditEvent.objects.filter(pupil=watched, action="people.pupil.viewed").count() == 1


def test_a_second_run_finds_nothing_more(world):
    retention_apply(as_of=AS_OF)
    again = retention_apply(as_of=AS_OF)
    assert set(again.deleted.values()) == {0} and again.pseudonymised == 0
    assert set(counts(retention_report(as_of=AS_OF)).values()) == {0}


def test_applying_is_audited_with_the_counts(world):
    officer = make_user("dpo")
    retention_apply(as_of=AS_OF, by=officer)
    event = AuditEvent.objects.get(action="privacy.retention.applied")
    assert event.actor == officer
    assert event.data["as_of"] == "2032-08-01" and event.data["register_cutoff"] == "2026-08-01"
    assert event.data["deleted"]["marks"] == 3 and event.data["pseudonymised"] == 1


def test_casework_goes_only_once_the_la_sets_a_policy(world, settings):
    settings.ATTEND_RETENTION_CASEWORK_YEARS = 6
    # The timetable ended on 28 February 2025: due six years later, from 1 March 2031.
    assert counts(retention_report(as_of=dt.date(2031, 2, 28)))["casework"] == 0
    assert counts(retention_report(as_of=dt.date(2031, 3, 1)))["casework"] == 1
    retention_apply(as_of=AS_OF)
    assert not PartTimeTimetable.objects.exists()
    assert not Pupil.objects.filter(pk=world["casework_pupil"].pk).exists()


def test_the_command_refuses_to_delete_without_confirm(world):
    with pytest.raises(CommandError, match="--confirm"):
        call_command("retention", "apply", "--as-of", "2032-08-01")
    with pytest.raises(CommandError, match="--as-of"):
        call_command("retention", "apply", "--confirm")
    assert Mark.objects.count() == 5
    assert not AuditEvent.objects.filter(action="privacy.retention.applied").exists()


def test_the_command_reports_and_applies(world, capsys):
    call_command("retention", "report", "--as-of", "2032-08-01")
    out = capsys.readouterr().out
    assert "Nothing has been changed" in out and "register cutoff 2026-08-01" in out
    assert Mark.objects.count() == 5
    call_command("retention", "apply", "--as-of", "2032-08-01", "--confirm")
    assert "deleted 3 marks" in capsys.readouterr().out
    assert Mark.objects.count() == 2


def test_a_pupil_and_parent_named_in_a_penalty_notice_are_kept_with_it(world, settings):
    """Enforcement records are evidence with no schedule of their own yet: retention keeps them, the pupil and the
    parent they name, and the case they belong to (attend/enforcement/retention.py), rather than failing on them."""
    from decimal import Decimal

    from attend.casework.cases import close_case, open_case
    from attend.enforcement.models import CodeOfConduct, PenaltyNotice

    settings.ATTEND_RETENTION_CASEWORK_YEARS = 6
    officer = make_user("officer")
    case, _ = open_case(
        by=officer, pupil=world["gone"], school=world["school"], occurred_at=aware(dt.date(2024, 1, 8))
    )
    close_case(case, "improved", "Attending again", officer)
    case.__class__.objects.filter(pk=case.pk).update(
        closed_at=aware(dt.date(2024, 6, 3))
    )  # eight years before
    code = CodeOfConduct.objects.create(
        version=1, effective_from=dt.date(2019, 1, 1), sufficient_improvement="None"
    )
    notice = PenaltyNotice.objects.create(
        number="PN-2024-000001", pupil=world["gone"], school=world["school"], case=case, parent=world["gone_contact"],
        parent_basis="Mother", reason="holiday", issue_date=dt.date(2024, 3, 4), period_start=dt.date(2024, 2, 5),
        period_end=dt.date(2024, 2, 9), sessions=10, sequence=1, amount_reduced=Decimal("80"),
        amount_full=Decimal("160"), issued_by=officer, issuer_capacity="la_officer", code=code,
    )  # fmt: skip
    assert counts(retention_report(as_of=AS_OF))["cases"] == 0  # the closed case is kept with its notice
    retention_apply(as_of=AS_OF)
    assert PenaltyNotice.objects.filter(pk=notice.pk).exists()
    assert Pupil.objects.filter(pk=world["gone"].pk).exists()
    assert Contact.objects.filter(pk=world["gone_contact"].pk).exists()
    assert case.__class__.objects.filter(pk=case.pk).exists()
