"""The deletion form from the pupil's page, the LA's deletion returns (filters, CSV), a return's page and the /cme/
panel: what a user sees, scope (another school's pupil: 404, nothing changed)."""

from __future__ import annotations

import csv
import io
import re

import pytest

from attend.cme.models import RollDeletion
from attend.cme.roll import record_deletion
from attend.core.tests.factories import make_pupil, make_school, make_user

from .roll_world import TODAY, D, absent_from, joint_gate, world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())


def test_the_pupil_page_links_to_the_form_which_shows_the_ground_i_gaps(client, monkeypatch):
    w = world()
    absent_from(w["enrolment"], D(2025, 11, 3))
    joint_gate(monkeypatch, ["The LA has recorded no reasonable enquiries."])
    client.force_login(w["lead"])
    pupil_page = client.get(f"/pupils/{w['pupil'].upn}/").content.decode()
    assert f'href="/cme/deletions/new/{w["pupil"].upn}/">Record leaving the roll</a>' in pupil_page
    page = client.get(f"/cme/deletions/new/{w['pupil'].upn}/").content.decode()
    assert "(i) 20 school days&#x27; continuous absence" in page
    assert "Only 13 continuous school days of G, N or O absence up to 19 November 2025" in page
    assert "The LA has recorded no reasonable enquiries." in page
    assert "(f) Parent has notified in writing" in page and "Not given" not in page
    assert re.search(
        r'id="id_deleted_on" name="deleted_on" type="text" value="2025-11-19"', page
    )  # reads back


def test_a_school_records_a_deletion_and_sees_its_return(client):
    w = world()
    w["pupil"].sen_status = "E"
    w["pupil"].save()
    client.force_login(w["lead"])
    response = client.post(
        f"/cme/deletions/new/{w['pupil'].upn}/",
        {
            "ground": "o",
            "deleted_on": "2025-11-19",
            "note": "Permanently excluded 12 November; no review sought",
        },
    )
    deletion = RollDeletion.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cme/deletions/{deletion.pk}/"
    w["enrolment"].refresh_from_db()
    assert w["enrolment"].leaving_date == TODAY
    page = client.get(response["Location"]).content.decode()
    assert "(o) Permanently excluded" in page
    assert "The pupil has an EHC plan (off-rolling falls hardest on pupils with SEND)." in page


def test_a_refused_ground_shows_the_reason_and_changes_nothing(client, monkeypatch):
    w = world()
    absent_from(w["enrolment"], D(2025, 11, 3))
    joint_gate(monkeypatch)
    client.force_login(w["lead"])
    response = client.post(
        f"/cme/deletions/new/{w['pupil'].upn}/", {"ground": "i", "deleted_on": "2025-11-19"}
    )
    page = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in page
    assert "Ground (i) is not met: Only 13 continuous school days" in page
    assert RollDeletion.objects.count() == 0
    w["enrolment"].refresh_from_db()
    assert w["enrolment"].leaving_date is None


@pytest.mark.parametrize(
    "data, message",
    [
        ({"deleted_on": "2025-11-19"}, "Choose the ground of regulation 9 that applies"),
        ({"ground": "k", "deleted_on": "next Tuesday", "note": "x"}, "Enter the date like 2025-11-19"),
        ({"ground": "k", "deleted_on": "2025-11-20", "note": "x"}, "the date cannot be in the future"),
        ({"ground": "a", "deleted_on": "2025-11-19", "destination_urn": "999999"}, "No school with that URN"),
        ({"ground": "z", "deleted_on": "2025-11-19"}, "Select a valid choice"),
    ],
)
def test_bad_input_gets_an_error_summary(client, data, message):
    w = world()
    client.force_login(w["lead"])
    response = client.post(f"/cme/deletions/new/{w['pupil'].upn}/", data)
    page = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in page and message in page
    assert RollDeletion.objects.count() == 0


def test_another_schools_pupil_is_404_and_unchanged(client):
    w = world()
    other = make_school(la=w["la"], name="Hillside Primary")
    stranger = make_pupil(school=other, surname="Stranger")
    client.force_login(w["lead"])
    assert client.get(f"/cme/deletions/new/{stranger.upn}/").status_code == 404
    response = client.post(
        f"/cme/deletions/new/{stranger.upn}/", {"ground": "k", "deleted_on": "2025-11-19", "note": "x"}
    )
    assert response.status_code == 404
    assert stranger.enrolments.get().leaving_date is None
    assert RollDeletion.objects.count() == 0
    theirs = record_deletion(
        by=None, enrolment=stranger.enrolments.get(), ground="h", deleted_on=TODAY, note="Not back"
    )
    assert client.get(f"/cme/deletions/{theirs.pk}/").status_code == 404
    assert client.get("/cme/deletions/?format=csv").content.decode().count("\n") == 1  # the header only


