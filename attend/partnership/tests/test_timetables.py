"""Part-time timetables from the pupil page: recording (and what is refused), behaviour-related reasons going to the
LA for scrutiny, the LA told through Letters (a recorded email, on the case chronology), reviews, the work list, C2 against the agreed hours,
and the LA's list. Maya Okafor at Alder Primary (plans_world): her mother lives with her, her father does not."""

from __future__ import annotations

import datetime as dt

import pytest

from attend.alerts.models import Alert
from attend.alerts.services import alerts_evaluate
from attend.audit.models import AuditEvent
from attend.casework.models import ChronologyEntry, EntryKind, LaScrutiny, PartTimeTimetable
from attend.casework.tests.factories import make_part_time_timetable
from attend.casework.tests.plans_world import TODAY, make_plans_world
from attend.core.tests.factories import make_pupil
from attend.partnership.timetable_checks import c2_check, sync_timetable_prompts
from attend.partnership.timetables import ReviewInput, timetable_review
from attend.registers.models import Mark
from attend.stats.tests.factories import marks

pytestmark = pytest.mark.django_db
LA_EMAIL = "part-time-timetables@northshire.example.gov.uk"
JUSTIFICATION = (
    "Maya was suspended for two days after a fight; she is anxious about returning to a full day. Mornings only "
    "for three weeks, with her mentor, rebuilds her confidence. Her behaviour is managed by the school's policy, "
    "not by this timetable."
)


@pytest.fixture
def world(monkeypatch, settings):
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    settings.ATTEND_LA_NOTIFY_EMAIL = LA_EMAIL
    return make_plans_world()


def form_data(world, **overrides) -> dict:
    data = {
        "hours_per_week": "15",
        "sessions_per_week": "6",
        "start": "2025-11-10",
        "end": "2025-12-19",
        "review_date": "2025-12-01",
        "parent_contact": str(world["mother"].pk),
        "reason_category": "medical",
        "reason": "Reintegration after knee surgery: she tires by the afternoon",
        "behaviour_justification": "",
        "return_plan": "One more afternoon every two weeks; full time from 5 January",
    }
    data.update(overrides)
    return data


def new_url(world) -> str:
    return f"/partnership/timetables/new/?upn={world['maya'].upn}"


def body(mail) -> str:
    return mail["message"].get_body(("plain",)).get_content().replace("\r\n", "\n")


def test_the_school_records_a_timetable_from_the_pupil_page_and_the_la_is_told(client, world, smtp_server):
    client.force_login(world["school_officer"])
    pupil_page = client.get(f"/pupils/{world['maya'].upn}/").content.decode()
    assert "Record a part-time timetable" in pupil_page
    form = client.get(new_url(world)).content.decode()
    assert "A part-time timetable should not be used to manage a pupil" in form
    assert "Mrs Grace Okafor" in form and "Daniel" not in form  # only a parent she lives with

    response = client.post(new_url(world), form_data(world))

    timetable = PartTimeTimetable.objects.get(pupil=world["maya"])
    assert response["Location"] == f"/partnership/timetables/{timetable.pk}/"
    assert (timetable.sessions_per_week, str(timetable.hours_per_week)) == (6, "15.0")
    assert timetable.parent_contact == world["mother"] and timetable.la_scrutiny == LaScrutiny.NOT_NEEDED
    [mail] = smtp_server.messages
    assert mail["to"] == [LA_EMAIL]
    assert mail["message"]["Subject"] == f"New part-time timetable: {world['maya'].upn} at Alder Primary"
    assert "- Start: 10 November 2025\n- Planned end: 19 December 2025\n- Next review: 1 December 2025" in (
        body(mail)
    )
    entry = ChronologyEntry.objects.get(case=world["case"], kind=EntryKind.EMAIL)
    assert entry.summary == f"Part-time timetable notice to the LA sent to {LA_EMAIL} by email"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"partnership.timetable.recorded", "partnership.timetable.la_notified"} <= actions
    page = client.get(response["Location"]).content.decode()
    assert "15.0 hours, 6 sessions a week" in page and "Mrs Grace Okafor" in page
    pupil_page = client.get(f"/pupils/{world['maya'].upn}/").content.decode()
    # The pupil page's part-time timetables panel links each timetable by its start date (issue 23 item 2).
    assert (
        f'href="/partnership/timetables/{timetable.pk}/">10 November 2025'
        '<span class="govuk-visually-hidden"> part-time timetable</span>' in pupil_page
    )


