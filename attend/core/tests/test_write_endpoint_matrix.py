"""The permission matrix, write side, for every write endpoint other than imports and alert actions (issue 14).

Every persona of the URL walk (test_url_permissions.PERSONAS) tries each write against rows OUTSIDE their scope:
Southshire's school, pupil, services, thresholds, letters and transfers (the personas are at Alder, or in
Northshire), another LA's user, a superuser's account, their own roles, and a pupil who has left their school.
Each attempt is refused (sign-in, 403 or 404, or for a create page whose target is in the form, the form again
with an error) and changes nothing: `write_checksum()` of every writable table is the same before and after, and
the audit trail gains no event. The superuser, whose scope is everything, makes the same requests and they work:
the refusals come from scope, not from a malformed request.

`test_the_matrix_covers_every_write_endpoint` walks the URL resolver: a new view that accepts a write and has no
entry here (or in EXEMPT, with the reason) fails it. The admin site, generated and not row-scoped, is tried by
`test_admin_writes_outside_scope_change_nothing` instead.
"""

from __future__ import annotations

import copy
import datetime as dt
import inspect
import re
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from attend.accounts.models import Membership
from attend.accounts.permissions import PERMISSIONS, url_entries
from attend.alerts.models import RuleSetting
from attend.alerts.rules import DEFAULTS
from attend.api.models import ApiToken
from attend.api.tests.factories import bearer, token_for
from attend.audit.models import AuditEvent
from attend.casework.cases import open_case
from attend.cme.tests.matrix_ehe import EHE_COVERED, add_south_ehe, ehe_attempts
from attend.cme.tests.matrix_enquiries import ENQUIRY_COVERED, enquiry_attempts, southshire_enquiries
from attend.cme.tests.matrix_s19 import S19_COVERED, add_south_s19, s19_attempts
from attend.demo.tests.shared_load import shared_load, use_copy
from attend.directory.models import Service
from attend.enforcement.tests.matrix_ladder import LADDER_COVERED, ladder_attempts, southshire_ladder
from attend.jobs.tests.matrix_profiles import PROFILE_COVERED, profile_attempts
from attend.jobs.tests.worker import run_queued_tasks
from attend.letters import library
from attend.letters.batches import batch_create
from attend.letters.compose import compose
from attend.letters.models import LetterTemplate
from attend.letters.services import message_create, message_send
from attend.people.models import Contact, Enrolment, PupilContact, Transfer
from attend.registers.tests.scope_world import write_checksum

from .factories import make_pupil, make_school
from .moves import TODAY, make_moved_pupil, make_persona_users
from .test_url_permissions import PERSONAS

R = Membership.Role
PASSWORD = "an old password 1"
LA_ROLES = {R.LA_OFFICER, R.LA_MANAGER}

# Write endpoints covered by other matrices, and endpoints that write no scoped row, each with the reason.
EXEMPT = {
    # Signing in and out, and the second factor, act on the session and the signed-in user's own devices.
    "login": "session only",
    "logout": "session only",
    "two-factor": "one's own authenticator device",
    "two-factor-recovery-codes": "one's own recovery codes",
    # POST only to keep pupils' names out of URLs and access logs; it reads.
    "web:pupil-search": "reads only",
    # Alert actions: test_alert_write_matrix.py (every persona, web action and every API method).
    "web:alert-action": "test_alert_write_matrix.py",
    "web:alert-reopen": "test_alert_write_matrix.py",
    # GOV.UK Notify's delivery receipts: no user and no session; the bearer token authenticates Notify, and it can
    # only move a message Notify itself sent to a later status (letters/tests/test_notify_callback.py).
    "letters:notify-callback": "Notify's bearer token, not a user's scope",
    # GOV.UK Notify's received texts (officers checking in by text): no user and no session; the bearer token
    # authenticates Notify, and a text only checks in the officer whose profile has the sender's mobile
    # (visits/tests/test_office.py).
    "visits:notify-inbound": "Notify's bearer token, not a user's scope",
    # The signed-in officer's own visit profile, and a new escalation contact for the signed-in manager's own team:
    # no row is named in the request (visits/tests/test_profile.py).
    "visits:profile": "one's own visit profile",
    "visits:contacts": "a contact for one's own team only",
}


@dataclass
class Attempt:
    """One write against a row outside the persona's scope.

    `refusal` is what a persona who holds the page's permission gets: "404", "403", "form" (the page again with
    an error) or "own" (the page works on the persona's own row only, and the target is untouched).
    `in_scope` lists personas for whom the target is inside their scope (not tried: the superuser's run proves
    the request works). `changes`: whether the superuser's request changes the checksum (an export does not)."""

    name: str
    url: str
    data: dict
    permission: str
    refusal: str = "404"
    in_scope: set = field(default_factory=set)
    changes: bool = True
    api: bool = False


def thresholds_data(rule: str = "persistent_absence", name: str = "percent", value: str = "3") -> dict:
    data = {f"{r}__{n}": "" for r, names in DEFAULTS.items() for n in names}
    return {**data, f"{rule}__{name}": value}


def make_world() -> dict:
    """make_moved_pupil (Northshire: Alder, Beech; Southshire: Cedar; Robin moved from Alder to Beech), and in
    Southshire: Dogwood, Kit at Cedar with a contact, two pending transfers from Dogwood to Cedar, a service,
    thresholds for the LA and for Cedar, and Southshire's own copy of a letter template."""
    w = make_moved_pupil()
    south, cedar = w["other_la"], w["cedar"]
    dogwood = make_school(la=south, name="Dogwood Primary")
    kit = make_pupil(surname="Faraway", legal_forename="Kit")
    at_cedar = Enrolment.objects.create(
        pupil=kit, school=cedar, admission_date=dt.date(2025, 9, 3), nc_year="4"
    )
    contact = Contact.objects.create(
        contact_ref="C-KIT-1", source_school=cedar, forename="Alex", surname="Faraway",
        phone_mobile="07700 900999", address_line1="1 Cedar Row", postcode="SO1 1AA",
    )  # fmt: skip
    PupilContact.objects.create(pupil=kit, contact=contact, relationship="Father", priority=1)
    for key, pupil in (("transfer_confirm", kit), ("transfer_undo", make_pupil(surname="Joiner"))):
        enrolment = at_cedar
        if pupil is not kit:
            enrolment = Enrolment.objects.create(
                pupil=pupil, school=cedar, admission_date=dt.date(2025, 11, 3), nc_year="4"
            )
            Enrolment.objects.create(
                pupil=pupil, school=dogwood, admission_date=dt.date(2025, 9, 3), nc_year="4"
            )
        transfer = Transfer.objects.create(
            pupil=pupil, to_school=cedar, enrolment=enrolment, admission_date=enrolment.admission_date,
            file_line="pupils.csv:2",
        )  # fmt: skip
        transfer.from_schools.add(dogwood)
        w[key] = transfer
    w["service"] = Service.objects.create(
        local_authority=south, name="Southshire Early Help", kind=Service.Kind.EARLY_HELP,
        contact="01632 960000", how_to_refer="Phone the duty desk",
    )  # fmt: skip
    RuleSetting.objects.create(local_authority=south, rule="persistent_absence", name="percent", value="12")
    RuleSetting.objects.create(school=cedar, rule="persistent_absence", name="percent", value="15")
    w["default_template"] = LetterTemplate.objects.filter(owner_key="default", language="en").order_by("pk")[
        0
    ]
    w["south_template"] = library.version_save(
        w["default_template"], subject="Southshire", body="Dear parent of {{ pupil.forename }},\n\nSouthshire's own words.",
        la=south,
    ).template  # fmt: skip
    Contact.objects.filter(pupil_links__pupil=w["pupil"]).update(postcode="NO1 4LC")  # so a letter can go
    w.update(kit=kit, dogwood=dogwood, contact=contact)
    _southshire_cases(w)
    _southshire_network(w)
    _southshire_notices(w)
    _southshire_court(w)
    # Southshire's letters: a sent letter about Kit, and a batch with Kit's letter held for review.
    draft = compose(template_name="concern_stage_1", pupil=kit, contact=contact, route="print", as_of=TODAY)
    w["south_sent"] = message_send(message_create(draft, as_of=TODAY - dt.timedelta(days=1)))
    w["south_batch"] = batch_create(
        template_name="concern_stage_1", pupils=[], as_of=TODAY, by=None, route="print"
    )
    w["south_held"] = message_create(
        draft, as_of=TODAY, batch=w["south_batch"], hold_reason="Bereavement", key="matrix-held-letter"
    )
    w["cedar_membership"] = Membership.objects.get(user=w["cedar_officer"])
    # Southshire's casework: Kit's open case; Rowan on roll at Cedar with no case yet.
    w["south_case"], _ = open_case(by=None, pupil=kit, school=cedar)
    # Rowan: Kit's brother (same surname and address), not yet in a family or on a case.
    w["rowan"] = make_pupil(surname="Faraway", legal_forename="Rowan")
    Enrolment.objects.create(pupil=w["rowan"], school=cedar, admission_date=dt.date(2025, 9, 3), nc_year="5")
    mother = Contact.objects.create(
        contact_ref="C-ROWAN-1", source_school=cedar, forename="Jo", surname="Faraway", address_line1="1 Cedar Row",
        postcode="SO1 1AA",
    )  # fmt: skip
    PupilContact.objects.create(pupil=w["rowan"], contact=mother, relationship="Mother", priority=1)
    add_south_plan(w)
    make_casework(w)
    add_south_tsm(w)
    add_south_timetable(w)
    add_south_escalation(w)
    add_south_rounds(w)
    add_south_visits(w)
    add_south_visit_lists(w)
    southshire_ladder(w)
    add_south_s19(w)
    add_south_ehe(w)  # home education (attend/cme)
    southshire_enquiries(w)
    return w


