"""The assessment page: the voice of the child first, barriers, support, seed 002's questions, the attendance
picture from the statistics layer; each save on the chronology and audited; two officers cannot overwrite."""

from __future__ import annotations

import pytest

from attend.audit.models import AuditEvent
from attend.casework.models import Assessment, ChronologyEntry, EntryKind

from .plans_world import TODAY, make_plans_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    return make_plans_world()


def url(case) -> str:
    return f"/cases/{case.ref}/assessment/"


def form_data(version: int = 0, **overrides) -> dict:
    data = {
        "version": str(version),
        "child_views": "I get a tummy ache on Sunday nights. Art is the best bit.",
        "parent_views": "She cries at the gate and I can't leave her like that.",
        "strengths": "Loves art; close to her nan",
        "support_in_place": ["early_help"],
        "barrier_mental_health": "both",
        "barrier_mental_health_note": "Anxiety about the busy playground in the morning",
        "barrier_transport": "outside",
        "barrier_transport_note": "",
        "q_anxiety": "Yes: mornings are the worst; a quiet start helps.",
    }
    data.update(overrides)
    return data


def test_the_page_puts_the_childs_and_parents_words_first_and_shows_days_and_hours_missed(client, world):
    client.force_login(world["la_officer"])
    page = client.get(url(world["case"])).content.decode()
    assert page.index("What the child says, in their own words") < page.index("Barriers to attendance")
    assert page.index("What the parents or carers say") < page.index("Attendance this school year")
    # Year to date (plans_world): 15 sessions missed of 50, a 6.5-hour day.
    assert "7.5 days since 1 September" in page
    assert "about 49 hours" in page
    assert "70.0%" in page
    for question in ("on roll at a school", "suspended or permanently excluded", "pupil premium"):
        assert question in page
    assert "Emotionally based school avoidance".lower() in page.lower()


def test_saving_records_what_changed_on_the_chronology_and_audits_it(client, world):
    client.force_login(world["la_officer"])
    response = client.post(url(world["case"]), form_data())
    assert response.status_code == 302
    assessment = Assessment.objects.get(case=world["case"])
    assert assessment.version == 1
    assert {(b.kind, b.where) for b in assessment.barriers.all()} == {
        ("mental_health", "both"),
        ("transport", "outside"),
    }
    assert assessment.questions == {"anxiety": "Yes: mornings are the worst; a quiet start helps."}
    entry = ChronologyEntry.objects.filter(case=world["case"], kind=EntryKind.ASSESSMENT).get()
    assert entry.summary.startswith("Assessment started: the child's views; the parents' views; strengths")
    assert (
        "barriers added: Mental health, anxiety, emotionally based school avoidance (both)" in entry.summary
    )
    assert entry.child_words == "I get a tummy ache on Sunday nights. Art is the best bit."
    assert entry.recorded_by == world["la_officer"]
    assert AuditEvent.objects.filter(
        action="casework.assessment.saved", object_id=str(assessment.pk)
    ).exists()

    # A second save changing one barrier says only that.
    client.post(url(world["case"]), form_data(1, barrier_transport=""))
    latest = ChronologyEntry.objects.filter(case=world["case"], kind=EntryKind.ASSESSMENT).last()
    assert latest.summary == "Assessment updated: barriers removed: Transport (outside school)"
    assert latest.child_words == ""
    page = client.get(url(world["case"])).content.decode()
    assert "Version 2" in page


def test_a_second_officer_saving_an_old_version_is_told_and_overwrites_nothing(client, world):
    client.force_login(world["la_officer"])
    client.post(url(world["case"]), form_data())
    client.force_login(world["school_officer"])
    stale = client.post(url(world["case"]), form_data(0, child_views="Written over the first officer's"))
    page = stale.content.decode()
    assert stale.status_code == 200
    assert "govuk-error-summary" in page
    assert "sam.patel changed this assessment at" in page
    assert "Your changes have not been saved" in page
    assessment = Assessment.objects.get(case=world["case"])
    assert assessment.child_views.startswith("I get a tummy ache")
    assert 'name="version" value="1"' in page  # the form now holds the current version, to try again


def test_a_note_without_saying_where_the_barrier_is_is_refused(client, world):
    client.force_login(world["la_officer"])
    response = client.post(url(world["case"]), form_data(barrier_housing_note="Overcrowded flat"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Say whether housing is a barrier in school, outside school or both" in page
    assert not Assessment.objects.filter(case=world["case"]).exists()


def test_another_schools_officer_gets_404_and_a_read_only_role_403(client, world):
    client.force_login(world["outsider"])
    assert client.get(url(world["case"])).status_code == 404
    assert client.post(url(world["case"]), form_data()).status_code == 404
    client.force_login(world["teacher"])
    assert client.get(url(world["case"])).status_code == 403
    assert not Assessment.objects.exists()


def test_a_case_for_a_child_not_on_a_roll_has_an_assessment_without_figures(client, world):
    from attend.casework.cases import open_case

    case, _ = open_case(
        by=world["la_officer"], local_authority=world["la"],
        child={"forename": "Ola", "surname": "Nowak", "address": "2 Quay Street", "postcode": "NT2 9ZZ"},
    )  # fmt: skip
    client.force_login(world["la_officer"])
    page = client.get(url(case)).content.decode()
    assert "Assessment: Ola Nowak" in page
    assert "No attendance figures: this case is not linked to a pupil on a roll." in page
    assert client.post(url(case), form_data()).status_code == 302
    assert Assessment.objects.get(case=case).parent_views.startswith("She cries at the gate")


def test_saving_an_empty_assessment_records_nothing(client, world):
    client.force_login(world["la_officer"])
    response = client.post(url(world["case"]), {"version": "0"}, follow=True)
    assert "Nothing had changed: nothing was saved." in response.content.decode()
    assert not Assessment.objects.exists()
    assert not ChronologyEntry.objects.filter(kind=EntryKind.ASSESSMENT).exists()
