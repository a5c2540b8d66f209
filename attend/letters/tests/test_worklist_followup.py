"""What a message's fate puts on the work list: a letter returned by the post asks for an address check and a
children-missing-education enquiry to be considered; a message in English to a contact who needs another language
is flagged "interpreter or translation needed"."""

from __future__ import annotations

import datetime as dt

import pytest

from attend.alerts.models import Alert
from attend.alerts.services import alerts_evaluate
from attend.audit.display import describe
from attend.audit.models import AuditEvent
from attend.core.tests.factories import link, make_user
from attend.letters.compose import compose
from attend.letters.models import Message
from attend.letters.services import message_create, message_refresh, message_send

from .factories import AS_OF, make_contact, make_pupil, make_school

pytestmark = pytest.mark.django_db
SENT_AT = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def place(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", "2026-11-25")
    school = make_school()
    pupil = make_pupil(school, absences=25, days=60)
    mother = make_contact(pupil=pupil)
    return {
        "school": school,
        "pupil": pupil,
        "mother": mother,
        "officer": make_user(role="school_officer", school=school),
        "la": make_user(role="la_officer", local_authority=school.local_authority),
        "social_worker": link(
            make_user(role="social_worker", local_authority=school.local_authority), pupil
        ).user,
    }


def sent_letter(place, route="print", name="concern_stage_1", contact=None) -> Message:
    draft = compose(
        template_name=name, pupil=place["pupil"], contact=contact or place["mother"], route=route, as_of=AS_OF
    )
    message = message_send(message_create(draft, as_of=AS_OF, by=place["officer"]), by=place["officer"])
    Message.objects.filter(pk=message.pk).update(sent_at=SENT_AT)  # the real clock stamps it; pin it
    message.refresh_from_db()
    return message


def test_an_officer_marks_a_sent_letter_returned_and_the_work_lists_ask_for_an_address_check(client, place):
    message = sent_letter(place)
    pupil = place["pupil"]
    client.force_login(place["officer"])
    page = client.get(f"/letters/pupils/{pupil.upn}/messages/{message.pk}/")
    # One form, in the page's content (not in the <title> or above the back link).
    assert page.content.decode().count('data-testid="mark-returned"') == 1
    assert "<form" not in page.content.decode().split("<title>")[1].split("</title>")[0]

    response = client.post(f"/letters/pupils/{pupil.upn}/messages/{message.pk}/", {"note": "Gone away"})
    assert response.status_code == 302
    message.refresh_from_db()
    assert (message.status, message.status_reason) == ("returned", "Returned by the post: Gone away")

    [alert] = Alert.objects.filter(rule="returned_post")
    assert alert.reason == (
        "The letter 'Attendance concern: stage 1 (supportive letter)' sent to Mrs Anna Kowalska on 25 Nov 2026 "
        "came back undelivered (Returned by the post: Gone away). Check the address held for Mrs Anna Kowalska "
        "with the school and the family; if the family cannot be found, consider a children missing education "
        "enquiry."
    )
    for user, query in (
        (place["officer"], f"list=school&school={place['school'].urn}"),
        (place["la"], "list=la"),
    ):
        client.force_login(user)
        text = client.get(f"/work/?{query}").content.decode()
        assert "Letter returned by the post: check the address (possible child missing education)" in text
        assert "came back undelivered (Returned by the post: Gone away)" in text
        assert "consider a children missing education enquiry" in text  # the next step
    client.force_login(place["la"])
    assert "came back undelivered" in client.get("/work/?list=team").content.decode()  # new: on today's list

    returned = AuditEvent.objects.get(action="letters.message.returned")
    assert describe(returned) == (
        f"{place['officer'].get_username()} marked a letter about {pupil.display_name} as returned by the post "
        "(Returned by the post: Gone away)."
    )
    raised = AuditEvent.objects.get(action="alerts.alert.raised")
    assert raised.pupil_id == pupil.pk
    assert describe(raised).startswith(
        f"An alert, “Letter returned by the post: check the address (possible child missing education)”, "
        f"was raised about {pupil.display_name}: "
    )

    # The nightly evaluation neither clears it nor raises it again.
    alerts_evaluate(as_of=dt.date(2026, 11, 25))
    assert Alert.objects.get(pk=alert.pk).status == "new"


def test_a_letter_returned_twice_is_refused_and_an_email_cannot_come_back_by_post(client, place, smtp_server):
    message = sent_letter(place)
    client.force_login(place["officer"])
    url = f"/letters/pupils/{place['pupil'].upn}/messages/{message.pk}/"
    client.post(url, {"note": "Gone away"})
    again = client.post(url, {"note": "Gone away"})
    assert again.status_code == 200
    assert "This letter is already marked returned." in again.content.decode()
    assert Alert.objects.filter(rule="returned_post").count() == 1
    email = sent_letter(place, route="email", name="first_day_absence_email")
    email_url = f"/letters/pupils/{place['pupil'].upn}/messages/{email.pk}/"
    assert 'data-testid="mark-returned"' not in client.get(email_url).content.decode()
    assert client.post(email_url, {"note": "x"}).status_code == 403
    client.force_login(place["social_worker"])  # may read the pupil's messages, not act on them
    assert client.get(url).status_code == 200
    assert client.post(url, {"note": "x"}).status_code == 403


def test_notify_reporting_a_returned_letter_raises_the_prompt(place, fake_notify):
    message = sent_letter(place, route="post")
    fake_notify.set_status(message.provider_id, "returned-letter")
    assert message_refresh(message).status == "returned"
    [alert] = Alert.objects.filter(rule="returned_post", status="new")
    assert "came back undelivered (GOV.UK Notify: returned-letter)" in alert.reason
    assert alert.details["events"] == [
        {"message": message.pk, "contact": "Mrs Anna Kowalska", "why": "GOV.UK Notify: returned-letter"}
    ]


def test_a_contact_whose_language_has_no_variant_is_flagged_on_the_work_list_and_messages(client, place):
    place["mother"].preferred_language = "Urdu"
    place["mother"].save()
    message = sent_letter(place, name="concern_stage_2")  # no Urdu concern_stage_2 ships
    assert (message.language, message.interpreter_needed) == ("en", True)
    [alert] = Alert.objects.filter(rule="translation_needed")
    assert alert.reason == (
        "Mrs Anna Kowalska's preferred language is Urdu, and there is no Urdu version of this template: "
        "'Attendance concern: stage 2 (invitation to meet)' (printed and posted or handed over by staff, "
        "25 Nov 2026) is in English. Arrange an interpreter or a translation, or telephone the family."
    )
    client.force_login(place["officer"])
    text = client.get(f"/work/?list=school&school={place['school'].urn}").content.decode()
    assert "Interpreter or translation needed" in text and "there is no Urdu version" in text
    messages_page = client.get(f"/letters/pupils/{place['pupil'].upn}/").content.decode()
    assert "Interpreter or translation needed" in messages_page
    detail = client.get(f"/letters/pupils/{place['pupil'].upn}/messages/{message.pk}/").content.decode()
    assert 'data-testid="interpreter-needed"' in detail

    # A second message to her adds to the same alert; once dismissed, it does not come back for her.
    sent_letter(place, name="concern_stage_3")
    assert Alert.objects.get(pk=alert.pk).measure == 2
    Alert.objects.filter(pk=alert.pk).update(status="dismissed", dismissed_reason="Reads English well")
    sent_letter(place, name="health_absence")
    assert Alert.objects.filter(rule="translation_needed", status="new").count() == 0


def test_a_polish_speaker_gets_the_polish_variant_and_no_flag(place):
    place["mother"].preferred_language = "Polish"
    place["mother"].save()
    message = sent_letter(place, name="concern_stage_1")
    assert (message.language, message.interpreter_needed) == ("pl", False)
    assert not Alert.objects.filter(rule="translation_needed").exists()


def test_a_contact_recorded_as_needing_an_interpreter_is_flagged_even_in_english(place):
    place["mother"].interpreter_needed = True
    place["mother"].save()
    sent_letter(place)
    [alert] = Alert.objects.filter(rule="translation_needed")
    assert alert.reason.startswith(
        "Mrs Anna Kowalska needs an interpreter (recorded on their contact details)"
    )
