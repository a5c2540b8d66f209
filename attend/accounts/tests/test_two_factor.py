"""TOTP two-factor authentication: required when ATTEND_REQUIRE_2FA is on, and for anyone who set it up."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from attend.audit.models import AuditEvent
from attend.core.tests.factories import make_school, make_user


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.fixture
def officer(db):
    return make_user("officer", role="school_officer", school=make_school())


@pytest.fixture
def required(settings):
    settings.ATTEND_REQUIRE_2FA = True


def test_when_required_pages_wait_for_a_code(officer, client, required):
    client.force_login(officer)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/two-factor/?next=/"
    assert client.get("/admin/").status_code in (302, 403)


def test_setting_up_and_verifying_opens_the_pages(officer, client, required):
    client.force_login(officer)
    page = client.get("/two-factor/?next=/")
    assert page.status_code == 200
    assert b"Set up two-factor authentication" in page.content and b"data:image/svg+xml" in page.content
    device = TOTPDevice.objects.get(user=officer, confirmed=False)

    wrong = client.post("/two-factor/", {"token": "000000" if code_for(device) != "000000" else "111111"})
    assert b"That code is not right" in wrong.content
    assert AuditEvent.objects.filter(action="accounts.two_factor.failed").exists()

    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    response = client.post("/two-factor/", {"token": code_for(device), "next": "/"})
    # The recovery codes are shown once (test_recovery_codes.py), with a link on to the page asked for.
    assert response.status_code == 200 and b"Your recovery codes" in response.content
    assert b'href="/"' in response.content
    assert TOTPDevice.objects.get(user=officer).confirmed
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="accounts.two_factor.enrolled", actor=officer).exists()


def test_a_user_with_a_device_is_asked_even_when_not_required(officer, client):
    TOTPDevice.objects.create(user=officer, name="phone", confirmed=True)
    client.force_login(officer)
    assert client.get("/")["Location"] == "/two-factor/?next=/"
    assert b"Enter your code" in client.get("/two-factor/").content


def test_without_the_setting_or_a_device_no_code_is_asked(officer, client):
    client.force_login(officer)
    assert client.get("/").status_code == 200


def test_next_cannot_send_the_user_to_another_site(officer, client, required):
    client.force_login(officer)
    client.get("/two-factor/")
    device = TOTPDevice.objects.get(user=officer)
    response = client.post("/two-factor/", {"token": code_for(device), "next": "https://evil.example/"})
    assert b"Your recovery codes" in response.content and b"evil.example" not in response.content