def add_south_escalation(w: dict) -> None:
    """Cedar's (Southshire) officer out on a round that missed its check-in: an open escalation, step 1 pending."""
    from attend.visits.models import Escalation, EscalationStep, Round

    now = dt.datetime(2025, 11, 19, 14, 15, tzinfo=dt.UTC)
    round_ = Round.objects.create(
        officer=w["cedar_officer"], school=w["cedar"], day=TODAY, status="out", check_in_due_at=now, mobile="07700 900555",
    )  # fmt: skip
    w["south_escalation"] = Escalation.objects.create(
        round=round_, reason="missed", due_check_in_at=now, opened_at=now
    )
    EscalationStep.objects.create(escalation=w["south_escalation"], number=1, level="office", due_at=now)


def escalation_attempts(w: dict) -> list[Attempt]:
    return [
        Attempt("acknowledge another LA's escalation", f"/visits/escalations/{w['south_escalation'].pk}/",
                {"note": "mine"}, "visits.office"),
    ]  # fmt: skip


def add_south_rounds(w: dict) -> None:
    """Cedar's officer (Southshire): a profile, an escalation contact, a round out and a round planned
    (attend/visits, area office)."""
    from attend.visits import lone
    from attend.visits.demo_lone import make_profile, make_round
    from attend.visits.models import EscalationContact

    officer = w["cedar_officer"]
    make_profile(officer, mobile="07700 900999")
    start = dt.datetime.combine(TODAY, dt.time(9), tzinfo=dt.UTC)
    w["south_round"] = make_round(officer, TODAY, risk_checked_at=start)
    lone.start_round(w["south_round"], by=officer, expected_back_at=start + dt.timedelta(hours=6), now=start)
    w["south_planned_round"] = make_round(officer, TODAY, risk_checked_at=start)
    w["south_contact"] = EscalationContact.objects.create(
        school=w["cedar"], level="office", name="Cedar office", email="office@cedar.example"
    )


def office_attempts(w: dict) -> list[Attempt]:
    """Another LA's officer's round and another school's escalation contacts (attend/visits, area office). The
    phone pages answer only the round's officer (404 for anyone else in scope or not)."""
    out, planned = w["south_round"].pk, w["south_planned_round"].pk
    return [
        Attempt("check in on another LA's round", f"/visits/rounds/{out}/check-in/", {"action": "back"},
                "visits.write"),
        Attempt("start another LA's round", f"/visits/rounds/{planned}/start/", {"expected_back_at": "23:59"},
                "visits.write"),
        Attempt("I need help on another LA's round", f"/visits/rounds/{out}/help/", {"location": "Nowhere"},
                "visits.write"),
        Attempt("record a rung-in check-in on another LA's round", f"/visits/office/rounds/{out}/check-in/",
                {"location": "Nowhere"}, "visits.office"),
        Attempt("end another school's escalation contact", f"/visits/contacts/{w['south_contact'].pk}/end/", {},
                "visits.manage"),
    ]  # fmt: skip


def add_south_visits(w: dict) -> None:
    """Home visits to Kit (Southshire): one not yet recorded, one cancelled for safety awaiting its risk marker."""
    from attend.visits.models import SafetyReport, SafetyReportRecipient, Visit, VisitOutcome

    visit = dict(pupil=w["kit"], contact=w["contact"], address="1 Cedar Row", postcode="SO1 1AA", source="case",
                 reason="Unexplained absence", planned_for=TODAY)  # fmt: skip
    w["south_visit"] = Visit.objects.create(**visit)
    w["south_unsafe_visit"] = Visit.objects.create(**visit, status=Visit.Status.CANCELLED_FOR_SAFETY)
    outcome = VisitOutcome.objects.create(
        visit=w["south_unsafe_visit"], occurred_at=dt.datetime(2025, 12, 10, 10, tzinfo=dt.UTC), not_safe=True,
        not_safe_reason="A dog loose in the garden",
    )  # fmt: skip
    report = SafetyReport.objects.create(
        visit=w["south_unsafe_visit"], outcome=outcome, reason=outcome.not_safe_reason, subject="Report",
        text="Report", pdf=b"%PDF-1.4\n%%EOF\n", made_at=outcome.occurred_at,
    )  # fmt: skip
    SafetyReportRecipient.objects.create(
        report=report, role="headteacher", name="Cedar's head", status="failed"
    )


def visit_attempts(w: dict) -> list[Attempt]:
    """Another LA's pupil's home visits (attend/visits/views_outcomes.py)."""
    visit, unsafe = w["south_visit"].pk, w["south_unsafe_visit"].pk
    marker = {"kind": "animals", "about": "address", "reason": "Intruder's marker", "review_on": "2026-06-01"}
    return [
        Attempt("the outcome of another LA's visit", f"/visits/visit/{visit}/outcome/",
                {"visit_date": TODAY.isoformat(), "visit_time": "10:00", "no_answer": "on"}, "visits.write"),
        Attempt("a risk marker after another LA's visit", f"/visits/visit/{unsafe}/risk-marker/", marker,
                "visits.write"),
        Attempt("resend another LA's safety report", f"/visits/visit/{unsafe}/safety-report/resend/", {},
                "visits.write"),
    ]  # fmt: skip


def add_south_tsm(w: dict) -> None:
    """Cedar's (Southshire) targeting support meeting this term, with an action agreed for Kit."""
    from attend.partnership.models_tsm import AgreedAction, SupportMeeting

    w["south_tsm"] = SupportMeeting.objects.create(
        school=w["cedar"], start_year=2025, term="autumn", status="held", meeting_date=dt.date(2025, 11, 12),
        attendees="Southshire LA, Cedar's head", record="Reviewed the pack",
    )  # fmt: skip
    w["south_tsm_action"] = AgreedAction.objects.create(
        meeting=w["south_tsm"], pupil=w["kit"], action="Home visit", lead_practitioner="Southshire EWO",
        case=w["south_case"],
    )  # fmt: skip


def tsm_attempts(w: dict) -> list[Attempt]:
    """Another LA's school's targeting support meeting (attend/partnership/views_tsm.py)."""
    cedar, kit = w["cedar"].urn, w["kit"]
    held = {
        "status": "held",
        "meeting_date": "2025-11-18",
        "attendees": "Intruder",
        "record": "Intruder's record",
    }
    return [
        Attempt("another LA's school's meeting", f"/partnership/tsm/schools/{cedar}/record/", held, "tsm.write"),
        Attempt("an action at another LA's school", f"/partnership/tsm/schools/{cedar}/actions/new/",
                {"upn": kit.upn, "action": "Intrude", "lead_practitioner": "Intruder"}, "tsm.write"),
        Attempt("review another LA's action", f"/partnership/tsm/actions/{w['south_tsm_action'].pk}/review/",
                {"status": "done", "note": "", "version": "1"}, "tsm.write"),
    ]  # fmt: skip


