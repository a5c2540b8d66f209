"""The enquiry rules (attend/cme/enquiries.py): opening (per child, from an alert, by hand, the responsible LA),
recording reasonable enquiries (append-only, corrections), closing with an outcome (and its refusals), and the
joint-enquiry gate for a ground (i) deletion (2024 Regs reg 9(1)(i))."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, transaction

from attend.audit.models import AuditEvent
from attend.casework.models import ChronologyEntry, EntryKind
from attend.cme import las
from attend.cme.enquiries import (
    EnquiryRefused,
    close_enquiry,
    joint_enquiry_gaps,
    open_enquiry,
    record_check,
)
from attend.cme.models import CmeEnquiry, EnquiryCheck, LaReferral

from .enquiries_world import TODAY, at, cme_alert, make_enquiry_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    return make_enquiry_world()


def from_alert(w, **extra) -> CmeEnquiry:
    return open_enquiry(by=w["la_officer"], source="alert", source_alert=w["alert"], at=at(dt.date(2025, 11, 17)),
                        concern="Absent 20 days; phone numbers dead", **extra)  # fmt: skip


def check(enquiry, by, party="school", kind="contacts", on=dt.date(2025, 11, 18), **extra) -> EnquiryCheck:
    return record_check(enquiry, by=by, kind=kind, party=party, done_on=on, done_by_name=by.get_full_name(),
                        result=extra.pop("result", "No answer on any number"), **extra)  # fmt: skip


def cme_entries(case) -> list[str]:
    return list(ChronologyEntry.objects.filter(case=case, kind=EntryKind.CME).order_by("id")
                .values_list("summary", flat=True))  # fmt: skip


# ----- opening


def test_an_enquiry_from_the_alert_is_on_the_pupils_case_with_the_alert_linked(w):
    enquiry = from_alert(w)
    assert enquiry.ref == "CME-000001"
    assert (enquiry.pupil, enquiry.school, enquiry.local_authority) == (w["amy"], w["alder"], w["north"])
    assert enquiry.source == "alert" and enquiry.status == "open"
    assert enquiry.case.pupil == w["amy"] and enquiry.case.is_open
    assert cme_entries(enquiry.case) == [
        "Children missing education enquiry CME-000001 opened (20 days' continuous absence (work-list alert)): "
        "Absent 20 days; phone numbers dead"
    ]
    w["alert"].refresh_from_db()
    assert (w["alert"].status, w["alert"].case) == ("linked", enquiry.case)
    assert AuditEvent.objects.filter(action="cme.enquiry.opened", pupil=w["amy"]).count() == 1


def test_one_enquiry_per_child_the_open_one_comes_back(w):
    first = from_alert(w)
    again = open_enquiry(
        by=w["school_officer"], source="school", pupil=w["amy"], concern="We cannot reach them"
    )
    assert again.pk == first.pk
    assert CmeEnquiry.objects.count() == 1
    close_enquiry(first, by=w["la_officer"], outcome="left_country", on=TODAY, note="Moved to Portugal")
    new = open_enquiry(
        by=w["school_officer"], source="school", pupil=w["amy"], concern="Back, then gone again"
    )
    assert new.pk != first.pk and new.ref == "CME-000002" and new.case == first.case


def test_the_la_where_the_child_lives_is_responsible(w):
    enquiry = from_alert(w, lives_in_la=w["south"])
    assert enquiry.local_authority == w["south"] and enquiry.lives_in_la == w["south"]
    assert enquiry.school == w["alder"]  # the school's LA keeps its pupil's case
    assert (
        "the child lives in Southshire, which is responsible for the enquiry" in cme_entries(enquiry.case)[0]
    )


def test_without_where_the_child_lives_the_schools_la_is_responsible(w):
    enquiry = open_enquiry(
        by=w["school_officer"], source="school", pupil=w["amy"], concern="Not seen for weeks"
    )
    assert (
        enquiry.local_authority == w["north"] and enquiry.lives_in_la is None and enquiry.school == w["alder"]
    )


def test_by_hand_for_a_child_never_on_a_roll_opens_a_case_for_the_child(w):
    child = {"forename": "Zara", "surname": "Nowak", "date_of_birth": dt.date(2016, 3, 4),
             "address": "3 Quay Street", "postcode": "NO1 2AB"}  # fmt: skip
    enquiry = open_enquiry(by=w["la_officer"], source="by_hand", child=child, lives_in_la=w["north"],
                           concern="Neighbour says Zara is not at school")  # fmt: skip
    assert enquiry.pupil is None and enquiry.school is None and enquiry.local_authority == w["north"]
    assert enquiry.case.child_name == "Zara Nowak" and enquiry.case.local_authority == w["north"]
    assert enquiry.case.child_postcode == "NO1 2AB"
    assert len(cme_entries(enquiry.case)) == 1


@pytest.mark.parametrize(
    "kwargs, reason",
    [
        ({"source": "alert", "pupil": "amy", "concern": "  "}, "Say why the child may be missing education"),
        ({"source": "by_hand", "child": {"forename": "Zara"}, "concern": "x"}, "Enter the child's surname"),
        (
            {"source": "by_hand", "child": {"surname": "Nowak"}, "concern": "x"},
            "Say which local authority the child lives in",
        ),
        ({"source": "gossip", "pupil": "amy", "concern": "x"}, "'gossip' is not a source of an enquiry"),
    ],
)
def test_opening_refuses_bad_input_with_the_reason(w, kwargs, reason):
    if kwargs.get("pupil"):
        kwargs["pupil"] = w[kwargs["pupil"]]
    with pytest.raises(EnquiryRefused, match=reason):
        open_enquiry(by=w["la_officer"], **kwargs)
    assert CmeEnquiry.objects.count() == 0


def test_only_a_cme_or_returned_post_alert_starts_an_enquiry(w):
    other = cme_alert(w["ben"], w["cedar"], rule="persistent_absence")
    with pytest.raises(EnquiryRefused, match="Only a 20 days' absence or returned post alert"):
        open_enquiry(by=w["la_officer"], source="alert", source_alert=other, concern="x")
    returned = cme_alert(w["ben"], w["cedar"], rule="returned_post")
    enquiry = open_enquiry(
        by=w["south_officer"], source="returned_letter", source_alert=returned, concern="Gone"
    )
    assert enquiry.local_authority == w["south"]


# ----- reasonable enquiries


def test_a_check_goes_on_the_chronology_and_the_row_is_append_only(w):
    enquiry = from_alert(w)
    made = check(enquiry, w["school_officer"])
    assert cme_entries(enquiry.case)[-1] == (
        "CME-000001: Parents and contacts rung (the school, Sam Patel, 18 November 2025): No answer on any number"
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        EnquiryCheck.objects.filter(pk=made.pk).update(result="Changed later")
    with pytest.raises(DatabaseError), transaction.atomic():
        EnquiryCheck.objects.filter(pk=made.pk).delete()
    made.refresh_from_db()
    assert made.result == "No answer on any number"


def test_a_correction_is_a_new_row_that_replaces_the_old_in_the_checklist(w):
    from attend.cme.enquiries import checklist, current_checks

    enquiry = from_alert(w)
    wrong = check(enquiry, w["la_officer"], party="la", kind="housing", result="Tenancy ended")
    fixed = check(
        enquiry, w["la_officer"], party="la", kind="council_tax", corrects=wrong, result="Account closed"
    )
    assert [c.pk for c in current_checks(enquiry)] == [fixed.pk]
    assert EnquiryCheck.objects.filter(pk=wrong.pk).exists()
    rows = {row["kind"]: row["checks"] for row in checklist(enquiry)}
    assert rows["housing"] == [] and rows["council_tax"] == [fixed]
    assert cme_entries(enquiry.case)[-1].startswith("CME-000001: Correction of an earlier entry: Council tax")


@pytest.mark.parametrize(
    "change, reason",
    [
        ({"on": dt.date(2025, 11, 20)}, "cannot be in the future"),
        ({"kind": "astrology"}, "Choose what enquiry was made"),
        ({"party": "police"}, "Say whether the school or the local authority made it"),
        ({"result": " "}, "Enter what was found out"),
    ],
)
def test_a_check_refuses_bad_input(w, change, reason):
    enquiry = from_alert(w)
    with pytest.raises(EnquiryRefused, match=reason):
        check(enquiry, w["la_officer"], **change)
    assert enquiry.checks.count() == 0


def test_a_correction_of_another_enquirys_check_and_a_check_on_a_closed_enquiry_are_refused(w):
    enquiry = from_alert(w)
    other = open_enquiry(by=w["south_officer"], source="school", pupil=w["ben"], concern="Not seen")
    theirs = check(other, w["south_officer"], party="la")
    with pytest.raises(EnquiryRefused, match="A correction must be of an enquiry recorded on this enquiry"):
        check(enquiry, w["la_officer"], party="la", corrects=theirs)
    close_enquiry(enquiry, by=w["la_officer"], outcome="left_country", on=TODAY, note="")
    with pytest.raises(EnquiryRefused, match="CME-000001 is closed"):
        check(enquiry, w["la_officer"], party="la")


def test_a_safeguarding_referral_is_recorded_and_says_it_goes_the_usual_way_too(w):
    enquiry = from_alert(w)
    check(enquiry, w["la_officer"], party="la", kind="safeguarding_referral", result="Referred to MASH")
    assert cme_entries(enquiry.case)[-1].endswith(
        "Referred to MASH (Also made to the DSL / children's social care the usual way.)"
    )


# ----- closing


def test_not_found_needs_reasonable_enquiries_recorded(w):
    enquiry = from_alert(w)
    with pytest.raises(
        EnquiryRefused, match="cannot close as not found with no reasonable enquiries recorded"
    ):
        close_enquiry(enquiry, by=w["la_officer"], outcome="not_found", on=TODAY, note="")
    check(enquiry, w["la_officer"], party="la", kind="safeguarding_referral")  # not an enquiry to locate
    with pytest.raises(EnquiryRefused, match="no reasonable enquiries recorded"):
        close_enquiry(enquiry, by=w["la_officer"], outcome="not_found", on=TODAY, note="")
    enquiry.refresh_from_db()
    assert enquiry.status == "open"
    check(enquiry, w["school_officer"])
    closed = close_enquiry(
        enquiry, by=w["la_officer"], outcome="not_found", on=TODAY, note="All avenues tried"
    )
    assert (closed.status, closed.outcome, closed.outcome_on) == ("closed", "not_found", TODAY)
    assert cme_entries(enquiry.case)[-1] == (
        "CME-000001 closed: Not found after reasonable enquiries. All avenues tried"
    )


def test_found_in_another_la_needs_the_la_and_who_there(w):
    enquiry = from_alert(w)
    birmingham = las.local_authority("330")
    for kwargs, reason in (
        ({}, "Choose the local authority the child was found in"),
        ({"found_la": w["north"], "sent_to": "x"}, "That is this enquiry's own LA"),
        ({"found_la": birmingham}, "Say who at that local authority the referral goes to"),
    ):
        with pytest.raises(EnquiryRefused, match=reason):
            close_enquiry(enquiry, by=w["la_officer"], outcome="found_other_la", on=TODAY, note="", **kwargs)
    enquiry.refresh_from_db()
    assert enquiry.status == "open" and LaReferral.objects.count() == 0


def test_found_in_another_la_records_and_emails_the_referral(w, smtp_server):
    enquiry = from_alert(w)
    birmingham = las.local_authority("330")
    assert birmingham.name == "Birmingham"
    close_enquiry(enquiry, by=w["la_officer"], outcome="found_other_la", on=TODAY, found_la=birmingham,
                  sent_to="cme@birmingham.gov.example", note="On roll at a Birmingham school since 3 November")  # fmt: skip
    referral = LaReferral.objects.get()
    assert (referral.enquiry, referral.pupil, referral.from_la, referral.to_la) == (
        enquiry, w["amy"], w["north"], birmingham)  # fmt: skip
    assert (referral.reason, referral.sent_on, referral.sent_to) == (
        "found_there",
        TODAY,
        "cme@birmingham.gov.example",
    )
    [mail] = smtp_server.messages
    assert mail["to"] == ["cme@birmingham.gov.example"]
    assert "Our reference: CME-000001" in mail["message"].get_content()
    assert cme_entries(enquiry.case)[-2:] == [
        "CME-000001 closed: Found: in another LA (referred to that LA) (Birmingham). On roll at a Birmingham "
        "school since 3 November",
        "Referral to Birmingham recorded (the child has been found in that la), to cme@birmingham.gov.example: "
        "emailed.",
    ]


def test_a_referral_to_a_team_name_is_recorded_without_an_email(w, smtp_server):
    enquiry = from_alert(w)
    close_enquiry(enquiry, by=w["la_officer"], outcome="found_other_la", on=TODAY, found_la=las.local_authority("330"),
                  sent_to="Birmingham CME team, by phone", note="")  # fmt: skip
    assert LaReferral.objects.get().sent_to == "Birmingham CME team, by phone"
    assert smtp_server.messages == []


def test_found_here_needs_a_school_in_the_enquirys_la(w):
    enquiry = from_alert(w)
    with pytest.raises(EnquiryRefused, match="Choose the school"):
        close_enquiry(enquiry, by=w["la_officer"], outcome="found_here", on=TODAY, note="")
    with pytest.raises(EnquiryRefused, match="That school is in another LA"):
        close_enquiry(
            enquiry, by=w["la_officer"], outcome="found_here", on=TODAY, note="", found_school=w["cedar"]
        )
    closed = close_enquiry(
        enquiry, by=w["la_officer"], outcome="found_here", on=TODAY, note="", found_school=w["birch"]
    )
    assert closed.found_school == w["birch"] and closed.found_la is None


def test_closing_a_closed_enquiry_is_refused_and_changes_nothing(w):
    enquiry = from_alert(w)
    close_enquiry(enquiry, by=w["la_officer"], outcome="home_educated", on=TODAY, note="Parent's letter")
    entries = len(cme_entries(enquiry.case))
    with pytest.raises(EnquiryRefused, match="already closed \\(found: home educated\\)"):
        close_enquiry(enquiry, by=w["la_officer"], outcome="left_country", on=TODAY, note="")
    stale = CmeEnquiry.objects.get(pk=enquiry.pk)
    CmeEnquiry.objects.filter(pk=enquiry.pk).update(
        status="open", outcome=""
    )  # a second tab still thinks open
    CmeEnquiry.objects.filter(pk=enquiry.pk).update(status="closed", outcome="home_educated")
    stale.status = "open"
    with pytest.raises(EnquiryRefused):
        close_enquiry(stale, by=w["la_officer"], outcome="left_country", on=TODAY, note="")
    enquiry.refresh_from_db()
    assert enquiry.outcome == "home_educated" and len(cme_entries(enquiry.case)) == entries


def test_an_outcome_date_in_the_future_or_before_opening_is_refused(w):
    enquiry = from_alert(w)
    for on in (dt.date(2025, 11, 20), dt.date(2025, 11, 16)):
        with pytest.raises(EnquiryRefused, match="Enter the date of the outcome"):
            close_enquiry(enquiry, by=w["la_officer"], outcome="left_country", on=on, note="")


# ----- the joint-enquiry gate (reg 9(1)(i))


def test_the_gate_needs_an_enquiry(w):
    assert joint_enquiry_gaps(w["amy"], TODAY) == [
        "No children missing education enquiry has been opened for this pupil"
    ]


def test_the_gate_needs_both_the_school_and_the_la(w):
    enquiry = from_alert(w)
    assert joint_enquiry_gaps(w["amy"], TODAY) == [
        "Enquiry CME-000001 shows no reasonable enquiry by the school",
        "Enquiry CME-000001 shows no reasonable enquiry by the local authority",
    ]
    check(enquiry, w["school_officer"], party="school")
    assert joint_enquiry_gaps(w["amy"], TODAY) == [
        "Enquiry CME-000001 shows no reasonable enquiry by the local authority"
    ]
    check(enquiry, w["la_officer"], party="la", kind="safeguarding_referral")  # not an enquiry to locate
    assert len(joint_enquiry_gaps(w["amy"], TODAY)) == 1
    check(enquiry, w["la_officer"], party="la", kind="home_visit", on=TODAY)
    assert joint_enquiry_gaps(w["amy"], TODAY) == []
    assert joint_enquiry_gaps(w["amy"], dt.date(2025, 11, 18)) == [  # the LA's visit was the day after
        "Enquiry CME-000001 shows no reasonable enquiry by the local authority"
    ]


def test_the_gate_is_shut_when_an_enquiry_located_the_child_unless_corrected(w):
    enquiry = from_alert(w)
    check(enquiry, w["school_officer"])
    seen = check(
        enquiry, w["la_officer"], party="la", kind="neighbours", located=True, result="Living at no. 4"
    )
    assert joint_enquiry_gaps(w["amy"], TODAY) == [
        "An enquiry located the child (neighbours asked, 18 November 2025)"
    ]
    check(
        enquiry, w["la_officer"], party="la", kind="neighbours", corrects=seen, result="Wrong family: not Amy"
    )
    assert joint_enquiry_gaps(w["amy"], TODAY) == []


def test_the_gate_is_shut_by_a_found_outcome_and_open_after_not_found(w):
    enquiry = from_alert(w)
    check(enquiry, w["school_officer"])
    check(enquiry, w["la_officer"], party="la")
    close_enquiry(enquiry, by=w["la_officer"], outcome="not_found", on=TODAY, note="")
    assert joint_enquiry_gaps(w["amy"], TODAY) == []
    other = open_enquiry(by=w["south_officer"], source="school", pupil=w["ben"], concern="Not seen")
    check(other, w["south_officer"], party="school")
    check(other, w["south_officer"], party="la")
    close_enquiry(other, by=w["south_officer"], outcome="left_country", on=TODAY, note="")
    assert joint_enquiry_gaps(w["ben"], TODAY) == [
        "Enquiry CME-000002 closed with the outcome: left the country"
    ]
