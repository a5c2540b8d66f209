"""The letters pages: template library (edit, preview, save a version), sending for a pupil, messages."""

from __future__ import annotations

import pytest

from attend.core.tests.factories import make_user
from attend.letters.models import LetterTemplate, Message

from .factories import make_contact, make_pupil, make_school

pytestmark = pytest.mark.django_db


@pytest.fixture
def place(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", "2026-11-25")
    school = make_school()
    other_school = make_school(name="Southfield Primary School")
    pupil = make_pupil(school, absences=25, days=60)
    mother = make_contact(pupil=pupil)
    return {
        "school": school,
        "pupil": pupil,
        "mother": mother,
        "lead": make_user(role="attendance_lead", school=school),
        "officer": make_user(role="school_officer", school=school),
        "other": make_user(role="attendance_lead", school=other_school),
        "other_school": other_school,
    }


def test_the_library_lists_the_defaults_for_the_leads_school(client, place):
    client.force_login(place["lead"])
    page = client.get("/letters/templates/").content.decode()
    assert "Attendance concern: stage 1 (supportive letter)" in page and "Attend default" in page
    assert "Translation to be checked" in page
    assert (
        "Placeholder" not in page
    )  # the enforcement work replaced the placeholder wording (letters 0006, 0007)


def test_editing_refuses_an_unknown_field_and_names_it(client, place):
    client.force_login(place["lead"])
    t = LetterTemplate.objects.get(owner_key="default", name="concern_stage_1", language="en")
    response = client.post(
        f"/letters/templates/{t.pk}/?school={place['school'].urn}",
        {"school": place["school"].urn, "subject": "Hi", "body": "Dear {{ parent.nickname }}", "save": "1"},
    )
    assert response.status_code == 200
    assert "unknown merge field {{ parent.nickname }}" in response.content.decode()
    assert LetterTemplate.objects.filter(name="concern_stage_1").count() == 2  # en and pl defaults only


def test_preview_against_a_real_pupil_then_save_makes_the_schools_own_version(client, place):
    client.force_login(place["lead"])
    school, pupil = place["school"], place["pupil"]
    t = LetterTemplate.objects.get(owner_key="default", name="concern_stage_1", language="en")
    body = "Dear {{ parent.salutation }}\n\n{{ pupil.forename }} has missed {{ attendance.days_missed }}."
    data = {
        "school": school.urn,
        "subject": "About {{ pupil.forename }}",
        "body": body,
        "preview_upn": pupil.upn,
    }
    page = client.post(f"/letters/templates/{t.pk}/", {**data, "preview": "1"}).content.decode()
    assert "Amelia has missed 12.5 days." in page and "Dear Mrs Kowalska" in page
    assert not LetterTemplate.objects.filter(owner_key=f"school:{school.pk}").exists()
    response = client.post(f"/letters/templates/{t.pk}/", {**data, "save": "1", "note": "Shorter"})
    assert response.status_code == 302
    own = LetterTemplate.objects.get(owner_key=f"school:{school.pk}", name="concern_stage_1")
    assert (own.current.number, own.current.body, own.current.created_by) == (1, body, place["lead"])
    t.refresh_from_db()
    assert t.current.number == 1 and "work with you to help" in t.current.body


def test_preview_of_a_pupil_outside_scope_is_refused(client, place):
    other_pupil = make_pupil(place["other_school"])
    client.force_login(place["lead"])
    t = LetterTemplate.objects.get(owner_key="default", name="concern_stage_1", language="en")
    page = client.post(
        f"/letters/templates/{t.pk}/",
        {
            "school": place["school"].urn,
            "subject": "x",
            "body": "y",
            "preview_upn": other_pupil.upn,
            "preview": "1",
        },
    ).content.decode()
    assert "No pupil with that UPN in your scope" in page


def test_a_lead_cannot_edit_another_schools_library(client, place):
    client.force_login(place["other"])
    assert client.get(f"/letters/templates/?school={place['school'].urn}").status_code == 403


def test_send_an_email_from_the_pupil_page_and_see_its_status(client, place, smtp_server):
    client.force_login(place["officer"])
    pupil, mother = place["pupil"], place["mother"]
    send_url = f"/letters/pupils/{pupil.upn}/send/"
    assert "Send a letter or message about Amelia Kowalska" in client.get(send_url).content.decode()
    form = {"template": "concern_stage_1", "contact": str(mother.pk), "route": "email"}
    preview = client.post(send_url, {**form, "preview": "1"}).content.decode()
    assert "Amelia has missed 12.5 days of school since 1 September" in preview
    assert Message.objects.count() == 0
    response = client.post(send_url, {**form, "send": "1"})
    assert response.status_code == 302
    [message] = Message.objects.all()
    assert (message.status, message.template_version.template.name) == ("sent", "concern_stage_1")
    assert len(smtp_server.messages) == 1
    again = client.post(send_url, {**form, "send": "1"}).content.decode()
    assert "never sent twice" in again and len(smtp_server.messages) == 1
    pupil_page = client.get(f"/pupils/{pupil.upn}/").content.decode()
    assert 'data-testid="pupil-letters"' in pupil_page and "Attendance concern: stage 1" in pupil_page
    assert "Send a letter or message" in pupil_page
    messages_page = client.get(f"/letters/pupils/{pupil.upn}/").content.decode()
    assert "Sent" in messages_page and "Email" in messages_page


def test_download_pdf_records_a_printed_letter_once(client, place):
    client.force_login(place["officer"])
    pupil, mother = place["pupil"], place["mother"]
    form = {"template": "concern_stage_1", "contact": str(mother.pk), "route": "print", "download": "1"}
    first = client.post(f"/letters/pupils/{pupil.upn}/send/", form)
    assert first["Content-Type"] == "application/pdf" and first.content.startswith(b"%PDF")
    second = client.post(f"/letters/pupils/{pupil.upn}/send/", form)
    assert second.content == first.content
    [message] = Message.objects.all()
    assert (message.route, message.status) == ("print", "sent")
    detail = client.get(f"/letters/pupils/{pupil.upn}/messages/{message.pk}/?format=pdf")
    assert detail.content == first.content


def test_no_address_for_the_route_gives_a_clear_reason(client, place):
    client.force_login(place["officer"])
    place["mother"].email = ""
    place["mother"].save()
    page = client.post(
        f"/letters/pupils/{place['pupil'].upn}/send/",
        {"template": "concern_stage_1", "contact": str(place["mother"].pk), "route": "email", "send": "1"},
    ).content.decode()
    assert "Mrs Anna Kowalska has no email address on record" in page


def test_pupils_outside_scope_are_hidden(client, place):
    client.force_login(place["other"])
    upn = place["pupil"].upn
    assert client.get(f"/letters/pupils/{upn}/send/").status_code == 404
    assert client.get(f"/letters/pupils/{upn}/").status_code == 404