def add_south_visit_lists(w: dict) -> None:
    """Southshire's home visits (attend/visits/lists.py, risks.py): Lou (looked after) absent today with no reason,
    two visits listed for Kit, Cedar's officer's round with a visit, and a risk marker on Kit."""
    from attend.alerts.models import Alert
    from attend.visits.models import RiskMarker, Round, Visit

    lou = make_pupil(surname="Faraway", legal_forename="Lou", looked_after=True)
    at_cedar = Enrolment.objects.create(
        pupil=lou, school=w["cedar"], admission_date=dt.date(2025, 9, 3), nc_year="2"
    )
    carer = Contact.objects.create(
        contact_ref="C-LOU-1", source_school=w["cedar"], forename="Sol", surname="Faraway", address_line1="2 Cedar Row",
        postcode="SO1 1AB",
    )  # fmt: skip
    PupilContact.objects.create(pupil=lou, contact=carer, relationship="Carer", priority=1)
    PupilContact.objects.create(
        pupil=w["kit"], contact=carer, relationship="Carer", priority=2
    )  # Kit's own is confidential
    w["south_carer"] = carer
    w["lou_alert"] = Alert.objects.create(
        rule="first_day", key=TODAY.isoformat(), pupil=lou, enrolment=at_cedar, school=w["cedar"], raised_on=TODAY,
        last_evaluated_on=TODAY, reason="No reason given", measure=1, peak_measure=1, priority=0,
    )  # fmt: skip
    listed = {
        "pupil": w["kit"], "contact": w["contact"], "address": "1 Cedar Row\nSO1 1AA", "postcode": "SO1 1AA",
        "source": "case", "reason": "Not seen", "planned_for": TODAY,
    }  # fmt: skip
    w["south_listed_visit"], w["south_visit_check"] = (
        Visit.objects.create(**listed),
        Visit.objects.create(**listed),
    )
    w["south_list_round"] = Round.objects.create(officer=w["cedar_officer"], school=w["cedar"], day=TODAY)
    w["south_list_round_visit"] = Visit.objects.create(**listed, round=w["south_list_round"], order=1)
    w["south_marker"] = RiskMarker.objects.create(
        pupil=w["kit"], kind="animals", reason="Dog", recorded_at=dt.datetime(2025, 12, 1, 9, tzinfo=dt.UTC),
        review_on=dt.date(2026, 3, 1),
    )  # fmt: skip


def visits_attempts(w: dict) -> list[Attempt]:
    """Another LA's pupils' home visits: planning, the reactive list, rounds, risk checks and markers."""
    kit, marker = w["kit"], w["south_marker"].pk
    plan = {"contact": str(w["south_carer"].pk), "planned_for": TODAY.isoformat(), "reason": "Intruder"}
    return [
        Attempt("plan a visit on another LA's case", f"/visits/plan/?case={w['south_case'].ref}", plan, "visits.write"),
        Attempt("another LA's absence to my round", "/visits/reactive/add/", {"alert": str(w["lou_alert"].pk)},
                "visits.write"),
        Attempt("another LA's visit to my round", "/visits/rounds/today/add/", {"visit": str(w["south_listed_visit"].pk)},
                "visits.write"),
        Attempt("move a visit on another LA's round", f"/visits/rounds/{w['south_list_round'].pk}/move/",
                {"visit": str(w["south_list_round_visit"].pk), "direction": "remove"}, "visits.write"),
        Attempt("a risk check of another LA's visit", f"/visits/visits/{w['south_visit_check'].pk}/risk-check/",
                {"mode": "doorstep", "markers_read": "on", "last_visit_read": "on"}, "visits.write"),
        Attempt("a risk marker on another LA's pupil", f"/visits/risks/{kit.upn}/new/",
                {"about": "pupil", "kind": "animals", "reason": "Intruder", "review_on": "2026-01-10"},
                "visits.write"),
        Attempt("review another LA's risk marker", f"/visits/risks/markers/{marker}/review/",
                {"review_on": "2026-02-01", "note": "Intruder"}, "visits.write"),
        Attempt("end another LA's risk marker", f"/visits/risks/markers/{marker}/end/", {"reason": "Intruder"},
                "visits.write"),
    ]  # fmt: skip


def add_south_timetable(w: dict) -> None:
    """Kit's part-time timetable at Cedar (Southshire), agreed with his father, who lives with him."""
    from attend.casework.tests.factories import make_part_time_timetable

    PupilContact.objects.filter(pupil=w["kit"], contact=w["contact"]).update(
        lives_with_pupil=True, parental_responsibility=True
    )
    w["south_timetable"] = make_part_time_timetable(
        w["kit"], w["cedar"], parent_contact=w["contact"], behaviour_related=True, la_scrutiny="requested"
    )


def timetable_attempts(w: dict) -> list[Attempt]:
    """A part-time timetable for another LA's pupil, and a review of one (attend/partnership/views_timetables.py)."""
    new = {"hours_per_week": "15", "sessions_per_week": "6", "start": "2025-11-10", "end": "2025-12-19",
           "review_date": "2025-12-01", "parent_contact": str(w["contact"].pk), "reason_category": "medical",
           "reason": "Medical reintegration", "return_plan": "Full time by January"}  # fmt: skip
    review = {"version": "1", "reviewed_on": "2025-11-19", "notes": "Intruder", "outcome": "continue",
              "next_review_date": "2025-12-05", "sessions_per_week": "6"}  # fmt: skip
    return [
        Attempt("a part-time timetable for another LA's pupil", f"/partnership/timetables/new/?upn={w['kit'].upn}",
                new, "cases.write"),
        Attempt("a review of another LA's part-time timetable",
                f"/partnership/timetables/{w['south_timetable'].pk}/review/", review, "cases.write"),
        Attempt("the LA's scrutiny of another LA's part-time timetable",
                f"/partnership/timetables/{w['south_timetable'].pk}/scrutiny/",
                {"version": "2", "decision": "agreed", "note": "Intruder"}, "cases.write"),  # after the review
    ]  # fmt: skip


def add_south_plan(w: dict) -> None:
    """Kit's case at Cedar (Southshire) with a support plan and one action (attend/casework/plans.py)."""
    from attend.casework.cases import open_case
    from attend.casework.plans import action_add, plan_create

    PupilContact.objects.filter(pupil=w["kit"]).update(parental_responsibility=True)
    w["south_case"], _ = open_case(by=None, pupil=w["kit"], school=w["cedar"])
    w["south_plan"] = plan_create(
        w["south_case"], by=None, title="Attendance support plan", started_on=dt.date(2025, 11, 3),
        review_date=dt.date(2025, 12, 17), goal_percent=None, goal_weeks=None,
    )  # fmt: skip
    w["south_action"] = action_add(
        w["south_plan"], by=None, description="Breakfast club three days a week", owner="school",
        starts_on=dt.date(2025, 11, 3), due=dt.date(2025, 12, 12),
    )  # fmt: skip