def test_a_timetable_without_an_end_date_is_refused(client, world, smtp_server):
    client.force_login(world["school_officer"])
    page = client.post(new_url(world), form_data(world, end="")).content.decode()
    assert "govuk-error-summary" in page
    assert "Enter the planned end date: a part-time timetable must be time-limited" in page
    page = client.post(new_url(world), form_data(world, review_date="2026-01-09")).content.decode()
    assert "The review date must be between the start and the planned end" in page
    assert not PartTimeTimetable.objects.exists() and not smtp_server.messages


@pytest.mark.parametrize(
    "overrides",
    [
        {"reason_category": "suspension", "reason": "Back after a two-day suspension"},
        {"reason_category": "other", "reason": "Disruptive in afternoon lessons"},
        {"reason_category": "send_semh", "behaviour_related": "on"},
    ],
)
def test_a_behaviour_reason_without_the_fuller_justification_is_refused(client, world, overrides):
    client.force_login(world["school_officer"])
    page = client.post(new_url(world), form_data(world, **overrides)).content.decode()
    assert "govuk-error-summary" in page
    assert "The reason is related to behaviour: explain in at least 150 characters" in page
    assert not PartTimeTimetable.objects.exists()


def test_a_justified_behaviour_reason_goes_to_the_la_for_scrutiny_not_refused(client, world, smtp_server):
    client.force_login(world["school_officer"])
    data = form_data(world, reason_category="suspension", reason="Back after a suspension")
    response = client.post(new_url(world), {**data, "behaviour_justification": JUSTIFICATION})
    timetable = PartTimeTimetable.objects.get()
    assert timetable.behaviour_related and timetable.la_scrutiny == LaScrutiny.REQUESTED
    text = body(smtp_server.messages[0])
    assert "## LA scrutiny\nYes: the reason is related to behaviour (LA scrutiny requested)" in text
    assert f"The school's justification: {JUSTIFICATION}" in text
    assert "LA scrutiny requested" in client.get(response["Location"]).content.decode()


def test_the_pupil_page_form_is_out_of_reach_outside_scope(client, world):
    client.force_login(world["outsider"])
    assert client.get(new_url(world)).status_code == 404
    client.force_login(world["teacher"])
    assert client.get(new_url(world)).status_code == 403
    timetable = make_part_time_timetable(world["maya"], world["alder"])
    client.force_login(world["outsider"])
    assert client.get(f"/partnership/timetables/{timetable.pk}/").status_code == 404


def test_past_review_it_is_on_the_work_list_until_reviewed(client, world, smtp_server):
    timetable = make_part_time_timetable(world["maya"], world["alder"], review_date=dt.date(2025, 11, 14))
    alerts_evaluate(as_of=TODAY, school=world["alder"])
    alert = Alert.objects.get(rule="timetable_review_due")
    assert alert.reason == (
        "Part-time timetable from 3 November 2025: review due 14 November 2025 (overdue). Review it with the family."
    )
    assert alert.pupil == world["maya"] and alert.status == Alert.Status.NEW
    assert sync_timetable_prompts(TODAY) == {"raised": 0, "cleared": 0}  # once only

    client.force_login(world["school_officer"])
    url = f"/partnership/timetables/{timetable.pk}/review/"
    page = client.post(url, {"version": "1", "reviewed_on": "2025-11-19", "notes": "Going well",
                             "outcome": "continue", "next_review_date": "", "sessions_per_week": "7"})  # fmt: skip
    assert "Enter the date of the next review" in page.content.decode()
    response = client.post(url, {"version": "1", "reviewed_on": "2025-11-19", "notes": "Mornings going well",
                                 "outcome": "continue", "next_review_date": "2025-12-03", "end": "2025-12-19",
                                 "sessions_per_week": "7", "hours_per_week": "17.5"})  # fmt: skip
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.status == Alert.Status.CLEARED
    timetable.refresh_from_db()
    assert (timetable.review_date, timetable.sessions_per_week, timetable.version) == (
        dt.date(2025, 12, 3),
        7,
        2,
    )
    assert smtp_server.messages[0]["message"]["Subject"].startswith("Changed part-time timetable")
    assert "Mornings going well" in client.get(f"/partnership/timetables/{timetable.pk}/").content.decode()


