"""The referral pages: making a referral from a case, the refusals in a GOV.UK error summary, recording the
service's reply, the case's referrals listed, and scope (another LA's case is not found; a class teacher cannot
write). Today is Wednesday 19 November 2025."""

from __future__ import annotations

import pytest

from attend.partnership.models import Referral

from .referrals_world import TODAY, make_referrals_world


@pytest.fixture
def w(db, monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    return make_referrals_world()


def new_url(w, case="case") -> str:
    return f"/partnership/referrals/new/?case={w[case].ref}"


def form(w, service, **extra) -> dict:
    return {"service": str(w[service].pk), "reason": "Cares for her mum; late most days",
            "consent_given_by": "Grace Okafor (mother)", "consent_given_on": "2025-11-18",
            "sent_on": TODAY.isoformat(), **extra}  # fmt: skip


def test_the_case_page_has_a_refer_action(client, w):
    client.force_login(w["officer"])
    page = client.get(f"/cases/{w['case'].ref}/").content.decode()
    assert f'href="/partnership/referrals/new/?case={w["case"].ref}">Refer</a>' in page


def test_making_a_referral_from_a_case(client, w):
    client.force_login(w["officer"])
    page = client.get(new_url(w)).content.decode()
    assert (
        "Make a referral" in page and "Mental Health Support Team in schools (CAMHS) (needs consent)" in page
    )
    assert (
        "Families First pilot" not in page.split("<select")[1].split("</select>")[0]
    )  # inactive: not offered
    response = client.post(new_url(w), form(w, "early_help"))
    referral = Referral.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/partnership/referrals/{referral.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Referral to Early Help hub" in page
    assert "Consent given by Grace Okafor (mother) on 18 November 2025" in page
    assert 'Reply due</dt><dd class="govuk-summary-list__value">3 December 2025' in page


def test_blank_form_shows_an_error_summary(client, w):
    client.force_login(w["officer"])
    page = client.post(new_url(w), {"sent_on": ""}).content.decode()
    assert "govuk-error-summary" in page
    for message in (
        "Choose the service to refer to",
        "Enter the reason for the referral",
        "Enter the date sent",
    ):
        assert message in page
    assert Referral.objects.count() == 0


def test_no_consent_for_a_service_that_needs_it_is_refused_with_the_reason(client, w):
    client.force_login(w["officer"])
    data = form(w, "camhs", consent_given_by="", consent_given_on="", lawful_basis="public_task")
    response = client.post(new_url(w), data)
    page = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in page
    assert "accepts referrals only with the family&#x27;s consent" in page
    assert Referral.objects.count() == 0


def test_a_safeguarding_referral_without_consent_is_made(client, w):
    client.force_login(w["officer"])
    response = client.post(new_url(w), form(w, "mash", consent_given_by="", consent_given_on=""))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert (
        "Without consent: Safeguarding: Children Act 1989 section 47" in page
        and "Safeguarding</strong>" in page
    )


def test_recording_the_reply_and_listing_the_cases_referrals(client, w):
    client.force_login(w["officer"])
    client.post(new_url(w), form(w, "camhs", sent_on="2025-10-20"))
    client.post(new_url(w), form(w, "early_help"))
    camhs = Referral.objects.get(service=w["camhs"])
    url = f"/partnership/referrals/{camhs.pk}/"
    page = client.get(url).content.decode()
    assert "No reply: the service replies within 20 days; it was due 9 November 2025." in page
    assert "Other referrals on this case" in page and "Early Help hub" in page
    bad = client.post(url, {"status": "closed", "on": TODAY.isoformat()}).content.decode()
    assert "govuk-error-summary" in bad and "Enter the outcome before closing the referral" in bad
    response = client.post(url, {"status": "accepted", "on": "2025-11-12", "note": "Assessment booked"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "12 November 2025: Accepted" in page and "Assessment booked" in page and "No reply" not in page
    listing = client.get(new_url(w)).content.decode()
    assert listing.count("partnership/referrals/") >= 2 and ">Accepted</strong>" in listing


def test_another_las_case_is_not_found(client, w):
    client.force_login(w["officer"])
    assert client.get(new_url(w, "south_case")).status_code == 404
    assert client.post(new_url(w, "south_case"), form(w, "early_help")).status_code == 404
    client.force_login(w["outsider"])
    client.force_login(w["officer"])
    client.post(new_url(w), form(w, "early_help"))
    client.force_login(w["outsider"])
    referral = Referral.objects.get()
    assert client.get(f"/partnership/referrals/{referral.pk}/").status_code == 404
    no_case = client.get("/partnership/referrals/new/")  # no case given: where to make one
    assert (
        no_case.status_code == 200
        and "open the case and choose <strong>Refer</strong>" in no_case.content.decode()
    )


def test_a_class_teacher_cannot_make_a_referral(client, w):
    client.force_login(w["teacher"])
    assert client.post(new_url(w), form(w, "early_help")).status_code == 403
    assert Referral.objects.count() == 0


def test_an_inactive_service_posted_anyway_is_refused(client, w):
    client.force_login(w["officer"])
    page = client.post(new_url(w), form(w, "closed")).content.decode()
    assert "govuk-error-summary" in page and "a service no longer active cannot be referred to" in page
    assert Referral.objects.count() == 0