def plan_attempts(w: dict) -> list[Attempt]:
    """The assessment and support plan pages of another LA's case (attend/casework/views_plans.py)."""
    case, plan, action = w["south_case"].ref, w["south_plan"].pk, w["south_action"].pk
    base = f"/cases/{case}/plans/{plan}/"
    dates = {"started_on": "2025-11-03", "review_date": "2025-12-17", "goal_percent": "90", "goal_weeks": "6"}
    act = {"description": "Walk in with a friend", "owner": "parent", "starts_on": "2025-11-03", "due": "2025-12-12",
           "status": "in_progress"}  # fmt: skip
    # The review names every action's progress, so it comes before a new action is added.
    return [
        Attempt("another LA's case's assessment", f"/cases/{case}/assessment/",
                {"version": "0", "child_views": "Intruder's words"}, "cases.write"),
        Attempt("a plan on another LA's case", f"/cases/{case}/plans/new/", {"title": "Plan", **dates},
                "cases.write"),
        Attempt("another LA's plan", base, {"version": "1", "title": "Renamed", **dates, "status": "active"},
                "cases.write"),
        Attempt("another LA's plan's action", f"{base}actions/{action}/", {**act, "version": "1"}, "cases.write"),
        Attempt("a review of another LA's plan", f"{base}review/",
                {"reviewed_on": "2025-12-10", "progress": "Intruder", f"action_{action}_status": "done"},
                "cases.write"),
        Attempt("an action on another LA's plan", f"{base}actions/new/", act, "cases.write"),
        Attempt("send another LA's plan to the parents", f"{base}send/", {"route": "print"}, "cases.write"),
    ]  # fmt: skip


def make_casework(w: dict) -> None:
    """Southshire's case about Kit at Cedar: a consent, a planned and a held meeting, a safeguarding record."""
    from attend.casework.cases import open_case
    from attend.casework.models import Consent, Meeting, SafeguardingRecord

    case, _ = open_case(by=None, pupil=w["kit"], school=w["cedar"])
    start = dt.datetime.combine(TODAY, dt.time(10), tzinfo=dt.UTC)
    w["case"] = case
    w["consent"] = Consent.objects.create(
        case=case, contact=w["contact"], given_by_name="Alex Faraway", how="telephone", given_on=TODAY,
        contact_number="07700 900999",
    )  # fmt: skip
    meeting = {
        "case": case,
        "method": "telephone",
        "purpose": "parent",
        "starts_at": start,
        "agenda": "School",
    }
    w["meeting"] = Meeting.objects.create(**meeting)
    w["held"] = Meeting.objects.create(**meeting, status="held", record="## School\nFine.")
    w["sg_record"] = SafeguardingRecord.objects.create(case=case, kind="social_care", summary="Referred")


def _southshire_network(w: dict) -> None:
    """Kit's social worker (attend/partnership/network.py)."""
    from attend.partnership.models import NetworkMember

    NetworkMember.objects.create(
        pupil=w["kit"],
        role="social_worker",
        name="Sol Worker",
        organisation="Southshire CS",
        phone="01632 960001",
    )


def _southshire_notices(w: dict) -> None:
    """Kit (Cedar, Southshire) has two more parents with parental responsibility, 10 unauthorised sessions in
    November, and two penalty notices to his father: PN-2025-000771 (not yet served) and PN-2025-000772."""
    from decimal import Decimal

    from attend.enforcement.models import CodeOfConduct, PenaltyNotice
    from attend.registers.models import Mark

    kit, cedar = w["kit"], w["cedar"]
    for ref, relationship in (("C-KIT-2", "Mother"), ("C-KIT-3", "Stepfather")):
        contact = Contact.objects.create(
            contact_ref=ref, source_school=cedar, forename=relationship, surname="Faraway",
            address_line1="1 Cedar Row", postcode="SO1 1AA",
        )  # fmt: skip
        PupilContact.objects.create(
            pupil=kit, contact=contact, relationship=relationship, parental_responsibility=True,
            lives_with_pupil=True, priority=2,
        )  # fmt: skip
        w[ref] = contact
    enrolment = kit.enrolments.get(school=cedar)
    days = [dt.date(2025, 11, d) for d in range(17, 22)]
    Mark.objects.bulk_create(
        [Mark(enrolment=enrolment, date=d, session=s, code="O") for d in days for s in ("AM", "PM")]
    )
    code = CodeOfConduct.objects.get_or_create(
        local_authority=None, version=1,
        defaults={"effective_from": dt.date(2024, 8, 19), "sufficient_improvement": "No unauthorised absence"},
    )[0]  # fmt: skip
    for number in ("PN-2025-000771", "PN-2025-000772"):
        PenaltyNotice.objects.create(
            number=number, pupil=kit, school=cedar, parent=w["contact"], parent_basis="Father", reason="other",
            issue_date=dt.date(2025, 11, 3), period_start=dt.date(2025, 10, 6), period_end=dt.date(2025, 10, 10),
            sessions=10, sequence=1, amount_reduced=Decimal("80"), amount_full=Decimal("160"),
            issued_by=w["cedar_officer"], issuer_capacity="la_officer", code=code,
        )  # fmt: skip


def notice_attempts(w: dict) -> list[Attempt]:
    """Penalty notices (issue 19): Kit's notices are Southshire's."""
    kit, today = w["kit"].upn, TODAY.isoformat()
    first, second = "PN-2025-000771", "PN-2025-000772"
    issue = {"parent": str(w["C-KIT-2"].pk), "issue_date": today, "reason": "other", "confirm": "1"}
    payments = f"notice_number,amount,paid_on,payment_reference\n{second},10.00,{today},MATRIX-CSV-1\n"
    return [
        Attempt("a penalty notice for another LA's pupil", f"/enforcement/pupils/{kit}/notices/new/", issue,
                "enforcement.issue"),
        Attempt("a penalty notice for another LA's pupil (API)", "/api/v1/penalty-notices/",
                {"upn": kit, "parent_contact_ref": "C-KIT-3", "issue_date": today}, "enforcement.issue", api=True),
        Attempt("serve another LA's penalty notice", f"/enforcement/notices/{first}/serve/",
                {"method": "hand", "on": today, "served_by": "Intruder", "address": "1 Cedar Row"},
                "enforcement.issue"),
        Attempt("a payment on another LA's penalty notice", f"/enforcement/notices/{first}/payments/",
                {"amount": "80.00", "on": today, "reference": "MATRIX-1"}, "enforcement.issue"),
        Attempt("a payment on another LA's penalty notice (API)", f"/api/v1/penalty-notices/{first}/payments/",
                {"amount": "10.00", "paid_on": today, "payment_reference": "MATRIX-2"}, "enforcement.issue",
                api=True),
        Attempt("another LA's notice in a payments file", "/enforcement/notices/payments/upload/",
                {"file": SimpleUploadedFile("payments.csv", payments.encode())}, "enforcement.issue",
                refusal="form"),
        Attempt("withdraw another LA's penalty notice", f"/enforcement/notices/{second}/decide/",
                {"decision": "withdraw", "ground": "error", "on": today, "note": "Intruder"}, "enforcement.issue"),
    ]  # fmt: skip


def _southshire_court(w: dict) -> None:
    """Lee at Cedar (Southshire) with a case, a mother with parental responsibility and a week of unauthorised
    absence (attend/enforcement, court). Not Kit: a court step moves the case's stage, which Kit's attempts set."""
    from attend.registers.models import Mark

    w["lee"] = make_pupil(surname="Court", legal_forename="Lee")
    at_cedar = Enrolment.objects.create(pupil=w["lee"], school=w["cedar"], admission_date=dt.date(2025, 9, 3),
                                        nc_year="6")  # fmt: skip
    w["lee_mother"] = Contact.objects.create(contact_ref="C-LEE-1", source_school=w["cedar"], forename="Sam",
                                             surname="Court", address_line1="2 Cedar Row", postcode="SO1 1AA")  # fmt: skip
    PupilContact.objects.create(pupil=w["lee"], contact=w["lee_mother"], relationship="Mother", priority=1,
                                parental_responsibility=True)  # fmt: skip
    Mark.objects.bulk_create([Mark(enrolment=at_cedar, date=dt.date(2025, m, d), session=s, code="O")
                              for m, d in ((10, 13), (10, 14), (11, 3), (11, 4), (11, 5), (11, 6), (11, 7))
                              for s in ("AM", "PM")])  # fmt: skip
    w["lee_case"], _ = open_case(by=None, pupil=w["lee"], school=w["cedar"])
    from attend.enforcement import orders, prosecutions

    by = w["cedar_officer"]
    w["lee_order"] = orders.consider(w["lee"], on=dt.date(2025, 12, 1), consideration="May help", pursue=True,
                                     by=by, case=w["lee_case"])  # fmt: skip
    w["lee_prosecution"] = prosecutions.decide(
        pupil=w["lee"], parent=w["lee_mother"], offence="s444_1", period_start=dt.date(2025, 10, 13),
        period_end=dt.date(2025, 10, 14), reasons="No engagement", by=by, school=w["cedar"],
        defences={k: "Considered: none applies" for k in prosecutions.DEFENCES},
    )  # fmt: skip