def test_past_its_planned_end_it_is_on_the_work_list_and_ending_it_clears_it(world, smtp_server):
    timetable = make_part_time_timetable(
        world["maya"], world["alder"], end=dt.date(2025, 11, 14), review_date=dt.date(2025, 11, 7)
    )
    assert sync_timetable_prompts(TODAY) == {"raised": 1, "cleared": 0}
    assert "past its planned end (14 November 2025)" in Alert.objects.get().reason
    review = ReviewInput(reviewed_on=TODAY, notes="Back full time since Monday", outcome="end")
    timetable_review(timetable, by=world["school_officer"], expected_version=1, review=review)
    assert Alert.objects.get().status == Alert.Status.CLEARED
    assert smtp_server.messages[0]["message"]["Subject"].startswith("Ended part-time timetable")


def test_a_stale_review_is_refused_with_the_conflict(client, world):
    timetable = make_part_time_timetable(world["maya"], world["alder"])
    PartTimeTimetable.objects.filter(pk=timetable.pk).update(version=2)
    client.force_login(world["school_officer"])
    page = client.post(f"/partnership/timetables/{timetable.pk}/review/",
                       {"version": "1", "reviewed_on": "2025-11-19", "notes": "x", "outcome": "end",
                        "sessions_per_week": "6"}).content.decode()  # fmt: skip
    assert "Someone else changed this timetable" in page
    assert not timetable.reviews.exists()


def test_c2_above_what_the_timetable_leaves_out_is_flagged_by_week(client, world):
    timetable = make_part_time_timetable(world["maya"], world["alder"], sessions_per_week=6)  # 4 C2 allowed
    week = [dt.date(2025, 11, d) for d in (24, 25, 26)]
    marks(world["enrolment"], week, ["/", "C2", "/", "C2", "C2", "C2"])  # 4 C2: as agreed
    check = c2_check(timetable, dt.date(2025, 11, 28))
    assert not check.flagged and check.c2_total == 4
    marks(world["enrolment"], [dt.date(2025, 11, 27)], ["C2", "C2"])  # 6 C2 that week
    check = c2_check(timetable, dt.date(2025, 11, 28))
    assert [(w.week_of, w.c2_sessions, w.allowed) for w in check.weeks] == [(dt.date(2025, 11, 24), 6, 4)]
    client.force_login(world["la_officer"])
    # Before the 24th (today is the 19th) nothing is counted; the page shows the check as of today.
    assert "match the agreed hours" in client.get(f"/partnership/timetables/{timetable.pk}/").content.decode()


def test_c2_for_a_child_below_compulsory_school_age_is_flagged(client, world):
    young = make_pupil(school=world["alder"], surname="Early", legal_forename="Ava")
    young.date_of_birth = dt.date(
        2021, 1, 10
    )  # five in January 2026: compulsory school age from 31 March 2026
    young.save()
    timetable = make_part_time_timetable(young, world["alder"], sessions_per_week=8)
    marks(young.enrolments.get(), [dt.date(2025, 11, 12)], ["/", "C2"])
    check = c2_check(timetable, TODAY)
    assert check.below_compulsory_age and check.flagged and not check.weeks
    client.force_login(world["la_officer"])
    page = client.get(f"/partnership/timetables/{timetable.pk}/").content.decode()
    assert "reduced hours are coded X, not C2 (1 C2 session)" in page


