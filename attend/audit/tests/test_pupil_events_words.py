"""Issue 23 item 7: the audit view speaks in people's words (no "web.work_pupil", no rule ids) and uses the
service's GOV.UK styles."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from attend import audit
from attend.alerts.models import Alert
from attend.alerts.services import alert_acknowledge, alert_dismiss
from attend.audit.display import describe, page_words
from attend.audit.models import AuditEvent
from attend.core.tests.factories import make_pupil, make_school, make_user
from attend.people.models import Enrolment

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


@pytest.fixture
def world():
    school = make_school(name="Alder Primary")
    pupil = make_pupil(school=school, surname="Abblethwaite", legal_forename="Isla")
    officer = make_user("officer", role="school_officer", school=school)
    officer.first_name, officer.last_name = "Sam", "Officer"
    officer.save()
    dsl = make_user("dsl", role="dsl", school=school)
    enrolment = Enrolment.objects.get(pupil=pupil)
    day = dt.date(2025, 11, 19)
    alert = Alert.objects.create(
        rule="severe_absence", pupil=pupil, enrolment=enrolment, school=school, raised_on=day,
        last_evaluated_on=day, reason="Missed 52%", evidence=[], measure=52, peak_measure=52,
    )  # fmt: skip
    return {"pupil": pupil, "officer": officer, "dsl": dsl, "alert": alert}


def test_pages_and_rules_are_in_words(world):
    pupil, officer = world["pupil"], world["officer"]
    for page in ("web.work_pupil", "web.pupil"):
        audit.record("people.pupil.viewed", by=officer, obj=pupil, data={"page": page})
    alert = alert_acknowledge(alert=world["alert"], by=officer)
    alert_dismiss(alert=alert, reason="Hospital stay, school knows", by=officer)
    sentences = [describe(e) for e in AuditEvent.objects.filter(pupil=pupil).order_by("id")]
    assert sentences == [
        "Sam Officer viewed Isla Abblethwaite's alerts.",
        "Sam Officer viewed Isla Abblethwaite's attendance record.",
        "Sam Officer acknowledged the alert “Severe absence” about Isla Abblethwaite.",
        "Sam Officer dismissed the alert “Severe absence” about Isla Abblethwaite: "
        "Hospital stay, school knows",
    ]


def test_an_unlisted_internal_page_name_is_still_words():
    assert page_words("casework.contact_safety") == "contact safety record"
    assert page_words("letters.something_new") == "something new"
    assert page_words("deletion form") == "deletion form"


def test_the_audit_page_uses_the_service_styles(client, world):
    audit.record(
        "people.pupil.viewed", by=world["officer"], obj=world["pupil"], data={"page": "web.work_pupil"}
    )
    client.force_login(world["dsl"])
    response = client.get(f"/audit/pupil/{world['pupil'].upn}/")
    body, page = response.content.decode(), text(response)
    assert '<h1 class="govuk-heading-l">' in body
    assert '<table class="govuk-table"' in body and 'class="govuk-table__cell"' in body
    assert "<table>" not in body and "<h1>" not in body
    assert "Sam Officer viewed Isla Abblethwaite's alerts." in page
    assert "web.work_pupil" not in page
    assert f'href="/pupils/{world["pupil"].upn}/" class="govuk-back-link"' in body