def court_attempts(w: dict) -> list[Attempt]:
    """A supervision order's consideration, then a decision to prosecute, on Southshire's case about Lee."""
    case = w["lee_case"].ref
    defences = {f"defence_{k}": "Considered: none applies" for k in
                ("leave", "sickness", "religious", "transport", "travelling")}  # fmt: skip
    return [
        Attempt("consider an order on another LA's case", f"/enforcement/cases/{case}/supervision-order/consider/",
                {"considered_on": "2025-12-10", "consideration": "Intruder", "pursue": "no"},
                "enforcement.prosecute"),
        Attempt("prosecute on another LA's case", f"/enforcement/cases/{case}/prosecutions/new/",
                {"parent": str(w["lee_mother"].pk), "offence": "s444_1", "period_start": "2025-11-03",
                 "period_end": "2025-11-07", "reasons": "Intruder", **defences}, "enforcement.prosecute"),
        Attempt("a step of another LA's order", f"/enforcement/cases/{case}/supervision-orders/{w['lee_order'].pk}/step/",
                {"step": "consulted", "on": "2025-12-05", "note": "Intruder"}, "enforcement.prosecute"),
        Attempt("a step of another LA's prosecution",
                f"/enforcement/cases/{case}/prosecutions/{w['lee_prosecution'].pk}/step/",
                {"step": "laid", "on": "2025-12-10"}, "enforcement.prosecute"),
    ]  # fmt: skip


def network_attempts(w: dict) -> list[Attempt]:
    kit = w["kit"].upn
    member = {"name": "Intruder", "organisation": "Nowhere", "email": "intruder@example.com", "phone": ""}
    return [
        Attempt("another LA's pupil's network", f"/partnership/network/{kit}/youth_justice/", member,
                "network.write"),
        Attempt("remove from another LA's pupil's network", f"/partnership/network/{kit}/social_worker/remove/",
                {}, "network.write"),
    ]  # fmt: skip


def casework_attempts(w: dict) -> list[Attempt]:
    cases = f"/cases/{w['case'].ref}"
    contact = str(w["contact"].pk)
    meeting = {
        "method": "telephone", "purpose": "parent", "date": TODAY.isoformat(), "time": "23:30",
        "length_minutes": "30", "agenda": "School", "route": "email",
    }  # fmt: skip
    return [
        Attempt("consent on another LA's case", f"{cases}/consent/new/",
                {"contact": contact, "how": "telephone", "given_on": TODAY.isoformat(), "parent_at_home": "on",
                 "contact_number": "07700 900999"}, "cases.write"),
        Attempt("withdraw consent on another LA's case", f"{cases}/consent/{w['consent'].pk}/withdraw/",
                {"reason": "x"}, "cases.write"),
        Attempt("a meeting on another LA's case", f"{cases}/meetings/new/", meeting, "cases.write"),
        Attempt("record a meeting on another LA's case", f"{cases}/meetings/{w['meeting'].pk}/record/",
                {"held": "no", "why_not_held": "No answer", "version": "1"}, "cases.write"),
        Attempt("send a meeting record on another LA's case", f"{cases}/meetings/{w['held'].pk}/send/",
                {"contact": contact, "route": "print"}, "cases.write"),
        Attempt("a contact's safety on another LA's case", f"{cases}/contacts/{contact}/safety/",
                {"address_confidential": "on", "confidential_reason": "Refuge", "version": "1"},
                "cases.write"),
        Attempt("a safeguarding concern on another LA's case", f"{cases}/safeguarding/new/",
                {"kind": "dsl_concern", "summary": "Concern"}, "cases.write"),
        Attempt("a safeguarding outcome on another LA's case",
                f"{cases}/safeguarding/{w['sg_record'].pk}/outcome/", {"outcome": "Closed"}, "cases.write"),
        Attempt("a restricted note on another LA's case", f"{cases}/safeguarding/notes/new/",
                {"text": "Restricted"}, "cases.safeguarding"),
    ]  # fmt: skip


def referral_attempts(w: dict) -> list[Attempt]:
    """A referral from Southshire's case about Kit to Southshire's service, and the service's reply to one
    already sent (attend/partnership/views_referrals.py)."""
    from attend.partnership.referrals import referral_make

    case = w["case"]
    if "south_referral" not in w:
        w["south_referral"] = referral_make(
            case, by=None, service=w["service"], reason="Family support", consent_given_by="Alex Faraway",
            consent_given_on=TODAY,
        )  # fmt: skip
    sent = w["south_referral"]
    new = {"case": case.ref, "service": str(w["service"].pk), "reason": "Not my case",
           "consent_given_by": "Alex Faraway", "consent_given_on": TODAY.isoformat(), "sent_on": TODAY.isoformat()}  # fmt: skip
    return [
        Attempt("a referral from another LA's case", "/partnership/referrals/new/", new, "cases.write"),
        Attempt("a reply to another LA's referral", f"/partnership/referrals/{sent.pk}/",
                {"status": "accepted", "on": TODAY.isoformat()}, "cases.write"),
    ]  # fmt: skip


def _southshire_cases(w: dict) -> None:
    """Southshire's casework: Kit's open case with two entries (one with a removal asked for by Cedar's officer),
    Noor at Cedar with no case, a closed case and an open one for children not on a roll."""
    from attend.casework.cases import close_case, open_case
    from attend.casework.chronology import record_entry, request_removal

    south, cedar, cy = w["other_la"], w["cedar"], w["cedar_officer"]
    w["kit_case"], _ = open_case(by=cy, pupil=w["kit"], school=cedar, reason="First-day absences")
    w["kit_entry"] = record_entry(w["kit_case"], kind="note", summary="Spoke to Alex at the gate", by=cy)
    wrong = record_entry(w["kit_case"], kind="note", summary="A sibling's note", by=cy)
    w["kit_removal"] = request_removal(wrong, cy, "About Kit's cousin")
    w["noor"] = make_pupil(school=cedar, surname="Hassan", legal_forename="Noor")
    child = {"forename": "Lee", "surname": "Wanderer"}
    w["closed_child_case"], _ = open_case(by=cy, local_authority=south, child=child)
    close_case(w["closed_child_case"], "moved_la", "Moved on", cy)
    w["child_case"], _ = open_case(
        by=cy, local_authority=south, child={"forename": "Ada", "surname": "Roamer"}
    )


def case_attempts(w: dict) -> list[Attempt]:
    """Writes to Southshire's casework (every persona is at Alder or in Northshire)."""
    south, kit_case, entry = w["other_la"], w["kit_case"].ref, w["kit_entry"].pk
    child = {"forename": "Ada", "surname": "Intruder", "local_authority": str(south.pk), "stage": "listen",
             "reason": "New arrival"}  # fmt: skip
    call = {"kind": "phone_call", "outcome": "no_answer", "date": "2025-12-09", "time": "09:00",
            "summary": "No answer"}  # fmt: skip
    return [
        Attempt("a case for another LA's pupil", "/cases/open/",
                {"upn": w["noor"].upn, "stage": "listen", "reason": "Absent"}, "cases.write"),
        Attempt("a child-not-on-roll case in another LA", "/cases/open/child/", child, "cases.write",
                refusal="form"),
        Attempt("log a call on another LA's case", f"/cases/{kit_case}/log/", call, "cases.write"),
        Attempt("correct an entry on another LA's case", f"/cases/{kit_case}/entries/{entry}/correct/",
                {**call, "kind": "", "summary": "Corrected"}, "cases.write"),
        Attempt("remove an entry on another LA's case", f"/cases/{kit_case}/entries/{entry}/remove/",
                {"reason": "Wrong child"}, "cases.write"),
        Attempt("approve another LA's removal", "/cases/removals/",
                {"removal": str(w["kit_removal"].pk), "decision": "approve"}, "cases.manage"),
        Attempt("another LA's case's stage", f"/cases/{kit_case}/stage/",
                {"stage": "facilitate", "reason": "Support", "version": "1"}, "cases.write"),
        Attempt("assign another LA's case", f"/cases/{kit_case}/assign/",
                {"lead_practitioner": "Intruder", "version": "2"},  # (Cedar's officer is deactivated by then)
                "cases.write"),
        Attempt("link another LA's child to a pupil", f"/cases/{w['child_case'].ref}/link-pupil/",
                {"upn": w["transfer_undo"].pupil.upn}, "cases.write"),
        Attempt("reopen another LA's case", f"/cases/{w['closed_child_case'].ref}/reopen/",
                {"reason": "Back again"}, "cases.write"),
        Attempt("close another LA's case", f"/cases/{kit_case}/close/",
                {"reason": "improved", "summary": "Better", "version": "3"}, "cases.write"),
    ]  # fmt: skip


