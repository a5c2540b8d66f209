"""Two-factor recovery codes: ten made when the app is set up, shown once, each accepted once, a new set voids
the old one, and only digests are stored."""

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from attend.accounts.two_factor import _stored_form, make_recovery_codes, recovery_codes_left
from attend.audit.models import AuditEvent
from attend.core.tests.factories import make_school, make_user

CODE = re.compile(rb"<code>([a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4})</code>")


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.fixture
def officer(db, settings):
    settings.ATTEND_REQUIRE_2FA = True
    return make_user("officer", role="school_officer", school=make_school())


@pytest.fixture
def enrolled(officer):
    """An officer with an app and recovery codes, signed in but not yet past two-factor in this session."""
    TOTPDevice.objects.create(user=officer, name="Authenticator app", confirmed=True)
    return officer, make_recovery_codes(officer)


def test_setting_up_the_app_shows_ten_codes_once(officer, client):
    client.force_login(officer)
    client.get("/two-factor/?next=/")
    device = TOTPDevice.objects.get(user=officer)
    response = client.post("/two-factor/", {"token": code_for(device), "next": "/"})
    assert response.status_code == 200
    codes = [c.decode() for c in CODE.findall(response.content)]
    assert len(codes) == len(set(codes)) == 10
    assert b"only time they are shown" in response.content
    assert recovery_codes_left(officer) == 10
    # Only digests are stored, never the codes.
    stored = set(StaticToken.objects.values_list("token", flat=True))
    assert not stored & {c.replace("-", "") for c in codes} and not stored & set(codes)
    assert client.get("/").status_code == 200  # the session has passed two-factor
    assert AuditEvent.objects.filter(action="accounts.recovery_codes.made", actor=officer).exists()


def test_a_recovery_code_signs_in_once(enrolled, client):
    officer, codes = enrolled
    client.force_login(officer)
    response = client.post("/two-factor/", {"token": codes[3].upper(), "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert recovery_codes_left(officer) == 9
    event = AuditEvent.objects.get(action="accounts.two_factor.recovery_code_used")
    assert event.data == {"left": 9}

    client.logout()
    client.force_login(officer)
    again = client.post("/two-factor/", {"token": codes[3], "next": "/"})
    assert again.status_code == 200 and b"has been used already" in again.content
    assert client.get("/").status_code == 302


def test_a_made_up_code_is_refused(enrolled, client):
    officer, _ = enrolled
    client.force_login(officer)
    response = client.post("/two-factor/", {"token": "aaaa-bbbb-cccc-dddd"})
    assert b"not right" in response.content
    assert client.get("/").status_code == 302
    assert recovery_codes_left(officer) == 10


def test_recovery_codes_are_not_accepted_while_setting_up_the_app(officer, client):
    codes = make_recovery_codes(officer)  # e.g. left over after an administrator reset the phone
    client.force_login(officer)
    response = client.post("/two-factor/", {"token": codes[0]})
    assert b"Set up two-factor authentication" in response.content
    assert client.get("/").status_code == 302
    assert recovery_codes_left(officer) == 10


def test_a_new_set_voids_the_old_one(enrolled, client):
    officer, old = enrolled
    client.force_login(officer)
    client.post("/two-factor/", {"token": code_for(TOTPDevice.objects.get(user=officer))})
    page = client.get("/two-factor/recovery-codes/")
    assert page.status_code == 200 and b"You have 10 unused recovery codes" in page.content
    response = client.post("/two-factor/recovery-codes/")
    new = [c.decode() for c in CODE.findall(response.content)]
    assert len(new) == 10 and not set(new) & set(old)
    assert StaticDevice.objects.filter(user=officer).count() == 1

    client.logout()
    client.force_login(officer)
    assert b"not right" in client.post("/two-factor/", {"token": old[0]}).content
    # A wrong code makes django-otp wait before the next try; the wait is not what this test is about.
    StaticDevice.objects.get(user=officer).throttle_reset()
    assert client.post("/two-factor/", {"token": new[0]}).status_code == 302


def test_making_new_codes_needs_a_session_past_two_factor(enrolled, client):
    officer, codes = enrolled
    client.force_login(officer)
    response = client.post("/two-factor/recovery-codes/")
    assert response.status_code == 302 and response["Location"].startswith("/two-factor/")
    assert not CODE.findall(response.content)
    assert recovery_codes_left(officer) == 10  # the old set still works
    assert client.post("/two-factor/", {"token": codes[0]}).status_code == 302


def test_few_codes_left_brings_a_warning(enrolled, client):
    officer, codes = enrolled
    StaticToken.objects.filter(token__in=[_stored_form(c) for c in codes[:7]]).delete()  # used up earlier
    client.force_login(officer)
    response = client.post("/two-factor/", {"token": codes[7], "next": "/"}, follow=True)
    assert response.redirect_chain[0][0] == "/"
    assert b"You have 2 recovery codes left" in response.content