def test_the_la_list_filters_and_exports_csv(client):
    w = world()
    other = make_school(la=w["la"], name="Hillside Primary")
    second = make_pupil(school=other, surname="Baker")
    second.looked_after = True
    second.save()
    record_deletion(
        by=w["lead"], enrolment=w["enrolment"], ground="k", deleted_on=D(2025, 11, 17), note="Died"
    )
    record_deletion(
        by=w["officer"], enrolment=second.enrolments.get(), ground="h", deleted_on=TODAY, note="=HYPERLINK(x)"
    )
    client.force_login(w["officer"])
    page = client.get("/cme/deletions/?concerns=yes").content.decode()
    assert "1 deletion return." in page and "Baker" in page and "Ahmed" not in page
    response = client.get("/cme/deletions/?format=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:7] == ["School URN", "School", "UPN", "Pupil", "Year", "Deleted on", "Ground"]
    assert [(r[1], r[5], r[6], r[11]) for r in rows[1:]] == [
        ("Hillside Primary", "2025-11-19", "h", "The pupil is looked after: tell the virtual school."),
        ("Riverside Primary", "2025-11-17", "k", ""),
    ]
    school_only = client.get(f"/cme/deletions/?format=csv&school={w['school'].urn}").content.decode()
    assert "Riverside Primary" in school_only and "Hillside Primary" not in school_only


def test_an_imported_return_is_corrected_with_its_ground(client):
    w = world()
    w["enrolment"].leaving_date = D(2025, 11, 14)
    w["enrolment"].save()
    from attend.cme.roll_prompts import import_missing_returns

    import_missing_returns(TODAY)
    imported = RollDeletion.objects.get()
    client.force_login(w["lead"])
    detail = client.get(f"/cme/deletions/{imported.pk}/").content.decode()
    assert "Record the ground (a correction of this return)" in detail
    url = f"/cme/deletions/new/{w['pupil'].upn}/?corrects={imported.pk}"
    assert "This replaces the deletion return of 14 November 2025" in client.get(url).content.decode()
    response = client.post(url, {"ground": "k", "deleted_on": "2025-11-14", "note": "Told by the family"})
    correction = RollDeletion.objects.exclude(pk=imported.pk).get()
    assert response["Location"] == f"/cme/deletions/{correction.pk}/"
    assert correction.corrects == imported and correction.ground == "k"
    assert "Corrected: see" in client.get(f"/cme/deletions/{imported.pk}/").content.decode()


def test_the_cme_panel_counts_this_terms_deletions_by_ground(client):
    w = world()
    other = make_pupil(school=w["school"], surname="Baker")
    other.child_protection_plan = True
    other.save()
    record_deletion(
        by=w["lead"], enrolment=w["enrolment"], ground="k", deleted_on=D(2025, 11, 17), note="Died"
    )
    record_deletion(by=w["lead"], enrolment=other.enrolments.get(), ground="h", deleted_on=TODAY, note="Gone")
    manager = make_user(role="la_manager", local_authority=w["la"])
    client.force_login(manager)
    page = client.get("/cme/").content.decode()
    assert "2 deletions this term (since 1 September 2025), <strong>1 with concerns</strong>." in page
    assert (
        '(h) Not returned after a leave of absence</td><td class="govuk-table__cell govuk-table__cell--numeric">1'
        in page
    )
    assert "The pupil is on a child protection plan." in page


def test_a_return_with_no_school_named_offers_a_cme_enquiry(client):
    w = world()
    gone = record_deletion(by=w["lead"], enrolment=w["enrolment"], ground="h", deleted_on=TODAY,
                           note="Not back from leave; no contact")  # fmt: skip
    client.force_login(w["lead"])
    page = client.get(f"/cme/deletions/{gone.pk}/").content.decode()
    link = f"/cme/enquiries/new/?upn={w['pupil'].upn}&amp;source=deletion&amp;ref=DEL-{gone.pk}"
    assert link in page and "No school is named: start a children missing education enquiry" in page
    other = make_pupil(school=w["school"], surname="Excluded").enrolments.get()
    excluded = record_deletion(by=w["lead"], enrolment=other, ground="o", deleted_on=TODAY, note="Excluded")
    assert (
        "start a children missing education enquiry"
        not in client.get(f"/cme/deletions/{excluded.pk}/").content.decode()
    )