def attempts(w: dict, me) -> list[Attempt]:
    """Every write endpoint with its attempts; `me` is the acting persona's user (None when anonymous)."""
    south, cedar, kit, cedar_officer = w["other_la"], w["cedar"], w["kit"], w["cedar_officer"]
    root, send_template = w["root"], library.available(cedar)[0].name
    letter = {"template": send_template, "contact": str(w["contact"].pk), "route": "print", "send": "1"}
    version = {
        "subject": "Changed",
        "body": "Changed words for {{ pupil.forename }}.",
        "note": "",
        "save": "1",
    }
    service = {
        "local_authority": str(south.pk), "name": "Intruder's Help", "kind": "early_help", "area": "",
        "contact": "01632 960001", "how_to_refer": "Phone", "active": "on",
    }  # fmt: skip
    marks = f"upn,school_urn,date,session,code\n{kit.upn},{cedar.urn},2025-12-08,AM,O\n"
    api_marks = marks.replace(
        "2025-12-08", "2025-12-09"
    )  # not the web upload's mark, which the superuser made
    user_page = f"/settings/users/{cedar_officer.pk}/"
    sysadmins = {R.SYSTEM_ADMIN}  # they manage every LA's users and services (attend.directory.scope)
    return [
        Attempt("confirm another LA's transfer", f"/transfers/{w['transfer_confirm'].pk}/",
                {"decision": "confirm"}, "la.dashboard"),
        Attempt("undo another LA's transfer", f"/transfers/{w['transfer_undo'].pk}/",
                {"decision": "undo"}, "la.dashboard"),
        Attempt("another LA's thresholds", f"/settings/thresholds/la/{south.pk}/", thresholds_data(),
                "settings.thresholds"),
        Attempt("another LA's school's thresholds", f"/settings/thresholds/school/{cedar.urn}/",
                thresholds_data(), "settings.thresholds"),
        Attempt("another school's thresholds", f"/settings/thresholds/school/{w['beech'].urn}/",
                thresholds_data(), "settings.thresholds", in_scope=LA_ROLES),
        Attempt("a new user at another LA's school", "/settings/users/new/",
                {"username": "intruder", "role": R.SCHOOL_OFFICER, "scope": f"school-{cedar.pk}"},
                "settings.users", refusal="form", in_scope=sysadmins),
        Attempt("a new system administrator", "/settings/users/new/",
                {"username": "intruder2", "role": R.SYSTEM_ADMIN, "scope": ""}, "settings.users",
                refusal="form"),
        Attempt("another LA's user's role", user_page,
                {"action": "role", "membership": str(w["cedar_membership"].pk), "role": R.LA_MANAGER},
                "settings.users", in_scope=sysadmins),
        Attempt("a role for another LA's user", user_page,
                {"action": "add", "role": R.LA_MANAGER, "scope": f"la-{south.pk}"}, "settings.users",
                in_scope=sysadmins),
        Attempt("deactivate another LA's user", user_page, {"action": "deactivate"}, "settings.users",
                in_scope=sysadmins),
        Attempt("deactivate a superuser", f"/settings/users/{root.pk}/", {"action": "deactivate"},
                "settings.users", in_scope={"superuser"}),  # for them it is their own account
        Attempt("a role for a superuser", f"/settings/users/{root.pk}/",
                {"action": "add", "role": R.LA_MANAGER, "scope": f"la-{w['la'].pk}"}, "settings.users"),
        Attempt("a role for oneself", f"/settings/users/{me.pk if me else 0}/",
                {"action": "add", "role": R.DSL, "scope": f"school-{w['alder'].pk}"}, "settings.users",
                in_scope={"superuser"}),
        Attempt("a service in another LA", "/settings/services/new/", service, "services.manage",
                refusal="form", in_scope=sysadmins),
        Attempt("another LA's service", f"/settings/services/{w['service'].pk}/",
                {**service, "name": "Renamed"}, "services.manage", in_scope=sysadmins),
        Attempt("another LA's letter template", f"/letters/templates/{w['south_template'].pk}/",
                {**version, "la": str(south.pk)}, "letters.templates", refusal="403"),
        Attempt("a template for another LA's school", f"/letters/templates/{w['default_template'].pk}/",
                {**version, "school": str(cedar.urn)}, "letters.templates", refusal="403"),
        Attempt("a letter about another LA's pupil", f"/letters/pupils/{kit.upn}/send/", letter, "letters.send"),
        Attempt("a letter about a pupil who has left", f"/letters/pupils/{w['pupil'].upn}/send/",
                {**letter, "template": library.available(w["beech"])[0].name,
                 "contact": str(w["pupil"].contact_links.get().contact_id)},
                "letters.send", refusal="403", in_scope=LA_ROLES),  # fmt: skip
        Attempt("mark another LA's letter returned", f"/letters/pupils/{kit.upn}/messages/{w['south_sent'].pk}/",
                {"note": "Gone away"}, "pupil.view"),
        Attempt("a batch of letters for another LA's pupil", "/letters/batches/new/",
                {"template": "concern_stage_1", "route": "print", "upn": kit.upn}, "letters.send",
                refusal="form"),
        Attempt("approve another LA's batch", f"/letters/batches/{w['south_batch'].pk}/", {}, "letters.send"),
        Attempt("approve a held letter in another LA's batch",
                f"/letters/batches/{w['south_batch'].pk}/letters/{w['south_held'].pk}/", {"action": "approve"},
                "letters.send"),
        Attempt("another LA's pupil's subject access export", f"/privacy/subject-access/{kit.upn}/", {},
                "pupil.subject_access", changes=False),
        Attempt("another user's password", "/account/password/",
                {"old_password": PASSWORD, "new_password1": "a brand new secret 9",
                 "new_password2": "a brand new secret 9", "username": cedar_officer.username,
                 "user": str(cedar_officer.pk)}, "account.password", refusal="own", changes=False),  # fmt: skip
        Attempt("a report of another LA's schools", "/reports/new/",
                {"report": "pupils", "school": str(cedar.urn), "la": str(south.pk)}, "report.build",
                refusal="own", changes=False),
        Attempt("another LA's marks (web upload)", "/imports/new/",
                {"kind": "marks", "file": SimpleUploadedFile("marks.csv", marks.encode())}, "import.run",
                refusal="own", in_scope=sysadmins),
        Attempt("a case for another LA's pupil (API)", "/api/v1/cases/", {"upn": w["rowan"].upn},
                "cases.write", api=True),
        Attempt("an entry on another LA's case (API)", f"/api/v1/cases/{w['south_case'].ref}/chronology/",
                {"kind": "note", "occurred_at": "2025-12-09T10:00:00Z", "summary": "Not my case"},
                "cases.write", api=True),
        Attempt("a document on another LA's case", f"/cases/{w['south_case'].ref}/attach/",
                {"description": "Not my case", "file": SimpleUploadedFile("x.pdf", b"%PDF-1.4\n%%EOF\n")},
                "cases.write"),
        Attempt("a family link on another LA's case", f"/cases/{w['south_case'].ref}/family/",
                {"action": "confirm", "confirm-pupil": w["rowan"].upn, "confirm-reason": "Mother confirmed"},
                "cases.view"),
        Attempt("another LA's marks (API)", "/api/v1/imports/",
                {"kind": "marks", "file": SimpleUploadedFile("marks.csv", api_marks.encode())}, "import.run",
                refusal="403", in_scope=sysadmins, api=True),
        *plan_attempts(w),
        *tsm_attempts(w),
        *timetable_attempts(w),
        *casework_attempts(w),
        *visit_attempts(w),  # before case_attempts, whose last attempt closes Kit's case
        *referral_attempts(w),  # before case_attempts, whose last attempt closes Kit's case
        *visits_attempts(w),  # before case_attempts too: a visit is planned on Kit's open case
        *[Attempt(**a) for a in ladder_attempts(w)],  # (also before case_attempts)
        *[Attempt(**a) for a in enquiry_attempts(w)],  # CME enquiries (attend/cme/tests/matrix_enquiries.py)
        *case_attempts(w),
        *court_attempts(w),
        *network_attempts(w),
        *escalation_attempts(w),
        *office_attempts(w),
        *notice_attempts(w),
        *[Attempt(**a) for a in s19_attempts(w)],
        *ehe_attempts(w, Attempt),
        *profile_attempts(w, Attempt),  # an MIS register report (attend/jobs/tests/matrix_profiles.py)
        *roll_attempts(w),  # last: the superuser's run deletes Kit from Cedar's roll
    ]  # fmt: skip