def test_the_la_sees_all_current_timetables_past_review_first(client, world):
    other = make_pupil(school=world["alder"], surname="Brook", legal_forename="Noah")
    later = make_part_time_timetable(world["maya"], world["alder"], review_date=dt.date(2025, 12, 1))
    past = make_part_time_timetable(other, world["alder"], review_date=dt.date(2025, 11, 10))
    ended = make_part_time_timetable(other, world["alder"], review_date=dt.date(2025, 11, 5), status="ended")
    make_part_time_timetable(world["kit"], world["cedar"], review_date=dt.date(2025, 11, 4))  # another LA
    client.force_login(world["la_officer"])
    page = client.get("/partnership/timetables/").content.decode()
    assert page.index("Noah Brook") < page.index("Maya Okafor")
    assert f"/partnership/timetables/{past.pk}/" in page and f"/partnership/timetables/{later.pk}/" in page
    assert f"/partnership/timetables/{ended.pk}/" not in page and "Kit Faraway" not in page
    assert "Review due" in page
    client.force_login(world["school_officer"])
    assert client.get("/partnership/timetables/").status_code == 403


def test_rule_8_still_reads_a_recorded_timetable(world):
    Mark.objects.filter(enrolment=world["enrolment"], date=dt.date(2025, 11, 17), session="PM").update(
        code="C2"
    )
    timetable = make_part_time_timetable(world["maya"], world["alder"], review_date=dt.date(2025, 11, 28))
    alerts_evaluate(as_of=TODAY, school=world["alder"])
    assert not Alert.objects.filter(rule="part_time_timetable").exists()
    PartTimeTimetable.objects.filter(pk=timetable.pk).update(review_date=dt.date(2025, 11, 14))
    alerts_evaluate(as_of=TODAY, school=world["alder"])
    assert "after the timetable's review date" in Alert.objects.get(rule="part_time_timetable").reason


def test_the_demo_hook_leaves_one_timetable_past_review_and_one_for_la_scrutiny(world):
    from attend.partnership.demo_timetables import detail_demo_timetables

    for n in range(3):
        make_part_time_timetable(
            world["maya"], world["alder"], start=dt.date(2025, 9, 8 + n), end=dt.date(2025, 10, 10),
            review_date=dt.date(2025, 9, 26),
        )  # fmt: skip
    assert detail_demo_timetables(school_ids=[world["alder"].pk], today=TODAY) == 3
    statuses = list(PartTimeTimetable.objects.order_by("pk").values_list("status", "la_scrutiny"))
    assert statuses == [("active", "not_needed"), ("active", "requested"), ("ended", "not_needed")]
    assert PartTimeTimetable.objects.filter(parent_contact=world["mother"]).count() == 3
    assert Alert.objects.get(rule="timetable_review_due").reason.startswith(
        "Part-time timetable from 15 October"
    )


def test_the_la_records_its_scrutiny_of_a_behaviour_related_timetable(client, world):
    timetable = make_part_time_timetable(
        world["maya"], world["alder"], behaviour_related=True, behaviour_justification=JUSTIFICATION,
        la_scrutiny=LaScrutiny.REQUESTED, reason="Back after a suspension",
    )  # fmt: skip
    url = f"/partnership/timetables/{timetable.pk}/scrutiny/"
    client.force_login(world["school_officer"])
    assert client.get(url).status_code == 403  # the school does not mark its own timetable
    client.force_login(world["la_officer"])
    assert (
        "Record the LA's scrutiny" in client.get(f"/partnership/timetables/{timetable.pk}/").content.decode()
    )
    page = client.post(url, {"version": "1", "decision": "challenged", "note": ""}).content.decode()
    assert "Write what the LA found and told the school" in page
    response = client.post(url, {"version": "1", "decision": "challenged", "note": "Plan back is too slow"})
    assert response.status_code == 302
    timetable.refresh_from_db()
    assert timetable.la_scrutiny == LaScrutiny.CHALLENGED and timetable.version == 2
    entry = ChronologyEntry.objects.get(case=world["case"], kind=EntryKind.NOTE)
    assert entry.summary == "Part-time timetable from 3 November 2025: LA challenged. Plan back is too slow"
    assert AuditEvent.objects.filter(action="partnership.timetable.scrutinised").count() == 1