def roll_attempts(w: dict) -> list[Attempt]:
    """A deletion from the roll (a deletion return) for another LA's pupil (attend/cme/views_roll.py)."""
    data = {"ground": "k", "deleted_on": TODAY.isoformat(), "note": "Intruder"}
    return [Attempt("a deletion from the roll for another LA's pupil", f"/cme/deletions/new/{w['kit'].upn}/", data,
                    "cme.deletion")]  # fmt: skip


# Which URL pattern each attempt's URL belongs to (for the coverage test).
COVERED = {
    "people:transfer-decide", "directory:thresholds-la", "directory:thresholds-school", "directory:user-new",
    "directory:user", "directory:service-new", "directory:service", "letters:template-edit",
    "letters:pupil-send", "letters:message", "letters:batch-new", "letters:batch", "letters:batch-letter",
    "privacy:subject-access", "password-change", "jobs:report-new", "jobs:import-new",
    "api:imports",
    # Casework: assessment and support plans.
    "casework:assessment", "casework:plan-new", "casework:plan", "casework:plan-action-new",
    "casework:plan-action", "casework:plan-review", "casework:plan-send",
    "partnership:timetable-new", "partnership:timetable-review", "partnership:timetable-scrutiny",
    # Casework: consent, meetings, contacts' safety, safeguarding.
    "casework:consent-new", "casework:consent-withdraw", "casework:meeting-new",
    "casework:meeting-record", "casework:meeting-send", "casework:contact-safety", "casework:safeguarding-new",
    "casework:safeguarding-outcome", "casework:restricted-note-new",
    # Casework: cases and their chronology.
    "casework:case-open", "casework:case-open-child", "casework:case-log", "casework:entry-correct",
    "casework:entry-remove", "casework:removals", "casework:case-stage", "casework:case-assign",
    "casework:case-link-pupil", "casework:case-reopen", "casework:case-close",
    # Casework: the API, documents and families.
    "api:cases", "api:case-chronology", "casework:attach", "casework:family",
    # Partnership: the professional network.
    "partnership:network-member", "partnership:network-member-remove",
    # Partnership: targeting support meetings.
    "partnership:tsm-record", "partnership:tsm-action-new", "partnership:tsm-action-review",
    # Partnership: referrals to the services directory.
    "partnership:referral-new", "partnership:referral",
    # Home visits: acknowledging a lone-worker escalation.
    "visits:escalation",
    # Home visits: the officer's profile, escalation contacts, the phone pages of a round, the office's check-in.
    "visits:contact-end", "visits:lone-start", "visits:lone-check-in",
    "visits:lone-help", "visits:office-check-in",
    # Home visits: outcomes and the risk marker after a visit cancelled for safety.
    "visits:visit-outcome", "visits:visit-risk-marker", "visits:visit-safety-report-resend",
    # Home visits: lists, rounds, risk checks and markers.
    "visits:plan", "visits:reactive-add", "visits:round-add", "visits:round-move", "visits:risk-check",
    "visits:risk-new", "visits:risk-review", "visits:risk-end",
    # Enforcement: the ladder (attend/enforcement/tests/matrix_ladder.py).
    *LADDER_COVERED,
    # Enforcement: penalty notices (pages and API).
    "enforcement:notice-new", "enforcement:notice-serve", "enforcement:notice-payment", "enforcement:notice-decide",
    "enforcement:notice-payments-upload", "api:penalty-notices", "api:penalty-notice-payments",
    # Enforcement (court): supervision orders and prosecutions on a case.
    "enforcement:court-consider", "enforcement:court-prosecution-new", "enforcement:court-order-step",
    "enforcement:court-prosecution-step",
    # Children missing education: the s19 decision (attend/cme/tests/matrix_s19.py).
    *S19_COVERED,
    # Children missing education: elective home education (attend/cme/tests/matrix_ehe.py).
    *EHE_COVERED,
    # Children missing education: deletions from the roll.
    "cme:deletion-new",
    # Children missing education: enquiries (attend/cme/tests/matrix_enquiries.py).
    *ENQUIRY_COVERED,
    # Imports: an MIS register report matched and imported (attend/jobs/tests/matrix_profiles.py).
    *PROFILE_COVERED,
}  # fmt: skip


MATRIX_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast, for this test only


def matrix_env(monkeypatch) -> None:
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    # The lone-worker clock too: at the real time of day the world's round out on visits (check-in due 10:00)
    # fell overdue after 10:15 and its escalation ran during an attempt, changing the tables.
    monkeypatch.setenv("ATTEND_NOW", f"{TODAY.isoformat()}T09:30")


def make_matrix_world() -> dict:
    w = make_world()
    w["users"] = make_persona_users(w, password=PASSWORD)
    w["root"] = w["users"]["superuser"]
    # Southshire's code of conduct is configured (the ladder's world), so issuing needs the LA's authorisation
    # (EA 1996 s444B), even for the superuser who must show that every write works.
    from attend.enforcement.models import IssuerAuthorisation

    IssuerAuthorisation.objects.create(
        user=w["root"], capacity="la_officer", local_authority=w["cedar"].local_authority,
        authorised_by="Southshire's director of children's services", authorised_on=dt.date(2025, 9, 1),
    )  # fmt: skip
    return w


@pytest.fixture(scope="module")
def shared_load_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world, built once for the module (every persona's test used to build it again) in a transaction
    rolled back at the module's end (attend/demo/tests/shared_load.py)."""
    var_dir = tmp_path_factory.mktemp("matrix")
    built = {}

    def load() -> None:
        with pytest.MonkeyPatch.context() as monkeypatch:
            matrix_env(monkeypatch)
            with override_settings(
                PASSWORD_HASHERS=MATRIX_HASHERS, ATTEND_STATS_DIR=str(var_dir / "analytics")
            ):
                built.update(make_matrix_world())

    with shared_load(django_db_blocker, var_dir, load) as template:
        yield template, built


@pytest.fixture
def world(request, shared_load_world, db, monkeypatch, settings, tmp_path):
    template, built = shared_load_world
    matrix_env(monkeypatch)
    settings.PASSWORD_HASHERS = MATRIX_HASHERS
    use_copy(request, template, tmp_path, settings)
    settings.ATTEND_STATS_DIR = str(tmp_path / "analytics")
    # Its own copy of the dict and the model instances in it: a test may change either.
    return copy.deepcopy(built)


def expected(persona: str, attempt: Attempt) -> str:
    if persona == "anonymous":
        return "sign-in"
    if persona in attempt.in_scope:
        return "skip"
    if persona == "superuser":
        return "own" if attempt.refusal == "own" and not attempt.changes else "works"
    if persona == "no_membership" or persona not in PERMISSIONS[attempt.permission].roles:
        return "403"
    return attempt.refusal


def post(client, attempt: Attempt, token: str | None):
    headers = bearer(token) if attempt.api and token else {}
    return client.post(attempt.url, attempt.data, headers=headers)


def errors_shown(response) -> str:
    """The error summary's text, if the page shows one (so a failure says why a form was refused)."""
    page = response.content.decode(errors="ignore")
    if "govuk-error-summary" not in page:
        return ""
    summary = page[page.index("govuk-error-summary") :][:3000]
    return " [" + " ".join(re.sub(r"<[^>]+>", " ", summary).split())[:300] + "]"


def problem(persona: str, attempt: Attempt, response, before: str, after: str, new_audit: list) -> str | None:
    outcome = expected(persona, attempt)
    status, location = response.status_code, response.get("Location", "")
    where = f"{persona} · {attempt.name}: expected {outcome}, got {status} {location}{errors_shown(response)}"
    if outcome == "works":
        refused = status in (401, 403, 404) or "govuk-error-summary" in response.content.decode(
            errors="ignore"
        )
        if refused or (attempt.changes and after == before):
            return where + (" (nothing changed)" if not refused else "")
        return None
    if attempt.api:
        ok = status == {"sign-in": 401, "403": 403, "404": 404}.get(outcome, 403)
    else:
        ok = {
            "sign-in": status == 302 and location.startswith("/sign-in/"),
            "403": status == 403,
            "404": status == 404,
            "form": status == 200 and "govuk-error-summary" in response.content.decode(),
            "own": status in (200, 302) and not location.startswith("/sign-in/"),
        }[outcome]
    if not ok:
        return where
    if after != before:
        return where + " and CHANGED the tables"
    # A refused write leaves no trace in the audit trail; the persona's own job or password may be recorded.
    own = {"accounts.password.changed", "jobs.import.started", "jobs.report.started"}
    if [a for a in new_audit if a not in own]:
        return where + f" and audited {new_audit}"
    return None


@pytest.mark.parametrize("persona", PERSONAS)
def test_writes_outside_scope_are_refused_and_change_nothing(client, world, persona):
    user = world["users"][persona]
    token = token_for(user) if user is not None else None
    if user is not None:
        client.force_login(user)
    problems = []
    # The checksum after one attempt is the one before the next (nothing writes in between): read once, not twice
    # (it reads every writable table: two reads per attempt were most of this test's time).
    to_try = attempts(world, user)  # before the first checksum: listing them may write (letter templates)
    after = write_checksum(user)
    for attempt in to_try:
        if expected(persona, attempt) == "skip":
            continue
        before, last_event = after, AuditEvent.objects.order_by("-pk").values_list("pk").first()
        response = post(client, attempt, token)
        run_queued_tasks()  # an import or report job runs now, as the worker would
        new_audit = list(
            AuditEvent.objects.filter(pk__gt=last_event[0] if last_event else 0).values_list(
                "action", flat=True
            )
        )
        after = write_checksum(user)
        if found := problem(persona, attempt, response, before, after, new_audit):
            problems.append(found)
    assert not problems, "\n".join(problems)


# ----- every write endpoint is in the matrix

WRITES = re.compile(
    r"request\.(POST|FILES|method|data)\b|require_POST|require_http_methods\(\[[^\]]*(POST|PUT|PATCH|DELETE)"
)


def _source_with_helpers(func, depth: int = 2) -> str:
    """The view's source and that of the functions of its module it calls (views hand forms to helpers)."""
    func = inspect.unwrap(func)
    source = inspect.getsource(func)
    if depth:
        module = inspect.getmodule(func)
        for name in set(re.findall(r"\b(_?\w+)\(", source)):
            helper = getattr(module, name, None)
            if inspect.isfunction(helper) and helper is not func and helper.__module__ == module.__name__:
                source += _source_with_helpers(helper, depth - 1)
    return source


def accepts_writes(entry) -> bool:
    view_class = getattr(entry.callback, "view_class", None) or getattr(entry.callback, "cls", None)
    if view_class is not None:
        methods = {m for m in ("post", "put", "patch", "delete") if hasattr(view_class, m)}
        return bool(methods & set(getattr(view_class, "http_method_names", methods)))
    return bool(WRITES.search(_source_with_helpers(entry.callback)))


def test_the_matrix_covers_every_write_endpoint():
    # The admin site is for system administrators and is not row-scoped: test_url_permissions (who may open it,
    # which models are read-only) and the accounts tests (who may grant superuser or a system-admin role).
    found = {e.view_name for e in url_entries() if "admin" not in e.namespaces and accepts_writes(e)}
    assert found - set(EXEMPT) == COVERED
    assert {"login", "logout", "web:alert-action", "api:imports", "directory:service"} <= found


def test_every_attempt_names_a_covered_endpoint(world):
    from django.urls import resolve

    named = {resolve(a.url.split("?")[0]).view_name for a in attempts(world, world["users"]["superuser"])}
    assert named == COVERED


def test_a_school_the_pupil_left_cannot_preview_a_letter_with_todays_contacts(client, world):
    """The template page's preview renders a letter for a pupil: for a pupil who has left, the old school gets a
    clear error, not a letter to the new school's contact about the new school (issue 14, finding 4)."""
    client.force_login(world["users"][R.ATTENDANCE_LEAD])
    body = "Dear {{ parent.full_name }}, {{ pupil.forename }} now at {{ school.name }}."
    response = client.post(
        f"/letters/templates/{world['default_template'].pk}/",
        {"subject": "Hello", "body": body, "preview_upn": world["pupil"].upn, "preview": "1"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "That pupil has left your school: preview the letter for a pupil on roll" in page
    assert "Sam Mover" not in page and "Beech Primary" not in page


# ----- the admin site (not row-scoped: a system administrator runs the service)


def admin_attempts(w: dict, me) -> list[tuple[str, str, dict, set]]:
    """(name, url, data, personas in scope) of admin writes outside scope. The admin site is left out of the
    resolver walk above (hundreds of generated pages); these are its writes that matter for scope."""
    south, kit, root = w["other_la"], w["kit"], w["root"]
    token = w["cedar_token"]
    return [
        ("a pupil's name", f"/admin/people/pupil/{kit.pk}/change/",
         {"upn": kit.upn, "legal_forename": "Changed", "legal_surname": kit.legal_surname,
          "date_of_birth": "2015-01-01", "sex": kit.sex}, set()),
        ("another user's API token", "/admin/api/apitoken/",
         {"action": "revoke", "_selected_action": [str(token.pk)], "index": "0"}, {R.SYSTEM_ADMIN}),
        ("a superuser's account", f"/admin/accounts/user/{root.pk}/delete/", {"post": "yes"}, set()),
        ("a role for oneself", "/admin/accounts/membership/add/",
         {"user": str(me.pk if me else 0), "role": R.LA_MANAGER, "local_authority": str(south.pk)}, set()),
        ("superuser for oneself", f"/admin/accounts/user/{me.pk if me else 0}/change/",
         {"username": me.username if me else "x", "is_superuser": "on", "is_active": "on",
          "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0"}, set()),
    ]  # fmt: skip


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "superuser"])
def test_admin_writes_outside_scope_change_nothing(client, world, persona):
    token_for(world["cedar_officer"])
    world["cedar_token"] = ApiToken.objects.get(user=world["cedar_officer"])
    user = world["users"][persona]
    if user is not None:
        client.force_login(user)
    problems = []
    to_try = admin_attempts(world, user)
    after = write_checksum(user)  # each attempt's "after" is the next one's "before", as above
    for name, url, data, in_scope in to_try:
        before = after
        response = client.post(url, data)
        after = write_checksum(user)
        if persona in in_scope:  # their job: the same request works (so the others' refusals are refusals)
            if after == before:
                problems.append(f"{persona} · admin: {name}: in scope, but nothing changed")
            continue
        status, location = response.status_code, response.get("Location", "")
        # Refused by the permission table (403, sign-in), by the admin's model permissions (403), or by the
        # form (the page again): whichever way, the tables are as they were.
        if status >= 500 or after != before:
            problems.append(f"{persona} · admin: {name}: got {status} {location}{errors_shown(response)}")
    assert not problems, "\n".join(problems)
